import { describe, expect, it } from "vitest";
import type { AgentStatus } from "../src/agent/agentState";
import {
  countByStatus,
  mergeRosterState,
  parseRoster,
  replaceRoster,
  type RosterRow,
  shownStatus,
} from "../src/wallboard/roster";
import { LUNCH, stateView } from "./agentStateFixtures";

function row(agentId: string, name: string, version: number, status: AgentStatus = "Available"): RosterRow {
  return { name, teamId: "team-care", capacity: 5, skills: [], state: stateView({ agentId, version, status }) };
}

describe("parseRoster", () => {
  it("reads the rows of listAgentStates and skips unreadable ones", () => {
    const wire = [
      { ...stateView({ agentId: "a1" }), name: "Ana Agent", teamId: "team-care" },
      { agentId: "a2", status: "Napping" },
      { ...stateView({ agentId: "a3", version: 0, status: "Offline" }), teamId: null },
    ];
    const rows = parseRoster(wire);
    expect(rows?.map((r) => [r.state.agentId, r.name, r.teamId])).toEqual([
      ["a1", "Ana Agent", "team-care"],
      ["a3", "a3", null],
    ]);
    expect(parseRoster({ agents: [] })).toBeNull();
  });

  it("reads each agent's max capacity and skills with their proficiency", () => {
    const skills = [
      { skillId: "skill-billing", name: "Billing", proficiency: 5 },
      { skillId: "skill-gone", name: "", proficiency: 2 },
      { skillId: 7, proficiency: 1 },
    ];
    const [ana, ben] = parseRoster([
      { ...stateView({ agentId: "a1" }), name: "Ana", teamId: null, capacity: 3, skills },
      { ...stateView({ agentId: "a2" }), name: "Ben", teamId: null },
    ]) ?? [];
    expect(ana?.capacity).toBe(3);
    expect(ana?.skills).toEqual([
      { skillId: "skill-billing", name: "Billing", proficiency: 5 },
      { skillId: "skill-gone", name: "skill-gone", proficiency: 2 },
    ]);
    expect([ben?.capacity, ben?.skills]).toEqual([5, []]);
  });
});

describe("shownStatus", () => {
  it("shows Busy for an Available agent at the row's capacity, also after a push", () => {
    const full = { ...row("a1", "Ana", 1), capacity: 2 };
    expect(shownStatus({ ...full, state: stateView({ agentId: "a1", activeInteractions: 1 }) })).toBe("Available");
    const pushed = mergeRosterState([full], stateView({ agentId: "a1", version: 2, activeInteractions: 2 })).rows;
    expect(pushed[0]?.capacity).toBe(2);
    expect(shownStatus(pushed[0] as RosterRow)).toBe("Busy");
    expect(countByStatus(pushed)).toEqual({ Available: 0, Busy: 1, Away: 0, Offline: 0 });
  });
});

describe("mergeRosterState", () => {
  const rows = [row("a1", "Ana", 3), row("a2", "Ben", 8)];

  it("updates the agent's row with a newer state and leaves the others alone", () => {
    const merged = mergeRosterState(rows, stateView({ agentId: "a2", version: 9, status: "Away", reason: LUNCH }));
    expect(merged.unknown).toBe(false);
    expect(merged.rows[1]?.state).toMatchObject({ status: "Away", version: 9 });
    expect(merged.rows[1]?.name).toBe("Ben");
    expect(merged.rows[0]).toBe(rows[0]);
    expect(rows[1]?.state.version).toBe(8);
  });

  it("returns the same rows for an older or equal version", () => {
    expect(mergeRosterState(rows, stateView({ agentId: "a2", version: 8, status: "Offline" })).rows).toBe(rows);
    expect(mergeRosterState(rows, stateView({ agentId: "a2", version: 2, status: "Offline" })).rows).toBe(rows);
  });

  it("reports an agent who is not on the board", () => {
    expect(mergeRosterState(rows, stateView({ agentId: "a9", version: 1 }))).toEqual({ rows, unknown: true });
  });
});

describe("replaceRoster", () => {
  it("takes scope, names and order from the listing but keeps a newer state already shown", () => {
    const shown = [row("a1", "Ana", 5, "Away"), row("a2", "Ben", 2)];
    const listed = [row("a3", "Cy", 1), row("a2", "Ben Brown", 4, "Busy"), row("a1", "Ana", 4)];
    const rows = replaceRoster(shown, listed);
    expect(rows.map((r) => [r.state.agentId, r.name, r.state.version, r.state.status])).toEqual([
      ["a3", "Cy", 1, "Available"],
      ["a2", "Ben Brown", 4, "Busy"],
      ["a1", "Ana", 5, "Away"],
    ]);
  });
});

describe("countByStatus", () => {
  it("counts every status, zero included", () => {
    const rows = [row("a1", "A", 1, "Away"), row("a2", "B", 1, "Away"), row("a3", "C", 1, "Offline")];
    expect(countByStatus(rows)).toEqual({ Available: 0, Busy: 0, Away: 2, Offline: 1 });
    expect(countByStatus([])).toEqual({ Available: 0, Busy: 0, Away: 0, Offline: 0 });
  });
});
