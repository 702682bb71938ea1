/**
 * Today's metrics on a page: `getMetricsToday` on every (re)connect, then the `metrics.today` pushes (each
 * agent's and queue's newest figures win). The server pushes after every counted change, so there is no
 * polling; only when nothing arrived for `FALLBACK_MS` is the read made again (a missed push, a quiet day).
 * One feed per connection, shared by every view that shows the figures. No UI here.
 */

import { useEffect, useState } from "preact/hooks";
import { type ConnectionStatus, RequestError, type Timers, browserTimers } from "../realtime/connection";
import type { DeskConnection } from "../realtime/connection";
import type { Push } from "../realtime/protocol";
import { useConnection } from "../ui/connectionContext";
import {
  type AgentToday,
  METRICS_PUSH,
  type MetricsConnection,
  type MetricsMessage,
  type QueueToday,
  metricsConnection,
  parseMetrics,
} from "./metricsToday";

export const FALLBACK_MS = 60_000;

/** Figures with the server time they were read at (`asOf`) and when this page received them. */
export interface Stamped<T> {
  figures: T;
  asOf: number;
  receivedAt: number;
}

export interface MetricsSnapshot {
  /** null until the first read arrives. */
  agents: Record<string, Stamped<AgentToday>> | null;
  queues: Record<string, Stamped<QueueToday>> | null;
  error: string | null;
}

export class MetricsFeed {
  private snapshot: MetricsSnapshot = { agents: null, queues: null, error: null };
  private readonly listeners = new Set<(snapshot: MetricsSnapshot) => void>();
  private readonly stops: (() => void)[] = [];
  private fallback: unknown = null;
  private connected = false;
  private reading = false;

  constructor(
    private readonly connection: MetricsConnection,
    private readonly timers: Timers = browserTimers,
    private readonly fallbackMs: number = FALLBACK_MS,
  ) {}

  get current(): MetricsSnapshot {
    return this.snapshot;
  }

  subscribe(listener: (snapshot: MetricsSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot);
    return () => {
      this.listeners.delete(listener);
    };
  }

  start(): void {
    this.stops.push(this.connection.on(METRICS_PUSH, (push) => this.pushed(push)));
    this.stops.push(this.connection.onStatus((status) => this.statusChanged(status)));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.cancelFallback();
  }

  /** Read every figure the user may see now. */
  read(): void {
    if (this.reading || !this.connected) return;
    this.reading = true;
    this.connection
      .request("getMetricsToday", {})
      .then((ack) => {
        const message = parseMetrics(ack, this.timers.now());
        if (message === null) throw new Error("The server sent metrics Agent Desk cannot read.");
        this.merge(message, true);
      })
      .catch((error: unknown) => {
        if (error instanceof RequestError && error.code === "DISCONNECTED") return; // read again on connect
        this.publish({ ...this.snapshot, error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        this.reading = false;
        if (this.connected) this.scheduleFallback();
      });
  }

  private pushed(push: Push): void {
    const message = parseMetrics(push, this.timers.now());
    if (message === null) return;
    this.merge(message, false);
    this.scheduleFallback();
  }

  /** The newest figures of each agent and queue win; a read also says who is in scope now. */
  private merge(message: MetricsMessage, complete: boolean): void {
    const stamp = <T>(figures: T): Stamped<T> => ({ figures, asOf: message.asOf, receivedAt: message.receivedAt });
    const newer = <T>(known: Stamped<T>) => known.asOf <= message.asOf;
    const agents: Record<string, Stamped<AgentToday>> = complete ? {} : { ...(this.snapshot.agents ?? {}) };
    const queues: Record<string, Stamped<QueueToday>> = complete ? {} : { ...(this.snapshot.queues ?? {}) };
    for (const agent of message.agents) {
      const known = this.snapshot.agents?.[agent.agentId];
      agents[agent.agentId] = known === undefined || newer(known) ? stamp(agent) : known;
    }
    for (const queue of message.queues) {
      const known = this.snapshot.queues?.[queue.queueId];
      queues[queue.queueId] = known === undefined || newer(known) ? stamp(queue) : known;
    }
    this.publish({
      agents: complete || this.snapshot.agents !== null ? agents : null,
      queues: complete || this.snapshot.queues !== null ? queues : null,
      error: complete ? null : this.snapshot.error,
    });
  }

  private statusChanged(status: ConnectionStatus): void {
    this.connected = status.state === "connected";
    if (this.connected) this.read();
    else this.cancelFallback();
  }

  private scheduleFallback(): void {
    this.cancelFallback();
    this.fallback = this.timers.setTimeout(() => {
      this.fallback = null;
      this.read();
    }, this.fallbackMs);
  }

  private cancelFallback(): void {
    if (this.fallback !== null) this.timers.clearTimeout(this.fallback);
    this.fallback = null;
  }

  private publish(snapshot: MetricsSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of [...this.listeners]) listener(snapshot);
  }
}

const shared = new WeakMap<DeskConnection, { feed: MetricsFeed; users: number }>();

/** The connection's one feed, started with its first user and stopped with its last. */
export function useMetricsToday(): MetricsSnapshot {
  const connection = useConnection();
  const [snapshot, setSnapshot] = useState<MetricsSnapshot>(
    () => shared.get(connection)?.feed.current ?? { agents: null, queues: null, error: null },
  );
  useEffect(() => {
    let entry = shared.get(connection);
    if (entry === undefined) {
      entry = { feed: new MetricsFeed(metricsConnection(connection)), users: 0 };
      shared.set(connection, entry);
      entry.feed.start();
    }
    entry.users += 1;
    const unsubscribe = entry.feed.subscribe(setSnapshot);
    const used = entry;
    return () => {
      unsubscribe();
      used.users -= 1;
      if (used.users === 0) {
        used.feed.stop();
        shared.delete(connection);
      }
    };
  }, [connection]);
  return snapshot;
}

/** The signed-in user's id (whoami on every connect), for views that show the user's own figures. */
export function useOwnUserId(): string | null {
  const connection = useConnection();
  const [userId, setUserId] = useState<string | null>(null);
  useEffect(() => {
    const metrics = metricsConnection(connection);
    return metrics.onStatus((status) => {
      if (status.state !== "connected") return;
      metrics
        .request("whoami", {})
        .then((ack) => {
          const user = ack.user as { userId?: unknown } | null;
          if (user && typeof user.userId === "string") setUserId(user.userId);
        })
        .catch(() => undefined); // asked again on the next connect
    });
  }, [connection]);
  return userId;
}
