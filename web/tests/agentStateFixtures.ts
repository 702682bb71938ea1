/** Agent state views as the server sends them, for the state, toolbar and wallboard tests. */

import type { AgentState } from "../src/agent/agentState";

export const AGENT = "agent-1";

export function stateView(overrides: Partial<AgentState> = {}): AgentState {
  return {
    agentId: AGENT,
    status: "Available",
    reason: null,
    since: "2026-03-02T09:00:00.000Z",
    sessionId: "ses_1",
    loginAt: "2026-03-02T09:00:00.000Z",
    pending: null,
    activeInteractions: 0,
    onVoice: false,
    inWrapUp: false,
    version: 1,
    ...overrides,
  };
}

export const LUNCH = { code: "lunch", label: "Lunch", productive: false };
export const TRAINING = { code: "training", label: "Training", productive: true };
