/**
 * The signed-in agent's own state, kept current: `getState` on every (re)connect, `agent.state` pushes
 * from other tabs, supervisors and the system, and the acks of this tab's own commands. Whatever arrives,
 * the newest version wins (`mergeState`). No UI here: the toolbar renders the snapshots it is handed.
 */

import { type ConnectionStatus, RequestError } from "../realtime/connection";
import type { Push } from "../realtime/protocol";
import type { AgentStateConnection } from "./actions";
import {
  type AgentState,
  type RequestableStatus,
  type StateChange,
  isNewer,
  parseAgentState,
  parseCapacity,
  parseChange,
} from "./agentState";

export interface OwnStateSnapshot {
  state: AgentState | null;
  /** What caused the shown state when it came from a push (null after a reply to this tab). */
  change: StateChange | null;
  connected: boolean;
  /** The agent's maxConcurrent from the last getState (null until then): Busy at capacity. */
  capacity: number | null;
  /** Why the state could not be read (getState failed); cleared by the next state. */
  error: string | null;
}

const EARLY_PUSH_LIMIT = 50;

export class UnreadableStateError extends Error {
  override readonly name = "UnreadableStateError";

  constructor() {
    super("The server sent a state Agent Desk cannot read.");
  }
}

export class OwnStateFeed {
  private snapshot: OwnStateSnapshot = { state: null, change: null, connected: false, capacity: null, error: null };
  /** Pushes that came before the first getState reply told us which agent we are. */
  private early: { state: AgentState; change: StateChange | null }[] = [];
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly connection: AgentStateConnection,
    private readonly onSnapshot: (snapshot: OwnStateSnapshot) => void,
  ) {}

  get current(): OwnStateSnapshot {
    return this.snapshot;
  }

  start(): void {
    this.stops.push(this.connection.on("agent.state", (push) => this.pushed(push)));
    this.stops.push(this.connection.onStatus((status) => this.statusChanged(status)));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  login(reason?: string): Promise<AgentState> {
    return this.command(() => this.connection.request("login", reason === undefined ? {} : { reason }));
  }

  logoff(): Promise<AgentState> {
    return this.command(() => this.connection.request("logoff", {}));
  }

  setStatus(status: RequestableStatus, reason?: string): Promise<AgentState> {
    return this.command(() =>
      this.connection.request("setStatus", reason === undefined ? { status } : { status, reason }),
    );
  }

  /** Ask the server for the current state (done on every connect). */
  refresh(): Promise<AgentState> {
    return this.command(() => this.connection.request("getState", {}));
  }

  private async command(send: () => Promise<{ state: unknown; capacity?: unknown }>): Promise<AgentState> {
    const ack = await send();
    const state = parseAgentState(ack.state);
    if (state === null) throw new UnreadableStateError();
    this.accept(state, null);
    const capacity = parseCapacity(ack.capacity); // only getState carries it
    if (capacity !== null && capacity !== this.snapshot.capacity) this.publish({ ...this.snapshot, capacity });
    return state;
  }

  private statusChanged(status: ConnectionStatus): void {
    const connected = status.state === "connected";
    if (connected !== this.snapshot.connected) this.publish({ ...this.snapshot, connected });
    if (!connected) return;
    this.refresh().catch((error: unknown) => {
      // A drop before the reply is shown by the connection indicator; the next connect asks again.
      if (error instanceof RequestError && error.code === "DISCONNECTED") return;
      this.publish({ ...this.snapshot, error: error instanceof Error ? error.message : String(error) });
    });
  }

  private pushed(push: Push): void {
    const state = parseAgentState(push["state"]);
    if (state === null) return;
    const change = parseChange(push["change"]);
    if (this.snapshot.state === null) {
      // A supervisor's tab also hears about the team's agents; keep the buffer small.
      if (this.early.length >= EARLY_PUSH_LIMIT) this.early.shift();
      this.early.push({ state, change });
      return;
    }
    this.accept(state, change);
  }

  private accept(state: AgentState, change: StateChange | null): void {
    const first = this.snapshot.state === null;
    if (!isNewer(this.snapshot.state, state)) return;
    let next: OwnStateSnapshot = { ...this.snapshot, state, change, error: null };
    if (first) {
      // Now that we know who we are, the pushes that came first count too (newest version wins).
      for (const early of this.early.splice(0)) {
        if (isNewer(next.state, early.state)) next = { ...next, state: early.state, change: early.change };
      }
    }
    this.publish(next);
  }

  private publish(snapshot: OwnStateSnapshot): void {
    this.snapshot = snapshot;
    this.onSnapshot(snapshot);
  }
}
