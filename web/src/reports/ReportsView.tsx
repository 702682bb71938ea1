import { ReportsPage } from "./ReportsPage";

/** Reports (supervisors and admins): the exported reports as a table and a chart, and their files. */
export function ReportsView() {
  return (
    <section class="view" aria-labelledby="view-title">
      <div class="view__header">
        <h1 id="view-title" class="view__title" tabIndex={-1}>
          Reports
        </h1>
        <p class="view__subtitle">The daily exports: pick a report and the days.</p>
      </div>
      <ReportsPage />
    </section>
  );
}
