/**
 * Today's metrics (`metrics.today` pushes and the `getMetricsToday` read; docs/reports.md): the figures, read
 * field by field, and the live part the client adds itself. The server's figures hold closed intervals up to
 * the last event it counted; `open` is the status the agent is in now, and the page adds its time so far
 * (now − since), ticking each second. "Now" is the server's: the time since `asOf` is added to `asOf`, so a
 * browser clock that is off does not change the figures.
 */

import type { DeskConnection } from "../realtime/connection";

export type OpenStatus = "Available" | "Busy" | "Away";

export interface PauseCodeTime {
  code: string;
  label: string;
  productive: boolean;
  seconds: number;
  count: number;
}

export interface OpenInterval {
  status: OpenStatus;
  /** ms since the epoch (server time): when the status began, or today's start. */
  since: number;
  pauseCode: string | null;
  pauseLabel: string | null;
  productive: boolean | null;
}

export interface AgentToday {
  agentId: string;
  name: string;
  date: string;
  loggedInSeconds: number;
  secondsByStatus: Record<OpenStatus, number>;
  pausedProductiveSeconds: number;
  pausedUnproductiveSeconds: number;
  pauses: PauseCodeTime[];
  interactions: number;
  successful: number;
  unsure: number;
  failed: number;
  handleSeconds: number;
  avgHandleSeconds: number | null;
  avgFirstResponseSeconds: number | null;
  csat: { average: number | null; count: number };
  open: OpenInterval | null;
}

export interface QueueToday {
  queueId: string;
  name: string;
  offered: number;
  answered: number;
  abandoned: number;
  waiting: number;
  longestWaitSeconds: number;
  serviceLevel: number | null;
  agentsRoutable: number;
}

/** One message's figures, with the server time they were read at and when this page received them. */
export interface MetricsMessage {
  asOf: number;
  receivedAt: number;
  agents: AgentToday[];
  queues: QueueToday[];
}

export interface MetricsActions {
  getMetricsToday: { request: Record<string, never>; ack: { asOf: unknown; agents: unknown; queues: unknown } };
  whoami: { request: Record<string, never>; ack: { user: unknown } };
}

export type MetricsConnection = DeskConnection<MetricsActions>;

export function metricsConnection(connection: DeskConnection): MetricsConnection {
  return connection as unknown as MetricsConnection;
}

export const METRICS_PUSH = "metrics.today";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function numOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function time(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

const OPEN_STATUSES: readonly string[] = ["Available", "Busy", "Away"];

function parseOpen(value: unknown): OpenInterval | null {
  if (!isObject(value) || typeof value["status"] !== "string" || !OPEN_STATUSES.includes(value["status"])) return null;
  const since = time(value["since"]);
  if (since === null) return null;
  const code = typeof value["pauseCode"] === "string" ? value["pauseCode"] : null;
  return {
    status: value["status"] as OpenStatus,
    since,
    pauseCode: code,
    pauseLabel: code !== null && typeof value["pauseLabel"] === "string" ? value["pauseLabel"] : code,
    productive: code !== null && typeof value["productive"] === "boolean" ? value["productive"] : null,
  };
}

export function parseAgentToday(value: unknown): AgentToday | null {
  if (!isObject(value) || typeof value["agentId"] !== "string") return null;
  const byStatus = isObject(value["secondsByStatus"]) ? value["secondsByStatus"] : {};
  const csat = isObject(value["csat"]) ? value["csat"] : {};
  const pauses = Array.isArray(value["pauses"]) ? value["pauses"] : [];
  return {
    agentId: value["agentId"],
    name: typeof value["name"] === "string" && value["name"] ? value["name"] : value["agentId"],
    date: typeof value["date"] === "string" ? value["date"] : "",
    loggedInSeconds: num(value["loggedInSeconds"]),
    secondsByStatus: { Available: num(byStatus["Available"]), Busy: num(byStatus["Busy"]), Away: num(byStatus["Away"]) },
    pausedProductiveSeconds: num(value["pausedProductiveSeconds"]),
    pausedUnproductiveSeconds: num(value["pausedUnproductiveSeconds"]),
    pauses: pauses.flatMap((item: unknown) =>
      isObject(item) && typeof item["code"] === "string"
        ? [
            {
              code: item["code"],
              label: typeof item["label"] === "string" ? item["label"] : item["code"],
              productive: item["productive"] === true,
              seconds: num(item["seconds"]),
              count: num(item["count"]),
            },
          ]
        : [],
    ),
    interactions: num(value["interactions"]),
    successful: num(value["successful"]),
    unsure: num(value["unsure"]),
    failed: num(value["failed"]),
    handleSeconds: num(value["handleSeconds"]),
    avgHandleSeconds: numOrNull(value["avgHandleSeconds"]),
    avgFirstResponseSeconds: numOrNull(value["avgFirstResponseSeconds"]),
    csat: { average: numOrNull(csat["average"]), count: num(csat["count"]) },
    open: parseOpen(value["open"]),
  };
}

export function parseQueueToday(value: unknown): QueueToday | null {
  if (!isObject(value) || typeof value["queueId"] !== "string") return null;
  return {
    queueId: value["queueId"],
    name: typeof value["name"] === "string" && value["name"] ? value["name"] : value["queueId"],
    offered: num(value["offered"]),
    answered: num(value["answered"]),
    abandoned: num(value["abandoned"]),
    waiting: num(value["waiting"]),
    longestWaitSeconds: num(value["longestWaitSeconds"]),
    serviceLevel: numOrNull(value["serviceLevel"]),
    agentsRoutable: num(value["agentsRoutable"]),
  };
}

/** A push or a getMetricsToday ack; null when it is not one this page can read. */
export function parseMetrics(value: unknown, receivedAt: number): MetricsMessage | null {
  if (!isObject(value)) return null;
  const asOf = time(value["asOf"]);
  if (asOf === null || !Array.isArray(value["agents"]) || !Array.isArray(value["queues"])) return null;
  return {
    asOf,
    receivedAt,
    agents: value["agents"].map(parseAgentToday).filter((a): a is AgentToday => a !== null),
    queues: value["queues"].map(parseQueueToday).filter((q): q is QueueToday => q !== null),
  };
}

/** The server's time now, from when the figures were read and how long ago this page received them. */
export function serverNow(asOf: number, receivedAt: number, now: number): number {
  return asOf + Math.max(0, now - receivedAt);
}

/** An agent's time figures with the open interval's time so far added (seconds). */
export interface LiveTimes {
  loggedInSeconds: number;
  secondsByStatus: Record<OpenStatus, number>;
  pausedProductiveSeconds: number;
  pausedUnproductiveSeconds: number;
  pauses: PauseCodeTime[];
}

export function liveTimes(agent: AgentToday, serverTime: number): LiveTimes {
  const open = agent.open;
  const extra = open === null ? 0 : Math.max(0, (serverTime - open.since) / 1000);
  const times: LiveTimes = {
    loggedInSeconds: agent.loggedInSeconds + extra,
    secondsByStatus: { ...agent.secondsByStatus },
    pausedProductiveSeconds: agent.pausedProductiveSeconds,
    pausedUnproductiveSeconds: agent.pausedUnproductiveSeconds,
    pauses: agent.pauses,
  };
  if (open === null || extra === 0) return times;
  times.secondsByStatus[open.status] += extra;
  if (open.pauseCode !== null) {
    if (open.productive) times.pausedProductiveSeconds += extra;
    else times.pausedUnproductiveSeconds += extra;
    const known = agent.pauses.some((p) => p.code === open.pauseCode);
    times.pauses = known
      ? agent.pauses.map((p) => (p.code === open.pauseCode ? { ...p, seconds: p.seconds + extra } : p))
      : [
          ...agent.pauses,
          {
            code: open.pauseCode,
            label: open.pauseLabel ?? open.pauseCode,
            productive: open.productive === true,
            seconds: extra,
            count: 1,
          },
        ];
  }
  return times;
}

/** A queue's longest wait now: the oldest waiting one keeps waiting after the figures were read. */
export function liveLongestWait(queue: QueueToday, asOf: number, serverTime: number): number {
  if (queue.waiting === 0) return 0;
  return queue.longestWaitSeconds + Math.max(0, Math.floor((serverTime - asOf) / 1000));
}
