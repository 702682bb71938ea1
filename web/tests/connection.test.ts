import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF } from "../src/realtime/backoff";
import { type ConnectionStatus, DeskConnection, RequestError } from "../src/realtime/connection";
import { FakeNetwork, FakeSockets, FakeTimers } from "./fakes";

type TestActions = {
  whoami: { request: Record<string, never>; ack: { user: { name: string } } };
  "agent.setStatus": { request: { status: string; pauseCode?: string }; ack: { status: string } };
};

let timers: FakeTimers;
let sockets: FakeSockets;
let network: FakeNetwork;
let sessionValid: boolean;
let token: string;
let statuses: ConnectionStatus[];

function connect(options: { random?: () => number } = {}): DeskConnection<TestActions> {
  let id = 0;
  const connection = new DeskConnection<TestActions>({
    url: () => `ws://desk.test/ws?token=${token}`,
    isSessionValid: () => sessionValid,
    createSocket: sockets.factory,
    timers,
    network,
    random: options.random ?? (() => 1),
    newRequestId: () => `r${++id}`,
  });
  connection.onStatus((status) => statuses.push(status));
  connection.start();
  return connection;
}

function connected(options: { random?: () => number } = {}): DeskConnection<TestActions> {
  const connection = connect(options);
  sockets.latest.accept();
  return connection;
}

/** Let promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  timers = new FakeTimers();
  sockets = new FakeSockets();
  network = new FakeNetwork();
  sessionValid = true;
  token = "t1";
  statuses = [];
});

describe("connecting", () => {
  it("opens the socket with the URL and reports connecting, then connected", () => {
    const connection = connect();
    expect(sockets.all).toHaveLength(1);
    expect(sockets.latest.url).toBe("ws://desk.test/ws?token=t1");
    expect(connection.status).toEqual({ state: "connecting" });
    sockets.latest.accept();
    expect(connection.status).toEqual({ state: "connected" });
    expect(statuses.map((s) => s.state)).toEqual(["idle", "connecting", "connected"]);
  });

  it("builds the URL again for every attempt, so a renewed token is used", () => {
    connected();
    sockets.latest.drop();
    token = "t2";
    timers.advance(DEFAULT_BACKOFF.initialMs);
    expect(sockets.latest.url).toBe("ws://desk.test/ws?token=t2");
  });
});

describe("request", () => {
  it("sends the action, its fields and a requestId, and resolves with the matching ack", async () => {
    const connection = connected();
    const reply = connection.request("agent.setStatus", { status: "Away", pauseCode: "Lunch" });
    expect(sockets.latest.lastSent()).toEqual({
      action: "agent.setStatus",
      requestId: "r1",
      status: "Away",
      pauseCode: "Lunch",
    });
    sockets.latest.receive({ type: "ack", requestId: "r1", status: "Away" });
    await expect(reply).resolves.toEqual({ type: "ack", requestId: "r1", status: "Away" });
  });

  it("correlates replies that arrive out of order", async () => {
    const connection = connected();
    const first = connection.request("whoami", {});
    const second = connection.request("agent.setStatus", { status: "Available" });
    sockets.latest.receive({ type: "ack", requestId: "r2", status: "Available" });
    sockets.latest.receive({ type: "ack", requestId: "r1", user: { name: "Ana" } });
    await expect(first).resolves.toMatchObject({ user: { name: "Ana" } });
    await expect(second).resolves.toMatchObject({ status: "Available" });
  });

  it("gives every request its own requestId by default", () => {
    const connection = new DeskConnection<TestActions>({
      url: () => "ws://desk.test/ws",
      createSocket: sockets.factory,
      timers,
      network,
    });
    connection.start();
    sockets.latest.accept();
    void connection.request("whoami", {}).catch(() => undefined);
    void connection.request("whoami", {}).catch(() => undefined);
    const [a, b] = sockets.latest.sent.map((frame) => frame["requestId"]);
    expect(typeof a).toBe("string");
    expect(a).not.toBe(b);
  });

  it("rejects with the server's code, message and field on an error reply", async () => {
    const connection = connected();
    const reply = connection.request("agent.setStatus", { status: "Away" });
    sockets.latest.receive({
      type: "error",
      requestId: "r1",
      code: "REASON_REQUIRED",
      message: "A pause needs a pause code.",
      field: "pauseCode",
    });
    const error = await reply.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: "REASON_REQUIRED", message: "A pause needs a pause code.", field: "pauseCode" });
  });

  it("times out when no reply comes, and ignores the late reply", async () => {
    const connection = connected();
    const reply = connection.request("whoami", {});
    timers.advance(9_999);
    let outcome: unknown = "pending";
    reply.then(
      (value) => (outcome = value),
      (error: unknown) => (outcome = error),
    );
    await settle();
    expect(outcome).toBe("pending");
    timers.advance(1);
    await settle();
    expect(outcome).toMatchObject({ code: "TIMEOUT" });
    expect(() => sockets.latest.receive({ type: "ack", requestId: "r1", user: { name: "Ana" } })).not.toThrow();
  });

  it("takes a per-request timeout", async () => {
    const connection = connected();
    const reply = connection.request("whoami", {}, { timeoutMs: 500 });
    timers.advance(500);
    await expect(reply).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  it("clears the timeout once the reply arrives", async () => {
    const connection = connected();
    const reply = connection.request("whoami", {});
    sockets.latest.receive({ type: "ack", requestId: "r1", user: { name: "Ana" } });
    await reply;
    expect(timers.scheduled()).toEqual([]);
  });

  it("refuses at once while not connected and sends nothing", async () => {
    const connection = connect();
    await expect(connection.request("whoami", {})).rejects.toMatchObject({ code: "NOT_CONNECTED" });
    expect(sockets.latest.sent).toEqual([]);
  });

  it("fails pending requests with DISCONNECTED when the connection drops", async () => {
    const connection = connected();
    const reply = connection.request("whoami", {});
    sockets.latest.drop();
    await expect(reply).rejects.toMatchObject({ code: "DISCONNECTED" });
  });

  it("ignores replies to unknown requests and frames that are not JSON objects", async () => {
    const connection = connected();
    const reply = connection.request("whoami", {});
    sockets.latest.receive({ type: "ack", requestId: "someone-else" });
    sockets.latest.receive({ type: "error", requestId: null, code: "BAD_REQUEST", message: "bad" });
    sockets.latest.receive("not json");
    sockets.latest.receive("[1,2]");
    sockets.latest.receive({ type: "ack", requestId: "r1", user: { name: "Ana" } });
    await expect(reply).resolves.toMatchObject({ user: { name: "Ana" } });
  });
});

describe("server pushes", () => {
  it("delivers each push to the subscribers of its type only", () => {
    const connection = connected();
    const states: unknown[] = [];
    const configs: unknown[] = [];
    connection.on("agent.state", (push) => states.push(push));
    connection.on("config.changed", (push) => configs.push(push));
    sockets.latest.receive({ type: "agent.state", status: "Available" });
    sockets.latest.receive({ type: "metrics.today", interactions: 3 });
    expect(states).toEqual([{ type: "agent.state", status: "Available" }]);
    expect(configs).toEqual([]);
  });

  it("supports several subscribers and unsubscribing", () => {
    const connection = connected();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = connection.on("agent.state", (push) => a.push(push));
    connection.on("agent.state", (push) => b.push(push));
    sockets.latest.receive({ type: "agent.state", status: "Busy" });
    offA();
    sockets.latest.receive({ type: "agent.state", status: "Away" });
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
  });

  it("keeps delivering to the other subscribers when one throws", async () => {
    const connection = connected();
    const seen: unknown[] = [];
    const reported: unknown[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (task) => {
      try {
        task();
      } catch (error) {
        reported.push(error);
      }
    };
    try {
      connection.on("agent.state", () => {
        throw new Error("broken view");
      });
      connection.on("agent.state", (push) => seen.push(push));
      sockets.latest.receive({ type: "agent.state", status: "Busy" });
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(seen).toHaveLength(1);
    expect(reported).toEqual([new Error("broken view")]);
  });

  it("never hands replies to push subscribers", async () => {
    const connection = connected();
    const seen: unknown[] = [];
    connection.on("ack", (push) => seen.push(push));
    connection.on("error", (push) => seen.push(push));
    const reply = connection.request("whoami", {});
    sockets.latest.receive({ type: "ack", requestId: "r1", user: { name: "Ana" } });
    sockets.latest.receive({ type: "error", requestId: "r9", code: "X", message: "x" });
    await reply;
    expect(seen).toEqual([]);
  });

  it("keeps subscriptions across reconnects", () => {
    const connection = connected();
    const seen: unknown[] = [];
    connection.on("agent.state", (push) => seen.push(push));
    sockets.latest.drop();
    timers.advance(DEFAULT_BACKOFF.initialMs);
    sockets.latest.accept();
    sockets.latest.receive({ type: "agent.state", status: "Available" });
    expect(seen).toHaveLength(1);
  });
});

describe("reconnecting", () => {
  it("waits the backoff delay, doubling per failed attempt up to the cap", () => {
    connected();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      sockets.latest.drop();
      const status = statuses.at(-1);
      if (status?.state !== "reconnecting") throw new Error(`expected reconnecting, got ${status?.state}`);
      const delay = status.retryAt - timers.now();
      delays.push(delay);
      const before = sockets.all.length;
      timers.advance(delay - 1);
      expect(sockets.all).toHaveLength(before);
      timers.advance(1);
      expect(sockets.all).toHaveLength(before + 1);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("reports the attempt number and when the next try happens", () => {
    connected();
    sockets.latest.drop();
    expect(statuses.at(-1)).toEqual({ state: "reconnecting", attempt: 1, retryAt: timers.now() + 500 });
  });

  it("starts again from the initial delay after a stable connection", () => {
    connected();
    sockets.latest.drop();
    timers.advance(500);
    sockets.latest.drop();
    timers.advance(1000);
    sockets.latest.accept();
    timers.advance(DEFAULT_BACKOFF.stableAfterMs);
    sockets.latest.drop();
    expect(timers.scheduled()).toEqual([500]);
  });

  it("keeps growing the delay when connections do not stay up", () => {
    connected();
    sockets.latest.drop();
    timers.advance(500);
    sockets.latest.accept();
    timers.advance(1_000);
    sockets.latest.drop();
    expect(timers.scheduled()).toEqual([1000]);
  });

  it("applies jitter from the injected random source", () => {
    connected({ random: () => 0 });
    sockets.latest.drop();
    expect(timers.scheduled()).toEqual([250]);
  });

  it("retries at once on retryNow()", () => {
    const connection = connected();
    sockets.latest.drop();
    sockets.latest.drop(); // a close after the first is ignored
    connection.retryNow();
    expect(sockets.all).toHaveLength(2);
    expect(timers.scheduled()).toEqual([]);
    expect(connection.status).toEqual({ state: "connecting" });
  });

  it("ignores events from a socket it has replaced", () => {
    const connection = connected();
    const old = sockets.latest;
    old.drop();
    timers.advance(500);
    old.receive({ type: "agent.state" });
    old.accept();
    expect(connection.status).toEqual({ state: "connecting" });
  });
});

describe("session expiry", () => {
  it("stops with 'expired' when the handshake is refused and the token has expired", () => {
    const connection = connected();
    sockets.latest.drop();
    timers.advance(500);
    sessionValid = false;
    sockets.latest.drop();
    expect(connection.status).toEqual({ state: "expired" });
    expect(timers.scheduled()).toEqual([]);
  });

  it("keeps retrying a refused handshake while the token is still valid", () => {
    const connection = connect();
    sockets.latest.drop();
    expect(connection.status.state).toBe("reconnecting");
  });

  it("does not connect at all with an expired session", () => {
    sessionValid = false;
    const connection = connect();
    expect(sockets.all).toHaveLength(0);
    expect(connection.status).toEqual({ state: "expired" });
  });

  it("checks the session before each retry", () => {
    const connection = connected();
    sockets.latest.drop();
    sessionValid = false;
    timers.advance(500);
    expect(sockets.all).toHaveLength(1);
    expect(connection.status).toEqual({ state: "expired" });
  });
});

describe("offline", () => {
  it("shows offline instead of retrying while the browser is offline, and connects when it is back", () => {
    const connection = connected();
    network.online = false;
    sockets.latest.drop();
    expect(connection.status).toEqual({ state: "offline" });
    expect(timers.scheduled()).toEqual([]);
    network.set(true);
    expect(connection.status).toEqual({ state: "connecting" });
    expect(sockets.all).toHaveLength(2);
  });

  it("cancels a scheduled retry when the browser goes offline", () => {
    const connection = connected();
    sockets.latest.drop();
    network.set(false);
    expect(connection.status).toEqual({ state: "offline" });
    expect(timers.scheduled()).toEqual([]);
  });

  it("starts offline when the browser is offline", () => {
    network.online = false;
    const connection = connect();
    expect(sockets.all).toHaveLength(0);
    expect(connection.status).toEqual({ state: "offline" });
  });
});

describe("stop", () => {
  it("closes the socket, fails pending requests and never reconnects", async () => {
    const connection = connected();
    const reply = connection.request("whoami", {});
    const socket = sockets.latest;
    connection.stop();
    await expect(reply).rejects.toMatchObject({ code: "DISCONNECTED" });
    expect(socket.closedByClient).toEqual({ code: 1000, reason: "signed out" });
    expect(connection.status).toEqual({ state: "stopped" });
    socket.drop();
    timers.advance(60_000);
    expect(sockets.all).toHaveLength(1);
    expect(network.listenerCount).toBe(0);
  });

  it("cancels a scheduled retry", () => {
    const connection = connected();
    sockets.latest.drop();
    connection.stop();
    expect(timers.scheduled()).toEqual([]);
  });
});
