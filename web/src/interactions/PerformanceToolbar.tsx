/** Today's performance between conversations: interactions, successful, unsure, failed, handle time. */

import { formatDuration, spokenDuration } from "../agent/duration";
import type { TodayPerformance } from "./protocol";

export function PerformanceToolbar({ today }: { today: TodayPerformance | null }) {
  const items: { key: string; label: string; value: string; spoken?: string }[] = [
    { key: "interactions", label: "Interactions", value: today ? String(today.interactions) : "–" },
    { key: "successful", label: "Successful", value: today ? String(today.successful) : "–" },
    { key: "unsure", label: "Unsure", value: today ? String(today.unsure) : "–" },
    { key: "failed", label: "Failed contacts", value: today ? String(today.failed) : "–" },
    {
      key: "handle",
      label: "Handle time",
      value: today ? formatDuration(today.handleSeconds) : "–",
      ...(today ? { spoken: spokenDuration(today.handleSeconds) } : {}),
    },
  ];
  return (
    <section class="performance" aria-labelledby="performance-title">
      <h2 id="performance-title" class="visually-hidden">
        Today's performance
      </h2>
      <dl class="performance__list">
        {items.map((item) => (
          <div key={item.key} class={`performance__item performance__item--${item.key}`}>
            <dt>{item.label}</dt>
            <dd>
              <span aria-hidden={item.spoken ? "true" : undefined}>{item.value}</span>
              {item.spoken && <span class="visually-hidden">{item.spoken}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
