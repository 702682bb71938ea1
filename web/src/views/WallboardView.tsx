import { PlannedView } from "./PlannedView";

/** The supervisor wallboard: agents and queues in real time. */
export function WallboardView() {
  return (
    <PlannedView title="Wallboard">
      <p>Live agent and queue status will appear here.</p>
    </PlannedView>
  );
}
