/**
 * The signed-in session, kept in sessionStorage: it survives a reload of the tab and ends with the tab.
 * An expired session is never handed out; the app goes back to sign-in instead.
 */

import type { Tokens } from "./cognito";
import { expiresAtMs } from "./jwt";

export interface Session {
  username: string;
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the IdToken expires (its `exp`), epoch milliseconds. */
  expiresAt: number;
}

const STORAGE_KEY = "agentdesk.session";

export function sessionFromTokens(username: string, tokens: Tokens, now: number): Session {
  return {
    username,
    idToken: tokens.idToken,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: expiresAtMs(tokens.idToken) ?? now + tokens.expiresIn * 1000,
  };
}

export function isExpired(session: Session, now: number): boolean {
  return now >= session.expiresAt;
}

export function saveSession(storage: Storage, session: Session): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}

/** The stored session if it is well-formed and not expired; anything else is removed. */
export function loadSession(storage: Storage, now: number): Session | null {
  const raw = storage.getItem(STORAGE_KEY);
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = null;
  }
  const s = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const valid =
    typeof s["username"] === "string" &&
    typeof s["idToken"] === "string" &&
    typeof s["accessToken"] === "string" &&
    (typeof s["refreshToken"] === "string" || s["refreshToken"] === null) &&
    typeof s["expiresAt"] === "number";
  const session = valid ? (s as unknown as Session) : null;
  if (session === null || isExpired(session, now)) {
    clearSession(storage);
    return null;
  }
  return session;
}
