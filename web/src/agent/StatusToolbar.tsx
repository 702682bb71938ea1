/**
 * The status toolbar at the top of the agent workspace: the status with its colour, the pause code and a
 * running timer on the left; Log in (when Offline), Available, Pause and Log off on the right. It follows
 * the agent's state live (other tabs, supervisors, the system) through `OwnStateFeed`.
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import { RequestError } from "../realtime/connection";
import { useConnection } from "../ui/connectionContext";
import { agentStateConnection } from "./actions";
import {
  type AgentState,
  DEFAULT_CAPACITY,
  describePending,
  displayedStatus,
  describeStatus,
  explainState,
  isLockedByPendingLogoff,
  isLoggedIn,
} from "./agentState";
import { OwnStateFeed, type OwnStateSnapshot } from "./ownStateFeed";
import { PauseMenu } from "./PauseMenu";
import type { PauseCode } from "./pauseCodes";
import { ReasonLabel, StatusBadge } from "./StatusBadge";
import { StatusTimer } from "./StatusTimer";
import { usePauseCodes } from "./usePauseCodes";

/** Errors after which the shown state is likely out of date (another tab or a supervisor acted first). */
const STALE_CODES = new Set(["INVALID_TRANSITION", "NOT_LOGGED_IN", "CONFLICT"]);

function useOwnState(): { snapshot: OwnStateSnapshot; feed: OwnStateFeed } {
  const connection = useConnection();
  const [snapshot, setSnapshot] = useState<OwnStateSnapshot>({
    state: null,
    change: null,
    connected: false,
    capacity: null,
    error: null,
  });
  const feed = useMemo(() => new OwnStateFeed(agentStateConnection(connection), setSnapshot), [connection]);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  return { snapshot, feed };
}

function announcement(
  state: AgentState,
  shown: AgentState["status"],
  pendingText: string | null,
  changeText: string | null,
): string {
  const parts = [`Your status: ${describeStatus(shown, state.reason)}${shown === state.status ? "" : " (at capacity)"}.`];
  if (pendingText) parts.push(`Pending: ${pendingText}.`);
  if (changeText) parts.push(changeText);
  return parts.join(" ");
}

export function StatusToolbar() {
  const { snapshot, feed } = useOwnState();
  const pauseCodes = usePauseCodes();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { state, connected } = snapshot;

  async function run(label: string, command: () => Promise<unknown>) {
    setBusy(label);
    setError(null);
    try {
      await command();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      if (failure instanceof RequestError && STALE_CODES.has(failure.code)) feed.refresh().catch(() => undefined);
    } finally {
      setBusy(null);
    }
  }

  const loggedIn = state !== null && isLoggedIn(state);
  const locked = state !== null && isLockedByPendingLogoff(state);
  const canAct = connected && state !== null && busy === null;
  const pendingText = state ? describePending(state) : null;
  const changeText = state ? explainState(state, snapshot.change) : null;
  // What others see too: Available at capacity (or on a voice call) shows Busy.
  const shown = state ? displayedStatus(state, snapshot.capacity ?? DEFAULT_CAPACITY) : null;

  return (
    <section class="status-toolbar" aria-label="Your status" aria-busy={state === null}>
      <div class="status-toolbar__bar" data-status={shown ?? "unknown"}>
        <div class="status-toolbar__state">
          {state === null ? (
            <span class="status-toolbar__loading">{snapshot.error ?? "Loading your status…"}</span>
          ) : (
            <>
              <StatusBadge status={shown ?? state.status} size="large" />
              <ReasonLabel reason={state.reason} />
              {shown !== state.status && <span class="pending-hint">At capacity</span>}
              {state.since !== null && <StatusTimer since={state.since} />}
              {pendingText && (
                <span class="pending-hint">
                  <span class="pending-hint__label">Pending</span>
                  {pendingText}
                </span>
              )}
            </>
          )}
        </div>
        <div class="status-toolbar__actions" role="group" aria-label="Status actions">
          {state !== null && !loggedIn && (
            <button
              type="button"
              class="button button--primary"
              disabled={!canAct}
              onClick={() => run("login", () => feed.login())}
            >
              {busy === "login" ? "Logging in…" : "Log in"}
            </button>
          )}
          {loggedIn && (
            <>
              <button
                type="button"
                class="button button--available"
                disabled={!canAct || locked || (state.status === "Available" && state.pending === null)}
                onClick={() => run("available", () => feed.setStatus("Available"))}
              >
                <span class="status-dot status-dot--available" aria-hidden="true" />
                Available
              </button>
              <PauseMenu
                codes={pauseCodes.codes}
                loadError={pauseCodes.error}
                onReload={pauseCodes.reload}
                currentCode={state.pending?.reason?.code ?? state.reason?.code ?? null}
                disabled={!canAct || locked}
                onSelect={(code: PauseCode) => run("pause", () => feed.setStatus(code.status, code.id))}
              />
              <button
                type="button"
                class="button button--danger-quiet"
                disabled={!canAct || state.pending?.status === "Offline"}
                onClick={() => run("logoff", () => feed.logoff())}
              >
                {busy === "logoff" ? "Logging off…" : "Log off"}
              </button>
            </>
          )}
        </div>
      </div>
      {/* Announced once per change of status; the ticking timer is not in a live region. */}
      <p class="visually-hidden" role="status">
        {state && shown ? announcement(state, shown, pendingText, changeText) : ""}
      </p>
      {changeText && <p class="status-toolbar__notice">{changeText}</p>}
      {!connected && state !== null && (
        <p class="status-toolbar__notice status-toolbar__notice--wait">
          Reconnecting — your status will refresh when the connection is back.
        </p>
      )}
      <p class="status-toolbar__error" role="alert">
        {error ?? ""}
        {error && (
          <button type="button" class="link-button" onClick={() => setError(null)}>
            Dismiss
          </button>
        )}
      </p>
    </section>
  );
}
