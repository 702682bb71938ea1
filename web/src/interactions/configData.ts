/**
 * What the conversation tools read from the config API: the predefined tags (`/tags`), the canned messages
 * (`/canned-messages`, those of the interaction's queue and those for every queue) and the disposition set
 * of the interaction's queue (`/disposition-sets/{id}`), plus the rules the forms apply before sending.
 */

import { type ConfigApiClient, getDocument, listAll } from "../api/configApi";
import { CATEGORIES, type Category, type InteractionView, LIMITS, type OutcomesByCategory, parseOutcomes } from "./protocol";

export interface CannedMessage {
  id: string;
  title: string;
  body: string;
  queueId: string | null;
}

export interface DispositionSet {
  id: string;
  name: string;
  outcomes: OutcomesByCategory;
}

/** The outcome the system records on a wrap-up timeout; never offered to an agent. */
export const NO_AGENT_SUBMISSION = "No agent submission";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A predefined tag: `label` (or `name`), enabled unless it says otherwise; null when unreadable or disabled. */
export function parseTag(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (!isObject(value) || value["enabled"] === false) return null;
  const label = value["label"] ?? value["name"];
  return typeof label === "string" && label.trim() !== "" ? label.trim() : null;
}

export async function fetchTags(client: ConfigApiClient): Promise<string[]> {
  const items = await listAll(client, "/tags", "the tags");
  const tags = items.map(parseTag).filter((tag): tag is string => tag !== null);
  return [...new Set(tags)].sort((a, b) => a.localeCompare(b));
}

export function parseCannedMessage(value: unknown): CannedMessage | null {
  if (!isObject(value)) return null;
  const { id, title, body } = value;
  if (typeof id !== "string" || typeof title !== "string" || typeof body !== "string") return null;
  return { id, title, body, queueId: typeof value["queueId"] === "string" ? value["queueId"] : null };
}

export async function fetchCannedMessages(client: ConfigApiClient): Promise<CannedMessage[]> {
  const items = await listAll(client, "/canned-messages", "the canned messages");
  return items.map(parseCannedMessage).filter((item): item is CannedMessage => item !== null);
}

/** The canned messages offered in a queue matching a search (title or text), by title. */
export function cannedFor(messages: readonly CannedMessage[], queueId: string, search: string): CannedMessage[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return messages
    .filter((m) => m.queueId === null || m.queueId === queueId)
    .filter((m) => {
      const haystack = `${m.title} ${m.body}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    })
    .sort((a, b) => a.title.localeCompare(b.title));
}

export function parseDispositionSet(value: unknown): DispositionSet | null {
  if (!isObject(value) || typeof value["id"] !== "string") return null;
  const outcomes = parseOutcomes(value["outcomes"]);
  if (outcomes === null) return null;
  return { id: value["id"], name: typeof value["name"] === "string" ? value["name"] : value["id"], outcomes };
}

/**
 * The outcomes for an interaction: inline on the view, else its queue's set by id, else (agents cannot
 * read queues) every configured set's outcomes together.
 */
export async function outcomesFor(client: ConfigApiClient, interaction: InteractionView): Promise<OutcomesByCategory> {
  if (interaction.dispositionOutcomes !== null) return interaction.dispositionOutcomes;
  if (interaction.dispositionSetId !== null) {
    const set = parseDispositionSet(
      await getDocument(client, `/disposition-sets/${encodeURIComponent(interaction.dispositionSetId)}`, "the outcomes"),
    );
    if (set !== null) return set.outcomes;
  }
  const sets = (await listAll(client, "/disposition-sets", "the outcomes"))
    .map(parseDispositionSet)
    .filter((set): set is DispositionSet => set !== null);
  return combineOutcomes(sets.map((set) => set.outcomes));
}

/** Several sets' outcomes as one, each outcome once per category, in first-seen order. */
export function combineOutcomes(sets: readonly OutcomesByCategory[]): OutcomesByCategory {
  const combined: OutcomesByCategory = { Success: [], Unsure: [], Fail: [] };
  for (const category of CATEGORIES) {
    combined[category] = [...new Set(sets.flatMap((set) => set[category]))];
  }
  return combined;
}

/** The outcomes an agent may choose in a category (the system's timeout outcome is left out). */
export function choosableOutcomes(outcomes: OutcomesByCategory, category: Category): string[] {
  return outcomes[category].filter((outcome) => outcome !== NO_AGENT_SUBMISSION);
}

/** The disposition form's first values: the interaction's notes (one per line) and tags. */
export function prefillDisposition(interaction: InteractionView): {
  category: Category | null;
  outcome: string;
  notes: string;
  tags: string[];
} {
  const existing = interaction.disposition;
  // Completing an automatic or incomplete disposition starts from a blank choice but keeps its notes.
  const notes = interaction.notes.map((note) => note.text).join("\n");
  return {
    category: existing && existing.complete && existing.source === "agent" ? existing.category : null,
    outcome: existing && existing.complete && existing.source === "agent" ? existing.outcome : "",
    notes: existing?.notes && existing.notes.trim() !== "" ? existing.notes : notes,
    tags: [...interaction.tags],
  };
}

/** The server's tag rule: a letter, digit or "_" first, then those, spaces and a few marks. */
export const TAG_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{N}_ .&/+#'()-]*$/u;

/** Why a tag cannot be added (null when it can): 1-40 characters on one line, not already there. */
export function tagProblem(tag: string, existing: readonly string[]): string | null {
  const value = tag.trim();
  if (value === "") return "Type a tag or pick one.";
  if (value.length > LIMITS.tag) return `A tag has at most ${LIMITS.tag} characters.`;
  if (!TAG_PATTERN.test(value)) {
    return "A tag starts with a letter or digit and holds letters, digits, spaces and . & / + # ' ( ) -";
  }
  if (existing.some((tagged) => tagged.toLowerCase() === value.toLowerCase())) return `“${value}” is already tagged.`;
  return null;
}
