/**
 * Reading and changing config items over the config API: one page of a collection, an item with its ETag,
 * create, replace with `If-Match`, delete. Every refusal becomes a `ConfigApiError` carrying the API's
 * `code`, `message` and `field`, so forms can put the message next to the field it names.
 * The fetch function and the token source come from `ConfigApiClient` (src/api), so this runs without a network
 * in tests.
 */

import { ApiError, type ConfigApiClient } from "../api/configApi";

/** An API refusal (or a failure to reach the API) with the field at fault when the API named one. */
export class ConfigApiError extends ApiError {
  constructor(
    code: string,
    message: string,
    httpStatus: number | null = null,
    /** The body field (`skills.0.skillId`), parameter (`cursor`) or header (`If-Match`) at fault. */
    readonly field: string | null = null,
  ) {
    super(code, message, httpStatus);
  }

  /** Someone else saved the item since it was read: the edit must start again from the current version. */
  get isStale(): boolean {
    return this.code === "CONFLICT" && this.field === "If-Match";
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An item and the ETag to send back as `If-Match` when replacing it. */
export interface Versioned<T> {
  item: T;
  etag: string;
}

export const DEFAULT_PAGE_SIZE = 50;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// What a person reads when the API sent no message of its own (a proxy's error page, an empty body).
const STATUS_MESSAGES: Record<number, string> = {
  401: "Agent Desk did not accept your sign-in; sign in again.",
  403: "Your role may not do this.",
  404: "It no longer exists; it may have been deleted by someone else.",
  409: "Someone else changed it at the same time; reload and try again.",
  413: "This is too large to save.",
  428: "The version you edited was not sent; reload and save again.",
};

/** The `ConfigApiError` for a refused response; reads the API's error body when there is one. */
export async function errorFromResponse(response: Response): Promise<ConfigApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // No JSON body: the status decides the message.
  }
  const detail = isObject(body) && isObject(body["error"]) ? body["error"] : null;
  const code = detail && typeof detail["code"] === "string" ? detail["code"] : `HTTP_${response.status}`;
  const field = detail && typeof detail["field"] === "string" && detail["field"] !== "" ? detail["field"] : null;
  const given = detail && typeof detail["message"] === "string" && detail["message"] !== "" ? detail["message"] : null;
  const message =
    response.status === 401
      ? STATUS_MESSAGES[401]!
      : (given ?? STATUS_MESSAGES[response.status] ?? `The server could not do this (HTTP ${response.status}).`);
  return new ConfigApiError(code, message, response.status, field);
}

/**
 * The ETag of a response. Browsers hide response headers a cross-origin API does not expose, so when the
 * header cannot be read the item's `version` stands in: the API's ETag is that version in quotes.
 */
export function etagOf(response: Response, item: unknown): string | null {
  const header = response.headers.get("ETag");
  if (header) return header;
  if (isObject(item) && typeof item["version"] === "number") return `"${item["version"]}"`;
  return null;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

const RETRY_DELAY_MS = 300;

export class ConfigHttp {
  constructor(
    private readonly client: ConfigApiClient,
    /** How to wait before asking again (tests pass one that does not wait). */
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** One page of a collection such as `/queues`; pass the previous page's `nextCursor` for the next. */
  async list<T>(path: string, cursor: string | null = null, limit = DEFAULT_PAGE_SIZE): Promise<Page<T>> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) query.set("cursor", cursor);
    const { body } = await this.send("GET", `${path}?${query.toString()}`);
    if (!isObject(body) || !Array.isArray(body["items"])) throw unreadable();
    const next = body["nextCursor"];
    return { items: body["items"] as T[], nextCursor: typeof next === "string" && next !== "" ? next : null };
  }

  /** Every item of a collection, following `nextCursor` to the end (for pickers: teams, skills, queues). */
  async listAll<T>(path: string, maxPages = 50): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const result: Page<T> = await this.list<T>(path, cursor, 100);
      items.push(...result.items);
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    return items;
  }

  /** A document that has no version, such as `/me`. */
  async read<T>(path: string): Promise<T> {
    const { body } = await this.send("GET", path);
    if (!isObject(body)) throw unreadable();
    return body as T;
  }

  /** An item (or the settings singleton) and its ETag. */
  async get<T>(path: string): Promise<Versioned<T>> {
    return this.versioned<T>(await this.send("GET", path));
  }

  async create<T>(path: string, body: unknown): Promise<Versioned<T>> {
    return this.versioned<T>(await this.send("POST", path, body));
  }

  /** Replace an item; `etag` is what `get` returned, so a change by someone else meanwhile is refused (409). */
  async replace<T>(path: string, body: unknown, etag: string): Promise<Versioned<T>> {
    return this.versioned<T>(await this.send("PUT", path, body, etag));
  }

  /** Delete an item; with an `etag`, only the version that was shown. */
  async remove(path: string, etag: string | null = null): Promise<void> {
    await this.send("DELETE", path, undefined, etag);
  }

  private versioned<T>({ response, body }: { response: Response; body: unknown }): Versioned<T> {
    if (!isObject(body)) throw unreadable();
    const etag = etagOf(response, body);
    if (etag === null) throw unreadable();
    return { item: body as T, etag };
  }

  private async send(
    method: Method,
    path: string,
    body?: unknown,
    ifMatch: string | null = null,
  ): Promise<{ response: Response; body: unknown }> {
    const token = this.client.idToken();
    if (token === null) throw new ConfigApiError("UNAUTHORIZED", "You are signed out; sign in again.", 401);
    const headers: Record<string, string> = { Accept: "application/json", Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (ifMatch !== null) headers["If-Match"] = ifMatch;
    const fetchFn = this.client.fetchFn ?? fetch;
    const url = `${this.client.apiUrl.replace(/\/+$/, "")}${path}`;
    const init: RequestInit = {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    };
    // A read that met a passing fault (a dropped connection, a 5xx) is asked once more; a write never is,
    // since it may have been applied.
    const attempts = method === "GET" ? 2 : 1;
    let response: Response | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.pause(RETRY_DELAY_MS);
      try {
        response = await fetchFn(url, init);
      } catch {
        response = null;
        continue;
      }
      if (response.status < 500) break;
    }
    if (response === null) {
      throw new ConfigApiError("NETWORK", "The server could not be reached; check the connection and try again.");
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return { response, body: null };
    const parsed: unknown = await response.json().catch(() => undefined);
    if (parsed === undefined) throw unreadable();
    return { response, body: parsed };
  }
}

function unreadable(): ConfigApiError {
  return new ConfigApiError("BAD_RESPONSE", "The server sent an answer Agent Desk cannot read.");
}
