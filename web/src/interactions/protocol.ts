/**
 * The interaction actions, pushes and views of the WebSocket protocol (docs/interactions.md, the AsyncAPI
 * document): request fields and acks per action, and parsers that read each view field by field, so a
 * frame this app cannot read is dropped instead of breaking a view.
 */

import type { DeskConnection } from "../realtime/connection";

export type Channel = "chat" | "voice" | "email" | "task";
export type Direction = "inbound" | "outbound";
export type InteractionStatus = "queued" | "offered" | "active" | "wrap_up" | "closed" | "abandoned";
export type Category = "Success" | "Unsure" | "Fail";
export type TransferMode = "blind" | "attended";
export type Sender = "agent" | "customer" | "system";

export const CATEGORIES: readonly Category[] = ["Success", "Unsure", "Fail"];
const CHANNELS: readonly string[] = ["chat", "voice", "email", "task"];
const STATUSES: readonly string[] = ["queued", "offered", "active", "wrap_up", "closed", "abandoned"];

/** The limits the server enforces, checked before sending. */
export const LIMITS = {
  message: 4000,
  note: 2000,
  tag: 40,
  rejectReason: 200,
  clientMessageId: 64,
  rateComment: 1000,
} as const;

export interface Contact {
  contactId: string;
  name: string;
  email: string | null;
  phone: string | null;
}

export interface Note {
  noteId: string;
  text: string;
  authorId: string | null;
  at: string;
}

export interface Disposition {
  category: Category;
  outcome: string;
  notes: string | null;
  source: "agent" | "timeout";
  complete: boolean;
  submittedAt: string | null;
  submittedBy: string | null;
}

export type TransferTo = { agentId: string } | { queueId: string };

export interface TransferInfo {
  mode: TransferMode;
  to: TransferTo;
  note: string;
  requestedAt: string | null;
}

export interface InteractionTimes {
  queuedAt: string | null;
  offeredAt: string | null;
  answeredAt: string | null;
  firstAgentReplyAt: string | null;
  endedAt: string | null;
  wrapUpEndedAt: string | null;
}

/** The outcomes of a disposition set, by category. */
export type OutcomesByCategory = Record<Category, string[]>;

export interface InteractionView {
  interactionId: string;
  channel: Channel;
  direction: Direction;
  status: InteractionStatus;
  queueId: string;
  queueName: string;
  skillId: string | null;
  agentId: string | null;
  contact: Contact;
  subject: string | null;
  tags: string[];
  notes: Note[];
  disposition: Disposition | null;
  transfer: TransferInfo | null;
  times: InteractionTimes;
  wrapUpDeadline: string | null;
  rating: { score: number; comment: string | null } | null;
  version: number;
  /** The channel reported the customer on hold (voice): since `heldSince`. */
  onHold: boolean;
  heldSince: string | null;
  /** The holds that ended, added up (the running one counts from `heldSince`). */
  holdSeconds: number;
  /** Beyond the spec, read when present: the queue's disposition set (agents cannot read queues). */
  dispositionSetId: string | null;
  /** The set's outcomes inline (`outcomes`, by category), when the server sends them. */
  dispositionOutcomes: OutcomesByCategory | null;
  /** Beyond the spec, read when present: the assigned agent's name (what a customer is shown). */
  agentName: string | null;
}

export interface MessageView {
  messageId: string;
  interactionId: string;
  seq: number;
  from: Sender;
  authorId: string | null;
  authorName: string;
  text: string;
  sentAt: string;
  clientMessageId: string | null;
}

export interface InteractionSummary {
  interactionId: string;
  channel: Channel;
  direction: Direction;
  status: InteractionStatus;
  contactName: string;
  queueName: string;
  startedAt: string;
  endedAt: string | null;
  disposition: Disposition | null;
  notes: string;
  tags: string[];
  needsCompletion: boolean;
}

/** An open interaction of an agent in the supervisor's teams (`listTeamInteractions`). */
export interface TeamInteraction {
  interactionId: string;
  channel: Channel;
  direction: Direction;
  status: InteractionStatus;
  queueId: string;
  queueName: string;
  agentId: string;
  agentName: string;
  contactName: string;
  subject: string | null;
  queuedAt: string;
  /** null: offered, not answered yet. */
  answeredAt: string | null;
  /** Set in wrap-up. */
  endedAt: string | null;
  onHold: boolean;
  heldSince: string | null;
  /** The supervisor hears it live. */
  watching: boolean;
  version: number;
}

export interface Offer {
  offerId: string;
  expiresAt: string;
  autoAnswer: boolean;
}

export interface TodayPerformance {
  interactions: number;
  successful: number;
  unsure: number;
  failed: number;
  handleSeconds: number;
}

export interface TransferAgent {
  agentId: string;
  name: string;
  status: string;
  displayedStatus: string;
  activeInteractions: number;
  capacity: number;
}

export interface TransferQueue {
  queueId: string;
  name: string;
  waiting: number;
  agentsRoutable: number;
}

export interface TransferTargets {
  agents: TransferAgent[];
  queues: TransferQueue[];
}

export interface QueueStat {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
  agentsRoutable: number;
}

/** Acks carry views unparsed; the parsers below read them. */
interface InteractionAck {
  interaction: unknown;
}

/** The agent's interaction actions: request fields and acks (the protocol table in docs/interactions.md). */
export interface InteractionActions {
  accept: { request: { interactionId: string }; ack: InteractionAck };
  reject: { request: { interactionId: string; reason?: string }; ack: { interactionId: unknown } };
  sendMessage: {
    request: { interactionId: string; text: string; clientMessageId?: string };
    ack: { message: unknown };
  };
  typing: { request: { interactionId: string }; ack: Record<string, never> };
  addNote: { request: { interactionId: string; text: string }; ack: InteractionAck };
  addTag: { request: { interactionId: string; tag: string }; ack: InteractionAck };
  removeTag: { request: { interactionId: string; tag: string }; ack: InteractionAck };
  useCannedMessage: { request: { interactionId: string; cannedMessageId: string }; ack: { message: unknown } };
  transfer: {
    request: { interactionId: string; to: TransferTo; mode: TransferMode; note?: string };
    ack: InteractionAck;
  };
  confirmTransfer: { request: { interactionId: string }; ack: InteractionAck };
  cancelTransfer: { request: { interactionId: string }; ack: InteractionAck };
  endInteraction: { request: { interactionId: string }; ack: InteractionAck };
  submitDisposition: {
    request: { interactionId: string; category: Category; outcome: string; notes?: string; tags?: string[] };
    ack: InteractionAck;
  };
  listInteractions: {
    request: { scope?: "open" | "recent"; limit?: number; cursor?: string };
    ack: { items: unknown; nextCursor: unknown; today?: unknown };
  };
  /** `contactHistory` (that contact's past interactions as summaries) is read when the server sends it. */
  getInteraction: {
    request: { interactionId: string };
    ack: { interaction: unknown; messages: unknown; contactHistory?: unknown };
  };
  /** The toolbar's counters when the recent listing does not carry `today`. */
  getPerformance: { request: Record<string, never>; ack: { today?: unknown } };
  /** Beyond the spec table: the agent's auto-answer choice, when the profile lets the agent choose. */
  setAutoAnswer: { request: { enabled: boolean }; ack: { autoAnswer: unknown } };
  listTransferTargets: { request: { interactionId: string }; ack: { agents: unknown; queues: unknown } };
  listQueueStats: { request: Record<string, never>; ack: { queues: unknown } };
  /** Supervisors: the open interactions of their teams' agents. */
  listTeamInteractions: { request: Record<string, never>; ack: { items: unknown } };
  /** Supervisors: hear a conversation live; the ack is the conversation so far. */
  watchInteraction: {
    request: { interactionId: string };
    ack: { interaction: unknown; messages: unknown; contactHistory?: unknown };
  };
  unwatchInteraction: { request: { interactionId: string }; ack: InteractionAck };
}

export type InteractionConnection = DeskConnection<InteractionActions>;

/** The shell's connection typed for these actions (the connection sends any action it is given). */
export function interactionConnection(connection: DeskConnection): InteractionConnection {
  return connection as unknown as InteractionConnection;
}

/** The customer's actions: the token names the interaction. */
export interface CustomerActions {
  sendMessage: { request: { text: string; clientMessageId?: string; interactionId?: string }; ack: { message: unknown } };
  typing: { request: Record<string, never>; ack: Record<string, never> };
  endChat: { request: Record<string, never>; ack: { interaction?: unknown } };
  rate: { request: { score: number; comment?: string }; ack: Record<string, unknown> };
  /** The chat as it is now and its messages so far: read after every (re)connect to catch up. */
  getChat: { request: Record<string, never>; ack: { interaction: unknown; messages: unknown } };
}

export const PUSH = {
  offered: "interaction.offered",
  assigned: "interaction.assigned",
  message: "interaction.message",
  typing: "interaction.typing",
  updated: "interaction.updated",
  ended: "interaction.ended",
  /** A row of the wallboard's conversations changed (supervisors, admins). */
  team: "team.interaction",
} as const;

// --- parsers -------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

export function isCategory(value: unknown): value is Category {
  return typeof value === "string" && (CATEGORIES as readonly string[]).includes(value);
}

function parseContact(value: unknown): Contact {
  if (!isObject(value)) return { contactId: "", name: "Customer", email: null, phone: null };
  return {
    contactId: text(value["contactId"]) ?? "",
    name: text(value["name"]) || "Customer",
    email: text(value["email"]) || null,
    phone: text(value["phone"]) || null,
  };
}

function parseNotes(value: unknown): Note[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (!isObject(item) || typeof item["text"] !== "string") return [];
    return [
      {
        noteId: text(item["noteId"]) ?? "",
        text: item["text"],
        authorId: text(item["authorId"]),
        at: text(item["at"]) ?? "",
      },
    ];
  });
}

export function parseDisposition(value: unknown): Disposition | null {
  if (!isObject(value) || !isCategory(value["category"]) || typeof value["outcome"] !== "string") return null;
  return {
    category: value["category"],
    outcome: value["outcome"],
    notes: text(value["notes"]),
    source: value["source"] === "timeout" ? "timeout" : "agent",
    complete: value["complete"] !== false,
    submittedAt: text(value["submittedAt"]),
    submittedBy: text(value["submittedBy"]),
  };
}

function parseTransferTo(value: unknown): TransferTo | null {
  if (!isObject(value)) return null;
  if (typeof value["agentId"] === "string") return { agentId: value["agentId"] };
  if (typeof value["queueId"] === "string") return { queueId: value["queueId"] };
  return null;
}

function parseTransfer(value: unknown): TransferInfo | null {
  if (!isObject(value)) return null;
  const to = parseTransferTo(value["to"]);
  if (to === null || (value["mode"] !== "blind" && value["mode"] !== "attended")) return null;
  return { mode: value["mode"], to, note: text(value["note"]) ?? "", requestedAt: text(value["requestedAt"]) };
}

function parseTimes(value: unknown): InteractionTimes {
  const times = isObject(value) ? value : {};
  return {
    queuedAt: text(times["queuedAt"]),
    offeredAt: text(times["offeredAt"]),
    answeredAt: text(times["answeredAt"]),
    firstAgentReplyAt: text(times["firstAgentReplyAt"]),
    endedAt: text(times["endedAt"]),
    wrapUpEndedAt: text(times["wrapUpEndedAt"]),
  };
}

/** `{Success: [...], Unsure: [...], Fail: [...]}` (a disposition set's `outcomes`); null when unreadable. */
export function parseOutcomes(value: unknown): OutcomesByCategory | null {
  if (!isObject(value)) return null;
  const outcomes = { Success: strings(value["Success"]), Unsure: strings(value["Unsure"]), Fail: strings(value["Fail"]) };
  return outcomes.Success.length + outcomes.Unsure.length + outcomes.Fail.length > 0 ? outcomes : null;
}

function parseRating(value: unknown): InteractionView["rating"] {
  if (!isObject(value) || typeof value["score"] !== "number") return null;
  return { score: value["score"], comment: text(value["comment"]) };
}

/** An InteractionView; null when the fields every view needs are missing. */
export function parseInteraction(value: unknown): InteractionView | null {
  if (!isObject(value)) return null;
  const { interactionId, status, version } = value;
  if (typeof interactionId !== "string" || interactionId === "") return null;
  if (typeof status !== "string" || !STATUSES.includes(status)) return null;
  const channel = typeof value["channel"] === "string" && CHANNELS.includes(value["channel"]) ? value["channel"] : "chat";
  const dispositionSet = value["dispositionSet"];
  return {
    interactionId,
    channel: channel as Channel,
    direction: value["direction"] === "outbound" ? "outbound" : "inbound",
    status: status as InteractionStatus,
    queueId: text(value["queueId"]) ?? "",
    queueName: text(value["queueName"]) ?? text(value["queueId"]) ?? "",
    skillId: text(value["skillId"]),
    agentId: text(value["agentId"]),
    contact: parseContact(value["contact"]),
    subject: text(value["subject"]),
    tags: strings(value["tags"]),
    notes: parseNotes(value["notes"]),
    disposition: parseDisposition(value["disposition"]),
    transfer: parseTransfer(value["transfer"]),
    times: parseTimes(value["times"]),
    wrapUpDeadline: text(value["wrapUpDeadline"]),
    rating: parseRating(value["rating"]),
    version: typeof version === "number" && Number.isFinite(version) ? version : 0,
    onHold: value["onHold"] === true,
    heldSince: value["onHold"] === true ? text(value["heldSince"]) : null,
    holdSeconds: count(value["holdSeconds"]),
    dispositionSetId: text(value["dispositionSetId"]) ?? (isObject(dispositionSet) ? text(dispositionSet["id"]) : null),
    dispositionOutcomes: isObject(dispositionSet) ? parseOutcomes(dispositionSet["outcomes"]) : parseOutcomes(value["outcomes"]),
    agentName: text(value["agentName"]),
  };
}

export function parseMessage(value: unknown): MessageView | null {
  if (!isObject(value)) return null;
  const { messageId, interactionId, seq, text: body } = value;
  if (typeof messageId !== "string" || typeof interactionId !== "string") return null;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 1 || typeof body !== "string") return null;
  const from = value["from"];
  return {
    messageId,
    interactionId,
    seq,
    from: from === "agent" || from === "customer" ? from : "system",
    authorId: text(value["authorId"]),
    authorName: text(value["authorName"]) ?? "",
    text: body,
    sentAt: text(value["sentAt"]) ?? "",
    clientMessageId: text(value["clientMessageId"]),
  };
}

export function parseMessages(value: unknown): MessageView[] {
  if (!Array.isArray(value)) return [];
  return value.map(parseMessage).filter((message): message is MessageView => message !== null);
}

export function parseSummary(value: unknown): InteractionSummary | null {
  if (!isObject(value)) return null;
  const { interactionId, status } = value;
  if (typeof interactionId !== "string" || typeof status !== "string" || !STATUSES.includes(status)) return null;
  const channel = typeof value["channel"] === "string" && CHANNELS.includes(value["channel"]) ? value["channel"] : "chat";
  const notes = value["notes"];
  return {
    interactionId,
    channel: channel as Channel,
    direction: value["direction"] === "outbound" ? "outbound" : "inbound",
    status: status as InteractionStatus,
    contactName: text(value["contactName"]) || "Customer",
    queueName: text(value["queueName"]) ?? "",
    startedAt: text(value["startedAt"]) ?? "",
    endedAt: text(value["endedAt"]),
    disposition: parseDisposition(value["disposition"]),
    notes: typeof notes === "string" ? notes : Array.isArray(notes) ? parseNotes(notes).map((n) => n.text).join("\n") : "",
    tags: strings(value["tags"]),
    needsCompletion: value["needsCompletion"] === true,
  };
}

export function parseSummaries(value: unknown): InteractionSummary[] | null {
  if (!Array.isArray(value)) return null;
  return value.map(parseSummary).filter((row): row is InteractionSummary => row !== null);
}

export function parseOffer(value: unknown): Offer | null {
  if (!isObject(value)) return null;
  const { offerId, expiresAt } = value;
  if (typeof offerId !== "string" || typeof expiresAt !== "string") return null;
  return { offerId, expiresAt, autoAnswer: value["autoAnswer"] === true };
}

export function parseToday(value: unknown): TodayPerformance | null {
  if (!isObject(value)) return null;
  return {
    interactions: count(value["interactions"]),
    successful: count(value["successful"]),
    unsure: count(value["unsure"]),
    failed: count(value["failed"]),
    handleSeconds: count(value["handleSeconds"]),
  };
}

export function parseTransferTargets(ack: { agents: unknown; queues: unknown }): TransferTargets {
  const agents = Array.isArray(ack.agents) ? ack.agents : [];
  const queues = Array.isArray(ack.queues) ? ack.queues : [];
  return {
    agents: agents.flatMap((item: unknown) => {
      if (!isObject(item) || typeof item["agentId"] !== "string") return [];
      const status = text(item["status"]) ?? "Offline";
      return [
        {
          agentId: item["agentId"],
          name: text(item["name"]) || item["agentId"],
          status,
          displayedStatus: text(item["displayedStatus"]) ?? status,
          activeInteractions: count(item["activeInteractions"]),
          capacity: count(item["capacity"]),
        },
      ];
    }),
    queues: queues.flatMap((item: unknown) => {
      if (!isObject(item) || typeof item["queueId"] !== "string") return [];
      return [
        {
          queueId: item["queueId"],
          name: text(item["name"]) || item["queueId"],
          waiting: count(item["waiting"]),
          agentsRoutable: count(item["agentsRoutable"]),
        },
      ];
    }),
  };
}

/** The rows of `listTeamInteractions`; null when the list cannot be read (a row that cannot is dropped). */
export function parseTeamInteractions(value: unknown): TeamInteraction[] | null {
  if (!Array.isArray(value)) return null;
  return value.flatMap((item: unknown) => {
    const row = parseTeamInteraction(item);
    return row === null ? [] : [row];
  });
}

/** A `team.interaction` push: the row (its `watching` false: the push does not know), or null when it is gone. */
export interface TeamInteractionChange {
  interactionId: string;
  version: number;
  row: TeamInteraction | null;
}

export function parseTeamInteractionChange(value: unknown): TeamInteractionChange | null {
  if (!isObject(value) || typeof value["interactionId"] !== "string") return null;
  const version = count(value["version"]);
  if (value["interaction"] === null) return { interactionId: value["interactionId"], version, row: null };
  const row = parseTeamInteraction(value["interaction"]);
  if (row === null || row.interactionId !== value["interactionId"]) return null;
  return { interactionId: row.interactionId, version, row };
}

function parseTeamInteraction(item: unknown): TeamInteraction | null {
  if (!isObject(item)) return null;
  const { interactionId, status, queuedAt } = item;
  if (typeof interactionId !== "string" || typeof status !== "string" || !STATUSES.includes(status)) return null;
  if (typeof queuedAt !== "string") return null;
  const channel = typeof item["channel"] === "string" && CHANNELS.includes(item["channel"]) ? item["channel"] : "chat";
  const agentId = text(item["agentId"]) ?? "";
  return {
    interactionId,
    channel: channel as Channel,
    direction: item["direction"] === "outbound" ? "outbound" : "inbound",
    status: status as InteractionStatus,
    queueId: text(item["queueId"]) ?? "",
    queueName: text(item["queueName"]) ?? text(item["queueId"]) ?? "",
    agentId,
    agentName: text(item["agentName"]) || agentId,
    contactName: text(item["contactName"]) || "Customer",
    subject: text(item["subject"]),
    queuedAt,
    answeredAt: text(item["answeredAt"]),
    endedAt: text(item["endedAt"]),
    onHold: item["onHold"] === true,
    heldSince: item["onHold"] === true ? text(item["heldSince"]) : null,
    watching: item["watching"] === true,
    version: count(item["version"]),
  };
}

export function parseQueueStats(value: unknown): QueueStat[] | null {
  if (!Array.isArray(value)) return null;
  return value.flatMap((item: unknown) => {
    if (!isObject(item) || typeof item["queueId"] !== "string") return [];
    return [
      {
        queueId: item["queueId"],
        name: text(item["name"]) || item["queueId"],
        waiting: count(item["waiting"]),
        longestWaitSeconds: count(item["longestWaitSeconds"]),
        agentsRoutable: count(item["agentsRoutable"]),
      },
    ];
  });
}
