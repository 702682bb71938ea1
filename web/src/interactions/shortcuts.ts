/**
 * Keyboard shortcuts of the agent workspace. Every command takes Alt (Option on a Mac) with a letter or an
 * arrow, read from the key's position (`code`), so they work on any layout and while typing in the
 * composer; only "?" (the list of shortcuts) needs the focus outside a text field.
 */

export type ShortcutCommand =
  | "accept"
  | "reject"
  | "nextTab"
  | "previousTab"
  | "focusComposer"
  | "end"
  | "disposition"
  | "transfer"
  | "help";

export interface Shortcut {
  command: ShortcutCommand;
  /** What the help list shows, e.g. "Alt + A". */
  keys: string;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { command: "accept", keys: "Alt + A", description: "Accept the oldest offer" },
  { command: "reject", keys: "Alt + R", description: "Reject the oldest offer" },
  { command: "nextTab", keys: "Alt + →", description: "Next conversation" },
  { command: "previousTab", keys: "Alt + ←", description: "Previous conversation" },
  { command: "focusComposer", keys: "Alt + C", description: "Write a message in the current conversation" },
  { command: "transfer", keys: "Alt + T", description: "Transfer the current conversation" },
  { command: "end", keys: "Alt + E", description: "End the current conversation" },
  { command: "disposition", keys: "Alt + D", description: "Open the disposition form" },
  { command: "help", keys: "?", description: "Show or hide this list" },
];

const BY_CODE: Record<string, ShortcutCommand> = {
  KeyA: "accept",
  KeyR: "reject",
  ArrowRight: "nextTab",
  ArrowLeft: "previousTab",
  KeyC: "focusComposer",
  KeyT: "transfer",
  KeyE: "end",
  KeyD: "disposition",
};

export interface KeyInput {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** The focus is in a text field (input, textarea, select, contenteditable). */
  inTextField: boolean;
}

/** The command a key press asks for, or null. */
export function shortcutFor(input: KeyInput): ShortcutCommand | null {
  if (input.ctrlKey || input.metaKey) return null;
  if (input.altKey && !input.shiftKey) return BY_CODE[input.code] ?? null;
  if (!input.altKey && input.key === "?" && !input.inTextField) return "help";
  return null;
}

/** Whether the element takes typed text (so "?" is a character there, not a shortcut). */
export function isTextField(element: Element | null): boolean {
  if (element === null) return false;
  const tag = element.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (element.getAttribute("type") ?? "text").toLowerCase();
    return !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file"].includes(type);
  }
  return (element as HTMLElement).isContentEditable === true;
}
