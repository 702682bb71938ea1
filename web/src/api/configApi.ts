/**
 * Reading the config API (`{apiUrl}/...`, `Authorization: Bearer <IdToken>`): paged collections followed to
 * the end, and the API's error body `{"error": {"code", "message", "field"?}}` turned into a readable error.
 * The fetch function and the token source are passed in, so this is tested without a network.
 */

import { type PauseCode, parsePauseCode } from "../agent/pauseCodes";

export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

export interface ConfigApiClient {
  apiUrl: string;
  /** The current IdToken, read per request so a renewed token is used. */
  idToken: () => string | null;
  fetchFn?: typeof fetch;
}

const PAGE_SIZE = 100;
// A guard against a server that keeps returning a cursor; no configured collection comes near it.
const MAX_PAGES = 50;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function errorFrom(response: Response, what: string): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // No JSON body (a proxy's error page): the status says enough.
  }
  const error = isObject(body) && isObject(body["error"]) ? body["error"] : null;
  const code = error && typeof error["code"] === "string" ? error["code"] : `HTTP_${response.status}`;
  if (response.status === 401) {
    return new ApiError(code, `Agent Desk did not accept your sign-in while loading ${what}; sign in again.`, 401);
  }
  const message = error && typeof error["message"] === "string" ? error["message"] : null;
  return new ApiError(code, message ?? `${what} could not be loaded (HTTP ${response.status}).`, response.status);
}

/** Every item of a paged collection such as `/pause-codes`, in the API's order. */
export async function listAll(client: ConfigApiClient, path: string, what: string): Promise<unknown[]> {
  const fetchFn = client.fetchFn ?? fetch;
  const token = client.idToken();
  if (token === null) throw new ApiError("UNAUTHORIZED", `You are signed out; sign in to load ${what}.`);
  const items: unknown[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`${client.apiUrl.replace(/\/+$/, "")}${path}`);
    url.searchParams.set("limit", String(PAGE_SIZE));
    if (cursor !== null) url.searchParams.set("cursor", cursor);
    let response: Response;
    try {
      response = await fetchFn(url.toString(), {
        headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
        cache: "no-store",
      });
    } catch {
      throw new ApiError("NETWORK", `${capitalise(what)} could not be loaded; check the connection.`);
    }
    if (!response.ok) throw await errorFrom(response, what);
    const body: unknown = await response.json().catch(() => null);
    if (!isObject(body) || !Array.isArray(body["items"])) {
      throw new ApiError("BAD_RESPONSE", `The server sent ${what} in a form Agent Desk cannot read.`);
    }
    items.push(...body["items"]);
    const next = body["nextCursor"];
    if (typeof next !== "string" || next === "") return items;
    cursor = next;
  }
  return items;
}

/** One document such as `/disposition-sets/{id}`. */
export async function getDocument(client: ConfigApiClient, path: string, what: string): Promise<unknown> {
  const fetchFn = client.fetchFn ?? fetch;
  const token = client.idToken();
  if (token === null) throw new ApiError("UNAUTHORIZED", `You are signed out; sign in to load ${what}.`);
  let response: Response;
  try {
    response = await fetchFn(`${client.apiUrl.replace(/\/+$/, "")}${path}`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
      cache: "no-store",
    });
  } catch {
    throw new ApiError("NETWORK", `${capitalise(what)} could not be loaded; check the connection.`);
  }
  if (!response.ok) throw await errorFrom(response, what);
  const body: unknown = await response.json().catch(() => null);
  if (!isObject(body)) throw new ApiError("BAD_RESPONSE", `The server sent ${what} in a form Agent Desk cannot read.`);
  return body;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** All configured pause codes (enabled or not, system ones included); unreadable items are skipped. */
export async function fetchPauseCodes(client: ConfigApiClient): Promise<PauseCode[]> {
  const items = await listAll(client, "/pause-codes", "the pause codes");
  return items.map(parsePauseCode).filter((code): code is PauseCode => code !== null);
}
