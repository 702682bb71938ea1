/** A status with its colour (Available green, Busy red, Away amber, Offline grey), the pause code beside it. */

import type { AgentStatus, Reason } from "./agentState";

export function StatusBadge({ status, size = "normal" }: { status: AgentStatus; size?: "normal" | "large" }) {
  return (
    <span class={`status-badge status-badge--${status.toLowerCase()}${size === "large" ? " status-badge--large" : ""}`}>
      <span class="status-badge__dot" aria-hidden="true" />
      {status}
    </span>
  );
}

/** "Productive" / "Unproductive", for pause codes in menus, dialogs and the wallboard. */
export function ProductiveTag({ productive, id }: { productive: boolean; id?: string }) {
  return (
    <span id={id} class={`tag ${productive ? "tag--productive" : "tag--unproductive"}`}>
      {productive ? "Productive" : "Unproductive"}
    </span>
  );
}

/** The pause code's label (and whether it is productive), or nothing when not paused. */
export function ReasonLabel({ reason }: { reason: Reason | null }) {
  if (reason === null) return null;
  return (
    <span class="reason">
      <span class="reason__label">{reason.label}</span>
      <ProductiveTag productive={reason.productive} />
    </span>
  );
}
