import { beforeEach, describe, expect, it } from "vitest";
import {
  type ChatSession,
  CustomerChat,
  INITIAL_CHAT,
  agentNameOf,
  chatSocketUrl,
  createChatSession,
  loadChat,
  loadChatTopics,
  queueFromSearch,
  reduceChat,
  saveChat,
  startProblem,
} from "../src/chat/chatSession";
import { type MessageView, parseMessage } from "../src/interactions/protocol";
import { FakeNetwork, type FakeSocket, FakeSockets, FakeTimers, MemoryStorage } from "./fakes";
import { wireMessage } from "./interactionFixtures";

const SESSION: ChatSession = {
  interactionId: "int-1",
  contactId: "con-1",
  token: "tok.en",
  expiresAt: "2099-01-01T00:00:00Z",
  websocketUrl: "ws://desk.test/ws",
  queueName: "Billing",
  name: "Dana",
};

function fetchReturning(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe("starting a chat", () => {
  it("checks the form", () => {
    expect(startProblem({ name: " " })).toMatchObject({ field: "name" });
    expect(startProblem({ name: "x".repeat(81) })).toMatchObject({ field: "name" });
    expect(startProblem({ name: "Dana", email: "nope" })).toMatchObject({ field: "email" });
    expect(startProblem({ name: "Dana", email: "" })).toBeNull();
    expect(startProblem({ name: "Dana", email: "dana@example.com" })).toBeNull();
  });

  it("reads the queue from ?queue= when it is a plausible id", () => {
    expect(queueFromSearch("?queue=queue-sales")).toBe("queue-sales");
    expect(queueFromSearch("?queue=<script>")).toBeNull();
    expect(queueFromSearch("")).toBeNull();
  });

  it("posts the session request and reads the reply", async () => {
    const { fetchFn, calls } = fetchReturning(201, {
      interactionId: "int-1",
      contactId: "con-1",
      token: "tok.en",
      expiresAt: "2099-01-01T00:00:00Z",
      websocketUrl: "ws://desk.test/ws",
      queueName: "Billing",
    });
    const session = await createChatSession(
      "http://desk.test/api/",
      { name: " Dana ", email: "", queueId: "queue-billing", topic: "Billing and payments" },
      fetchFn,
    );
    expect(session).toEqual(SESSION);
    expect(calls[0]?.url).toBe("http://desk.test/api/chat/sessions");
    expect(calls[0]?.init?.method).toBe("POST");
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ name: "Dana", queueId: "queue-billing", topic: "Billing and payments" });
    expect(chatSocketUrl(session)).toBe("ws://desk.test/ws?token=tok.en");
  });

  it("uses the configured WebSocket URL when the reply has none", async () => {
    const { fetchFn } = fetchReturning(201, { interactionId: "int-1", contactId: "c", token: "t", expiresAt: "x", websocketUrl: null, queueName: "General" });
    const session = await createChatSession("http://desk.test/api", { name: "Dana" }, fetchFn, "ws://fallback.test/ws");
    expect(session.websocketUrl).toBe("ws://fallback.test/ws");
  });

  it("says when to try again after a rate limit, and passes the API's message on", async () => {
    const limited = fetchReturning(429, { error: { code: "RATE_LIMITED", message: "Too many." } }, { "Retry-After": "30" });
    await expect(createChatSession("http://desk.test/api", { name: "Dana" }, limited.fetchFn)).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: "Too many chats were started from here. Please try again in 30 seconds.",
    });
    const unknown = fetchReturning(404, { error: { code: "NOT_FOUND", message: "No queue queue-x.", field: "queueId" } });
    await expect(createChatSession("http://desk.test/api", { name: "Dana", queueId: "queue-x" }, unknown.fetchFn)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No queue queue-x.",
      field: "queueId",
    });
  });
});

describe("the chat topics", () => {
  it("reads the queues open to web chat from the API, in its order", async () => {
    const { fetchFn, calls } = fetchReturning(200, {
      topics: [
        { queueId: "queue-general", label: "General question" },
        { queueId: "queue-billing", label: "Billing and payments" },
        { queueId: 7, label: "unreadable" },
        { queueId: "queue-sales", label: "" },
      ],
    });
    const topics = await loadChatTopics("http://desk.test/api/", fetchFn);
    expect(topics).toEqual([
      { queueId: "queue-general", label: "General question" },
      { queueId: "queue-billing", label: "Billing and payments" },
      { queueId: "queue-sales", label: "queue-sales" },
    ]);
    expect(calls[0]?.url).toBe("http://desk.test/api/chat/topics");
    expect(calls[0]?.init?.method ?? "GET").toBe("GET");
  });

  it("is empty when no queue takes chats, and says why it cannot read them", async () => {
    expect(await loadChatTopics("http://desk.test/api", fetchReturning(200, { topics: [] }).fetchFn)).toEqual([]);
    const limited = fetchReturning(429, { error: { code: "RATE_LIMITED", message: "Too many." } }, { "Retry-After": "3" });
    await expect(loadChatTopics("http://desk.test/api", limited.fetchFn)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(loadChatTopics("http://desk.test/api", fetchReturning(200, { items: [] }).fetchFn)).rejects.toMatchObject({
      code: "BAD_RESPONSE",
    });
    const offline = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await expect(loadChatTopics("http://desk.test/api", offline)).rejects.toMatchObject({ code: "NETWORK" });
  });
});

const msg = (seq: number, overrides: Record<string, unknown> = {}) => parseMessage(wireMessage(seq, overrides)) as MessageView;

describe("the customer's conversation", () => {
  it("merges messages by id and seq, joins the agent and ends", () => {
    let state = reduceChat(INITIAL_CHAT, { type: "sending", clientMessageId: "k1", text: "Hi" });
    state = reduceChat(state, { type: "message", message: msg(2, { clientMessageId: "k1", text: "Hi" }) });
    state = reduceChat(state, { type: "message", message: msg(1) });
    state = reduceChat(state, { type: "message", message: msg(1) });
    expect(state.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(state.pending).toEqual([]);
    expect(state.phase).toBe("waiting");
    state = reduceChat(state, { type: "assigned", agentName: "Ana" });
    expect(state).toMatchObject({ phase: "chatting", agentName: "Ana" });
    state = reduceChat(state, { type: "typing", now: 1000 });
    expect(state.agentTypingUntil).toBeGreaterThan(1000);
    state = reduceChat(state, { type: "message", message: msg(3, { from: "agent", authorName: "Ana" }) });
    expect(state.agentTypingUntil).toBe(0);
    state = reduceChat(state, { type: "ended" });
    expect(state.phase).toBe("ended");
    expect(reduceChat(state, { type: "assigned", agentName: "Ben" })).toBe(state);
    state = reduceChat(state, { type: "rated", score: 5, comment: "" });
    expect(state.phase).toBe("rated");
  });

  it("finds the agent's name in an assigned push", () => {
    expect(agentNameOf({ type: "interaction.assigned", interaction: { agentName: "Ana" } })).toBe("Ana");
    expect(agentNameOf({ type: "interaction.assigned", agentName: "Ben" })).toBe("Ben");
    expect(agentNameOf({ type: "interaction.assigned", interaction: {} })).toBeNull();
  });

  it("keeps the chat over a reload until its token expires", () => {
    const storage = new MemoryStorage();
    const state = reduceChat(reduceChat(INITIAL_CHAT, { type: "assigned", agentName: "Ana" }), { type: "message", message: msg(1) });
    saveChat(storage, SESSION, state);
    const loaded = loadChat(storage, Date.parse("2098-01-01T00:00:00Z"));
    expect(loaded?.session).toEqual(SESSION);
    expect(loaded?.state).toMatchObject({ phase: "chatting", agentName: "Ana" });
    expect(loaded?.state.messages.map((m) => m.seq)).toEqual([1]);
    expect(loadChat(storage, Date.parse("2100-01-01T00:00:00Z"))).toBeNull();
    storage.setItem("agentdesk.chat", "{not json");
    expect(loadChat(storage, 0)).toBeNull();
  });
});

describe("CustomerChat over the WebSocket", () => {
  let timers: FakeTimers;
  let sockets: FakeSockets;
  let chat: CustomerChat;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const socket = (): FakeSocket => sockets.latest;
  const ack = (fields: object = {}) => socket().receive({ type: "ack", requestId: socket().lastSent()["requestId"], ...fields });

  beforeEach(() => {
    timers = new FakeTimers();
    sockets = new FakeSockets();
    let id = 0;
    let clientId = 0;
    chat = new CustomerChat(SESSION, () => undefined, {
      createSocket: sockets.factory,
      timers,
      network: new FakeNetwork(),
      random: () => 1,
      newRequestId: () => `r${++id}`,
      newClientMessageId: () => `k${++clientId}`,
      now: () => timers.now(),
    });
    chat.start();
    socket().accept();
  });

  it("connects with the customer token", () => {
    expect(socket().url).toBe("ws://desk.test/ws?token=tok.en");
    expect(chat.current.connection).toBe("connected");
  });

  it("sends messages with a clientMessageId and drops the echo of its own push", async () => {
    const sending = chat.send(" Hello ");
    expect(socket().lastSent()).toEqual({ action: "sendMessage", requestId: "r2", text: "Hello", clientMessageId: "k1" });
    const own = wireMessage(1, { clientMessageId: "k1", text: "Hello" });
    socket().receive({ type: "interaction.message", interactionId: "int-1", message: own });
    ack({ message: own });
    await sending;
    expect(chat.current.messages).toHaveLength(1);
    expect(chat.current.pending).toEqual([]);
  });

  it("catches up after connecting: messages missed meanwhile, the agent, the end", async () => {
    expect(socket().sent[0]).toEqual({ action: "getChat", requestId: "r1" });
    socket().receive({
      type: "ack",
      requestId: "r1",
      interaction: { interactionId: "int-1", status: "active", agentName: "Ana", version: 4 },
      messages: [wireMessage(2, { from: "agent", authorName: "Ana" }), wireMessage(1), wireMessage(2)],
    });
    await settle();
    expect(chat.current).toMatchObject({ phase: "chatting", agentName: "Ana" });
    expect(chat.current.messages.map((m) => m.seq)).toEqual([1, 2]);
    socket().receive({
      type: "ack",
      requestId: "r1",
      interaction: { interactionId: "int-1", status: "closed", agentName: "Ana", version: 6, rating: { score: 5 } },
      messages: [],
    });
    await settle();
    expect(chat.current.phase).toBe("chatting"); // an answered request is not answered twice
  });

  it("follows the agent joining, typing, writing and ending, then rates once", async () => {
    socket().receive({ type: "interaction.assigned", interaction: { interactionId: "int-1", status: "active", agentName: "Ana", version: 2 } });
    socket().receive({ type: "interaction.typing", interactionId: "int-1", from: "agent" });
    expect(chat.current).toMatchObject({ phase: "chatting", agentName: "Ana" });
    expect(chat.current.agentTypingUntil).toBeGreaterThan(timers.now());
    socket().receive({ type: "interaction.message", interactionId: "int-1", message: wireMessage(1, { from: "agent", authorName: "Ana" }) });
    socket().receive({ type: "interaction.message", interactionId: "int-9", message: wireMessage(2, { interactionId: "int-9" }) });
    expect(chat.current.messages).toHaveLength(1);
    socket().receive({ type: "interaction.ended", interaction: { interactionId: "int-1", status: "closed", version: 3 } });
    expect(chat.current.phase).toBe("ended");
    const rating = chat.rate(4, "  Quick and kind  ");
    expect(socket().lastSent()).toMatchObject({ action: "rate", score: 4, comment: "Quick and kind" });
    ack({});
    await rating;
    expect(chat.current).toMatchObject({ phase: "rated", rating: { score: 4 } });
    await expect(chat.rate(6, "")).rejects.toThrow(/1 to 5/);
  });

  it("ends the chat from the customer's side and sends typing at most every few seconds", async () => {
    chat.typing();
    chat.typing();
    expect(socket().sent.filter((f) => f["action"] === "typing")).toHaveLength(1);
    ack({});
    const ending = chat.end();
    expect(socket().lastSent()).toMatchObject({ action: "endChat" });
    ack({ interaction: { interactionId: "int-1", status: "closed" } });
    await ending;
    expect(chat.current.phase).toBe("ended");
    await settle();
  });

  it("marks a message that failed and sends it again", async () => {
    const sending = chat.send("Hi");
    socket().receive({ type: "error", requestId: socket().lastSent()["requestId"], code: "RATE_LIMITED", message: "Slow down." });
    await expect(sending).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(chat.current.pending[0]?.failed).toBe(true);
    const again = chat.retry("k1");
    expect(socket().lastSent()).toMatchObject({ action: "sendMessage", clientMessageId: "k1" });
    ack({ message: wireMessage(1, { clientMessageId: "k1", text: "Hi" }) });
    await again;
    expect(chat.current.pending).toEqual([]);
  });
});
