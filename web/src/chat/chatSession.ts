/**
 * The public customer chat (no sign-in): `POST /api/chat/sessions` answers a short-lived customer token and
 * the WebSocket URL; the customer connects with `?token=` and uses `sendMessage`, `typing`, `endChat` and,
 * after the end, `rate`. Messages are merged by id and sequence number (duplicates dropped, order kept), as
 * in the agent's workspace. The session is kept in sessionStorage so a reload keeps the conversation.
 */

import { type ConnectionStatus, DeskConnection, type SocketFactory, type Timers } from "../realtime/connection";
import type { Network } from "../realtime/connection";
import type { Push } from "../realtime/protocol";
import {
  type CustomerActions,
  LIMITS,
  type MessageView,
  PUSH,
  parseInteraction,
  parseMessage,
  parseMessages,
} from "../interactions/protocol";
import { mergeMessages } from "../interactions/store";

/** A topic offered on the form: a queue open to web chat and what the customer is shown. */
export interface ChatTopic {
  queueId: string;
  label: string;
}

export interface ChatSession {
  interactionId: string;
  contactId: string;
  token: string;
  expiresAt: string;
  websocketUrl: string;
  queueName: string;
  name: string;
}

export interface StartChat {
  name: string;
  email?: string;
  queueId?: string;
  /** What the chat is about (shown to the agent as its subject). */
  topic?: string;
}

export class ChatError extends Error {
  override readonly name = "ChatError";

  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why the start form cannot be sent (field and message), or null. */
export function startProblem(input: StartChat): { field: "name" | "email"; message: string } | null {
  const name = input.name.trim();
  if (name === "") return { field: "name", message: "Enter your name." };
  if (name.length > 80) return { field: "name", message: "Your name can have at most 80 characters." };
  const email = input.email?.trim() ?? "";
  if (email !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    return { field: "email", message: "Enter an email address such as name@example.com, or leave it empty." };
  }
  return null;
}

/** The queue named by `?queue=` in the page's address, or null. */
export function queueFromSearch(search: string): string | null {
  const queue = new URLSearchParams(search).get("queue");
  return queue && /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(queue) ? queue : null;
}

/** A request to the chat service and its JSON body (null when there is none); a ChatError when unreachable. */
async function chatRequest(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<{ response: Response; json: unknown }> {
  let response: Response;
  try {
    response = await fetchFn(url, { ...init, cache: "no-store" });
  } catch {
    throw new ChatError("NETWORK", "We could not reach the chat service. Check your connection and try again.");
  }
  const json: unknown = await response.json().catch(() => null);
  return { response, json };
}

/** What a refused request's error body says: its stable code (else HTTP_<status>), field and message. */
function refusal(response: Response, json: unknown): { code: string; field?: string; message: string | null } {
  const error = isObject(json) && isObject(json["error"]) ? json["error"] : {};
  const code = typeof error["code"] === "string" ? error["code"] : `HTTP_${response.status}`;
  const message = typeof error["message"] === "string" ? error["message"] : null;
  return typeof error["field"] === "string" ? { code, field: error["field"], message } : { code, message };
}

/** Open a chat: 201 with the session, else a ChatError saying what to do. */
export async function createChatSession(
  apiUrl: string,
  input: StartChat,
  fetchFn: typeof fetch = fetch,
  /** The WebSocket API of the runtime configuration, used when the reply names none. */
  fallbackWsUrl: string | null = null,
): Promise<ChatSession> {
  const body: Record<string, string> = { name: input.name.trim() };
  if (input.email?.trim()) body["email"] = input.email.trim();
  if (input.queueId) body["queueId"] = input.queueId;
  if (input.topic?.trim()) body["topic"] = input.topic.trim().slice(0, 200);
  const { response, json } = await chatRequest(fetchFn, `${apiUrl.replace(/\/+$/, "")}/chat/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const { code, field, message } = refusal(response, json);
    if (response.status === 429) {
      const retry = Number(response.headers.get("Retry-After"));
      const wait = Number.isFinite(retry) && retry > 0 ? ` in ${Math.ceil(retry)} seconds` : " in a moment";
      throw new ChatError(code, `Too many chats were started from here. Please try again${wait}.`);
    }
    throw new ChatError(code, message ?? `The chat could not be started (HTTP ${response.status}).`, field);
  }
  if (!isObject(json)) throw new ChatError("BAD_RESPONSE", "The chat service sent a reply we cannot read.");
  const { interactionId, contactId, token, expiresAt, queueName } = json;
  const websocketUrl = typeof json["websocketUrl"] === "string" ? json["websocketUrl"] : fallbackWsUrl;
  if (
    typeof interactionId !== "string" ||
    typeof token !== "string" ||
    typeof websocketUrl !== "string" ||
    !/^wss?:\/\//.test(websocketUrl)
  ) {
    throw new ChatError("BAD_RESPONSE", "The chat service sent a reply we cannot read.");
  }
  return {
    interactionId,
    contactId: typeof contactId === "string" ? contactId : "",
    token,
    expiresAt: typeof expiresAt === "string" ? expiresAt : "",
    websocketUrl,
    queueName: typeof queueName === "string" ? queueName : "",
    name: body["name"] as string,
  };
}

/**
 * The topics the form offers (`GET /api/chat/topics`: the queues open to web chat, the general queue first);
 * `?queue=<id>` on the page's address picks one directly instead. A ChatError when they cannot be read.
 */
export async function loadChatTopics(apiUrl: string, fetchFn: typeof fetch = fetch): Promise<ChatTopic[]> {
  const { response, json } = await chatRequest(fetchFn, `${apiUrl.replace(/\/+$/, "")}/chat/topics`, {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) {
    const message =
      response.status === 429 ? "Too many requests were sent from here. Please try again in a moment." : null;
    throw new ChatError(
      refusal(response, json).code,
      message ?? `The chat topics could not be read (HTTP ${response.status}).`,
    );
  }
  const topics = isObject(json) && Array.isArray(json["topics"]) ? json["topics"] : null;
  if (topics === null) throw new ChatError("BAD_RESPONSE", "The chat service sent a reply we cannot read.");
  return topics.flatMap((item: unknown) => {
    if (!isObject(item) || typeof item["queueId"] !== "string" || item["queueId"] === "") return [];
    const label = typeof item["label"] === "string" && item["label"].trim() ? item["label"] : item["queueId"];
    return [{ queueId: item["queueId"], label }];
  });
}

export function chatSocketUrl(session: ChatSession): string {
  const url = new URL(session.websocketUrl);
  url.searchParams.set("token", session.token);
  return url.toString();
}

export function isSessionExpired(session: ChatSession, now: number): boolean {
  const at = Date.parse(session.expiresAt);
  return !Number.isNaN(at) && at <= now;
}

// --- the conversation ----------------------------------------------------------------------------

export type ChatPhase = "waiting" | "chatting" | "ended" | "rated";

export interface ChatPending {
  clientMessageId: string;
  text: string;
  failed: boolean;
}

export interface ChatState {
  phase: ChatPhase;
  agentName: string | null;
  messages: MessageView[];
  pending: ChatPending[];
  /** Until when (ms) the agent is shown typing. */
  agentTypingUntil: number;
  connection: ConnectionStatus["state"];
  rating: { score: number; comment: string } | null;
  error: string | null;
}

export const INITIAL_CHAT: ChatState = {
  phase: "waiting",
  agentName: null,
  messages: [],
  pending: [],
  agentTypingUntil: 0,
  connection: "idle",
  rating: null,
  error: null,
};

export const AGENT_TYPING_MS = 6_000;

export type ChatEvent =
  | { type: "message"; message: MessageView }
  | { type: "sending"; clientMessageId: string; text: string }
  | { type: "sendFailed"; clientMessageId: string }
  | { type: "typing"; now: number }
  | { type: "assigned"; agentName: string | null }
  | { type: "ended" }
  | { type: "rated"; score: number; comment: string }
  | { type: "caughtUp"; status: string; agentName: string | null; rated: { score: number; comment: string } | null; messages: MessageView[] }
  | { type: "connection"; state: ConnectionStatus["state"] }
  | { type: "error"; message: string | null };

export function reduceChat(state: ChatState, event: ChatEvent): ChatState {
  switch (event.type) {
    case "message": {
      const messages = mergeMessages(state.messages, [event.message]);
      if (messages === state.messages) return state;
      const id = event.message.clientMessageId;
      const pending = id === null ? state.pending : state.pending.filter((p) => p.clientMessageId !== id);
      const fromAgent = event.message.from === "agent";
      return {
        ...state,
        messages,
        pending,
        agentTypingUntil: fromAgent ? 0 : state.agentTypingUntil,
        agentName: fromAgent && state.agentName === null ? event.message.authorName || null : state.agentName,
        phase: fromAgent && state.phase === "waiting" ? "chatting" : state.phase,
      };
    }
    case "sending":
      return { ...state, pending: [...state.pending, { clientMessageId: event.clientMessageId, text: event.text, failed: false }] };
    case "sendFailed":
      return {
        ...state,
        pending: state.pending.map((p) => (p.clientMessageId === event.clientMessageId ? { ...p, failed: true } : p)),
      };
    case "typing":
      return state.phase === "ended" || state.phase === "rated" ? state : { ...state, agentTypingUntil: event.now + AGENT_TYPING_MS };
    case "assigned":
      if (state.phase === "ended" || state.phase === "rated") return state;
      return { ...state, phase: "chatting", agentName: event.agentName ?? state.agentName };
    case "ended":
      return state.phase === "ended" || state.phase === "rated" ? state : { ...state, phase: "ended", agentTypingUntil: 0 };
    case "rated":
      return { ...state, phase: "rated", rating: { score: event.score, comment: event.comment } };
    case "caughtUp": {
      // The server's word after a (re)connect: messages missed meanwhile, and where the chat is now.
      let next = event.messages.reduce((current, message) => reduceChat(current, { type: "message", message }), state);
      if (event.status === "active") next = reduceChat(next, { type: "assigned", agentName: event.agentName });
      if (["wrap_up", "closed", "abandoned"].includes(event.status)) next = reduceChat(next, { type: "ended" });
      if (event.rated !== null && next.phase !== "rated") next = reduceChat(next, { type: "rated", ...event.rated });
      return next;
    }
    case "connection":
      return state.connection === event.state ? state : { ...state, connection: event.state };
    case "error":
      return { ...state, error: event.message };
  }
}

/** The agent's name in an `interaction.assigned` push to the customer: top-level, on the view, or `agent.name`. */
export function agentNameOf(push: Push): string | null {
  if (typeof push["agentName"] === "string") return push["agentName"];
  const agent = push["agent"];
  if (isObject(agent) && typeof agent["name"] === "string") return agent["name"];
  const interaction = push["interaction"];
  if (isObject(interaction) && typeof interaction["agentName"] === "string") return interaction["agentName"];
  return null;
}

export interface CustomerChatOptions {
  createSocket?: SocketFactory;
  timers?: Timers;
  network?: Network;
  random?: () => number;
  newRequestId?: () => string;
  newClientMessageId?: () => string;
  now?: () => number;
}

const TYPING_EVERY_MS = 3_000;

/** One customer's chat over its own WebSocket connection. */
export class CustomerChat {
  readonly connection: DeskConnection<CustomerActions>;
  private state: ChatState;
  private readonly stops: (() => void)[] = [];
  private lastTyping = Number.NEGATIVE_INFINITY;
  private readonly newClientMessageId: () => string;
  private readonly now: () => number;

  constructor(
    readonly session: ChatSession,
    private readonly onChange: (state: ChatState) => void,
    options: CustomerChatOptions = {},
    initial: ChatState = INITIAL_CHAT,
  ) {
    this.state = initial;
    this.now = options.now ?? (() => Date.now());
    let counter = 0;
    const prefix = Math.random().toString(36).slice(2, 10);
    this.newClientMessageId = options.newClientMessageId ?? (() => `k-${prefix}-${++counter}`);
    this.connection = new DeskConnection<CustomerActions>({
      url: () => chatSocketUrl(session),
      isSessionValid: () => !isSessionExpired(session, this.now()),
      ...(options.createSocket ? { createSocket: options.createSocket } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.network ? { network: options.network } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.newRequestId ? { newRequestId: options.newRequestId } : {}),
    });
  }

  get current(): ChatState {
    return this.state;
  }

  start(): void {
    const mine = (push: Push) => push["interactionId"] === undefined || push["interactionId"] === this.session.interactionId;
    this.stops.push(
      this.connection.on(PUSH.message, (push) => {
        const message = parseMessage(push["message"]);
        if (message !== null && message.interactionId === this.session.interactionId) this.dispatch({ type: "message", message });
      }),
      this.connection.on(PUSH.typing, (push) => {
        if (mine(push) && push["from"] === "agent") this.dispatch({ type: "typing", now: this.now() });
      }),
      this.connection.on(PUSH.assigned, (push) => this.dispatch({ type: "assigned", agentName: agentNameOf(push) })),
      this.connection.on(PUSH.ended, () => this.dispatch({ type: "ended" })),
      this.connection.on(PUSH.updated, (push) => {
        const interaction = parseInteraction(push["interaction"]);
        if (interaction && ["wrap_up", "closed", "abandoned"].includes(interaction.status)) this.dispatch({ type: "ended" });
      }),
      this.connection.onStatus((status) => {
        const connected = status.state === "connected" && this.state.connection !== "connected";
        this.dispatch({ type: "connection", state: status.state });
        if (connected) this.catchUp().catch(() => undefined);
      }),
    );
    this.connection.start();
  }

  /** Read the chat as it is now (after a connect): what was missed while away is merged, in order, once. */
  async catchUp(): Promise<void> {
    const ack = await this.connection.request("getChat", {});
    const view = isObject(ack.interaction) ? ack.interaction : null;
    if (view === null || view["interactionId"] !== this.session.interactionId) return;
    const rating = view["rating"];
    this.dispatch({
      type: "caughtUp",
      status: typeof view["status"] === "string" ? view["status"] : "",
      agentName: typeof view["agentName"] === "string" ? view["agentName"] : null,
      rated:
        isObject(rating) && typeof rating["score"] === "number"
          ? { score: rating["score"], comment: typeof rating["comment"] === "string" ? rating["comment"] : "" }
          : null,
      messages: parseMessages(ack.messages).filter((message) => message.interactionId === this.session.interactionId),
    });
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.connection.stop();
  }

  async send(text: string): Promise<void> {
    const body = text.trim();
    if (body === "" || body.length > LIMITS.message) return;
    const clientMessageId = this.newClientMessageId();
    this.dispatch({ type: "sending", clientMessageId, text: body });
    await this.deliver(clientMessageId, body);
  }

  async retry(clientMessageId: string): Promise<void> {
    const pending = this.state.pending.find((p) => p.clientMessageId === clientMessageId);
    if (pending === undefined) return;
    this.state = { ...this.state, pending: this.state.pending.filter((p) => p !== pending) };
    this.dispatch({ type: "sending", clientMessageId, text: pending.text });
    await this.deliver(clientMessageId, pending.text);
  }

  private async deliver(clientMessageId: string, text: string): Promise<void> {
    try {
      const ack = await this.connection.request("sendMessage", { text, clientMessageId });
      const message = parseMessage(ack.message);
      if (message !== null) this.dispatch({ type: "message", message });
    } catch (error) {
      this.dispatch({ type: "sendFailed", clientMessageId });
      throw error;
    }
  }

  typing(): void {
    const now = this.now();
    if (now - this.lastTyping < TYPING_EVERY_MS || this.state.phase === "ended" || this.state.phase === "rated") return;
    this.lastTyping = now;
    this.connection.request("typing", {}).catch(() => undefined);
  }

  async end(): Promise<void> {
    await this.connection.request("endChat", {});
    this.dispatch({ type: "ended" });
  }

  async rate(score: number, comment: string): Promise<void> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new ChatError("BAD_REQUEST", "Choose from 1 to 5 stars.");
    const text = comment.trim().slice(0, LIMITS.rateComment);
    await this.connection.request("rate", text ? { score, comment: text } : { score });
    this.dispatch({ type: "rated", score, comment: text });
  }

  private dispatch(event: ChatEvent): void {
    const next = reduceChat(this.state, event);
    if (next === this.state) return;
    this.state = next;
    this.onChange(next);
  }
}

// --- keeping the chat over a reload -----------------------------------------------------------------

const STORAGE_KEY = "agentdesk.chat";
const MAX_STORED_MESSAGES = 200;

export function saveChat(storage: Storage | null, session: ChatSession, state: ChatState): void {
  try {
    storage?.setItem(
      STORAGE_KEY,
      JSON.stringify({
        session,
        phase: state.phase,
        agentName: state.agentName,
        messages: state.messages.slice(-MAX_STORED_MESSAGES),
        rating: state.rating,
      }),
    );
  } catch {
    // Storage full or blocked: a reload starts over.
  }
}

export function clearChat(storage: Storage | null): void {
  try {
    storage?.removeItem(STORAGE_KEY);
  } catch {
    // nothing to clear
  }
}

/** The chat kept by this tab, unless it is unreadable or its token has expired. */
export function loadChat(storage: Storage | null, now: number): { session: ChatSession; state: ChatState } | null {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value) || !isObject(value["session"])) return null;
  const s = value["session"];
  const fields = ["interactionId", "contactId", "token", "expiresAt", "websocketUrl", "queueName", "name"] as const;
  if (!fields.every((field) => typeof s[field] === "string")) return null;
  const session = s as unknown as ChatSession;
  if (isSessionExpired(session, now)) return null;
  const phase = value["phase"];
  const messages = Array.isArray(value["messages"])
    ? mergeMessages([], value["messages"].map(parseMessage).filter((m): m is MessageView => m !== null))
    : [];
  const rating = isObject(value["rating"]) && typeof value["rating"]["score"] === "number"
    ? { score: value["rating"]["score"], comment: typeof value["rating"]["comment"] === "string" ? value["rating"]["comment"] : "" }
    : null;
  return {
    session,
    state: {
      ...INITIAL_CHAT,
      phase: phase === "chatting" || phase === "ended" || phase === "rated" ? phase : "waiting",
      agentName: typeof value["agentName"] === "string" ? value["agentName"] : null,
      messages,
      rating,
    },
  };
}
