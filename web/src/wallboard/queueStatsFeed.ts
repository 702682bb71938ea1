/**
 * The wallboard's queues: `listQueueStats` on every (re)connect and then every few seconds while connected
 * (queue stats are not pushed). One request at a time; a failed poll keeps the last figures and says why.
 */

import type { InteractionConnection, QueueStat } from "../interactions/protocol";
import { parseQueueStats } from "../interactions/protocol";
import { type ConnectionStatus, RequestError, type Timers, browserTimers } from "../realtime/connection";

export const QUEUE_POLL_MS = 5_000;

export interface QueueStatsSnapshot {
  /** null until the first reply. */
  queues: QueueStat[] | null;
  /** When the figures were read (ms), for "updated … ago". */
  updatedAt: number | null;
  error: string | null;
}

export class QueueStatsFeed {
  private snapshot: QueueStatsSnapshot = { queues: null, updatedAt: null, error: null };
  private timer: unknown = null;
  private polling = false;
  private connected = false;
  private stopStatus: (() => void) | null = null;

  constructor(
    private readonly connection: InteractionConnection,
    private readonly onSnapshot: (snapshot: QueueStatsSnapshot) => void,
    private readonly timers: Timers = browserTimers,
    private readonly pollMs: number = QUEUE_POLL_MS,
  ) {}

  get current(): QueueStatsSnapshot {
    return this.snapshot;
  }

  start(): void {
    this.stopStatus = this.connection.onStatus((status) => this.statusChanged(status));
  }

  stop(): void {
    this.stopStatus?.();
    this.stopStatus = null;
    this.cancel();
  }

  /** Ask now (and then every pollMs). */
  poll(): void {
    if (this.polling || !this.connected) return;
    this.cancel();
    this.polling = true;
    this.connection
      .request("listQueueStats", {})
      .then((ack) => {
        const queues = parseQueueStats(ack.queues);
        if (queues === null) throw new Error("The server sent queue figures Agent Desk cannot read.");
        queues.sort((a, b) => b.waiting - a.waiting || b.longestWaitSeconds - a.longestWaitSeconds || a.name.localeCompare(b.name));
        this.publish({ queues, updatedAt: this.timers.now(), error: null });
      })
      .catch((error: unknown) => {
        if (error instanceof RequestError && error.code === "DISCONNECTED") return;
        this.publish({ ...this.snapshot, error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        this.polling = false;
        if (this.connected) this.schedule();
      });
  }

  private statusChanged(status: ConnectionStatus): void {
    this.connected = status.state === "connected";
    if (this.connected) this.poll();
    else this.cancel();
  }

  private schedule(): void {
    this.cancel();
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.poll();
    }, this.pollMs);
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private publish(snapshot: QueueStatsSnapshot): void {
    this.snapshot = snapshot;
    this.onSnapshot(snapshot);
  }
}
