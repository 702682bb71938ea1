import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../src/config";

const valid = {
  wsUrl: "ws://127.0.0.1:8080/ws",
  apiUrl: "http://127.0.0.1:8080/api",
  region: "us-east-1",
  cognito: { userPoolId: "us-east-1_abc", clientId: "client", endpoint: "http://127.0.0.1:4566/" },
};

describe("parseConfig", () => {
  it("accepts the documented shape", () => {
    expect(parseConfig(valid)).toEqual(valid);
  });

  it("names the missing field", () => {
    expect(() => parseConfig({ ...valid, cognito: { ...valid.cognito, clientId: "" } })).toThrow(
      new ConfigError("cognito.clientId is missing or not a string."),
    );
    expect(() => parseConfig({ ...valid, wsUrl: undefined })).toThrow("wsUrl is missing");
    expect(() => parseConfig(null)).toThrow(ConfigError);
  });

  it("refuses a WebSocket URL that is not ws:// or wss://", () => {
    expect(() => parseConfig({ ...valid, wsUrl: "http://x/ws" })).toThrow("wsUrl must start with ws:// or wss://.");
  });
});

describe("loadConfig", () => {
  it("fetches /config.json from the app's own origin", async () => {
    const urls: string[] = [];
    const fetchFn = (async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return new Response(JSON.stringify(valid), { status: 200 });
    }) as typeof fetch;
    await expect(loadConfig(fetchFn)).resolves.toEqual(valid);
    expect(urls).toEqual(["/config.json"]);
  });

  it("reports an HTTP failure", async () => {
    const fetchFn = (async () => new Response("nope", { status: 404 })) as typeof fetch;
    await expect(loadConfig(fetchFn)).rejects.toThrow("The configuration could not be loaded (HTTP 404).");
  });
});
