import { StatusToolbar } from "../agent/StatusToolbar";

/** The agent workspace: the status toolbar on top; interactions, wrap-up and today's performance below. */
export function WorkspaceView() {
  return (
    <section class="view workspace" aria-labelledby="view-title">
      <h1 id="view-title" class="view__title" tabIndex={-1}>
        Workspace
      </h1>
      <StatusToolbar />
      <div class="card empty-state">
        <p>Your interactions, wrap-up and today's performance will appear here.</p>
      </div>
    </section>
  );
}
