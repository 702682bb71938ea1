import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/configApi";
import { ConfigApiError, ConfigHttp, etagOf } from "../src/admin/http";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers from a queue of responses and records what was sent. */
function fakeFetch(...responses: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    const next = responses.shift();
    if (next === undefined) throw new Error("no response left");
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  return { fetchFn, calls };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function apiError(status: number, code: string, message: string, field?: string): Response {
  return json(status, { error: field === undefined ? { code, message } : { code, message, field } });
}

function client(fetchFn: typeof fetch, token: string | null = "id-token") {
  return new ConfigHttp({ apiUrl: "http://api.test/api/", idToken: () => token, fetchFn }, async () => undefined);
}

const QUEUE = { id: "q1", version: 3, name: "Billing" };

describe("ConfigHttp", () => {
  it("reads an item with its ETag and sends the bearer token", async () => {
    const { fetchFn, calls } = fakeFetch(json(200, QUEUE, { ETag: '"3"' }));
    const result = await client(fetchFn).get("/queues/q1");
    expect(result).toEqual({ item: QUEUE, etag: '"3"' });
    expect(calls[0]!.url).toBe("http://api.test/api/queues/q1");
    expect(calls[0]!.headers["Authorization"]).toBe("Bearer id-token");
  });

  it("falls back to the item's version when the ETag header cannot be read (cross-origin)", async () => {
    const { fetchFn } = fakeFetch(json(200, QUEUE));
    expect((await client(fetchFn).get("/queues/q1")).etag).toBe('"3"');
  });

  it("replaces with If-Match and a JSON body, and returns the new ETag", async () => {
    const { fetchFn, calls } = fakeFetch(json(200, { ...QUEUE, version: 4 }, { ETag: '"4"' }));
    const saved = await client(fetchFn).replace("/queues/q1", { name: "Billing" }, '"3"');
    expect(saved.etag).toBe('"4"');
    expect(calls[0]).toMatchObject({
      method: "PUT",
      headers: { "If-Match": '"3"', "Content-Type": "application/json" },
      body: { name: "Billing" },
    });
  });

  it("turns a stale If-Match (409 on If-Match) into a stale error", async () => {
    const { fetchFn } = fakeFetch(
      apiError(409, "CONFLICT", "The queue changed since you read it (it is now at version 4); reload it.", "If-Match"),
    );
    const error = await client(fetchFn)
      .replace("/queues/q1", {}, '"3"')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigApiError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "CONFLICT", httpStatus: 409, field: "If-Match", isStale: true });
  });

  it("keeps a duplicate name (409 on a body field) apart from a stale edit", async () => {
    const { fetchFn } = fakeFetch(apiError(409, "CONFLICT", "Another pause code already has this label.", "label"));
    const error = (await client(fetchFn)
      .create("/pause-codes", { label: "Break" })
      .catch((caught: unknown) => caught)) as ConfigApiError;
    expect(error.isStale).toBe(false);
    expect(error.field).toBe("label");
  });

  it("reports 428, IN_USE and 422 with the API's code, message and field", async () => {
    const { fetchFn } = fakeFetch(
      apiError(428, "PRECONDITION_REQUIRED", "Send If-Match.", "If-Match"),
      apiError(
        409,
        "IN_USE",
        'Skill "Billing" is used by queue "Billing" (requiredSkillId); change or remove those first.',
      ),
      apiError(422, "INVALID_REFERENCE", 'skills.0.skillId: there is no skill with id "k9".', "skills.0.skillId"),
    );
    const http = client(fetchFn);
    await expect(http.replace("/queues/q1", {}, "")).rejects.toMatchObject({ httpStatus: 428, field: "If-Match" });
    await expect(http.remove("/skills/skill-billing")).rejects.toMatchObject({
      code: "IN_USE",
      field: null,
      message: expect.stringContaining('queue "Billing"'),
    });
    await expect(http.create("/users", {})).rejects.toMatchObject({
      code: "INVALID_REFERENCE",
      httpStatus: 422,
      field: "skills.0.skillId",
    });
  });

  it("asks once more when a read meets a 5xx or a dropped connection, never for a write", async () => {
    const { fetchFn, calls } = fakeFetch(
      apiError(500, "INTERNAL_ERROR", "Our fault."),
      json(200, QUEUE, { ETag: '"3"' }),
      new TypeError("Failed to fetch"),
      json(200, QUEUE, { ETag: '"3"' }),
      apiError(500, "INTERNAL_ERROR", "Our fault."),
    );
    const http = client(fetchFn);
    expect((await http.get("/queues/q1")).etag).toBe('"3"');
    expect((await http.get("/queues/q1")).etag).toBe('"3"');
    await expect(http.replace("/queues/q1", {}, '"3"')).rejects.toMatchObject({ code: "INTERNAL_ERROR" });
    expect(calls.map((call) => call.method)).toEqual(["GET", "GET", "GET", "GET", "PUT"]);
  });

  it("explains failures that carry no error body, and network failures", async () => {
    const { fetchFn } = fakeFetch(
      new Response("<html>Bad gateway</html>", { status: 502 }),
      new Response("<html>Bad gateway</html>", { status: 502 }),
      new Response("", { status: 401 }),
      new TypeError("Failed to fetch"),
      new TypeError("Failed to fetch"),
    );
    const http = client(fetchFn);
    await expect(http.get("/queues/q1")).rejects.toMatchObject({
      code: "HTTP_502",
      message: "The server could not do this (HTTP 502).",
    });
    await expect(http.get("/queues/q1")).rejects.toMatchObject({
      httpStatus: 401,
      message: expect.stringMatching(/sign in again/),
    });
    await expect(http.get("/queues/q1")).rejects.toMatchObject({ code: "NETWORK" });
  });

  it("sends nothing without a session", async () => {
    const { fetchFn, calls } = fakeFetch();
    await expect(client(fetchFn, null).get("/queues/q1")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(calls).toEqual([]);
  });

  it("pages with limit and cursor and stops when nextCursor is null", async () => {
    const { fetchFn, calls } = fakeFetch(
      json(200, { items: [{ id: "a" }], nextCursor: "c1" }),
      json(200, { items: [{ id: "b" }], nextCursor: null }),
    );
    const http = client(fetchFn);
    const first = await http.list("/skills");
    expect(first).toEqual({ items: [{ id: "a" }], nextCursor: "c1" });
    const second = await http.list("/skills", first.nextCursor, 10);
    expect(second.nextCursor).toBeNull();
    expect(calls.map((call) => call.url)).toEqual([
      "http://api.test/api/skills?limit=50",
      "http://api.test/api/skills?limit=10&cursor=c1",
    ]);
  });

  it("follows every page for pickers", async () => {
    const { fetchFn } = fakeFetch(
      json(200, { items: [{ id: "a" }], nextCursor: "c1" }),
      json(200, { items: [{ id: "b" }], nextCursor: null }),
    );
    expect(await client(fetchFn).listAll("/teams")).toEqual([{ id: "a" }, { id: "b" }]);
  });

  it("deletes with an optional If-Match and accepts 204 without a body", async () => {
    const { fetchFn, calls } = fakeFetch(new Response(null, { status: 204 }), new Response(null, { status: 204 }));
    const http = client(fetchFn);
    await http.remove("/queues/q1", '"3"');
    await http.remove("/queues/q1");
    expect(calls[0]).toMatchObject({ method: "DELETE", headers: { "If-Match": '"3"' } });
    expect(calls[1]!.headers).not.toHaveProperty("If-Match");
  });

  it("refuses a list that is not a page", async () => {
    const { fetchFn } = fakeFetch(json(200, [{ id: "a" }]));
    await expect(client(fetchFn).list("/skills")).rejects.toMatchObject({ code: "BAD_RESPONSE" });
  });
});

describe("ETags", () => {
  it("prefers the header over the body", () => {
    expect(etagOf(new Response(null, { headers: { ETag: '"7"' } }), { version: 6 })).toBe('"7"');
    expect(etagOf(new Response(null), { version: 6 })).toBe('"6"');
    expect(etagOf(new Response(null), {})).toBeNull();
  });
});
