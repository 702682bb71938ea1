/**
 * The supervisor wallboard: counts by status, then every agent in scope with status, pause code, time in
 * status (ticking) and interactions, live through `RosterFeed`; today's handled, average handle and pause time
 * from `metrics.today` (TodayCells.tsx); per agent "Force status" and "Force logoff".
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import { agentStateConnection } from "../agent/actions";
import { AGENT_STATUSES, type AgentState, describePending, describeStatus } from "../agent/agentState";
import { ReasonLabel, StatusBadge } from "../agent/StatusBadge";
import { StatusTimer } from "../agent/StatusTimer";
import { usePauseCodes } from "../agent/usePauseCodes";
import { useSecondTick } from "../agent/useSecondTick";
import { type Stamped, useMetricsToday } from "../metrics/metricsFeed";
import type { AgentToday } from "../metrics/metricsToday";
import { useConnection } from "../ui/connectionContext";
import { ConversationsPanel } from "./ConversationsPanel";
import { ForceLogoffDialog } from "./ForceLogoffDialog";
import { ForceStatusDialog } from "./ForceStatusDialog";
import { QueuesPanel } from "./QueuesPanel";
import { type RosterRow, countByStatus, shownStatus } from "./roster";
import { RosterFeed, type RosterSnapshot } from "./rosterFeed";
import { TODAY_HEADERS, TodayCells } from "./TodayCells";

type Dialog = { kind: "status" | "logoff"; agentId: string } | null;

// How long a confirmation ("Carol Agent: Away · Lunch.") stays on screen.
const OUTCOME_MS = 8_000;

function useRoster(): { snapshot: RosterSnapshot; feed: RosterFeed } {
  const connection = useConnection();
  const [snapshot, setSnapshot] = useState<RosterSnapshot>({ rows: null, connected: false, error: null });
  const feed = useMemo(() => new RosterFeed(agentStateConnection(connection), setSnapshot), [connection]);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  return { snapshot, feed };
}

export function Wallboard() {
  const { snapshot, feed } = useRoster();
  const metrics = useMetricsToday();
  const now = useSecondTick(Object.values(metrics.agents ?? {}).some((a) => a.figures.open?.pauseCode));
  const pauseCodes = usePauseCodes();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const rows = snapshot.rows;
  const counts = countByStatus(rows ?? []);
  const open = dialog && rows ? rows.find((row) => row.state.agentId === dialog.agentId) : undefined;

  useEffect(() => {
    if (outcome === null) return;
    const timer = setTimeout(() => setOutcome(null), OUTCOME_MS);
    return () => clearTimeout(timer);
  }, [outcome]);

  const done = (name: string, state: AgentState) => {
    setDialog(null);
    const pending = describePending(state);
    setOutcome(
      state.status === "Offline"
        ? `${name} was logged off.`
        : pending
          ? `${name}: ${pending}.`
          : `${name}: ${describeStatus(state.status, state.reason)}.`,
    );
  };

  return (
    <>
      <ul class="status-counts" aria-label="Agents by status">
        {AGENT_STATUSES.map((status) => (
          <li key={status} class={`status-count status-count--${status.toLowerCase()}`}>
            <span class="status-count__value">{rows ? counts[status] : "–"}</span>
            <span class="status-count__label">{status}</span>
          </li>
        ))}
        <li class="status-count status-count--total">
          <span class="status-count__value">{rows ? rows.length : "–"}</span>
          <span class="status-count__label">Agents</span>
        </li>
      </ul>
      {snapshot.error && (
        <p class="banner banner--error" role="alert">
          {snapshot.error}
        </p>
      )}
      <p class="wallboard__outcome" role="status">
        {outcome ?? ""}
      </p>
      <div class="wallboard__grid">
      <div class="card table-card">
        <table class="roster">
          <caption class="visually-hidden">Agents in your teams, live</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
              <th scope="col">Time in status</th>
              <th scope="col" class="roster__number">
                Interactions
              </th>
              {TODAY_HEADERS.map((header) => (
                <th key={header} scope="col" class="roster__number">
                  {header}
                </th>
              ))}
              <th scope="col">Skills</th>
              <th scope="col" class="roster__actions-head">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows === null && (
              <tr>
                <td colSpan={10} class="roster__empty" aria-busy="true">
                  {snapshot.connected ? "Loading agents…" : "Connecting…"}
                </td>
              </tr>
            )}
            {rows !== null && rows.length === 0 && (
              <tr>
                <td colSpan={10} class="roster__empty">
                  No agents are in the teams you supervise.
                </td>
              </tr>
            )}
            {rows?.map((row) => (
              <AgentRow
                key={row.state.agentId}
                row={row}
                today={metrics.agents?.[row.state.agentId]}
                now={now}
                connected={snapshot.connected}
                onForceStatus={() => setDialog({ kind: "status", agentId: row.state.agentId })}
                onForceLogoff={() => setDialog({ kind: "logoff", agentId: row.state.agentId })}
              />
            ))}
          </tbody>
        </table>
      </div>
      <QueuesPanel />
      </div>
      <ConversationsPanel />
      {dialog?.kind === "status" && open && (
        <ForceStatusDialog
          name={open.name}
          state={open.state}
          codes={pauseCodes.codes}
          codesError={pauseCodes.error}
          onClose={() => setDialog(null)}
          onSubmit={async (choice) => {
            const reason = "reason" in choice ? choice.reason : undefined;
            const state = await feed.forceStatus(open.state.agentId, choice.status, reason);
            done(open.name, state);
          }}
        />
      )}
      {dialog?.kind === "logoff" && open && (
        <ForceLogoffDialog
          name={open.name}
          state={open.state}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const state = await feed.forceLogoff(open.state.agentId);
            done(open.name, state);
          }}
        />
      )}
    </>
  );
}

interface RowProps {
  row: RosterRow;
  today: Stamped<AgentToday> | undefined;
  now: number;
  connected: boolean;
  onForceStatus: () => void;
  onForceLogoff: () => void;
}

function AgentRow({ row, today, now, connected, onForceStatus, onForceLogoff }: RowProps) {
  const { state, name } = row;
  const shown = shownStatus(row);
  const loggedIn = state.status !== "Offline";
  const pending = describePending(state);
  const logoffPending = state.pending?.status === "Offline";
  return (
    <tr data-agent-id={state.agentId} data-status={shown}>
      <th scope="row" class="roster__name">
        <span class="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        {name}
      </th>
      <td>
        <StatusBadge status={shown} />
        {shown !== state.status && <span class="pending-hint pending-hint--compact">At capacity</span>}
        {pending && <span class="pending-hint pending-hint--compact">{`Pending: ${pending}`}</span>}
      </td>
      <td>{state.reason ? <ReasonLabel reason={state.reason} /> : <span class="muted">—</span>}</td>
      <td>
        {state.since !== null ? (
          <StatusTimer since={state.since} class="status-timer status-timer--cell" />
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td class="roster__number" title="Active conversations of the agent's maximum">
        {loggedIn ? `${state.activeInteractions} / ${row.capacity}` : <span class="muted">{`— / ${row.capacity}`}</span>}
      </td>
      <TodayCells metrics={today} now={now} />
      <td class="roster__skills">
        {row.skills.length === 0 ? (
          <span class="muted">—</span>
        ) : (
          row.skills.map((skill) => (
            <span key={skill.skillId} class="skill-chip" title={`Proficiency ${skill.proficiency} of 5`}>
              {skill.name} <span class="skill-chip__level">{skill.proficiency}</span>
            </span>
          ))
        )}
      </td>
      <td class="roster__actions">
        {loggedIn && (
          <>
            <button
              type="button"
              class="button button--small"
              disabled={!connected || logoffPending}
              onClick={onForceStatus}
            >
              Force status<span class="visually-hidden">{` for ${name}`}</span>
            </button>
            <button
              type="button"
              class="button button--small button--danger-quiet"
              disabled={!connected || logoffPending}
              onClick={onForceLogoff}
            >
              Force logoff<span class="visually-hidden">{` for ${name}`}</span>
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase() || "?";
}
