/** How interactions read on screen: channel and direction, dates and times, categories. */

import type { Category, Channel, Direction, InteractionStatus, InteractionView } from "./protocol";

export const CHANNEL_LABELS: Record<Channel, string> = { chat: "Chat", voice: "Call", email: "Email", task: "Task" };

/** A glyph per channel (decorative; the label is given to screen readers). */
export const CHANNEL_GLYPHS: Record<Channel, string> = { chat: "💬", voice: "📞", email: "✉", task: "☑" };

export const DIRECTION_GLYPHS: Record<Direction, string> = { inbound: "↙", outbound: "↗" };

export const STATUS_LABELS: Record<InteractionStatus, string> = {
  queued: "Queued",
  offered: "Offered",
  active: "Active",
  wrap_up: "Wrap-up",
  closed: "Closed",
  abandoned: "Abandoned",
};

export function channelDescription(channel: Channel, direction: Direction): string {
  return `${direction === "inbound" ? "Incoming" : "Outgoing"} ${CHANNEL_LABELS[channel].toLowerCase()}`;
}

/** "09:05" today, "2 Mar, 09:05" another day (the browser's locale and time zone). */
export function formatWhen(iso: string | null, now: number = Date.now(), locale?: string): string {
  if (iso === null || iso === "") return "—";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "—";
  const time = at.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  const sameDay = new Date(now).toDateString() === at.toDateString();
  return sameDay ? time : `${at.toLocaleDateString(locale, { day: "numeric", month: "short" })}, ${time}`;
}

export function categoryClass(category: Category): string {
  return `category category--${category.toLowerCase()}`;
}

/** The page title with unread messages first: "(3) Workspace · Agent Desk". */
export function titleWithUnread(title: string, unread: number): string {
  return unread > 0 ? `(${unread}) ${title.replace(/^\(\d+\) /, "")}` : title.replace(/^\(\d+\) /, "");
}

/**
 * The customer's time on hold at `now`: the hold running (null when not on hold) and every hold so far
 * added up, in whole seconds.
 */
export function holdTimes(
  interaction: Pick<InteractionView, "onHold" | "heldSince" | "holdSeconds">,
  now: number,
): { current: number | null; total: number } {
  const since = interaction.onHold && interaction.heldSince !== null ? Date.parse(interaction.heldSince) : Number.NaN;
  const current = Number.isNaN(since) ? (interaction.onHold ? 0 : null) : Math.max(0, Math.floor((now - since) / 1000));
  return { current, total: Math.floor(interaction.holdSeconds + (current ?? 0)) };
}
