/**
 * An agent's state as the server reports it (the `state` of acks and `agent.state` pushes), read field by
 * field, and the one rule for combining what arrives: a state replaces the shown one only when its
 * `version` is newer, so a late reply or a push overtaken by another never moves the display backwards.
 */

export type AgentStatus = "Offline" | "Available" | "Busy" | "Away";

export const AGENT_STATUSES: readonly AgentStatus[] = ["Available", "Busy", "Away", "Offline"];

/** The statuses an agent can ask for; Offline is reached by logging off. */
export type RequestableStatus = "Available" | "Away" | "Busy";

export type Cause = "agent" | "supervisor" | "system";

export type LogoffKind = "manual" | "forced" | "auto";

/** The pause (aux) code an Away or Busy agent carries. */
export interface Reason {
  code: string;
  label: string;
  productive: boolean;
}

/** A status waiting for the agent's interactions and wrap-up to end. */
export interface PendingStatus {
  status: AgentStatus;
  reason: Reason | null;
  cause: Cause;
  actorId: string | null;
  requestedAt: string | null;
  logoffKind: LogoffKind | null;
}

export interface AgentState {
  agentId: string;
  status: AgentStatus;
  reason: Reason | null;
  /** When the status or the pause code last changed (UTC ISO-8601); null for an agent never logged in. */
  since: string | null;
  sessionId: string | null;
  loginAt: string | null;
  pending: PendingStatus | null;
  activeInteractions: number;
  /** On a voice call, which takes the agent's full capacity. */
  onVoice: boolean;
  inWrapUp: boolean;
  /** Grows by one with every change; 0 for an agent with no recorded state yet. */
  version: number;
}

/** What caused the latest change, from an `agent.state` push. */
export interface StateChange {
  cause: Cause;
  actorId: string | null;
  logoffKind: LogoffKind | null;
  command: string | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export function isAgentStatus(value: unknown): value is AgentStatus {
  return typeof value === "string" && (AGENT_STATUSES as readonly string[]).includes(value);
}

function isCause(value: unknown): value is Cause {
  return value === "agent" || value === "supervisor" || value === "system";
}

function logoffKind(value: unknown): LogoffKind | null {
  return value === "manual" || value === "forced" || value === "auto" ? value : null;
}

export function parseReason(value: unknown): Reason | null {
  if (!isObject(value)) return null;
  const { code, label, productive } = value;
  if (typeof code !== "string" || typeof label !== "string") return null;
  return { code, label, productive: productive === true };
}

function parsePending(value: unknown): PendingStatus | null {
  if (!isObject(value) || !isAgentStatus(value["status"])) return null;
  return {
    status: value["status"],
    reason: parseReason(value["reason"]),
    cause: isCause(value["cause"]) ? value["cause"] : "agent",
    actorId: optionalText(value["actorId"]),
    requestedAt: optionalText(value["requestedAt"]),
    logoffKind: logoffKind(value["logoffKind"]),
  };
}

/** The state view of an ack or push; null when the server sent something this app cannot read. */
export function parseAgentState(value: unknown): AgentState | null {
  if (!isObject(value)) return null;
  const { agentId, status, since, version } = value;
  if (typeof agentId !== "string" || !isAgentStatus(status)) return null;
  if (since !== null && typeof since !== "string") return null;
  if (typeof version !== "number" || !Number.isInteger(version)) return null;
  const active = value["activeInteractions"];
  return {
    agentId,
    status,
    reason: parseReason(value["reason"]),
    since,
    sessionId: optionalText(value["sessionId"]),
    loginAt: optionalText(value["loginAt"]),
    pending: parsePending(value["pending"]),
    activeInteractions: typeof active === "number" && active >= 0 ? active : 0,
    onVoice: value["onVoice"] === true,
    inWrapUp: value["inWrapUp"] === true,
    version,
  };
}

/** The `change` of an `agent.state` push; null when it is missing or unreadable. */
export function parseChange(value: unknown): StateChange | null {
  if (!isObject(value) || !isCause(value["cause"])) return null;
  return {
    cause: value["cause"],
    actorId: optionalText(value["actorId"]),
    logoffKind: logoffKind(value["logoffKind"]),
    command: optionalText(value["command"]),
  };
}

/** True when `incoming` should replace `shown`: another agent's state never does, an older or equal version neither. */
export function isNewer(shown: AgentState | null, incoming: AgentState): boolean {
  if (shown === null) return true;
  return incoming.agentId === shown.agentId && incoming.version > shown.version;
}

/** The state to show after `incoming` arrives (the same object when nothing changes). */
export function mergeState(shown: AgentState | null, incoming: AgentState): AgentState | null {
  return isNewer(shown, incoming) ? incoming : shown;
}

/** The default maxConcurrent of a user (the server's DEFAULT_CAPACITY). */
export const DEFAULT_CAPACITY = 5;

/** A capacity as the server sends it (1-20), or null. */
export function parseCapacity(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 20 ? value : null;
}

/**
 * What every view shows (the server's `displayed_status`): an Available agent at capacity, or on a voice
 * call, shows Busy. Pushed states carry no capacity, so views pass the agent's (wallboard row, getState).
 */
export function displayedStatus(state: AgentState, capacity: number = DEFAULT_CAPACITY): AgentStatus {
  const full = state.onVoice || state.activeInteractions >= capacity;
  return state.status === "Available" && full ? "Busy" : state.status;
}

export function isLoggedIn(state: AgentState): boolean {
  return state.status !== "Offline";
}

/**
 * A pending logoff forced by a supervisor or the midnight logoff cannot be overridden by the agent; the
 * server refuses every status request until it is applied.
 */
export function isLockedByPendingLogoff(state: AgentState): boolean {
  const pending = state.pending;
  return pending !== null && pending.status === "Offline" && pending.cause !== "agent";
}

/** "Away · Lunch", "Available", "Offline": a status in words. */
export function describeStatus(status: AgentStatus, reason: Reason | null): string {
  return reason ? `${status} · ${reason.label}` : status;
}

/** The pending status in words: "Lunch after wrap-up", "Log off after the current interactions and wrap-up". */
export function describePending(state: AgentState): string | null {
  const pending = state.pending;
  if (pending === null) return null;
  const what = pending.status === "Offline" ? "Log off" : pending.reason ? pending.reason.label : pending.status;
  const when = state.activeInteractions > 0 ? "after the current interactions and wrap-up" : "after wrap-up";
  return `${what} ${when}`;
}

/**
 * Why the status is what it is when the agent did not choose it: a supervisor's change, the midnight
 * logoff, or the system's Away when the connection was lost. Null for the agent's own changes.
 */
export function explainState(state: AgentState, change: StateChange | null): string | null {
  // Known from the state alone, so it is explained after a reload too.
  if (state.status === "Away" && state.reason?.code.toLowerCase() === "disconnected") {
    return "You were set Away because your connection was lost. Choose Available when you are ready.";
  }
  if (change === null || change.cause === "agent") return null;
  if (change.cause === "supervisor") {
    if (state.status === "Offline") return "A supervisor logged you off.";
    if (state.pending?.status === "Offline" && state.pending.cause === "supervisor") {
      return "A supervisor is logging you off; it happens after wrap-up.";
    }
    return `A supervisor set your status to ${describeStatus(state.status, state.reason)}.`;
  }
  if (state.status === "Offline" && change.logoffKind === "auto") {
    return "You were logged off automatically at the end of the day.";
  }
  return null;
}
