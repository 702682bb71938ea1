/**
 * The wallboard's live roster: `listAgentStates` on every (re)connect, `agent.state` pushes for the agents
 * in scope, a fresh listing when the scope may have changed (an unknown agent's push, a change to users or
 * teams), and a periodic listing that catches up with anything missed. No UI here.
 */

import type { AgentStateConnection } from "../agent/actions";
import { type AgentState, type RequestableStatus, parseAgentState } from "../agent/agentState";
import { type ConnectionStatus, RequestError, type Timers, browserTimers } from "../realtime/connection";
import type { Push } from "../realtime/protocol";
import { type RosterRow, mergeRosterState, parseRoster, replaceRoster } from "./roster";

export interface RosterSnapshot {
  /** null until the first listing arrives. */
  rows: RosterRow[] | null;
  connected: boolean;
  /** Why the roster could not be listed; cleared by the next listing. */
  error: string | null;
}

/** Pushes reach only the supervisors of an agent's team; this bounds how stale any other view can get. */
export const RESYNC_MS = 30_000;

const EARLY_PUSH_LIMIT = 200;

const SCOPE_KINDS = new Set(["user", "team"]);

export class RosterFeed {
  private snapshot: RosterSnapshot = { rows: null, connected: false, error: null };
  private listing = false;
  private listAgain = false;
  private resyncTimer: unknown = null;
  /** States pushed before the first listing arrived. */
  private early: AgentState[] = [];
  /** Agents whose pushes reach this tab but who are not on the board (a supervisor's own state, say). */
  private readonly notInScope = new Set<string>();
  /** Agents whose push asked for the listing in flight. */
  private unknownSeen: string[] = [];
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly connection: AgentStateConnection,
    private readonly onSnapshot: (snapshot: RosterSnapshot) => void,
    private readonly timers: Timers = browserTimers,
    private readonly resyncMs: number = RESYNC_MS,
  ) {}

  get current(): RosterSnapshot {
    return this.snapshot;
  }

  start(): void {
    this.stops.push(this.connection.on("agent.state", (push) => this.pushed(push)));
    this.stops.push(
      this.connection.on("config.changed", (push) => {
        if (typeof push["kind"] === "string" && SCOPE_KINDS.has(push["kind"])) {
          this.notInScope.clear();
          this.list();
        }
      }),
    );
    this.stops.push(this.connection.onStatus((status) => this.statusChanged(status)));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.cancelResync();
  }

  forceStatus(agentId: string, status: RequestableStatus, reason?: string): Promise<AgentState> {
    const fields = reason === undefined ? { agentId, status } : { agentId, status, reason };
    return this.command(() => this.connection.request("forceStatus", fields));
  }

  forceLogoff(agentId: string): Promise<AgentState> {
    return this.command(() => this.connection.request("forceLogoff", { agentId }));
  }

  /** List the agents in scope now (one listing at a time; a request during one runs once it ends). */
  list(): void {
    if (this.listing) {
      this.listAgain = true;
      return;
    }
    this.listing = true;
    this.connection
      .request("listAgentStates", {})
      .then((ack) => {
        const listed = parseRoster(ack.agents);
        if (listed === null) throw new Error("The server sent a wallboard Agent Desk cannot read.");
        let rows = replaceRoster(this.snapshot.rows ?? [], listed);
        for (const state of this.early.splice(0)) rows = mergeRosterState(rows, state).rows;
        const listedIds = new Set(rows.map((row) => row.state.agentId));
        for (const agentId of this.unknownSeen.splice(0)) if (!listedIds.has(agentId)) this.notInScope.add(agentId);
        this.publish({ ...this.snapshot, rows, error: null });
      })
      .catch((error: unknown) => {
        if (error instanceof RequestError && error.code === "DISCONNECTED") return; // listed again on connect
        this.publish({ ...this.snapshot, error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        this.listing = false;
        if (this.listAgain && this.snapshot.connected) {
          this.listAgain = false;
          this.list();
        }
      });
  }

  private async command(send: () => Promise<{ state: unknown }>): Promise<AgentState> {
    const ack = await send();
    const state = parseAgentState(ack.state);
    if (state === null) throw new Error("The server sent a state Agent Desk cannot read.");
    this.accept(state);
    return state;
  }

  private statusChanged(status: ConnectionStatus): void {
    const connected = status.state === "connected";
    if (connected !== this.snapshot.connected) this.publish({ ...this.snapshot, connected });
    this.cancelResync();
    if (!connected) return;
    this.listAgain = false;
    this.list();
    this.scheduleResync();
  }

  private scheduleResync(): void {
    this.resyncTimer = this.timers.setTimeout(() => {
      this.list();
      this.scheduleResync();
    }, this.resyncMs);
  }

  private cancelResync(): void {
    if (this.resyncTimer !== null) this.timers.clearTimeout(this.resyncTimer);
    this.resyncTimer = null;
  }

  private pushed(push: Push): void {
    const state = parseAgentState(push["state"]);
    if (state !== null) this.accept(state);
  }

  private accept(state: AgentState): void {
    const rows = this.snapshot.rows;
    if (rows === null) {
      if (this.early.length < EARLY_PUSH_LIMIT) this.early.push(state);
      return;
    }
    const merged = mergeRosterState(rows, state);
    if (merged.unknown) {
      if (!this.notInScope.has(state.agentId)) {
        this.unknownSeen.push(state.agentId);
        this.list();
      }
      return;
    }
    if (merged.rows !== rows) this.publish({ ...this.snapshot, rows: merged.rows });
  }

  private publish(snapshot: RosterSnapshot): void {
    this.snapshot = snapshot;
    this.onSnapshot(snapshot);
  }
}
