import { StatusToolbar } from "../agent/StatusToolbar";
import { InteractionsWorkspace } from "../interactions/InteractionsWorkspace";

/** The agent workspace: the status toolbar on top; today's performance, offers, conversations and recent activity below. */
export function WorkspaceView() {
  return (
    <section class="view workspace" aria-labelledby="view-title">
      <h1 id="view-title" class="view__title" tabIndex={-1}>
        Workspace
      </h1>
      <StatusToolbar />
      <InteractionsWorkspace />
    </section>
  );
}
