import { beforeEach, describe, expect, it } from "vitest";
import { performanceItems } from "../src/interactions/PerformanceToolbar";
import { MetricsFeed, type Stamped } from "../src/metrics/metricsFeed";
import {
  type AgentToday,
  type MetricsActions,
  liveLongestWait,
  liveTimes,
  parseMetrics,
  serverNow,
} from "../src/metrics/metricsToday";
import { DeskConnection } from "../src/realtime/connection";
import { shownQueues, tileClass } from "../src/wallboard/QueuesPanel";
import { todayFigures } from "../src/wallboard/TodayCells";
import { FakeNetwork, type FakeSocket, FakeSockets, FakeTimers } from "./fakes";

const AS_OF = "2025-03-12T10:00:00.000Z";
const AS_OF_MS = Date.parse(AS_OF);

function agent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    agentId: "a1",
    name: "Ana",
    date: "2025-03-12",
    timeZone: "Europe/London",
    loggedInSeconds: 3600,
    secondsByStatus: { Available: 3000, Busy: 0, Away: 600 },
    pausedProductiveSeconds: 120,
    pausedUnproductiveSeconds: 480,
    pauses: [{ code: "lunch", label: "Lunch", productive: false, seconds: 480, count: 1 }],
    interactions: 4,
    successful: 3,
    unsure: 1,
    failed: 0,
    handleSeconds: 480,
    avgHandleSeconds: 120,
    avgFirstResponseSeconds: 9.5,
    csat: { average: 4.5, count: 2 },
    open: { status: "Available", since: "2025-03-12T09:59:00.000Z", pauseCode: null, pauseLabel: null, productive: null },
    ...fields,
  };
}

function queue(queueId: string, waiting: number, longestWaitSeconds: number, fields: Record<string, unknown> = {}) {
  return {
    queueId,
    name: queueId.toUpperCase(),
    date: "2025-03-12",
    offered: 10,
    answered: 8,
    abandoned: 1,
    waiting,
    longestWaitSeconds,
    serviceLevel: 87.5,
    agentsRoutable: 1,
    ...fields,
  };
}

const message = (fields: Record<string, unknown>) => ({ asOf: AS_OF, agents: [], queues: [], ...fields });

function stamped(fields: Record<string, unknown>, receivedAt: number): Stamped<AgentToday> {
  const parsed = parseMetrics(message({ agents: [agent(fields)] }), receivedAt);
  if (parsed === null || parsed.agents[0] === undefined) throw new Error("unreadable");
  return { figures: parsed.agents[0], asOf: parsed.asOf, receivedAt };
}

describe("the figures", () => {
  it("are read field by field; what cannot be read is dropped", () => {
    const parsed = parseMetrics(message({ agents: [agent(), { name: "no id" }], queues: [queue("q", 1, 5), 7] }), 0);
    expect(parsed?.agents.map((a) => a.agentId)).toEqual(["a1"]);
    expect(parsed?.agents[0]?.open).toEqual({
      status: "Available",
      since: Date.parse("2025-03-12T09:59:00.000Z"),
      pauseCode: null,
      pauseLabel: null,
      productive: null,
    });
    expect(parsed?.queues.map((q) => q.queueId)).toEqual(["q"]);
    expect(parseMetrics({ asOf: "not a time", agents: [], queues: [] }, 0)).toBeNull();
    expect(parseMetrics({ asOf: AS_OF, agents: {} }, 0)).toBeNull();
  });

  it("grow by the open interval: logged in, its status and, when paused, its code and kind", () => {
    const [figures] = parseMetrics(message({ agents: [agent()] }), 0)?.agents ?? [];
    const available = liveTimes(figures as AgentToday, AS_OF_MS + 30_000);
    expect(available.loggedInSeconds).toBe(3600 + 90); // since 09:59:00
    expect(available.secondsByStatus).toEqual({ Available: 3090, Busy: 0, Away: 600 });
    expect([available.pausedProductiveSeconds, available.pausedUnproductiveSeconds]).toEqual([120, 480]);

    const open = { status: "Away", since: AS_OF, pauseCode: "lunch", pauseLabel: "Lunch", productive: false };
    const [paused] = parseMetrics(message({ agents: [agent({ open })] }), 0)?.agents ?? [];
    const lunch = liveTimes(paused as AgentToday, AS_OF_MS + 60_000);
    expect(lunch.secondsByStatus.Away).toBe(660);
    expect(lunch.pausedUnproductiveSeconds).toBe(540);
    expect(lunch.pauses).toEqual([{ code: "lunch", label: "Lunch", productive: false, seconds: 540, count: 1 }]);

    const training = { status: "Away", since: AS_OF, pauseCode: "training", pauseLabel: "Training", productive: true };
    const [newCode] = parseMetrics(message({ agents: [agent({ open: training })] }), 0)?.agents ?? [];
    const learning = liveTimes(newCode as AgentToday, AS_OF_MS + 10_000);
    expect(learning.pausedProductiveSeconds).toBe(130);
    expect(learning.pauses.map((p) => [p.code, p.seconds])).toEqual([
      ["lunch", 480],
      ["training", 10],
    ]);
  });

  it("tick on the server's time, whatever this page's clock says", () => {
    const receivedAt = 5_000; // this page's clock is far off
    expect(serverNow(AS_OF_MS, receivedAt, receivedAt + 2_000)).toBe(AS_OF_MS + 2_000);
    expect(serverNow(AS_OF_MS, receivedAt, receivedAt - 500)).toBe(AS_OF_MS);
    expect(liveLongestWait(parseMetrics(message({ queues: [queue("q", 2, 40)] }), 0)!.queues[0]!, AS_OF_MS, AS_OF_MS + 5_500)).toBe(45);
    expect(liveLongestWait(parseMetrics(message({ queues: [queue("q", 0, 0)] }), 0)!.queues[0]!, AS_OF_MS, AS_OF_MS + 5_500)).toBe(0);
  });
});

describe("the performance toolbar", () => {
  it("counts from the disposition's counters and times from metrics.today, ticking", () => {
    const today = { date: "2025-03-12", interactions: 5, successful: 4, unsure: 1, failed: 0, handleSeconds: 600 };
    const metrics = stamped({ interactions: 4 }, 1_000);
    const shown = Object.fromEntries(performanceItems(today, metrics, 1_000 + 10_000).map((i) => [i.key, i.value]));
    expect(shown).toEqual({
      interactions: "5", // the counters, not the aggregator's 4: one number per figure
      successful: "4",
      unsure: "1",
      failed: "0",
      handle: "10:00",
      "pause-productive": "02:00",
      "pause-unproductive": "08:00",
      "logged-in": "1:01:10", // 3600 s + the open minute + 10 s
    });
    const later = Object.fromEntries(performanceItems(today, metrics, 1_000 + 20_000).map((i) => [i.key, i.value]));
    expect(later["logged-in"]).toBe("1:01:20");
  });

  it("shows dashes until each source has answered", () => {
    const shown = performanceItems(null, null, 0).map((i) => i.value);
    expect(new Set(shown)).toEqual(new Set(["–"]));
  });
});

describe("the wallboard", () => {
  it("shows each agent's handled, average handle and pause time, a pause in progress ticking", () => {
    const open = { status: "Away", since: AS_OF, pauseCode: "lunch", pauseLabel: "Lunch", productive: false };
    const metrics = stamped({ open }, 0);
    expect(todayFigures(metrics, 30_000)).toEqual({ handled: "4", avgHandleSeconds: 120, pauseSeconds: 630 });
    expect(todayFigures(undefined, 0)).toEqual({ handled: "–", avgHandleSeconds: null, pauseSeconds: null });
  });

  it("orders queues busiest first, their longest waits growing", () => {
    const parsed = parseMetrics(message({ queues: [queue("a", 0, 0), queue("b", 2, 40), queue("c", 2, 90)] }), 0)!;
    const queues = Object.fromEntries(parsed.queues.map((q) => [q.queueId, { figures: q, asOf: parsed.asOf, receivedAt: 0 }]));
    const shown = shownQueues(queues, 3_000)!;
    expect(shown.map((q) => [q.queueId, q.longestWaitSeconds])).toEqual([
      ["c", 93],
      ["b", 43],
      ["a", 0],
    ]);
    expect(shownQueues(null, 0)).toBeNull();
    expect(tileClass({ waiting: 0, longestWaitSeconds: 0, agentsRoutable: 0 })).toBe("queue-tile");
    expect(tileClass({ waiting: 2, longestWaitSeconds: 75, agentsRoutable: 1 })).toBe("queue-tile queue-tile--late");
    expect(tileClass({ waiting: 1, longestWaitSeconds: 5, agentsRoutable: 0 })).toBe("queue-tile queue-tile--unstaffed");
  });
});

describe("MetricsFeed", () => {
  let timers: FakeTimers;
  let sockets: FakeSockets;
  let feed: MetricsFeed;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const socket = (): FakeSocket => sockets.latest;
  const reads = () => sockets.all.flatMap((s) => s.sent).filter((f) => f["action"] === "getMetricsToday");
  const reply = (fields: object) => socket().receive({ type: "ack", requestId: socket().lastSent()["requestId"], ...fields });
  const pushed = (fields: Record<string, unknown>) => socket().receive({ type: "metrics.today", ...message(fields) });

  beforeEach(() => {
    timers = new FakeTimers();
    sockets = new FakeSockets();
    let id = 0;
    const desk = new DeskConnection<MetricsActions>({
      url: () => "ws://desk.test/ws",
      createSocket: sockets.factory,
      timers,
      network: new FakeNetwork(),
      random: () => 1,
      newRequestId: () => `r${++id}`,
    });
    feed = new MetricsFeed(desk, timers, 60_000);
    feed.start();
    desk.start();
  });

  it("reads on connect, then follows the pushes without polling", async () => {
    socket().accept();
    expect(reads()).toHaveLength(1);
    reply(message({ agents: [agent()], queues: [queue("q", 1, 5)] }));
    await settle();
    expect(feed.current.agents?.["a1"]?.figures.interactions).toBe(4);
    for (let n = 1; n <= 5; n += 1) {
      timers.advance(30_000);
      pushed({ asOf: `2025-03-12T10:0${n}:00.000Z`, queues: [queue("q", n, 5)] });
    }
    expect(reads()).toHaveLength(1); // pushes kept coming: no read
    expect(feed.current.queues?.["q"]?.figures.waiting).toBe(5);
    expect(feed.current.agents?.["a1"]).toBeDefined(); // a queue's push keeps the agents
  });

  it("keeps the newest figures of each agent when an older one arrives late", async () => {
    socket().accept();
    reply(message({ agents: [agent()] }));
    await settle();
    pushed({ asOf: "2025-03-12T10:00:05.000Z", agents: [agent({ interactions: 6 })] });
    pushed({ asOf: "2025-03-12T10:00:02.000Z", agents: [agent({ interactions: 5 })] });
    expect(feed.current.agents?.["a1"]?.figures.interactions).toBe(6);
  });

  it("reads again when nothing arrived for a minute, and says why a read failed", async () => {
    socket().accept();
    reply(message({ queues: [queue("q", 0, 0)] }));
    await settle();
    timers.advance(59_999);
    expect(reads()).toHaveLength(1);
    timers.advance(1);
    expect(reads()).toHaveLength(2);
    socket().receive({ type: "error", requestId: socket().lastSent()["requestId"], code: "INTERNAL", message: "Try again." });
    await settle();
    expect(feed.current.error).toBe("Try again.");
    expect(feed.current.queues?.["q"]).toBeDefined(); // the last figures stay
  });

  it("stops reading while disconnected and after stop", async () => {
    socket().accept();
    reply(message({}));
    await settle();
    socket().drop();
    feed.stop();
    timers.advance(120_000);
    socket().accept();
    expect(reads()).toHaveLength(1);
  });
});
