import { PlannedView } from "./PlannedView";

/** The agent workspace: status and pause codes, interactions, wrap-up, today's performance. */
export function WorkspaceView() {
  return (
    <PlannedView title="Workspace">
      <p>Your status, interactions, wrap-up and today's performance will appear here.</p>
    </PlannedView>
  );
}
