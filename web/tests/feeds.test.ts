import { beforeEach, describe, expect, it } from "vitest";
import type { AgentStateActions } from "../src/agent/actions";
import { OwnStateFeed, type OwnStateSnapshot } from "../src/agent/ownStateFeed";
import { DeskConnection } from "../src/realtime/connection";
import { RosterFeed, type RosterSnapshot } from "../src/wallboard/rosterFeed";
import { AGENT, LUNCH, stateView } from "./agentStateFixtures";
import { FakeNetwork, type FakeSocket, FakeSockets, FakeTimers } from "./fakes";

let timers: FakeTimers;
let sockets: FakeSockets;

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function connection(): DeskConnection<AgentStateActions> {
  let id = 0;
  const desk = new DeskConnection<AgentStateActions>({
    url: () => "ws://desk.test/ws",
    createSocket: sockets.factory,
    timers,
    network: new FakeNetwork(),
    random: () => 1,
    newRequestId: () => `r${++id}`,
  });
  desk.start();
  return desk;
}

function reply(socket: FakeSocket, fields: object, index = -1): void {
  const request = socket.sent.at(index);
  socket.receive({ type: "ack", requestId: request?.["requestId"], ...fields });
}

/** The server refuses the last request. */
function refuse(socket: FakeSocket, code: string, message: string): void {
  socket.receive({ type: "error", requestId: socket.lastSent()["requestId"], code, message });
}

function push(socket: FakeSocket, state: object, change: object = { cause: "agent" }): void {
  socket.receive({ type: "agent.state", agentId: (state as { agentId: string }).agentId, state, change });
}

beforeEach(() => {
  timers = new FakeTimers();
  sockets = new FakeSockets();
});

describe("OwnStateFeed", () => {
  let snapshots: OwnStateSnapshot[];
  let feed: OwnStateFeed;
  let desk: DeskConnection<AgentStateActions>;

  beforeEach(() => {
    snapshots = [];
    desk = connection();
    feed = new OwnStateFeed(desk, (s) => snapshots.push(s));
    feed.start();
  });

  it("asks for the state on connect and shows it", async () => {
    sockets.latest.accept();
    expect(sockets.latest.lastSent()).toMatchObject({ action: "getState" });
    reply(sockets.latest, { state: stateView({ version: 2 }) });
    await settle();
    expect(feed.current).toMatchObject({ connected: true, state: { version: 2 }, error: null });
  });

  it("keeps the capacity getState reports, for the displayed status", async () => {
    sockets.latest.accept();
    reply(sockets.latest, { state: stateView({ version: 2 }), capacity: 3 });
    await settle();
    expect(feed.current.capacity).toBe(3);
    const busy = feed.setStatus("Busy", "outbound-call");
    reply(sockets.latest, { state: stateView({ version: 3, status: "Busy" }), capacity: null });
    await busy;
    expect(feed.current).toMatchObject({ capacity: 3, state: { version: 3 } });
  });

  it("follows pushes with a newer version and ignores older ones and other agents", async () => {
    sockets.latest.accept();
    reply(sockets.latest, { state: stateView({ version: 2 }) });
    await settle();
    const forced = stateView({ version: 3, status: "Away", reason: LUNCH });
    push(sockets.latest, forced, { cause: "supervisor", actorId: "sup" });
    expect(feed.current.state).toMatchObject({ status: "Away", version: 3 });
    expect(feed.current.change).toMatchObject({ cause: "supervisor" });
    push(sockets.latest, stateView({ version: 2, status: "Available" }));
    push(sockets.latest, stateView({ agentId: "someone-else", version: 50, status: "Offline" }));
    expect(feed.current.state).toMatchObject({ agentId: AGENT, status: "Away", version: 3 });
  });

  it("keeps a push that overtook the getState reply", async () => {
    sockets.latest.accept();
    push(sockets.latest, stateView({ version: 4, status: "Away", reason: LUNCH }));
    reply(sockets.latest, { state: stateView({ version: 3 }) }, 0);
    await settle();
    expect(feed.current.state).toMatchObject({ status: "Away", version: 4 });
  });

  it("applies the ack of its own command, unless a newer push came first", async () => {
    sockets.latest.accept();
    reply(sockets.latest, { state: stateView({ version: 1 }) });
    await settle();
    const pausing = feed.setStatus("Away", "lunch");
    expect(sockets.latest.lastSent()).toMatchObject({ action: "setStatus", status: "Away", reason: "lunch" });
    push(sockets.latest, stateView({ version: 3, status: "Offline" }));
    reply(sockets.latest, { state: stateView({ version: 2, status: "Away", reason: LUNCH }) });
    await expect(pausing).resolves.toMatchObject({ version: 2 });
    expect(feed.current.state).toMatchObject({ status: "Offline", version: 3 });
  });

  it("rejects with the server's error and keeps the state", async () => {
    sockets.latest.accept();
    reply(sockets.latest, { state: stateView({ version: 1, status: "Offline" }) });
    await settle();
    const pausing = feed.setStatus("Away", "lunch");
    refuse(sockets.latest, "NOT_LOGGED_IN", "Log in first.");
    await expect(pausing).rejects.toMatchObject({ code: "NOT_LOGGED_IN", message: "Log in first." });
    expect(feed.current.state).toMatchObject({ status: "Offline", version: 1 });
  });

  it("asks again after a reconnect, and says when it is not connected", async () => {
    sockets.latest.accept();
    reply(sockets.latest, { state: stateView({ version: 1 }) });
    await settle();
    sockets.latest.drop();
    expect(feed.current.connected).toBe(false);
    timers.advance(60_000);
    sockets.latest.accept();
    expect(sockets.latest.lastSent()).toMatchObject({ action: "getState" });
    reply(sockets.latest, { state: stateView({ version: 5, status: "Offline" }) });
    await settle();
    expect(feed.current).toMatchObject({ connected: true, state: { version: 5, status: "Offline" } });
  });

  it("stops following when stopped", async () => {
    sockets.latest.accept();
    reply(sockets.latest, { state: stateView({ version: 1 }) });
    await settle();
    feed.stop();
    push(sockets.latest, stateView({ version: 2, status: "Away", reason: LUNCH }));
    expect(feed.current.state?.version).toBe(1);
  });
});

describe("RosterFeed", () => {
  let feed: RosterFeed;
  let desk: DeskConnection<AgentStateActions>;
  const listing = (...rows: [string, string, number, string?][]) => ({
    agents: rows.map(([agentId, name, version, status]) => ({
      ...stateView({ agentId, version, status: (status ?? "Available") as "Available" }),
      name,
      teamId: "team-care",
    })),
  });
  const listRequests = () => sockets.latest.sent.filter((frame) => frame["action"] === "listAgentStates");

  beforeEach(() => {
    desk = connection();
    feed = new RosterFeed(desk, (_s: RosterSnapshot) => undefined, timers, 30_000);
    feed.start();
  });

  it("lists the agents on connect and follows their pushes by version", async () => {
    sockets.latest.accept();
    reply(sockets.latest, listing(["a1", "Ana", 1], ["a2", "Ben", 4]));
    await settle();
    expect(feed.current.rows?.map((r) => r.name)).toEqual(["Ana", "Ben"]);
    push(sockets.latest, stateView({ agentId: "a2", version: 5, status: "Away", reason: LUNCH }));
    push(sockets.latest, stateView({ agentId: "a2", version: 3, status: "Offline" }));
    expect(feed.current.rows?.[1]?.state).toMatchObject({ status: "Away", version: 5 });
  });

  it("lists again when an agent it does not know changes, once per agent", async () => {
    sockets.latest.accept();
    reply(sockets.latest, listing(["a1", "Ana", 1]));
    await settle();
    push(sockets.latest, stateView({ agentId: "me", version: 2 }));
    expect(listRequests()).toHaveLength(2);
    reply(sockets.latest, listing(["a1", "Ana", 1]));
    await settle();
    push(sockets.latest, stateView({ agentId: "me", version: 3 }));
    expect(listRequests()).toHaveLength(2);
  });

  it("lists again when users or teams change, and every 30 s", async () => {
    sockets.latest.accept();
    reply(sockets.latest, listing(["a1", "Ana", 1]));
    await settle();
    sockets.latest.receive({ type: "config.changed", kind: "pauseCode", id: "lunch", change: "updated" });
    expect(listRequests()).toHaveLength(1);
    sockets.latest.receive({ type: "config.changed", kind: "team", id: "team-care", change: "updated" });
    expect(listRequests()).toHaveLength(2);
    reply(sockets.latest, listing(["a1", "Ana", 1], ["a2", "Ben", 1]));
    await settle();
    expect(feed.current.rows).toHaveLength(2);
    timers.advance(30_000);
    expect(listRequests()).toHaveLength(3);
  });

  it("keeps pushes that came before the first listing", async () => {
    sockets.latest.accept();
    push(sockets.latest, stateView({ agentId: "a1", version: 2, status: "Away", reason: LUNCH }));
    reply(sockets.latest, listing(["a1", "Ana", 1]));
    await settle();
    expect(feed.current.rows?.[0]?.state).toMatchObject({ status: "Away", version: 2 });
  });

  it("forces a status and shows the ack", async () => {
    sockets.latest.accept();
    reply(sockets.latest, listing(["a1", "Ana", 1]));
    await settle();
    const forcing = feed.forceStatus("a1", "Away", "lunch");
    expect(sockets.latest.lastSent()).toMatchObject({
      action: "forceStatus",
      agentId: "a1",
      status: "Away",
      reason: "lunch",
    });
    reply(sockets.latest, { state: stateView({ agentId: "a1", version: 2, status: "Away", reason: LUNCH }) });
    await forcing;
    expect(feed.current.rows?.[0]?.state).toMatchObject({ status: "Away", version: 2 });
    const logoff = feed.forceLogoff("a1");
    expect(sockets.latest.lastSent()).toMatchObject({ action: "forceLogoff", agentId: "a1" });
    refuse(sockets.latest, "FORBIDDEN", "Agent a1 is not in a team you supervise.");
    await expect(logoff).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("shows a listing error and clears it with the next listing", async () => {
    sockets.latest.accept();
    refuse(sockets.latest, "FORBIDDEN", "Supervisors only.");
    await settle();
    expect(feed.current.error).toBe("Supervisors only.");
    timers.advance(30_000);
    reply(sockets.latest, listing(["a1", "Ana", 1]));
    await settle();
    expect(feed.current.error).toBeNull();
  });
});
