import { beforeEach, describe, expect, it } from "vitest";
import { AUTO_ANSWER_DELAY_MS, InteractionsFeed, TYPING_EVERY_MS } from "../src/interactions/feed";
import type { InteractionActions } from "../src/interactions/protocol";
import { DeskConnection } from "../src/realtime/connection";
import { FakeNetwork, type FakeSocket, FakeSockets, FakeTimers } from "./fakes";
import { wireInteraction, wireMessage, wireSummary } from "./interactionFixtures";

let timers: FakeTimers;
let sockets: FakeSockets;
let desk: DeskConnection<InteractionActions>;
let feed: InteractionsFeed;
let autoAnswer: boolean | null;
let cues: number;

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function socket(): FakeSocket {
  return sockets.latest;
}

/** Answer the first unanswered request with this action. */
function answer(action: string, fields: object): void {
  const frame = socket().sent.find((f) => f["action"] === action && !answered.has(f["requestId"] as string));
  if (frame === undefined) throw new Error(`no ${action} request`);
  answered.add(frame["requestId"] as string);
  socket().receive({ type: "ack", requestId: frame["requestId"], ...fields });
}

function refuse(action: string, code: string, message: string): void {
  const frame = socket().sent.find((f) => f["action"] === action && !answered.has(f["requestId"] as string));
  if (frame === undefined) throw new Error(`no ${action} request`);
  answered.add(frame["requestId"] as string);
  socket().receive({ type: "error", requestId: frame["requestId"], code, message });
}

const sentActions = () => socket().sent.map((f) => f["action"]);
let answered: Set<string>;

async function connectWithNothingOpen(): Promise<void> {
  socket().accept();
  answer("listInteractions", { items: [], nextCursor: null });
  answer("listInteractions", {
    items: [wireSummary()],
    nextCursor: null,
    today: { interactions: 1, successful: 1, unsure: 0, failed: 0, handleSeconds: 120 },
  });
  await settle();
}

beforeEach(() => {
  timers = new FakeTimers();
  sockets = new FakeSockets();
  answered = new Set();
  autoAnswer = null;
  cues = 0;
  let id = 0;
  let clientId = 0;
  desk = new DeskConnection<InteractionActions>({
    url: () => "ws://desk.test/ws",
    createSocket: sockets.factory,
    timers,
    network: new FakeNetwork(),
    random: () => 1,
    newRequestId: () => `r${++id}`,
  });
  feed = new InteractionsFeed(desk, () => undefined, {
    timers,
    autoAnswer: () => autoAnswer,
    cue: () => {
      cues += 1;
    },
    newClientMessageId: () => `c${++clientId}`,
  });
  feed.start();
  desk.start();
});

describe("InteractionsFeed", () => {
  it("lists open conversations (read in full) and Most Recent Activity on connect", async () => {
    socket().accept();
    expect(socket().sent.filter((f) => f["action"] === "listInteractions").map((f) => f["scope"])).toEqual(["open", "recent"]);
    answer("listInteractions", {
      items: [wireSummary({ interactionId: "int-1", status: "active" }), wireSummary({ interactionId: "int-9", status: "offered" })],
      nextCursor: null,
    });
    answer("listInteractions", { items: [wireSummary()], nextCursor: null, today: { interactions: 2, successful: 1 } });
    await settle();
    expect(socket().sent.filter((f) => f["action"] === "getInteraction").map((f) => f["interactionId"])).toEqual(["int-1"]);
    answer("getInteraction", {
      interaction: wireInteraction(),
      messages: [wireMessage(2), wireMessage(1)],
      contactHistory: [wireSummary()],
    });
    await settle();
    const state = feed.current;
    expect(state.tabs).toEqual(["int-1"]);
    expect(state.conversations["int-1"]?.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(state.conversations["int-1"]?.contactHistory).toHaveLength(1);
    expect(state.recent).toHaveLength(1);
    expect(state.today).toMatchObject({ interactions: 2, successful: 1, unsure: 0 });
  });

  it("asks getPerformance when the listing carries no counters", async () => {
    socket().accept();
    answer("listInteractions", { items: [], nextCursor: null });
    answer("listInteractions", { items: [], nextCursor: null });
    await settle();
    answer("getPerformance", { today: { interactions: 7, successful: 5, unsure: 1, failed: 1, handleSeconds: 900 } });
    await settle();
    expect(feed.current.today?.interactions).toBe(7);
  });

  it("accepts an offer, opens the conversation and reads it", async () => {
    await connectWithNothingOpen();
    socket().receive({
      type: "interaction.offered",
      interaction: wireInteraction({ status: "offered", agentId: "agent-1", version: 2 }),
      offer: { offerId: "off-1", expiresAt: "2026-03-02T09:00:31Z", autoAnswer: false },
    });
    expect(feed.current.offers).toHaveLength(1);
    expect(cues).toBe(0);
    const accepting = feed.accept("int-1");
    expect(socket().lastSent()).toMatchObject({ action: "accept", interactionId: "int-1" });
    answer("accept", { interaction: wireInteraction({ version: 3 }) });
    await accepting;
    expect(feed.current.offers).toHaveLength(0);
    expect(feed.current.activeId).toBe("int-1");
    expect(socket().lastSent()).toMatchObject({ action: "getInteraction", interactionId: "int-1" });
  });

  it("removes an offer that can no longer be accepted and rethrows the reason", async () => {
    await connectWithNothingOpen();
    socket().receive({
      type: "interaction.offered",
      interaction: wireInteraction({ status: "offered", version: 2 }),
      offer: { offerId: "off-1", expiresAt: "2026-03-02T09:00:31Z", autoAnswer: false },
    });
    const accepting = feed.accept("int-1");
    refuse("accept", "CONFLICT", "The offer has expired.");
    await expect(accepting).rejects.toMatchObject({ code: "CONFLICT" });
    expect(feed.current.offers).toHaveLength(0);
  });

  it("rejects with a reason", async () => {
    await connectWithNothingOpen();
    socket().receive({
      type: "interaction.offered",
      interaction: wireInteraction({ status: "offered", version: 2 }),
      offer: { offerId: "off-1", expiresAt: "2026-03-02T09:00:31Z", autoAnswer: false },
    });
    const rejecting = feed.reject("int-1", "On a break");
    expect(socket().lastSent()).toMatchObject({ action: "reject", interactionId: "int-1", reason: "On a break" });
    answer("reject", { interactionId: "int-1" });
    await rejecting;
    expect(feed.current.offers).toHaveLength(0);
  });

  it("plays the cue for an offer the server answers automatically, and accepts if no assignment follows", async () => {
    await connectWithNothingOpen();
    socket().receive({
      type: "interaction.offered",
      interaction: wireInteraction({ status: "offered", version: 2 }),
      offer: { offerId: "off-1", expiresAt: "2026-03-02T09:00:31Z", autoAnswer: true },
    });
    expect(cues).toBe(1);
    expect(feed.current.offers[0]?.autoAnswering).toBe(true);
    expect(sentActions()).not.toContain("accept");
    timers.advance(AUTO_ANSWER_DELAY_MS);
    expect(socket().lastSent()).toMatchObject({ action: "accept", interactionId: "int-1" });
  });

  it("plays no cue and waits for the agent when the offer is not automatic", async () => {
    await connectWithNothingOpen();
    socket().receive({
      type: "interaction.offered",
      interaction: wireInteraction({ status: "offered", version: 2 }),
      offer: { offerId: "off-1", expiresAt: "2026-03-02T09:00:31Z", autoAnswer: false },
    });
    timers.advance(AUTO_ANSWER_DELAY_MS * 2);
    expect(cues).toBe(0);
    expect(sentActions()).not.toContain("accept");
  });

  it("sends the agent's auto-answer choice on connect, and keeps the server's refusal", async () => {
    autoAnswer = true;
    socket().accept();
    expect(socket().sent.find((f) => f["action"] === "setAutoAnswer")).toMatchObject({ enabled: true });
    refuse("setAutoAnswer", "FORBIDDEN", "Auto-answer is set to off for you by an admin.");
    await settle();
    expect(feed.autoAnswerProblem).toBe("Auto-answer is set to off for you by an admin.");
    const choosing = feed.setAutoAnswer(false);
    answer("setAutoAnswer", { autoAnswer: false });
    await choosing;
    expect(feed.autoAnswerProblem).toBeNull();
  });

  it("sends no auto-answer choice when the agent never chose", async () => {
    autoAnswer = null;
    await connectWithNothingOpen();
    expect(sentActions()).not.toContain("setAutoAnswer");
  });

  it("does not accept when the server auto-answered first (assigned push)", async () => {
    await connectWithNothingOpen();
    socket().receive({
      type: "interaction.offered",
      interaction: wireInteraction({ status: "offered", version: 2 }),
      offer: { offerId: "off-1", expiresAt: "2026-03-02T09:00:31Z", autoAnswer: true },
    });
    expect(cues).toBe(1);
    socket().receive({ type: "interaction.assigned", interaction: wireInteraction({ version: 3 }) });
    timers.advance(AUTO_ANSWER_DELAY_MS);
    expect(sentActions()).not.toContain("accept");
    expect(feed.current.tabs).toEqual(["int-1"]);
  });

  it("sends a message with a clientMessageId and shows it as sending until the ack", async () => {
    await connectWithNothingOpen();
    socket().receive({ type: "interaction.assigned", interaction: wireInteraction() });
    answer("getInteraction", { interaction: wireInteraction(), messages: [wireMessage(1)] });
    await settle();
    const sending = feed.send("int-1", "  Hello Dana  ");
    expect(socket().lastSent()).toMatchObject({ action: "sendMessage", interactionId: "int-1", text: "Hello Dana", clientMessageId: "c1" });
    expect(feed.current.conversations["int-1"]?.pending).toHaveLength(1);
    // The push can overtake the ack; the ack then changes nothing.
    const own = wireMessage(2, { from: "agent", authorId: "agent-1", text: "Hello Dana", clientMessageId: "c1" });
    socket().receive({ type: "interaction.message", interactionId: "int-1", message: own });
    answer("sendMessage", { message: own });
    await sending;
    const conversation = feed.current.conversations["int-1"];
    expect(conversation?.pending).toEqual([]);
    expect(conversation?.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it("marks a message that failed and sends it again with the same clientMessageId", async () => {
    await connectWithNothingOpen();
    socket().receive({ type: "interaction.assigned", interaction: wireInteraction() });
    answer("getInteraction", { interaction: wireInteraction(), messages: [] });
    await settle();
    const sending = feed.send("int-1", "Hi");
    refuse("sendMessage", "RATE_LIMITED", "Slow down.");
    await expect(sending).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(feed.current.conversations["int-1"]?.pending[0]?.failed).toBe(true);
    const again = feed.retry("int-1", "c1");
    expect(socket().lastSent()).toMatchObject({ action: "sendMessage", clientMessageId: "c1", text: "Hi" });
    answer("sendMessage", { message: wireMessage(1, { from: "agent", clientMessageId: "c1", text: "Hi" }) });
    await again;
    expect(feed.current.conversations["int-1"]?.pending).toEqual([]);
  });

  it("sends typing at most every few seconds", async () => {
    await connectWithNothingOpen();
    feed.typing("int-1");
    feed.typing("int-1");
    expect(sentActions().filter((a) => a === "typing")).toHaveLength(1);
    timers.advance(TYPING_EVERY_MS);
    feed.typing("int-1");
    expect(sentActions().filter((a) => a === "typing")).toHaveLength(2);
  });

  it("follows message, typing, updated and ended pushes", async () => {
    await connectWithNothingOpen();
    socket().receive({ type: "interaction.assigned", interaction: wireInteraction() });
    answer("getInteraction", { interaction: wireInteraction(), messages: [] });
    await settle();
    socket().receive({ type: "interaction.typing", interactionId: "int-1", from: "customer" });
    expect(feed.current.conversations["int-1"]?.typingUntil).toBeGreaterThan(timers.now());
    socket().receive({ type: "interaction.message", interactionId: "int-1", message: wireMessage(1) });
    socket().receive({ type: "interaction.updated", interaction: wireInteraction({ version: 4, tags: ["vip"] }) });
    socket().receive({
      type: "interaction.ended",
      interaction: wireInteraction({ version: 5, status: "wrap_up", tags: ["vip"], wrapUpDeadline: "2026-03-02T09:12:00Z" }),
    });
    const conversation = feed.current.conversations["int-1"];
    expect(conversation?.messages).toHaveLength(1);
    expect(conversation?.interaction).toMatchObject({ status: "wrap_up", tags: ["vip"], wrapUpDeadline: "2026-03-02T09:12:00Z" });
  });

  it("runs the conversation commands and applies their acks", async () => {
    await connectWithNothingOpen();
    socket().receive({ type: "interaction.assigned", interaction: wireInteraction() });
    answer("getInteraction", { interaction: wireInteraction(), messages: [] });
    await settle();
    const note = feed.addNote("int-1", "Wants a refund");
    expect(socket().lastSent()).toMatchObject({ action: "addNote", text: "Wants a refund" });
    answer("addNote", { interaction: wireInteraction({ version: 4, notes: [{ noteId: "n1", text: "Wants a refund", at: "x" }] }) });
    await note;
    const tag = feed.addTag("int-1", "refund");
    answer("addTag", { interaction: wireInteraction({ version: 5, tags: ["refund"] }) });
    await tag;
    const untag = feed.removeTag("int-1", "refund");
    expect(socket().lastSent()).toMatchObject({ action: "removeTag", tag: "refund" });
    answer("removeTag", { interaction: wireInteraction({ version: 6, tags: [] }) });
    await untag;
    const canned = feed.useCannedMessage("int-1", "canned-hello");
    expect(socket().lastSent()).toMatchObject({ action: "useCannedMessage", cannedMessageId: "canned-hello" });
    answer("useCannedMessage", { message: wireMessage(1, { from: "agent", text: "Hello Dana!" }) });
    await canned;
    const transfer = feed.transfer("int-1", { agentId: "a2" }, "attended", " over to you ");
    expect(socket().lastSent()).toMatchObject({ action: "transfer", to: { agentId: "a2" }, mode: "attended", note: "over to you" });
    answer("transfer", { interaction: wireInteraction({ version: 7, transfer: { mode: "attended", to: { agentId: "a2" }, note: "over to you" } }) });
    await transfer;
    expect(feed.current.conversations["int-1"]?.interaction.transfer?.mode).toBe("attended");
    const cancel = feed.cancelTransfer("int-1");
    answer("cancelTransfer", { interaction: wireInteraction({ version: 8 }) });
    await cancel;
    const end = feed.end("int-1");
    expect(socket().lastSent()).toMatchObject({ action: "endInteraction" });
    answer("endInteraction", { interaction: wireInteraction({ version: 9, status: "wrap_up" }) });
    await end;
    const conversation = feed.current.conversations["int-1"];
    expect(conversation?.messages.map((m) => m.text)).toEqual(["Hello Dana!"]);
    expect(conversation?.interaction).toMatchObject({ status: "wrap_up", transfer: null, version: 9 });
    const submit = feed.submitDisposition("int-1", { category: "Success", outcome: "Resolved", notes: "Refund issued", tags: ["refund"] });
    expect(socket().lastSent()).toMatchObject({
      action: "submitDisposition",
      category: "Success",
      outcome: "Resolved",
      notes: "Refund issued",
      tags: ["refund"],
    });
    answer("submitDisposition", {
      interaction: wireInteraction({ version: 10, status: "closed", disposition: { category: "Success", outcome: "Resolved", source: "agent", complete: true } }),
    });
    await submit;
    expect(feed.current.tabs).toEqual([]);
    expect(socket().lastSent()).toMatchObject({ action: "listInteractions", scope: "recent" });
  });

  it("lists the transfer targets", async () => {
    await connectWithNothingOpen();
    const targets = feed.transferTargets("int-1");
    answer("listTransferTargets", {
      agents: [{ agentId: "a2", name: "Ben", status: "Available", displayedStatus: "Available", activeInteractions: 1, capacity: 5 }],
      queues: [{ queueId: "queue-sales", name: "Sales", waiting: 0, agentsRoutable: 3 }],
    });
    await expect(targets).resolves.toMatchObject({ agents: [{ name: "Ben" }], queues: [{ name: "Sales" }] });
  });

  it("lists again after a reconnect", async () => {
    await connectWithNothingOpen();
    socket().drop();
    timers.advance(60_000);
    socket().accept();
    expect(socket().sent.filter((f) => f["action"] === "listInteractions")).toHaveLength(2);
  });
});
