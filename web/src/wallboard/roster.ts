/**
 * The wallboard's rows: every agent in the supervisor's scope with their state, merged with pushes by
 * version (the newest wins, as on the agent's own toolbar), and the counts by status shown above them.
 */

import {
  AGENT_STATUSES,
  type AgentState,
  type AgentStatus,
  DEFAULT_CAPACITY,
  displayedStatus,
  isNewer,
  parseAgentState,
  parseCapacity,
} from "../agent/agentState";

/** A skill the agent has, with their proficiency (1-5). */
export interface SkillLevel {
  skillId: string;
  name: string;
  proficiency: number;
}

export interface RosterRow {
  name: string;
  teamId: string | null;
  /** The user's maxConcurrent; pushes do not carry it, so the row keeps it from the listing. */
  capacity: number;
  skills: SkillLevel[];
  state: AgentState;
}

function parseSkills(value: unknown): SkillLevel[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== "object" || item === null) return [];
    const { skillId, name, proficiency } = item as Record<string, unknown>;
    if (typeof skillId !== "string" || typeof proficiency !== "number") return [];
    return [{ skillId, name: typeof name === "string" && name !== "" ? name : skillId, proficiency }];
  });
}

/** One row of `listAgentStates`: a state view plus `name`, `teamId`, `capacity` and `skills`; null when unreadable. */
export function parseRosterRow(value: unknown): RosterRow | null {
  const state = parseAgentState(value);
  if (state === null) return null;
  const fields = value as Record<string, unknown>;
  const name = typeof fields["name"] === "string" && fields["name"] !== "" ? fields["name"] : state.agentId;
  const teamId = typeof fields["teamId"] === "string" ? fields["teamId"] : null;
  const capacity = parseCapacity(fields["capacity"]) ?? DEFAULT_CAPACITY;
  return { name, teamId, capacity, skills: parseSkills(fields["skills"]), state };
}

/** The status the row shows: Busy when the agent is Available at capacity (or on a voice call). */
export function shownStatus(row: RosterRow): AgentStatus {
  return displayedStatus(row.state, row.capacity);
}

export function parseRoster(value: unknown): RosterRow[] | null {
  if (!Array.isArray(value)) return null;
  return value.map(parseRosterRow).filter((row): row is RosterRow => row !== null);
}

/**
 * The rows after a state arrives: the agent's row takes it when it is newer. Returns the same array when
 * nothing changes, and `unknown: true` when the agent is not on the board (the scope may have changed).
 */
export function mergeRosterState(
  rows: readonly RosterRow[],
  state: AgentState,
): { rows: RosterRow[]; unknown: boolean } {
  const index = rows.findIndex((row) => row.state.agentId === state.agentId);
  if (index < 0) return { rows: rows as RosterRow[], unknown: true };
  const row = rows[index] as RosterRow;
  if (!isNewer(row.state, state)) return { rows: rows as RosterRow[], unknown: false };
  const next = rows.slice();
  next[index] = { ...row, state };
  return { rows: next, unknown: false };
}

/**
 * A fresh listing replaces the board (who is in scope, names, order), but a state already shown that is
 * newer than the listed one stays: a push can overtake the listing's reply.
 */
export function replaceRoster(shown: readonly RosterRow[], listed: readonly RosterRow[]): RosterRow[] {
  const byAgent = new Map(shown.map((row) => [row.state.agentId, row.state]));
  return listed.map((row) => {
    const current = byAgent.get(row.state.agentId);
    return current !== undefined && !isNewer(current, row.state) ? { ...row, state: current } : row;
  });
}

export type StatusCounts = Record<AgentStatus, number>;

export function countByStatus(rows: readonly RosterRow[]): StatusCounts {
  const counts = Object.fromEntries(AGENT_STATUSES.map((status) => [status, 0])) as StatusCounts;
  for (const row of rows) counts[shownStatus(row)] += 1;
  return counts;
}
