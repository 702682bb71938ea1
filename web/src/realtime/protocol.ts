/**
 * The WebSocket protocol as the web app sees it: every request carries an `action` and a `requestId` and
 * gets exactly one reply (`ack` or `error`); anything else the server sends is a push with its own `type`.
 * The server's contract is the AsyncAPI document; actions are added to `Actions` as the app starts using them.
 */

export type Role = "agent" | "supervisor" | "admin";

export const ROLES: readonly Role[] = ["agent", "supervisor", "admin"];

const ROLE_RANK: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };

/** Same rule as the server: an admin may do what a supervisor may, a supervisor what an agent may. */
export function atLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

export interface User {
  userId: string;
  username: string;
  name: string;
  email: string;
  role: Role;
}

/** Each action the app sends: the fields it adds to the envelope and the fields of its ack. */
export interface Actions {
  whoami: { request: Record<string, never>; ack: { user: User } };
  ping: { request: Record<string, never>; ack: { serverTime: string } };
}

/** API Gateway closes a WebSocket that carried nothing for 10 minutes; the shell pings well before. */
export const KEEPALIVE_MS = 5 * 60_000;

export type ActionName = keyof Actions;

export interface AckReply {
  type: "ack";
  requestId: string;
  [field: string]: unknown;
}

export interface ErrorReply {
  type: "error";
  requestId: string | null;
  code: string;
  message: string;
  field?: string;
}

/** A server-initiated message such as `agent.state` or `config.changed`. */
export interface Push {
  type: string;
  [field: string]: unknown;
}

export type ServerMessage = AckReply | ErrorReply | Push;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parse one frame; null when it is not a JSON object with a string `type`. */
export function parseServerMessage(frame: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value["type"] !== "string") return null;
  return value as ServerMessage;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** The `user` of a whoami ack, checked field by field; null when the server sent something else. */
export function parseUser(value: unknown): User | null {
  if (!isObject(value)) return null;
  const { userId, username, name, email, role } = value;
  if (typeof userId !== "string" || typeof username !== "string" || typeof name !== "string") return null;
  if (!isRole(role)) return null;
  return { userId, username, name, email: typeof email === "string" ? email : "", role };
}

export type SessionEndReason = "deleted" | "disabled" | "roleChanged";

/** The server ends the session: the account was deleted or disabled, or the user's role changed. */
export interface SessionEnded {
  type: "session.ended";
  reason: SessionEndReason;
  message: string;
}

const SESSION_END_REASONS: readonly string[] = ["deleted", "disabled", "roleChanged"];

/** A `session.ended` push, checked; null when the server sent something else. */
export function parseSessionEnded(value: unknown): SessionEnded | null {
  if (!isObject(value) || value["type"] !== "session.ended") return null;
  const { reason, message } = value;
  if (typeof reason !== "string" || !SESSION_END_REASONS.includes(reason)) return null;
  return {
    type: "session.ended",
    reason: reason as SessionEndReason,
    message: typeof message === "string" && message ? message : "Your session has ended.",
  };
}

/** Whether a session that ended this way signs the user out (else the app signs in again by itself). */
export function endsSignIn(reason: SessionEndReason): boolean {
  return reason !== "roleChanged";
}
