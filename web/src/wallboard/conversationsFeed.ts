/**
 * The wallboard's conversations: `listTeamInteractions` on every (re)connect (the open interactions of the
 * supervisor's teams), kept live by the `team.interaction` pushes (a row changed or is gone; the highest
 * version wins, whichever way they arrive) and read again every 30 s in case one was missed while the
 * connection was down; and one transcript at a time, read-only — opened
 * with `watchInteraction` (the conversation so far; its messages then arrive live as `interaction.message`),
 * closed with `unwatchInteraction`. An interaction that has ended cannot be watched: its transcript is read
 * once with `getInteraction`. After a reconnect the transcript is watched again (the server's list of watchers
 * outlives a connection; the reply fills any message missed meanwhile). No UI here.
 */

import type { InteractionConnection, InteractionView, MessageView, TeamInteraction } from "../interactions/protocol";
import {
  PUSH,
  parseInteraction,
  parseMessage,
  parseMessages,
  parseTeamInteractionChange,
  parseTeamInteractions,
} from "../interactions/protocol";
import { mergeMessages } from "../interactions/store";
import { type ConnectionStatus, RequestError, type Timers, browserTimers } from "../realtime/connection";

export const CONVERSATIONS_POLL_MS = 30_000;
/** The rows a list shows at once, as the server lists them. */
export const MAX_ROWS = 200;
const REMEMBERED_REMOVALS = 1_000;

export interface Transcript {
  interactionId: string;
  /** null until the first reply. */
  interaction: InteractionView | null;
  messages: MessageView[];
  /** Messages arrive as they are written (watched); false: read once (the conversation had ended). */
  live: boolean;
  error: string | null;
}

export interface ConversationsSnapshot {
  /** null until the first reply; oldest first. */
  items: TeamInteraction[] | null;
  /** How many are open in all (the server lists at most the 200 longest-running). */
  total: number;
  error: string | null;
  transcript: Transcript | null;
}

/** Whole seconds the customer waited: from queued to answered (still waiting: to `now`). */
export function waitSeconds(row: Pick<TeamInteraction, "queuedAt" | "answeredAt">, now: number): number {
  return elapsed(row.queuedAt, row.answeredAt === null ? now : Date.parse(row.answeredAt));
}

/** Whole seconds an agent has handled it: from the answer to the end (still going: to `now`); null before. */
export function handleSeconds(row: Pick<TeamInteraction, "answeredAt" | "endedAt">, now: number): number | null {
  if (row.answeredAt === null) return null;
  return elapsed(row.answeredAt, row.endedAt === null ? now : Date.parse(row.endedAt));
}

function elapsed(fromIso: string, toMs: number): number {
  const from = Date.parse(fromIso);
  if (Number.isNaN(from) || Number.isNaN(toMs)) return 0;
  return Math.max(0, Math.floor((toMs - from) / 1000));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ConversationsFeed {
  private snapshot: ConversationsSnapshot = { items: null, total: 0, error: null, transcript: null };
  private timer: unknown = null;
  private polling = false;
  private connected = false;
  private readonly stops: (() => void)[] = [];
  /** Interactions a push said are gone, with that version: a list or push older than it does not bring them back. */
  private readonly removed = new Map<string, number>();

  constructor(
    private readonly connection: InteractionConnection,
    private readonly onSnapshot: (snapshot: ConversationsSnapshot) => void,
    private readonly timers: Timers = browserTimers,
    private readonly pollMs: number = CONVERSATIONS_POLL_MS,
  ) {}

  get current(): ConversationsSnapshot {
    return this.snapshot;
  }

  start(): void {
    this.stops.push(this.connection.on(PUSH.message, (push) => this.message(push["message"])));
    this.stops.push(this.connection.on(PUSH.team, (push) => this.changed(push)));
    this.stops.push(this.connection.onStatus((status) => this.statusChanged(status)));
  }

  stop(): void {
    const open = this.snapshot.transcript;
    if (open?.live && this.connected) this.connection.request("unwatchInteraction", { interactionId: open.interactionId }).catch(() => undefined);
    for (const stop of this.stops.splice(0)) stop();
    this.cancel();
  }

  /** Ask for the list now (and then every pollMs). */
  poll(): void {
    if (this.polling || !this.connected) return;
    this.cancel();
    this.polling = true;
    this.connection
      .request("listTeamInteractions", {})
      .then((ack) => {
        const items = parseTeamInteractions(ack.items);
        if (items === null) throw new Error("The server sent a list of conversations Agent Desk cannot read.");
        const total = typeof ack.total === "number" && ack.total >= items.length ? ack.total : items.length;
        this.publish({ ...this.snapshot, ...this.listed(items, total), error: null });
      })
      .catch((error: unknown) => {
        if (error instanceof RequestError && error.code === "DISCONNECTED") return;
        this.publish({ ...this.snapshot, error: reason(error) });
      })
      .finally(() => {
        this.polling = false;
        if (this.connected) this.schedule();
      });
  }

  /** A list read: pushes that came in meanwhile and are newer than its rows win. */
  private listed(items: TeamInteraction[], total: number): { items: TeamInteraction[]; total: number } {
    const before = new Map((this.snapshot.items ?? []).map((row) => [row.interactionId, row]));
    const kept = items.flatMap((row) => {
      if ((this.removed.get(row.interactionId) ?? -1) > row.version) return [];
      const pushed = before.get(row.interactionId);
      return [pushed !== undefined && pushed.version > row.version ? pushed : row];
    });
    return { items: kept, total: Math.max(kept.length, total - (items.length - kept.length)) };
  }

  /** A `team.interaction` push: the row added or replaced, or taken away; an older one than we have is dropped. */
  private changed(push: Record<string, unknown>): void {
    const change = parseTeamInteractionChange(push);
    if (change === null || this.snapshot.items === null) return; // the first list brings everything
    const { interactionId, version, row } = change;
    if ((this.removed.get(interactionId) ?? -1) >= version) return;
    const rows = this.snapshot.items;
    const index = rows.findIndex((r) => r.interactionId === interactionId);
    const current = index >= 0 ? rows[index] : undefined;
    if (current !== undefined && current.version >= version) return;
    if (row === null) {
      this.removed.set(interactionId, version);
      if (this.removed.size > REMEMBERED_REMOVALS) this.removed.delete(this.removed.keys().next().value as string);
      if (current === undefined) return;
      const items = rows.filter((r) => r.interactionId !== interactionId);
      this.publish({ ...this.snapshot, items, total: Math.max(items.length, this.snapshot.total - 1) });
      return;
    }
    const shown = this.snapshot.transcript;
    const watching = current?.watching ?? (shown?.interactionId === interactionId && shown.live);
    const next = { ...row, watching };
    const items = (current === undefined ? [...rows, next] : rows.map((r) => (r === current ? next : r)))
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.interactionId.localeCompare(b.interactionId))
      .slice(0, MAX_ROWS);
    const total = current === undefined ? this.snapshot.total + 1 : this.snapshot.total;
    this.publish({ ...this.snapshot, items, total: Math.max(items.length, total) });
  }

  /** Show the transcript of one conversation (the one shown before is let go). */
  async open(interactionId: string): Promise<void> {
    const before = this.snapshot.transcript;
    if (before?.interactionId === interactionId && before.error === null) return;
    if (before !== null) await this.close();
    this.publish({
      ...this.snapshot,
      transcript: { interactionId, interaction: null, messages: [], live: true, error: null },
    });
    await this.read(interactionId);
  }

  /** Stop showing (and hearing) the transcript. */
  async close(): Promise<void> {
    const open = this.snapshot.transcript;
    if (open === null) return;
    this.publish({ ...this.snapshot, transcript: null });
    if (!open.live || !this.connected) return;
    await this.connection.request("unwatchInteraction", { interactionId: open.interactionId }).catch(() => undefined);
  }

  private async read(interactionId: string): Promise<void> {
    let reply: { interaction: unknown; messages: unknown };
    let live = true;
    try {
      reply = await this.connection.request("watchInteraction", { interactionId });
    } catch (error) {
      if (!(error instanceof RequestError && error.code === "INVALID_TRANSITION")) {
        this.transcript(interactionId, (t) => ({ ...t, error: reason(error) }));
        return;
      }
      // Ended meanwhile: nothing more will be said; read it once.
      live = false;
      try {
        reply = await this.connection.request("getInteraction", { interactionId });
      } catch (failure) {
        this.transcript(interactionId, (t) => ({ ...t, live: false, error: reason(failure) }));
        return;
      }
    }
    const interaction = parseInteraction(reply.interaction);
    if (interaction === null) {
      this.transcript(interactionId, (t) => ({ ...t, error: "The server sent a conversation Agent Desk cannot read." }));
      return;
    }
    const messages = parseMessages(reply.messages);
    this.transcript(interactionId, (t) => ({
      ...t,
      interaction,
      messages: mergeMessages(t.messages, messages),
      live,
      error: null,
    }));
  }

  private message(value: unknown): void {
    const message = parseMessage(value);
    if (message === null) return;
    this.transcript(message.interactionId, (t) => {
      const messages = mergeMessages(t.messages, [message]);
      return messages === t.messages ? t : { ...t, messages };
    });
  }

  /** Change the transcript shown, if it is still this interaction's. */
  private transcript(interactionId: string, change: (transcript: Transcript) => Transcript): void {
    const shown = this.snapshot.transcript;
    if (shown === null || shown.interactionId !== interactionId) return;
    const next = change(shown);
    if (next !== shown) this.publish({ ...this.snapshot, transcript: next });
  }

  private statusChanged(status: ConnectionStatus): void {
    const connected = status.state === "connected";
    const changed = connected !== this.connected;
    this.connected = connected;
    if (!connected) {
      this.cancel();
      return;
    }
    if (!changed) return;
    this.poll();
    const open = this.snapshot.transcript;
    if (open?.live) this.read(open.interactionId).catch(() => undefined);
  }

  private schedule(): void {
    this.cancel();
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.poll();
    }, this.pollMs);
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private publish(snapshot: ConversationsSnapshot): void {
    this.snapshot = snapshot;
    this.onSnapshot(snapshot);
  }
}
