import { beforeEach, describe, expect, it } from "vitest";
import { type InteractionActions, parseTeamInteractions } from "../src/interactions/protocol";
import { DeskConnection } from "../src/realtime/connection";
import {
  ConversationsFeed,
  type ConversationsSnapshot,
  handleSeconds,
  waitSeconds,
} from "../src/wallboard/conversationsFeed";
import { FakeNetwork, type FakeSocket, FakeSockets, FakeTimers } from "./fakes";
import { wireInteraction, wireMessage } from "./interactionFixtures";

let timers: FakeTimers;
let sockets: FakeSockets;
let feed: ConversationsFeed;
let snapshots: ConversationsSnapshot[];
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const socket = (): FakeSocket => sockets.latest;
const sent = (action: string) => socket().sent.filter((f) => f["action"] === action);
const replyTo = (frame: Record<string, unknown> | undefined, fields: object) =>
  socket().receive({ type: "ack", requestId: frame?.["requestId"], ...fields });
const refuse = (frame: Record<string, unknown> | undefined, code: string, message: string) =>
  socket().receive({ type: "error", requestId: frame?.["requestId"], code, message });

function row(interactionId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    interactionId,
    channel: "chat",
    direction: "inbound",
    status: "active",
    queueId: "queue-general",
    queueName: "General",
    agentId: "agent-1",
    agentName: "Ana Agent",
    contactName: "Dana Customer",
    subject: null,
    queuedAt: "2026-03-02T09:00:00Z",
    answeredAt: "2026-03-02T09:00:30Z",
    endedAt: null,
    onHold: false,
    heldSince: null,
    watching: false,
    version: 4,
    ...overrides,
  };
}

beforeEach(() => {
  timers = new FakeTimers();
  sockets = new FakeSockets();
  snapshots = [];
  let id = 0;
  const desk = new DeskConnection<InteractionActions>({
    url: () => "ws://desk.test/ws",
    createSocket: sockets.factory,
    timers,
    network: new FakeNetwork(),
    random: () => 1,
    newRequestId: () => `r${++id}`,
  });
  feed = new ConversationsFeed(desk, (snapshot) => snapshots.push(snapshot), timers, 5_000);
  feed.start();
  desk.start();
});

describe("ConversationsFeed", () => {
  it("lists the teams' open conversations on connect and then every few seconds", async () => {
    socket().accept();
    expect(sent("listTeamInteractions")).toHaveLength(1);
    replyTo(sent("listTeamInteractions")[0], { items: [row("int-1"), row("int-2", { status: "offered", answeredAt: null })] });
    await settle();
    expect(feed.current.items?.map((r) => [r.interactionId, r.status, r.agentName])).toEqual([
      ["int-1", "active", "Ana Agent"],
      ["int-2", "offered", "Ana Agent"],
    ]);
    expect(feed.current.total).toBe(2); // an older server sends no total: the items are all of them
    timers.advance(4_999);
    expect(sent("listTeamInteractions")).toHaveLength(1);
    timers.advance(1);
    expect(sent("listTeamInteractions")).toHaveLength(2);
    refuse(sent("listTeamInteractions")[1], "FORBIDDEN", "Supervisors only.");
    await settle();
    expect(feed.current.error).toBe("Supervisors only.");
    expect(feed.current.items).toHaveLength(2); // the last list stays
    timers.advance(5_000);
    replyTo(sent("listTeamInteractions")[2], { items: [row("int-1")], total: 350 });
    await settle();
    expect(feed.current.total).toBe(350); // cut short to the longest-running
  });

  it("watches the conversation chosen: the conversation so far, then its messages live, once each", async () => {
    socket().accept();
    const opening = feed.open("int-1");
    expect(sent("watchInteraction").at(-1)).toMatchObject({ interactionId: "int-1" });
    expect(feed.current.transcript).toMatchObject({ interactionId: "int-1", interaction: null, live: true });
    replyTo(sent("watchInteraction").at(-1), {
      interaction: wireInteraction({ interactionId: "int-1" }),
      messages: [wireMessage(1), wireMessage(2)],
    });
    await opening;
    expect(feed.current.transcript?.interaction?.contact.name).toBe("Dana Customer");
    socket().receive({ type: "interaction.message", interactionId: "int-1", message: wireMessage(3) });
    socket().receive({ type: "interaction.message", interactionId: "int-1", message: wireMessage(3) });
    socket().receive({
      type: "interaction.message",
      interactionId: "int-9",
      message: wireMessage(1, { interactionId: "int-9", messageId: "msg_other" }),
    });
    expect(feed.current.transcript?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("lets the one shown go when another is chosen or it is closed", async () => {
    socket().accept();
    const first = feed.open("int-1");
    replyTo(sent("watchInteraction").at(-1), { interaction: wireInteraction({ interactionId: "int-1" }), messages: [] });
    await first;
    const second = feed.open("int-2");
    await settle();
    expect(sent("unwatchInteraction").map((f) => f["interactionId"])).toEqual(["int-1"]);
    replyTo(sent("unwatchInteraction").at(-1), { interaction: wireInteraction({ interactionId: "int-1" }) });
    await settle();
    expect(sent("watchInteraction").map((f) => f["interactionId"])).toEqual(["int-1", "int-2"]);
    replyTo(sent("watchInteraction").at(-1), { interaction: wireInteraction({ interactionId: "int-2" }), messages: [] });
    await second;
    socket().receive({ type: "interaction.message", interactionId: "int-1", message: wireMessage(5) });
    expect(feed.current.transcript).toMatchObject({ interactionId: "int-2", messages: [] });
    const closing = feed.close();
    expect(feed.current.transcript).toBeNull();
    replyTo(sent("unwatchInteraction").at(-1), { interaction: wireInteraction({ interactionId: "int-2" }) });
    await closing;
    expect(sent("unwatchInteraction").map((f) => f["interactionId"])).toEqual(["int-1", "int-2"]);
  });

  it("reads an ended conversation once instead of watching it", async () => {
    socket().accept();
    const opening = feed.open("int-1");
    refuse(sent("watchInteraction").at(-1), "INVALID_TRANSITION", "Interaction int-1 has ended (wrap_up).");
    await settle();
    expect(sent("getInteraction").at(-1)).toMatchObject({ interactionId: "int-1" });
    replyTo(sent("getInteraction").at(-1), {
      interaction: wireInteraction({ interactionId: "int-1", status: "wrap_up" }),
      messages: [wireMessage(1)],
    });
    await opening;
    expect(feed.current.transcript).toMatchObject({ live: false, error: null });
    expect(feed.current.transcript?.messages).toHaveLength(1);
    await feed.close();
    expect(sent("unwatchInteraction")).toHaveLength(0); // never watched
  });

  it("says why a conversation cannot be shown", async () => {
    socket().accept();
    const opening = feed.open("int-1");
    refuse(sent("watchInteraction").at(-1), "NOT_FOUND", "There is no interaction int-1 of yours.");
    await opening;
    expect(feed.current.transcript).toMatchObject({ interactionId: "int-1", error: "There is no interaction int-1 of yours." });
  });

  it("watches the conversation again after a reconnect, filling the messages missed", async () => {
    socket().accept();
    const opening = feed.open("int-1");
    replyTo(sent("watchInteraction").at(-1), { interaction: wireInteraction({ interactionId: "int-1" }), messages: [wireMessage(1)] });
    await opening;
    socket().drop();
    timers.advance(60_000);
    socket().accept();
    expect(sent("watchInteraction")).toHaveLength(1); // on the new socket
    replyTo(sent("watchInteraction").at(-1), {
      interaction: wireInteraction({ interactionId: "int-1" }),
      messages: [wireMessage(1), wireMessage(2)],
    });
    await settle();
    expect(feed.current.transcript?.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(snapshots.length).toBeGreaterThan(2);
  });
});

describe("team.interaction pushes", () => {
  const push = (interactionId: string, version: number, interaction: Record<string, unknown> | null) =>
    socket().receive({ type: "team.interaction", interactionId, version, interaction });
  const { watching: _mine, ...pushedRow } = row("x");
  const pushed = (interactionId: string, overrides: Record<string, unknown> = {}) => ({
    ...pushedRow,
    interactionId,
    ...overrides,
  });
  const listed = () => feed.current.items?.map((r) => [r.interactionId, r.status, r.version, r.watching]);

  async function listedFirst(...rows: Record<string, unknown>[]) {
    socket().accept();
    replyTo(sent("listTeamInteractions")[0], { items: rows, total: rows.length });
    await settle();
  }

  it("add, change and remove rows in queue order, keeping the highest version", async () => {
    await listedFirst(row("int-2", { queuedAt: "2026-03-02T09:05:00Z", watching: true }));
    push("int-1", 2, pushed("int-1", { status: "offered", answeredAt: null, version: 2 }));
    expect(listed()).toEqual([
      ["int-1", "offered", 2, false],
      ["int-2", "active", 4, true],
    ]);
    expect(feed.current.total).toBe(2);

    push("int-2", 5, pushed("int-2", { status: "wrap_up", queuedAt: "2026-03-02T09:05:00Z", version: 5 }));
    push("int-2", 3, pushed("int-2", { status: "offered", queuedAt: "2026-03-02T09:05:00Z", version: 3 })); // late
    expect(listed()).toEqual([
      ["int-1", "offered", 2, false],
      ["int-2", "wrap_up", 5, true], // still watched: the push does not say, the row did
    ]);

    push("int-1", 4, null);
    push("int-1", 3, pushed("int-1", { version: 3 })); // older than its removal: stays gone
    expect(listed()).toEqual([["int-2", "wrap_up", 5, true]]);
    expect(feed.current.total).toBe(1);
  });

  it("a list read meanwhile neither brings back a removed row nor undoes a newer push", async () => {
    await listedFirst(row("int-1"), row("int-2", { queuedAt: "2026-03-02T09:05:00Z" }));
    push("int-1", 9, null);
    push("int-2", 8, pushed("int-2", { status: "wrap_up", queuedAt: "2026-03-02T09:05:00Z", version: 8 }));
    timers.advance(5_000);
    replyTo(sent("listTeamInteractions")[1], {
      items: [row("int-1"), row("int-2", { queuedAt: "2026-03-02T09:05:00Z" })],
      total: 2,
    });
    await settle();
    expect(listed()).toEqual([["int-2", "wrap_up", 8, false]]);
    expect(feed.current.total).toBe(1);
  });

  it("are ignored before the first list, and when they cannot be read", async () => {
    socket().accept();
    push("int-1", 2, pushed("int-1"));
    expect(feed.current.items).toBeNull();
    replyTo(sent("listTeamInteractions")[0], { items: [], total: 0 });
    await settle();
    push("int-1", 2, { interactionId: "int-1" });
    push("int-1", 2, pushed("int-other"));
    expect(feed.current.items).toEqual([]);
  });
});

describe("wait and handle times", () => {
  const now = Date.parse("2026-03-02T09:02:00Z");

  it("wait runs until the answer, handle from the answer to the end", () => {
    const [answered, waiting, ended] = parseTeamInteractions([
      row("a"),
      row("b", { answeredAt: null, status: "offered" }),
      row("c", { status: "wrap_up", endedAt: "2026-03-02T09:01:30Z" }),
    ]) ?? [];
    expect(answered && [waitSeconds(answered, now), handleSeconds(answered, now)]).toEqual([30, 90]);
    expect(waiting && [waitSeconds(waiting, now), handleSeconds(waiting, now)]).toEqual([120, null]);
    expect(ended && [waitSeconds(ended, now), handleSeconds(ended, now)]).toEqual([30, 60]);
  });

  it("drops rows it cannot read and reads hold", () => {
    const rows = parseTeamInteractions([
      row("a", { onHold: true, heldSince: "2026-03-02T09:01:00Z", agentName: null }),
      { interactionId: "x" },
      "nonsense",
    ]);
    expect(rows).toHaveLength(1);
    expect(rows?.[0]).toMatchObject({ onHold: true, heldSince: "2026-03-02T09:01:00Z", agentName: "agent-1" });
    expect(parseTeamInteractions({ items: [] })).toBeNull();
  });
});
