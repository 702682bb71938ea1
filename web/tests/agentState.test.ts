import { describe, expect, it } from "vitest";
import {
  type PendingStatus,
  describePending,
  displayedStatus,
  describeStatus,
  explainState,
  isLockedByPendingLogoff,
  isNewer,
  mergeState,
  parseAgentState,
  parseCapacity,
  parseChange,
} from "../src/agent/agentState";
import { LUNCH, stateView } from "./agentStateFixtures";

describe("parseAgentState", () => {
  it("reads the server's state view", () => {
    const wire = {
      ...stateView({ status: "Away", reason: LUNCH, version: 4 }),
      pending: {
        status: "Offline",
        reason: null,
        cause: "supervisor",
        actorId: "sup-1",
        requestedAt: "2026-03-02T09:05:00.000Z",
        logoffKind: "forced",
      },
    };
    expect(parseAgentState(wire)).toEqual(wire);
  });

  it("refuses what it cannot read", () => {
    expect(parseAgentState(null)).toBeNull();
    expect(parseAgentState({ ...stateView(), status: "Lunch" })).toBeNull();
    expect(parseAgentState({ ...stateView(), version: "3" })).toBeNull();
    expect(parseAgentState({ ...stateView(), agentId: 7 })).toBeNull();
  });

  it("fills what is optional with safe values", () => {
    const parsed = parseAgentState({ agentId: "a", status: "Offline", since: "2026-03-02T09:00:00Z", version: 0 });
    expect(parsed).toMatchObject({
      reason: null,
      pending: null,
      activeInteractions: 0,
      onVoice: false,
      inWrapUp: false,
      sessionId: null,
    });
  });
});

describe("the displayed status", () => {
  it("is Busy for an Available agent at capacity or on a voice call, as the server shows it", () => {
    expect(displayedStatus(stateView({ activeInteractions: 2 }), 3)).toBe("Available");
    expect(displayedStatus(stateView({ activeInteractions: 3 }), 3)).toBe("Busy");
    expect(displayedStatus(stateView({ activeInteractions: 1, onVoice: true }), 3)).toBe("Busy");
    expect(displayedStatus(stateView({ activeInteractions: 5 }))).toBe("Busy"); // the default capacity, 5
  });

  it("leaves every other status as it is", () => {
    expect(displayedStatus(stateView({ status: "Away", reason: LUNCH, activeInteractions: 9 }), 1)).toBe("Away");
    expect(displayedStatus(stateView({ status: "Offline", activeInteractions: 0 }), 1)).toBe("Offline");
  });

  it("reads a capacity only when it is a whole number from 1 to 20", () => {
    expect([parseCapacity(4), parseCapacity(0), parseCapacity(21), parseCapacity("4"), parseCapacity(2.5)]).toEqual([
      4,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe("merging by version", () => {
  const shown = stateView({ version: 5 });

  it("takes a newer version", () => {
    const newer = stateView({ status: "Away", reason: LUNCH, version: 6 });
    expect(isNewer(shown, newer)).toBe(true);
    expect(mergeState(shown, newer)).toBe(newer);
  });

  it("keeps the shown state for an older or equal version (a late reply, a push overtaken by another)", () => {
    expect(mergeState(shown, stateView({ status: "Offline", version: 4 }))).toBe(shown);
    expect(mergeState(shown, stateView({ status: "Offline", version: 5 }))).toBe(shown);
  });

  it("takes anything when nothing is shown yet", () => {
    const first = stateView({ version: 0, status: "Offline" });
    expect(mergeState(null, first)).toBe(first);
  });

  it("never takes another agent's state", () => {
    expect(mergeState(shown, stateView({ agentId: "agent-2", version: 99 }))).toBe(shown);
  });

  it("ends on the newest version whatever order the states arrive in", () => {
    const versions = [3, 7, 5, 6, 7, 2];
    const final = versions.reduce<ReturnType<typeof mergeState>>(
      (current, version) => mergeState(current, stateView({ version })),
      null,
    );
    expect(final?.version).toBe(7);
  });
});

describe("describing a state", () => {
  it("names the status with its pause code", () => {
    expect(describeStatus("Away", LUNCH)).toBe("Away · Lunch");
    expect(describeStatus("Available", null)).toBe("Available");
  });

  it("says what is pending and when it happens", () => {
    const pendingLunch: PendingStatus = {
      status: "Away",
      reason: LUNCH,
      cause: "agent",
      actorId: null,
      requestedAt: null,
      logoffKind: null,
    };
    const pendingLogoff: PendingStatus = { ...pendingLunch, status: "Offline", reason: null, logoffKind: "manual" };
    expect(describePending(stateView({ inWrapUp: true, pending: pendingLunch }))).toBe("Lunch after wrap-up");
    expect(describePending(stateView({ activeInteractions: 1, pending: pendingLogoff }))).toBe(
      "Log off after the current interactions and wrap-up",
    );
    expect(describePending(stateView())).toBeNull();
  });

  it("locks the agent's choices only while a logoff forced by someone else is pending", () => {
    const forced: PendingStatus = {
      status: "Offline",
      reason: null,
      cause: "supervisor",
      actorId: "s",
      requestedAt: null,
      logoffKind: "forced",
    };
    const own: PendingStatus = { ...forced, cause: "agent", logoffKind: "manual" };
    expect(isLockedByPendingLogoff(stateView({ pending: forced }))).toBe(true);
    expect(isLockedByPendingLogoff(stateView({ pending: own }))).toBe(false);
    expect(isLockedByPendingLogoff(stateView())).toBe(false);
  });

  it("reads the change of a push", () => {
    expect(parseChange({ cause: "supervisor", actorId: "s1", logoffKind: "forced", command: "logoff" })).toEqual({
      cause: "supervisor",
      actorId: "s1",
      logoffKind: "forced",
      command: "logoff",
    });
    expect(parseChange({ cause: "someone" })).toBeNull();
  });
});

describe("explainState", () => {
  const change = (cause: "agent" | "supervisor" | "system", logoffKind: "forced" | "auto" | null = null) => ({
    cause,
    actorId: "x",
    logoffKind,
    command: null,
  });

  it("says nothing about the agent's own changes", () => {
    expect(explainState(stateView({ status: "Away", reason: LUNCH }), change("agent"))).toBeNull();
    expect(explainState(stateView(), null)).toBeNull();
  });

  it("names a supervisor's change", () => {
    expect(explainState(stateView({ status: "Away", reason: LUNCH }), change("supervisor"))).toBe(
      "A supervisor set your status to Away · Lunch.",
    );
    expect(explainState(stateView({ status: "Offline", version: 4 }), change("supervisor", "forced"))).toBe(
      "A supervisor logged you off.",
    );
  });

  it("explains the midnight logoff and the Away of a lost connection (even without the push)", () => {
    expect(explainState(stateView({ status: "Offline" }), change("system", "auto"))).toMatch(/automatically/);
    const disconnected = stateView({
      status: "Away",
      reason: { code: "Disconnected", label: "Disconnected", productive: false },
    });
    expect(explainState(disconnected, null)).toMatch(/connection was lost/);
  });
});
