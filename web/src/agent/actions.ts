/**
 * The agent state actions of the WebSocket protocol (see docs/asyncapi.yaml and docs/agent-state.md):
 * their request fields and acks, and the session's connection typed for them.
 */

import type { DeskConnection } from "../realtime/connection";
import type { RequestableStatus } from "./agentState";

/** Acks carry the state view unparsed; `parseAgentState` reads it. */
interface StateAck {
  state: unknown;
}

export interface AgentStateActions {
  login: { request: { reason?: string }; ack: StateAck };
  logoff: { request: Record<string, never>; ack: StateAck };
  setStatus: { request: { status: RequestableStatus; reason?: string }; ack: StateAck };
  /** Also carries the agent's `capacity` (maxConcurrent), for the displayed status. */
  getState: { request: { agentId?: string }; ack: StateAck & { capacity?: unknown } };
  forceStatus: { request: { agentId: string; status: RequestableStatus; reason?: string }; ack: StateAck };
  forceLogoff: { request: { agentId: string }; ack: StateAck };
  /** Each row is a state view plus `name`, `teamId`, `capacity`, `skills` and `displayedStatus`. */
  listAgentStates: { request: Record<string, never>; ack: { agents: unknown } };
}

export type AgentStateConnection = DeskConnection<AgentStateActions>;

/**
 * The shell's connection, typed for these actions. The connection sends any action name it is given; the
 * action table only types requests and acks, so the cast changes no behaviour.
 */
export function agentStateConnection(connection: DeskConnection): AgentStateConnection {
  return connection as unknown as AgentStateConnection;
}
