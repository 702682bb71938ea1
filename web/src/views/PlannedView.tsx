/** The frame of a surface whose features are not built yet: says what it is for, and nothing more. */

import type { ComponentChildren } from "preact";

export function PlannedView({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="view" aria-labelledby="view-title">
      <h1 id="view-title" class="view__title" tabIndex={-1}>
        {title}
      </h1>
      <div class="card empty-state">{children}</div>
    </section>
  );
}
