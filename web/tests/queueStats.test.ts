import { beforeEach, describe, expect, it } from "vitest";
import type { InteractionActions } from "../src/interactions/protocol";
import { DeskConnection } from "../src/realtime/connection";
import { QueueStatsFeed } from "../src/wallboard/queueStatsFeed";
import { FakeNetwork, type FakeSocket, FakeSockets, FakeTimers } from "./fakes";

let timers: FakeTimers;
let sockets: FakeSockets;
let feed: QueueStatsFeed;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const socket = (): FakeSocket => sockets.latest;
const polls = () => socket().sent.filter((f) => f["action"] === "listQueueStats");
const reply = (fields: object) => socket().receive({ type: "ack", requestId: socket().lastSent()["requestId"], ...fields });
const queue = (queueId: string, waiting: number, longestWaitSeconds: number, agentsRoutable = 1) => ({
  queueId,
  name: queueId,
  waiting,
  longestWaitSeconds,
  agentsRoutable,
});

beforeEach(() => {
  timers = new FakeTimers();
  sockets = new FakeSockets();
  let id = 0;
  const desk = new DeskConnection<InteractionActions>({
    url: () => "ws://desk.test/ws",
    createSocket: sockets.factory,
    timers,
    network: new FakeNetwork(),
    random: () => 1,
    newRequestId: () => `r${++id}`,
  });
  feed = new QueueStatsFeed(desk, () => undefined, timers, 5_000);
  feed.start();
  desk.start();
});

describe("QueueStatsFeed", () => {
  it("asks on connect, then every few seconds after each reply; busiest queues first", async () => {
    socket().accept();
    expect(polls()).toHaveLength(1);
    reply({ queues: [queue("a", 0, 0), queue("b", 3, 40), queue("c", 3, 90)] });
    await settle();
    expect(feed.current.queues?.map((q) => q.queueId)).toEqual(["c", "b", "a"]);
    expect(feed.current.updatedAt).toBe(timers.now());
    timers.advance(4_999);
    expect(polls()).toHaveLength(1);
    timers.advance(1);
    expect(polls()).toHaveLength(2);
  });

  it("keeps the last figures and shows the error when a poll fails, and polls again", async () => {
    socket().accept();
    reply({ queues: [queue("a", 1, 10)] });
    await settle();
    timers.advance(5_000);
    socket().receive({ type: "error", requestId: socket().lastSent()["requestId"], code: "FORBIDDEN", message: "Supervisors only." });
    await settle();
    expect(feed.current.error).toBe("Supervisors only.");
    expect(feed.current.queues).toHaveLength(1);
    timers.advance(5_000);
    expect(polls()).toHaveLength(3);
  });

  it("stops polling while disconnected and after stop", async () => {
    socket().accept();
    reply({ queues: [] });
    await settle();
    socket().drop();
    timers.advance(1_000); // the reconnect is scheduled, not yet made
    const before = sockets.all.flatMap((s) => s.sent).length;
    feed.stop();
    timers.advance(60_000);
    socket().accept();
    expect(sockets.all.flatMap((s) => s.sent).length).toBe(before);
  });
});

describe("queue tiles", () => {
  it("mark late and unstaffed queues", async () => {
    const { tileClass } = await import("../src/wallboard/QueuesPanel");
    expect(tileClass(queue("a", 0, 0, 0))).toBe("queue-tile");
    expect(tileClass(queue("a", 2, 75, 1))).toBe("queue-tile queue-tile--late");
    expect(tileClass(queue("a", 1, 5, 0))).toBe("queue-tile queue-tile--unstaffed");
  });
});
