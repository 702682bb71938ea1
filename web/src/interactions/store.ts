/**
 * The agent's interactions as the workspace shows them: offers waiting for an answer, conversations as tabs
 * (messages in sequence order, unread counts, the customer's typing indicator, messages being sent), Most
 * Recent Activity and today's counters. One pure reducer; whatever arrives (acks, pushes, listings, in any
 * order, twice) goes through it, and a view never moves backwards (an older interaction version is ignored,
 * a message already shown is dropped by id and by sequence number).
 */

import type {
  InteractionSummary,
  InteractionView,
  MessageView,
  Offer,
  Sender,
  TodayPerformance,
} from "./protocol";

/** How long the typing indicator stays after the last `interaction.typing`. */
export const TYPING_SHOWN_MS = 6_000;

export interface OfferEntry {
  interaction: InteractionView;
  offer: Offer;
  /** Answered automatically (the server's flag or the agent's own setting): no buttons, a short cue. */
  autoAnswering: boolean;
}

export interface PendingMessage {
  clientMessageId: string;
  text: string;
  failed: boolean;
}

export interface Conversation {
  interaction: InteractionView;
  /** The agent it was assigned to here; another agent (or none) on it later means it was transferred away. */
  ownerId: string | null;
  messages: MessageView[];
  /** Sent from this tab, not yet confirmed by the server. */
  pending: PendingMessage[];
  unread: number;
  /** Until when (ms) the customer is shown typing. */
  typingUntil: number;
  /** The conversation so far has been read with getInteraction. */
  loaded: boolean;
  /** That contact's past interactions, when the server sent them. */
  contactHistory: InteractionSummary[] | null;
}

export interface InteractionsState {
  offers: OfferEntry[];
  /** Offers answered, rejected or withdrawn (latest last): a repeated push of one of them is dropped. */
  spentOffers: string[];
  conversations: Record<string, Conversation>;
  /** Tab order: the order conversations arrived in. */
  tabs: string[];
  activeId: string | null;
  /** Most Recent Activity; null until listed. */
  recent: InteractionSummary[] | null;
  today: TodayPerformance | null;
  /** Something the agent should know that no tab shows any more (a transfer went through, wrap-up timed out). */
  notice: string | null;
}

export const EMPTY_STATE: InteractionsState = {
  offers: [],
  spentOffers: [],
  conversations: {},
  tabs: [],
  activeId: null,
  recent: null,
  today: null,
  notice: null,
};

export type InteractionsEvent =
  | { type: "offered"; interaction: InteractionView; offer: Offer; autoAnswering: boolean }
  | { type: "offerGone"; interactionId: string }
  | { type: "assigned"; interaction: InteractionView; focus: boolean }
  | {
      type: "loaded";
      interaction: InteractionView;
      messages: MessageView[];
      contactHistory: InteractionSummary[] | null;
    }
  | { type: "message"; message: MessageView }
  | { type: "typing"; interactionId: string; from: Sender; now: number }
  | { type: "updated"; interaction: InteractionView }
  | { type: "select"; interactionId: string }
  | { type: "selectRelative"; delta: number }
  | { type: "close"; interactionId: string }
  | { type: "sending"; interactionId: string; clientMessageId: string; text: string }
  | { type: "sendFailed"; interactionId: string; clientMessageId: string }
  | { type: "discardPending"; interactionId: string; clientMessageId: string }
  | { type: "recent"; items: InteractionSummary[]; today: TodayPerformance | null }
  | { type: "today"; today: TodayPerformance }
  | { type: "dismissNotice" };

/**
 * The messages after `incoming` arrive: duplicates (same messageId or same seq as one shown, or repeated
 * within `incoming`) are dropped and the result is in seq order. The same array when nothing is new.
 */
export function mergeMessages(existing: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  const ids = new Set(existing.map((message) => message.messageId));
  const seqs = new Set(existing.map((message) => message.seq));
  const added: MessageView[] = [];
  for (const message of incoming) {
    if (ids.has(message.messageId) || seqs.has(message.seq)) continue;
    ids.add(message.messageId);
    seqs.add(message.seq);
    added.push(message);
  }
  if (added.length === 0) return existing as MessageView[];
  const merged = [...existing, ...added];
  const last = existing.at(-1);
  // The common case (the next message in order) needs no sort.
  if (added.length > 1 || (last !== undefined && (added[0] as MessageView).seq < last.seq)) {
    merged.sort((a, b) => a.seq - b.seq);
  }
  return merged;
}

/** The sequence numbers missing before the last shown message (a message lost on the way). */
export function missingSeqs(messages: readonly MessageView[]): number[] {
  const last = messages.at(-1)?.seq ?? 0;
  const seen = new Set(messages.map((message) => message.seq));
  const missing: number[] = [];
  for (let seq = 1; seq < last; seq++) if (!seen.has(seq)) missing.push(seq);
  return missing;
}

/** True when `incoming` may replace `shown` (same interaction, not an older version). */
export function isCurrent(shown: InteractionView, incoming: InteractionView): boolean {
  return incoming.interactionId === shown.interactionId && incoming.version >= shown.version;
}

function newConversation(interaction: InteractionView): Conversation {
  return {
    interaction,
    ownerId: interaction.agentId,
    messages: [],
    pending: [],
    unread: 0,
    typingUntil: 0,
    loaded: false,
    contactHistory: null,
  };
}

function withConversation(
  state: InteractionsState,
  interactionId: string,
  change: (conversation: Conversation) => Conversation,
): InteractionsState {
  const conversation = state.conversations[interactionId];
  if (conversation === undefined) return state;
  const next = change(conversation);
  if (next === conversation) return state;
  return { ...state, conversations: { ...state.conversations, [interactionId]: next } };
}

function removeConversation(state: InteractionsState, interactionId: string, notice?: string): InteractionsState {
  if (state.conversations[interactionId] === undefined) return notice ? { ...state, notice } : state;
  const { [interactionId]: _removed, ...conversations } = state.conversations;
  const index = state.tabs.indexOf(interactionId);
  const tabs = state.tabs.filter((id) => id !== interactionId);
  const activeId =
    state.activeId === interactionId ? (tabs[Math.min(index, tabs.length - 1)] ?? null) : state.activeId;
  return { ...state, conversations, tabs, activeId, notice: notice ?? state.notice };
}

/** Whether a conversation ended for good here: closed with its disposition, or handed to someone else. */
function leftThisAgent(conversation: Conversation, interaction: InteractionView): string | null {
  const name = interaction.contact.name;
  if (conversation.ownerId !== null && interaction.agentId !== conversation.ownerId) {
    if (interaction.status === "queued" || interaction.status === "offered" || interaction.status === "active") {
      return `The conversation with ${name} was transferred.`;
    }
  }
  const disposition = interaction.disposition;
  if (interaction.status === "closed" && disposition !== null) {
    if (disposition.source !== "timeout") return "";
    const recorded = `${disposition.category} – ${disposition.outcome}`;
    return `Wrap-up time ran out for ${name}: recorded as “${recorded}”. Complete it from Most Recent Activity.`;
  }
  return null;
}

function applyInteraction(state: InteractionsState, interaction: InteractionView): InteractionsState {
  const id = interaction.interactionId;
  let next = state;
  // An offer withdrawn or expired (back to queued), or answered elsewhere, is no longer ours to answer.
  const offer = next.offers.find((entry) => entry.interaction.interactionId === id);
  if (offer && isCurrent(offer.interaction, interaction) && interaction.status !== "offered") {
    next = { ...next, offers: next.offers.filter((entry) => entry !== offer), spentOffers: spend(next, [offer]) };
  }
  const conversation = next.conversations[id];
  if (conversation === undefined || !isCurrent(conversation.interaction, interaction)) return next;
  const left = leftThisAgent(conversation, interaction);
  if (left !== null) return removeConversation(next, id, left || undefined);
  return withConversation(next, id, (c) => ({ ...c, interaction: keepQueueRules(c.interaction, interaction) }));
}

/**
 * Every view carries its queue's disposition set, but one written after the queue was deleted carries none:
 * keep the one already known while the interaction stays in the same queue, so the form keeps its outcomes.
 */
function keepQueueRules(shown: InteractionView, incoming: InteractionView): InteractionView {
  if (incoming.queueId !== shown.queueId) return incoming;
  if (incoming.dispositionSetId !== null || incoming.dispositionOutcomes !== null) return incoming;
  if (shown.dispositionSetId === null && shown.dispositionOutcomes === null) return incoming;
  return { ...incoming, dispositionSetId: shown.dispositionSetId, dispositionOutcomes: shown.dispositionOutcomes };
}

/** How many spent offer ids are kept: far more than an agent can be offered in the time a push takes. */
const SPENT_OFFERS_KEPT = 100;

function spend(state: InteractionsState, gone: OfferEntry[]): string[] {
  if (gone.length === 0) return state.spentOffers;
  return [...state.spentOffers, ...gone.map((entry) => entry.offer.offerId)].slice(-SPENT_OFFERS_KEPT);
}

function openConversation(state: InteractionsState, interaction: InteractionView, focus: boolean): InteractionsState {
  const id = interaction.interactionId;
  const offers = state.offers.filter((entry) => entry.interaction.interactionId !== id);
  state = { ...state, spentOffers: spend(state, state.offers.filter((entry) => entry.interaction.interactionId === id)) };
  const existing = state.conversations[id];
  if (existing !== undefined) {
    const updated = applyInteraction({ ...state, offers }, interaction);
    return focus && updated.conversations[id] ? { ...updated, activeId: id } : updated;
  }
  const conversations = { ...state.conversations, [id]: newConversation(interaction) };
  const tabs = [...state.tabs, id];
  return { ...state, offers, conversations, tabs, activeId: focus || state.activeId === null ? id : state.activeId };
}

export function reduce(state: InteractionsState, event: InteractionsEvent): InteractionsState {
  switch (event.type) {
    case "offered": {
      const id = event.interaction.interactionId;
      if (state.conversations[id] !== undefined) return state; // already ours (a late, repeated push)
      if (state.spentOffers.includes(event.offer.offerId)) return state; // answered or withdrawn already
      const entry: OfferEntry = { interaction: event.interaction, offer: event.offer, autoAnswering: event.autoAnswering };
      const others = state.offers.filter((offer) => offer.interaction.interactionId !== id);
      return { ...state, offers: [...others, entry] };
    }
    case "offerGone": {
      const gone = state.offers.filter((entry) => entry.interaction.interactionId === event.interactionId);
      const offers = state.offers.filter((entry) => entry.interaction.interactionId !== event.interactionId);
      return { ...state, offers, spentOffers: spend(state, gone) };
    }
    case "assigned":
      return openConversation(state, event.interaction, event.focus);
    case "loaded": {
      const id = event.interaction.interactionId;
      const opened = state.conversations[id] ? state : openConversation(state, event.interaction, false);
      const next = applyInteraction(opened, event.interaction);
      return withConversation(next, id, (c) => {
        const messages = mergeMessages(c.messages, event.messages);
        return {
          ...c,
          messages,
          pending: dropConfirmed(c.pending, messages),
          loaded: true,
          contactHistory: event.contactHistory ?? c.contactHistory,
        };
      });
    }
    case "message": {
      const { message } = event;
      return withConversation(state, message.interactionId, (c) => {
        const messages = mergeMessages(c.messages, [message]);
        if (messages === c.messages) return c;
        const fromOthers = message.from !== "agent" || c.ownerId === null || message.authorId !== c.ownerId;
        const unseen = state.activeId !== message.interactionId && fromOthers && message.from !== "system";
        return {
          ...c,
          messages,
          pending: dropConfirmed(c.pending, [message]),
          unread: unseen ? c.unread + 1 : c.unread,
          typingUntil: message.from === "customer" ? 0 : c.typingUntil,
        };
      });
    }
    case "typing":
      if (event.from !== "customer") return state;
      return withConversation(state, event.interactionId, (c) => ({ ...c, typingUntil: event.now + TYPING_SHOWN_MS }));
    case "updated":
      return applyInteraction(state, event.interaction);
    case "select": {
      if (state.conversations[event.interactionId] === undefined) return state;
      const next = { ...state, activeId: event.interactionId };
      return withConversation(next, event.interactionId, (c) => (c.unread === 0 ? c : { ...c, unread: 0 }));
    }
    case "selectRelative": {
      if (state.tabs.length === 0) return state;
      const index = state.activeId === null ? -1 : state.tabs.indexOf(state.activeId);
      const length = state.tabs.length;
      const target = state.tabs[(((index + event.delta) % length) + length) % length];
      return target === undefined ? state : reduce(state, { type: "select", interactionId: target });
    }
    case "close":
      return removeConversation(state, event.interactionId);
    case "sending":
      return withConversation(state, event.interactionId, (c) => ({
        ...c,
        pending: [...c.pending, { clientMessageId: event.clientMessageId, text: event.text, failed: false }],
      }));
    case "sendFailed":
      return withConversation(state, event.interactionId, (c) => ({
        ...c,
        pending: c.pending.map((p) => (p.clientMessageId === event.clientMessageId ? { ...p, failed: true } : p)),
      }));
    case "discardPending":
      return withConversation(state, event.interactionId, (c) => ({
        ...c,
        pending: c.pending.filter((p) => p.clientMessageId !== event.clientMessageId),
      }));
    case "recent":
      return { ...state, recent: event.items, today: event.today ?? state.today };
    case "today":
      return { ...state, today: event.today };
    case "dismissNotice":
      return state.notice === null ? state : { ...state, notice: null };
  }
}

function dropConfirmed(pending: PendingMessage[], messages: readonly MessageView[]): PendingMessage[] {
  if (pending.length === 0) return pending;
  const confirmed = new Set(messages.map((m) => m.clientMessageId).filter((id): id is string => id !== null));
  const left = pending.filter((p) => !confirmed.has(p.clientMessageId));
  return left.length === pending.length ? pending : left;
}

/** Total unread messages in the tabs that are not shown (for the page title). */
export function totalUnread(state: InteractionsState): number {
  return state.tabs.reduce((sum, id) => sum + (state.conversations[id]?.unread ?? 0), 0);
}

/** The conversation shown, if any. */
export function activeConversation(state: InteractionsState): Conversation | null {
  return state.activeId === null ? null : (state.conversations[state.activeId] ?? null);
}

/** Whole seconds from `now` to an ISO time, never negative; null when the time cannot be read. */
export function secondsLeft(iso: string | null, now: number): number | null {
  if (iso === null) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Offers still open at `now` (a little grace for clocks that disagree; the server's push removes them). */
export function openOffers(state: InteractionsState, now: number, graceMs = 2_000): OfferEntry[] {
  return state.offers.filter((entry) => {
    const at = Date.parse(entry.offer.expiresAt);
    return Number.isNaN(at) || at + graceMs > now;
  });
}
