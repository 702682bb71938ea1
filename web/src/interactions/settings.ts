/**
 * The agent's own workspace settings, kept in this browser (localStorage): whether offers are answered
 * automatically (announced by a short beep). The choice is also sent to the server (`setAutoAnswer`) on
 * every connect, since the server is what answers; `chosen` is false until the agent has ever chosen.
 */

const AUTO_ANSWER_KEY = "agentdesk.autoAnswer";

export interface AgentSettings {
  autoAnswer: boolean;
  chosen: boolean;
}

export const DEFAULT_SETTINGS: AgentSettings = { autoAnswer: false, chosen: false };

/** The stored settings; the defaults when nothing (or something unreadable) is stored or storage is blocked. */
export function loadSettings(storage: Storage | null): AgentSettings {
  try {
    const stored = storage?.getItem(AUTO_ANSWER_KEY) ?? null;
    return { autoAnswer: stored === "on", chosen: stored === "on" || stored === "off" };
  } catch {
    return DEFAULT_SETTINGS; // storage disabled by the browser
  }
}

export function saveSettings(storage: Storage | null, settings: AgentSettings): void {
  try {
    storage?.setItem(AUTO_ANSWER_KEY, settings.autoAnswer ? "on" : "off");
  } catch {
    // Storage full or blocked: the setting holds for this page only.
  }
}

/** localStorage when the browser allows it. */
export function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
