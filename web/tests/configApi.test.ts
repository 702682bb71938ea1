import { describe, expect, it } from "vitest";
import { ApiError, fetchPauseCodes } from "../src/api/configApi";

type Call = { url: string; init: RequestInit | undefined };

function fakeFetch(responses: (Response | Error)[]): { fetchFn: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const next = responses.shift();
    if (next === undefined) throw new Error("unexpected request");
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  return { fetchFn, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const item = (id: string, label: string) => ({
  id,
  label,
  status: "Away",
  productive: false,
  enabled: true,
  system: false,
  version: 1,
});
const client = (fetchFn: typeof fetch, token: string | null = "tok") => ({
  apiUrl: "http://desk.test/api",
  idToken: () => token,
  fetchFn,
});

describe("fetchPauseCodes", () => {
  it("sends the IdToken and follows the pages to the end", async () => {
    const { fetchFn, calls } = fakeFetch([
      json(200, { items: [item("break", "Break")], nextCursor: "c1" }),
      json(200, { items: [item("lunch", "Lunch"), { id: 5 }], nextCursor: null }),
    ]);
    const codes = await fetchPauseCodes({ apiUrl: "http://desk.test/api/", idToken: () => "tok", fetchFn });
    expect(codes.map((c) => c.id)).toEqual(["break", "lunch"]);
    expect(calls.map((c) => c.url)).toEqual([
      "http://desk.test/api/pause-codes?limit=100",
      "http://desk.test/api/pause-codes?limit=100&cursor=c1",
    ]);
    expect(new Headers(calls[0]?.init?.headers).get("Authorization")).toBe("Bearer tok");
  });

  it("turns the API's error body into a readable error", async () => {
    const { fetchFn } = fakeFetch([json(403, { error: { code: "FORBIDDEN", message: "Agents may not read this." } })]);
    await expect(fetchPauseCodes(client(fetchFn))).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Agents may not read this.",
      httpStatus: 403,
    });
  });

  it("says to sign in again on 401, and names a network failure", async () => {
    const refused = fakeFetch([json(401, { message: "Unauthorized" })]);
    await expect(fetchPauseCodes(client(refused.fetchFn))).rejects.toThrow(/sign in again/);
    const offline = fakeFetch([new TypeError("Failed to fetch")]);
    const error = await fetchPauseCodes(client(offline.fetchFn)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe("The pause codes could not be loaded; check the connection.");
  });

  it("does not call the API without a session", async () => {
    const { fetchFn, calls } = fakeFetch([]);
    await expect(fetchPauseCodes(client(fetchFn, null))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(calls).toHaveLength(0);
  });
});
