/**
 * The config API's input rules, checked in the browser before anything is sent, so a person sees every
 * problem at once and next to its field. The API stays the judge: these mirror
 * `layers/agentdesk/config/contracts.py` and `domain/config_rules.py` (lengths, ranges, patterns, time zones,
 * message variables, disposition outcomes) and the user pool's password policy.
 */

/** Problems by field, keyed by the API's field path (`name`, `skills.0.proficiency`, `outcomes.Fail`). */
export type FieldErrors = Record<string, string>;

export const NAME_MAX = 80;
export const PAUSE_LABEL_MAX = 40;
export const DESCRIPTION_MAX = 500;
export const MESSAGE_BODY_MAX = 2000;
export const EMAIL_MAX = 254;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
export const MAX_SKILLS = 50;
export const MAX_QUEUES = 50;
export const MAX_SUPERVISORS = 20;
export const MAX_OUTCOMES = 50;

export interface Range {
  min: number;
  max: number;
}

export const RANGES = {
  proficiency: { min: 1, max: 5 },
  maxConcurrent: { min: 1, max: 20 },
  slaTargetSeconds: { min: 1, max: 3600 },
  wrapUpTimeoutSeconds: { min: 10, max: 3600 },
  offerTimeoutSeconds: { min: 5, max: 600 },
  presenceGraceSeconds: { min: 0, max: 3600 },
} as const satisfies Record<string, Range>;

/** Two names are the same when they differ only in case and runs of spaces (the API's uniqueness rule). */
export function nameKey(name: string): string {
  return name.trim().split(/\s+/).join(" ").toLowerCase();
}

/** Control characters and invisible format characters (zero-width marks, bidi overrides): the API refuses them. */
const INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff";
const HIDDEN_IN_LABEL = new RegExp(`[\u0000-\u001f\u007f-\u009f${INVISIBLE}]`);
const HIDDEN_IN_TEXT = new RegExp(`[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f${INVISIBLE}]`);

/** A required name (`name`, `label`, `title`): some non-space text, at most `max` characters once trimmed. */
export function nameProblem(value: string, what: string, max = NAME_MAX): string | null {
  const trimmed = value.trim();
  if (trimmed === "") return `Enter ${what}.`;
  if (HIDDEN_IN_LABEL.test(value)) return "Use one line of visible text, without control or invisible characters.";
  if (trimmed.length > max) return `Use at most ${max} characters (now ${trimmed.length}).`;
  return null;
}

export function descriptionProblem(value: string): string | null {
  if (HIDDEN_IN_TEXT.test(value)) return "Remove control or invisible characters.";
  return value.length > DESCRIPTION_MAX ? `Use at most ${DESCRIPTION_MAX} characters (now ${value.length}).` : null;
}

/** A whole number typed into a field, or null when the text is not one. */
export function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : null;
}

export function integerProblem(text: string, range: Range): string | null {
  const value = parseWholeNumber(text);
  if (value === null || value < range.min || value > range.max) {
    return `Enter a whole number from ${range.min} to ${range.max}.`;
  }
  return null;
}

/** An optional number: empty means "use the default", otherwise it must be in range. */
export function optionalIntegerProblem(text: string, range: Range): string | null {
  return text.trim() === "" ? null : integerProblem(text, range);
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{1,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function usernameProblem(value: string): string | null {
  if (value.trim() === "") return "Enter a username.";
  if (!USERNAME.test(value)) {
    return "Use 2–64 letters, digits or . _ @ + -, starting with a letter or digit.";
  }
  return null;
}

export function emailProblem(value: string): string | null {
  if (value.trim() === "") return "Enter an email address.";
  if (value.length > EMAIL_MAX || !EMAIL.test(value)) return "Enter an email address such as ann@example.com.";
  return null;
}

/** Cognito's symbols (a space counts too, though not at either end): the contract's PASSWORD_PATTERN. */
const PASSWORD_SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+ -]/;

/** The user pool's policy: at least 12 characters with an upper- and a lower-case letter, a digit and a symbol. */
export function passwordProblem(value: string): string | null {
  const missing: string[] = [];
  if (!/[A-Z]/.test(value)) missing.push("an upper-case letter");
  if (!/[a-z]/.test(value)) missing.push("a lower-case letter");
  if (!/[0-9]/.test(value)) missing.push("a digit");
  if (!PASSWORD_SYMBOL.test(value)) missing.push("a symbol");
  const problems: string[] = [];
  if (value.length < PASSWORD_MIN) problems.push(`Use at least ${PASSWORD_MIN} characters (now ${value.length}).`);
  if (value.length > PASSWORD_MAX) problems.push(`Use at most ${PASSWORD_MAX} characters.`);
  if (missing.length > 0) problems.push(`Add ${joinWords(missing)}.`);
  if (value !== value.trim() || /\s/.test(value.trim().replace(/ /g, ""))) {
    problems.push("No space at either end, and no tabs or line breaks.");
  }
  return problems.length > 0 ? problems.join(" ") : null;
}

/** True for an IANA time zone name such as "Europe/Berlin" (not an offset such as "+01:00" or "GMT+1"). */
export function isTimeZone(name: string, supported: readonly string[] = supportedTimeZones()): boolean {
  if (name === "" || name !== name.trim() || !/^[A-Za-z]/.test(name) || /^GMT[+-]/i.test(name)) return false;
  if (supported.includes(name)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function timeZoneProblem(name: string): string | null {
  if (name === "") return "Choose a time zone.";
  return isTimeZone(name) ? null : `"${name}" is not an IANA time zone such as Europe/Berlin.`;
}

let zones: string[] | null = null;

/** The IANA time zones this browser knows, UTC included, sorted. */
export function supportedTimeZones(): string[] {
  if (zones === null) {
    const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
    const known = typeof intl.supportedValuesOf === "function" ? intl.supportedValuesOf("timeZone") : [];
    zones = [...new Set([...known, "UTC"])].sort();
  }
  return zones;
}

// --- canned messages -------------------------------------------------------------------------------

export const CONTACT_VARIABLES = [
  "contact.firstName",
  "contact.lastName",
  "contact.fullName",
  "contact.email",
  "contact.phone",
  "contact.company",
  "contact.accountNumber",
] as const;
export const TEMPLATE_VARIABLES: readonly string[] = [
  ...CONTACT_VARIABLES,
  "agent.firstName",
  "agent.name",
  "queue.name",
];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Unknown variables and braces that open or close no placeholder. */
export function templateProblems(body: string): string[] {
  const problems: string[] = [];
  const unknown = new Set<string>();
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!TEMPLATE_VARIABLES.includes(name)) unknown.add(name);
  }
  for (const name of unknown) problems.push(`Unknown variable {{${name}}}.`);
  const rest = body.replace(PLACEHOLDER, "");
  if (rest.includes("{{") || rest.includes("}}")) {
    problems.push("A placeholder is not closed: write variables as {{contact.firstName}}.");
  }
  return problems;
}

export function messageBodyProblem(body: string): string | null {
  if (body.trim() === "") return "Enter the message.";
  if (HIDDEN_IN_TEXT.test(body)) return "Remove control or invisible characters.";
  if (body.length > MESSAGE_BODY_MAX) return `Use at most ${MESSAGE_BODY_MAX} characters (now ${body.length}).`;
  const problems = templateProblems(body);
  return problems.length > 0 ? problems.join(" ") : null;
}

// --- tags ------------------------------------------------------------------------------------------

export const TAG_LABEL_MAX = 40;

/** The named colours a tag may take (the API's `TAG_COLORS`), each with how the console draws it. */
export const TAG_PALETTE = {
  gray: "#6b7280",
  red: "#dc2626",
  orange: "#ea580c",
  amber: "#d97706",
  green: "#16a34a",
  teal: "#0d9488",
  blue: "#2563eb",
  indigo: "#4f46e5",
  purple: "#9333ea",
  pink: "#db2777",
} as const;
export type TagPaletteName = keyof typeof TAG_PALETTE;
export const TAG_COLORS = Object.keys(TAG_PALETTE) as TagPaletteName[];

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export function isTagPaletteName(value: string): value is TagPaletteName {
  return (TAG_COLORS as readonly string[]).includes(value);
}

/** A custom tag colour must be #rrggbb (the API also takes the palette names, chosen from a list). */
export function tagColorProblem(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === "") return "Enter a colour such as #1f6feb.";
  return HEX_COLOR.test(trimmed) ? null : `"${trimmed}" is not a colour such as #1f6feb.`;
}

/** The CSS colour a tag shows in (a palette name's own shade, a custom colour as it is), or null. */
export function tagCssColor(color: string | null): string | null {
  if (color === null || color === "") return null;
  if (isTagPaletteName(color)) return TAG_PALETTE[color];
  return HEX_COLOR.test(color) ? color : null;
}

// --- disposition outcomes --------------------------------------------------------------------------

/** Written by the system when wrap-up times out; admins cannot use the label themselves. */
export const NO_AGENT_SUBMISSION = "No agent submission";

/** The outcomes of one category, one per line, blank lines left out. */
export function outcomeLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** Problems per category (`outcomes.Success`): each needs 1–50 labels, labels are unique across the set. */
export function outcomeProblems(
  outcomes: Record<string, readonly string[]>,
  categories: readonly string[],
): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Map<string, string>();
  for (const category of categories) {
    const labels = outcomes[category] ?? [];
    const field = `outcomes.${category}`;
    const problems: string[] = [];
    if (labels.length === 0) problems.push(`${category} needs at least one outcome.`);
    if (labels.length > MAX_OUTCOMES) problems.push(`Use at most ${MAX_OUTCOMES} outcomes.`);
    for (const label of labels) {
      const key = nameKey(label);
      if (label.length > NAME_MAX) problems.push(`"${label.slice(0, 20)}…" is longer than ${NAME_MAX} characters.`);
      else if (key === nameKey(NO_AGENT_SUBMISSION))
        problems.push(`"${NO_AGENT_SUBMISSION}" is reserved for the system.`);
      else if (seen.has(key)) problems.push(`"${label}" appears more than once (also in ${seen.get(key)}).`);
      else seen.set(key, category);
    }
    if (problems.length > 0) errors[field] = problems.join(" ");
  }
  return errors;
}

function joinWords(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
