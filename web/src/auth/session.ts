/**
 * The signed-in session, kept in sessionStorage: it survives a reload of the tab and ends with the tab.
 * The shell renews the tokens with the RefreshToken before they expire; a session that expires anyway is
 * never handed out, and the app goes back to sign-in instead.
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

/** The session with renewed tokens; Cognito does not send a new RefreshToken on renewal, so the old one stays. */
export function renewedSession(session: Session, tokens: Tokens, now: number): Session {
  const renewed = sessionFromTokens(session.username, tokens, now);
  return { ...renewed, refreshToken: tokens.refreshToken ?? session.refreshToken };
}

const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * How long to wait before renewing the tokens: five minutes before they expire, or half-way through what
 * is left when that is less than ten minutes (a session restored from storage late in its life).
 */
export function renewalDelayMs(session: Session, now: number): number {
  const left = session.expiresAt - now;
  return Math.max(0, left - Math.min(RENEW_BEFORE_MS, left / 2));
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
