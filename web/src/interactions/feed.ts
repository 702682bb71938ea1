/**
 * The agent's interactions kept current: on every (re)connect the open conversations (`listInteractions`
 * scope open, then `getInteraction` for each) and Most Recent Activity (scope recent, with today's
 * counters); the `interaction.*` pushes; and the acks of this tab's own actions. Everything goes through
 * the pure reducer in store.ts. The server answers offers automatically when the agent's profile (or the
 * agent's own choice, sent with `setAutoAnswer`) says so: its offer then carries `autoAnswer` and the cue
 * plays; should the assignment not follow, the offer is accepted from here. No UI here.
 */

import { type ConnectionStatus, RequestError, type Timers, browserTimers } from "../realtime/connection";
import type { Push } from "../realtime/protocol";
import {
  type Category,
  type InteractionConnection,
  type InteractionSummary,
  type InteractionView,
  LIMITS,
  type MessageView,
  PUSH,
  type TransferMode,
  type TransferTargets,
  type TransferTo,
  parseInteraction,
  parseMessage,
  parseMessages,
  parseOffer,
  parseSummaries,
  parseToday,
  parseTransferTargets,
} from "./protocol";
import { EMPTY_STATE, type InteractionsEvent, type InteractionsState, reduce } from "./store";

/** The cue plays, then the offer is accepted this much later (if the server has not assigned it by then). */
export const AUTO_ANSWER_DELAY_MS = 1_500;
/** At most one `typing` frame per conversation this often while the agent types. */
export const TYPING_EVERY_MS = 3_000;
export const RECENT_LIMIT = 50;

export interface FeedOptions {
  timers?: Timers;
  /** The agent's own auto-answer choice to send on every connect (null: the agent never chose). */
  autoAnswer?: () => boolean | null;
  /** The audible cue before an automatic answer. */
  cue?: () => void;
  newClientMessageId?: () => string;
  now?: () => number;
}

export class UnreadableReplyError extends Error {
  override readonly name = "UnreadableReplyError";

  constructor() {
    super("The server sent a reply Agent Desk cannot read.");
  }
}

function randomClientIds(): () => string {
  const prefix = Math.random().toString(36).slice(2, 10);
  let counter = 0;
  return () => `c-${prefix}-${++counter}`;
}

export class InteractionsFeed {
  private state: InteractionsState = EMPTY_STATE;
  private connected = false;
  private readonly stops: (() => void)[] = [];
  private readonly autoTimers = new Map<string, unknown>();
  private readonly lastTyping = new Map<string, number>();
  private readonly timers: Timers;
  private readonly autoAnswer: () => boolean | null;
  private autoAnswerRefusal: string | null = null;
  private readonly cue: () => void;
  private readonly newClientMessageId: () => string;
  private readonly now: () => number;
  /** Listings in flight; a second request while one runs asks again once it ends. */
  private listingOpen = false;
  private error: string | null = null;

  constructor(
    private readonly connection: InteractionConnection,
    private readonly onChange: (state: InteractionsState) => void,
    options: FeedOptions = {},
  ) {
    this.timers = options.timers ?? browserTimers;
    this.autoAnswer = options.autoAnswer ?? (() => null);
    this.cue = options.cue ?? (() => undefined);
    this.newClientMessageId = options.newClientMessageId ?? randomClientIds();
    this.now = options.now ?? (() => this.timers.now());
  }

  get current(): InteractionsState {
    return this.state;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Why the interactions could not be listed; null when they were. */
  get listError(): string | null {
    return this.error;
  }

  start(): void {
    const on = (type: string, handler: (push: Push) => void) => this.stops.push(this.connection.on(type, handler));
    on(PUSH.offered, (push) => this.offered(push));
    on(PUSH.assigned, (push) => {
      const interaction = parseInteraction(push["interaction"]);
      if (interaction !== null) this.assigned(interaction, false);
    });
    on(PUSH.message, (push) => {
      const message = parseMessage(push["message"]);
      if (message !== null) this.dispatch({ type: "message", message });
    });
    on(PUSH.typing, (push) => {
      const interactionId = push["interactionId"];
      const from = push["from"];
      if (typeof interactionId !== "string" || (from !== "agent" && from !== "customer")) return;
      this.dispatch({ type: "typing", interactionId, from, now: this.now() });
    });
    on(PUSH.updated, (push) => this.updated(push));
    on(PUSH.ended, (push) => this.updated(push));
    this.stops.push(this.connection.onStatus((status) => this.statusChanged(status)));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const timer of this.autoTimers.values()) this.timers.clearTimeout(timer);
    this.autoTimers.clear();
  }

  dispatch(event: InteractionsEvent): void {
    const next = reduce(this.state, event);
    if (next === this.state) return;
    this.state = next;
    this.onChange(next);
  }

  // --- listings ----------------------------------------------------------------------------------

  /** The open conversations (each read in full) and Most Recent Activity. */
  async refresh(): Promise<void> {
    await Promise.all([this.loadOpen(), this.refreshRecent()]);
  }

  private async loadOpen(): Promise<void> {
    if (this.listingOpen) return;
    this.listingOpen = true;
    try {
      const ack = await this.connection.request("listInteractions", { scope: "open", limit: 100 });
      const items = parseSummaries(ack.items);
      if (items === null) throw new UnreadableReplyError();
      this.error = null;
      // Offers cannot be answered from a listing (it carries no offer); the offer push or its expiry decides.
      const mine = items.filter((item) => item.status === "active" || item.status === "wrap_up");
      await Promise.all(mine.map((item) => this.load(item.interactionId).catch(() => undefined)));
    } catch (error) {
      if (!(error instanceof RequestError && error.code === "DISCONNECTED")) {
        this.error = error instanceof Error ? error.message : String(error);
        this.onChange(this.state);
      }
    } finally {
      this.listingOpen = false;
    }
  }

  /** Most Recent Activity and today's counters (getPerformance when the listing does not carry them). */
  async refreshRecent(): Promise<void> {
    const ack = await this.connection.request("listInteractions", { scope: "recent", limit: RECENT_LIMIT });
    const items = parseSummaries(ack.items);
    if (items === null) throw new UnreadableReplyError();
    const today = parseToday(ack.today);
    this.dispatch({ type: "recent", items, today });
    if (today === null) {
      const performance = await this.connection.request("getPerformance", {}).catch(() => null);
      const parsed = performance ? (parseToday(performance.today) ?? parseToday(performance)) : null;
      if (parsed !== null) this.dispatch({ type: "today", today: parsed });
    }
  }

  /** Read one interaction with its messages into its tab (opening the tab when it is new). */
  async load(interactionId: string): Promise<InteractionView> {
    const { interaction, messages, contactHistory } = await this.read(interactionId);
    this.dispatch({ type: "loaded", interaction, messages, contactHistory });
    return interaction;
  }

  /** Read one interaction without opening a tab (complete-later from Most Recent Activity). */
  async read(
    interactionId: string,
  ): Promise<{ interaction: InteractionView; messages: MessageView[]; contactHistory: InteractionSummary[] | null }> {
    const ack = await this.connection.request("getInteraction", { interactionId });
    const interaction = parseInteraction(ack.interaction);
    if (interaction === null) throw new UnreadableReplyError();
    return { interaction, messages: parseMessages(ack.messages), contactHistory: parseSummaries(ack.contactHistory) };
  }

  // --- offers ------------------------------------------------------------------------------------

  async accept(interactionId: string): Promise<void> {
    this.cancelAutoAnswer(interactionId);
    try {
      const ack = await this.connection.request("accept", { interactionId });
      const interaction = this.interactionOf(ack);
      this.assigned(interaction, true);
    } catch (error) {
      // Gone meanwhile (expired, withdrawn): the offer card goes; the caller shows why.
      if (error instanceof RequestError && error.code !== "DISCONNECTED" && error.code !== "TIMEOUT") {
        this.dispatch({ type: "offerGone", interactionId });
      }
      throw error;
    }
  }

  async reject(interactionId: string, reason?: string): Promise<void> {
    this.cancelAutoAnswer(interactionId);
    const fields = reason ? { interactionId, reason: reason.slice(0, LIMITS.rejectReason) } : { interactionId };
    try {
      await this.connection.request("reject", fields);
    } finally {
      this.dispatch({ type: "offerGone", interactionId });
    }
  }

  private offered(push: Push): void {
    const interaction = parseInteraction(push["interaction"]);
    const offer = parseOffer(push["offer"]);
    if (interaction === null || offer === null) return;
    const automatic = offer.autoAnswer;
    this.dispatch({ type: "offered", interaction, offer, autoAnswering: automatic });
    if (!automatic || this.autoTimers.has(interaction.interactionId)) return;
    this.cue();
    const timer = this.timers.setTimeout(() => {
      this.autoTimers.delete(interaction.interactionId);
      // The server may have answered it already (its auto-answer): then there is no offer left to accept.
      if (!this.state.offers.some((entry) => entry.interaction.interactionId === interaction.interactionId)) return;
      this.accept(interaction.interactionId).catch(() => undefined);
    }, AUTO_ANSWER_DELAY_MS);
    this.autoTimers.set(interaction.interactionId, timer);
  }

  private cancelAutoAnswer(interactionId: string): void {
    const timer = this.autoTimers.get(interactionId);
    if (timer !== undefined) this.timers.clearTimeout(timer);
    this.autoTimers.delete(interactionId);
  }

  private assigned(interaction: InteractionView, focus: boolean): void {
    this.cancelAutoAnswer(interaction.interactionId);
    const known = this.state.conversations[interaction.interactionId];
    this.dispatch({ type: "assigned", interaction, focus });
    if (known === undefined || !known.loaded) this.load(interaction.interactionId).catch(() => undefined);
  }

  private updated(push: Push): void {
    const interaction = parseInteraction(push["interaction"]);
    if (interaction === null) return;
    const before = this.state.conversations[interaction.interactionId];
    this.dispatch({ type: "updated", interaction });
    if (interaction.status === "closed" || interaction.disposition !== null) {
      // A disposition (the agent's, a timeout's, a completion) changes Most Recent Activity and today's counters.
      if (before !== undefined || interaction.disposition !== null) this.refreshRecent().catch(() => undefined);
    }
  }

  /** Why the server refused the agent's auto-answer choice (an admin decides it for this agent); else null. */
  get autoAnswerProblem(): string | null {
    return this.autoAnswerRefusal;
  }

  /** Tell the server whether to answer this agent's offers at once (when the profile lets the agent choose). */
  async setAutoAnswer(enabled: boolean): Promise<void> {
    try {
      await this.connection.request("setAutoAnswer", { enabled });
      this.autoAnswerRefusal = null;
    } catch (error) {
      if (error instanceof RequestError && error.code === "FORBIDDEN") this.autoAnswerRefusal = error.message;
      throw error;
    } finally {
      this.onChange(this.state);
    }
  }

  // --- conversation actions ----------------------------------------------------------------------

  /** Send a message: shown at once as "sending", replaced by the server's message (matched by clientMessageId). */
  async send(interactionId: string, text: string): Promise<void> {
    const body = text.trim();
    if (body === "") return;
    const clientMessageId = this.newClientMessageId();
    this.dispatch({ type: "sending", interactionId, clientMessageId, text: body });
    await this.deliver(interactionId, clientMessageId, body);
  }

  /** Send a message that failed again, with the same clientMessageId (the server drops a duplicate). */
  async retry(interactionId: string, clientMessageId: string): Promise<void> {
    const pending = this.state.conversations[interactionId]?.pending.find((p) => p.clientMessageId === clientMessageId);
    if (pending === undefined) return;
    this.dispatch({ type: "discardPending", interactionId, clientMessageId });
    this.dispatch({ type: "sending", interactionId, clientMessageId, text: pending.text });
    await this.deliver(interactionId, clientMessageId, pending.text);
  }

  private async deliver(interactionId: string, clientMessageId: string, text: string): Promise<void> {
    try {
      const ack = await this.connection.request("sendMessage", { interactionId, text, clientMessageId });
      const message = parseMessage(ack.message);
      if (message !== null) this.dispatch({ type: "message", message });
    } catch (error) {
      this.dispatch({ type: "sendFailed", interactionId, clientMessageId });
      throw error;
    }
  }

  /** Tell the customer the agent is typing (at most every few seconds). */
  typing(interactionId: string): void {
    const now = this.now();
    const last = this.lastTyping.get(interactionId);
    if (last !== undefined && now - last < TYPING_EVERY_MS) return;
    this.lastTyping.set(interactionId, now);
    this.connection.request("typing", { interactionId }).catch(() => undefined);
  }

  async useCannedMessage(interactionId: string, cannedMessageId: string): Promise<void> {
    const ack = await this.connection.request("useCannedMessage", { interactionId, cannedMessageId });
    const message = parseMessage(ack.message);
    if (message !== null) this.dispatch({ type: "message", message });
  }

  addNote(interactionId: string, text: string): Promise<InteractionView> {
    return this.command(() => this.connection.request("addNote", { interactionId, text }));
  }

  addTag(interactionId: string, tag: string): Promise<InteractionView> {
    return this.command(() => this.connection.request("addTag", { interactionId, tag }));
  }

  removeTag(interactionId: string, tag: string): Promise<InteractionView> {
    return this.command(() => this.connection.request("removeTag", { interactionId, tag }));
  }

  transfer(interactionId: string, to: TransferTo, mode: TransferMode, note: string): Promise<InteractionView> {
    const fields = note.trim() ? { interactionId, to, mode, note: note.trim() } : { interactionId, to, mode };
    return this.command(() => this.connection.request("transfer", fields));
  }

  confirmTransfer(interactionId: string): Promise<InteractionView> {
    return this.command(() => this.connection.request("confirmTransfer", { interactionId }));
  }

  cancelTransfer(interactionId: string): Promise<InteractionView> {
    return this.command(() => this.connection.request("cancelTransfer", { interactionId }));
  }

  end(interactionId: string): Promise<InteractionView> {
    return this.command(() => this.connection.request("endInteraction", { interactionId }));
  }

  async submitDisposition(
    interactionId: string,
    disposition: { category: Category; outcome: string; notes: string; tags: string[] },
  ): Promise<InteractionView> {
    const notes = disposition.notes.trim();
    const interaction = await this.command(() =>
      this.connection.request("submitDisposition", {
        interactionId,
        category: disposition.category,
        outcome: disposition.outcome,
        ...(notes ? { notes } : {}),
        tags: disposition.tags,
      }),
    );
    this.refreshRecent().catch(() => undefined);
    return interaction;
  }

  async transferTargets(interactionId: string): Promise<TransferTargets> {
    const ack = await this.connection.request("listTransferTargets", { interactionId });
    return parseTransferTargets(ack);
  }

  private interactionOf(ack: { interaction: unknown }): InteractionView {
    const interaction = parseInteraction(ack.interaction);
    if (interaction === null) throw new UnreadableReplyError();
    return interaction;
  }

  private async command(send: () => Promise<{ interaction: unknown }>): Promise<InteractionView> {
    const interaction = this.interactionOf(await send());
    this.dispatch({ type: "updated", interaction });
    return interaction;
  }

  private statusChanged(status: ConnectionStatus): void {
    const connected = status.state === "connected";
    const changed = connected !== this.connected;
    this.connected = connected;
    if (changed) this.onChange(this.state);
    if (!connected || !changed) return;
    this.refresh().catch(() => undefined);
    const choice = this.autoAnswer();
    if (choice !== null) this.setAutoAnswer(choice).catch(() => undefined);
  }
}
