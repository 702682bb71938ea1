import { describe, expect, it } from "vitest";
import { isChatPath } from "../src/chat/chatPath";
import { BEEP_TONES, type AudioLike, playBeep } from "../src/interactions/beep";
import {
  NO_AGENT_SUBMISSION,
  cannedFor,
  choosableOutcomes,
  combineOutcomes,
  fetchCannedMessages,
  fetchTags,
  outcomesFor,
  parseCannedMessage,
  parseTag,
  prefillDisposition,
  tagProblem,
} from "../src/interactions/configData";
import { deadlineAnnouncement } from "../src/interactions/DispositionForm";
import { channelDescription, formatWhen, titleWithUnread } from "../src/interactions/format";
import { type InteractionView, parseInteraction } from "../src/interactions/protocol";
import { loadSettings, saveSettings } from "../src/interactions/settings";
import { SHORTCUTS, type KeyInput, shortcutFor } from "../src/interactions/shortcuts";
import { sortAgents } from "../src/interactions/TransferDialog";
import { MemoryStorage } from "./fakes";
import { wireInteraction } from "./interactionFixtures";

const key = (overrides: Partial<KeyInput>): KeyInput => ({
  key: "",
  code: "",
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  inTextField: false,
  ...overrides,
});

describe("keyboard shortcuts", () => {
  it("maps Alt with a key position to each agent action, on any layout", () => {
    expect(shortcutFor(key({ altKey: true, code: "KeyA", key: "å" }))).toBe("accept");
    expect(shortcutFor(key({ altKey: true, code: "KeyR" }))).toBe("reject");
    expect(shortcutFor(key({ altKey: true, code: "ArrowRight" }))).toBe("nextTab");
    expect(shortcutFor(key({ altKey: true, code: "ArrowLeft" }))).toBe("previousTab");
    expect(shortcutFor(key({ altKey: true, code: "KeyC", inTextField: true }))).toBe("focusComposer");
    expect(shortcutFor(key({ altKey: true, code: "KeyE" }))).toBe("end");
    expect(shortcutFor(key({ altKey: true, code: "KeyD" }))).toBe("disposition");
    expect(shortcutFor(key({ altKey: true, code: "KeyT" }))).toBe("transfer");
  });

  it("opens the help with ? outside text fields only, and ignores Ctrl, Cmd and plain letters", () => {
    expect(shortcutFor(key({ key: "?", shiftKey: true }))).toBe("help");
    expect(shortcutFor(key({ key: "?", shiftKey: true, inTextField: true }))).toBeNull();
    expect(shortcutFor(key({ altKey: true, ctrlKey: true, code: "KeyA" }))).toBeNull();
    expect(shortcutFor(key({ metaKey: true, code: "KeyE" }))).toBeNull();
    expect(shortcutFor(key({ code: "KeyA", key: "a" }))).toBeNull();
    expect(shortcutFor(key({ altKey: true, shiftKey: true, code: "KeyA" }))).toBeNull();
  });

  it("lists every command once in the help", () => {
    const commands = SHORTCUTS.map((s) => s.command);
    expect(new Set(commands).size).toBe(commands.length);
    expect(commands).toEqual(expect.arrayContaining(["accept", "reject", "nextTab", "previousTab", "focusComposer", "end", "disposition", "help"]));
  });
});

type Call = { url: string };
function fakeFetch(bodies: unknown[]): { fetchFn: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    calls.push({ url: String(input) });
    const next = bodies.shift();
    if (next === undefined) throw new Error("unexpected request");
    return new Response(JSON.stringify(next), { status: 200, headers: { "Content-Type": "application/json" } });
  }) as typeof fetch;
  return { fetchFn, calls };
}
const client = (fetchFn: typeof fetch) => ({ apiUrl: "http://desk.test/api", idToken: () => "tok", fetchFn });
const view = (overrides: Record<string, unknown> = {}) => parseInteraction(wireInteraction(overrides)) as InteractionView;
const SET = { id: "dispositions-service", name: "Service", outcomes: { Success: ["Resolved"], Unsure: ["Call back"], Fail: ["Unresolved"] } };

describe("config data", () => {
  it("reads predefined tags (label or name; disabled ones left out), sorted and once each", async () => {
    expect(parseTag({ id: "t1", label: "VIP" })).toBe("VIP");
    expect(parseTag({ id: "t2", name: "Refund" })).toBe("Refund");
    expect(parseTag({ id: "t3", label: "Old", enabled: false })).toBeNull();
    const { fetchFn, calls } = fakeFetch([{ items: [{ label: "VIP" }, { label: "Refund" }, { label: "VIP" }], nextCursor: null }]);
    await expect(fetchTags(client(fetchFn))).resolves.toEqual(["Refund", "VIP"]);
    expect(calls[0]?.url).toBe("http://desk.test/api/tags?limit=100");
  });

  it("offers the canned messages of the queue and of every queue, searched by title and text", async () => {
    const { fetchFn } = fakeFetch([
      {
        items: [
          { id: "hello", title: "Greeting", body: "Hello {{contact.firstName}}", queueId: null },
          { id: "bill", title: "Invoice copy", body: "I will send your invoice.", queueId: "queue-billing" },
          { id: "sale", title: "Discount", body: "10% off", queueId: "queue-sales" },
          { id: 5 },
        ],
        nextCursor: null,
      },
    ]);
    const canned = await fetchCannedMessages(client(fetchFn));
    expect(canned).toHaveLength(3);
    expect(cannedFor(canned, "queue-billing", "").map((m) => m.id)).toEqual(["hello", "bill"]);
    expect(cannedFor(canned, "queue-billing", "invoice").map((m) => m.id)).toEqual(["bill"]);
    expect(parseCannedMessage({ id: "x", title: "T" })).toBeNull();
  });

  it("finds the outcomes: inline, by the view's set id, or every set combined", async () => {
    const inline = view({ dispositionSet: SET });
    await expect(outcomesFor(client(fakeFetch([]).fetchFn), inline)).resolves.toEqual(SET.outcomes);
    const byId = fakeFetch([SET]);
    await expect(outcomesFor(client(byId.fetchFn), view({ dispositionSetId: "dispositions-service" }))).resolves.toEqual(SET.outcomes);
    expect(byId.calls[0]?.url).toBe("http://desk.test/api/disposition-sets/dispositions-service");
    const all = fakeFetch([
      { items: [SET, { id: "sales", name: "Sales", outcomes: { Success: ["Sold", "Resolved"], Unsure: ["Call back"], Fail: ["No"] } }], nextCursor: null },
    ]);
    await expect(outcomesFor(client(all.fetchFn), view())).resolves.toEqual({
      Success: ["Resolved", "Sold"],
      Unsure: ["Call back"],
      Fail: ["Unresolved", "No"],
    });
  });

  it("never offers the system's timeout outcome", () => {
    const outcomes = combineOutcomes([{ Success: ["A"], Unsure: [NO_AGENT_SUBMISSION, "Maybe"], Fail: ["B"] }]);
    expect(choosableOutcomes(outcomes, "Unsure")).toEqual(["Maybe"]);
  });

  it("prefills the disposition with the notes and tags; completing an automatic one starts without a choice", () => {
    const interaction = view({
      notes: [
        { noteId: "n1", text: "Wants a refund", at: "x" },
        { noteId: "n2", text: "Sent form", at: "y" },
      ],
      tags: ["refund"],
    });
    expect(prefillDisposition(interaction)).toEqual({ category: null, outcome: "", notes: "Wants a refund\nSent form", tags: ["refund"] });
    const automatic = view({ disposition: { category: "Unsure", outcome: NO_AGENT_SUBMISSION, source: "timeout", complete: false } });
    expect(prefillDisposition(automatic)).toMatchObject({ category: null, outcome: "" });
  });

  it("checks a tag as the server does", () => {
    expect(tagProblem("  ", [])).toMatch(/Type a tag/);
    expect(tagProblem("x".repeat(41), [])).toMatch(/at most 40/);
    expect(tagProblem("VIP", ["vip"])).toMatch(/already tagged/);
    expect(tagProblem("-dash first", [])).toMatch(/starts with a letter/);
    expect(tagProblem("Billing & refunds (EU)", [])).toBeNull();
    expect(tagProblem("Café", [])).toBeNull();
  });

  it("announces the wrap-up deadline at thresholds only", () => {
    expect(deadlineAnnouncement(null)).toBe("");
    expect(deadlineAnnouncement(90)).toBe("");
    expect(deadlineAnnouncement(30)).toMatch(/30 seconds/);
    expect(deadlineAnnouncement(29)).toBe(deadlineAnnouncement(11));
    expect(deadlineAnnouncement(10)).toMatch(/10 seconds/);
    expect(deadlineAnnouncement(0)).toBe("Wrap-up time is up.");
  });

  it("lists transfer agents who can take it first", () => {
    const agent = (name: string, displayedStatus: string) => ({ agentId: name, name, status: displayedStatus, displayedStatus, activeInteractions: 0, capacity: 5 });
    expect(sortAgents([agent("Zoe", "Available"), agent("Ann", "Offline"), agent("Bob", "Busy"), agent("Al", "Available")]).map((a) => a.name)).toEqual([
      "Al",
      "Zoe",
      "Bob",
      "Ann",
    ]);
  });
});

describe("agent settings", () => {
  it("keeps the auto-answer choice in storage, and knows when the agent never chose", () => {
    const storage = new MemoryStorage();
    expect(loadSettings(storage)).toEqual({ autoAnswer: false, chosen: false });
    saveSettings(storage, { autoAnswer: true, chosen: true });
    expect(loadSettings(storage)).toEqual({ autoAnswer: true, chosen: true });
    saveSettings(storage, { autoAnswer: false, chosen: true });
    expect(loadSettings(storage)).toEqual({ autoAnswer: false, chosen: true });
    expect(loadSettings(null)).toEqual({ autoAnswer: false, chosen: false });
  });
});

describe("the auto-answer beep", () => {
  it("schedules one short tone per frequency and resumes a suspended context", () => {
    const started: { frequency: number; at: number; stop: number }[] = [];
    let resumed = false;
    const audio: AudioLike = {
      currentTime: 5,
      state: "suspended",
      destination: {},
      resume: async () => {
        resumed = true;
      },
      createOscillator() {
        const tone = { frequency: 0, at: 0, stop: 0 };
        return {
          type: "",
          frequency: { setValueAtTime: (value: number) => (tone.frequency = value) },
          connect: () => undefined,
          start: (when = 0) => {
            tone.at = when;
            started.push(tone);
          },
          stop: (when = 0) => (tone.stop = when),
        };
      },
      createGain: () => ({ gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: () => undefined }),
    };
    const seconds = playBeep(audio);
    expect(resumed).toBe(true);
    expect(started.map((t) => t.frequency)).toEqual([...BEEP_TONES]);
    expect(started[0]!.at).toBeGreaterThanOrEqual(5);
    expect(started[1]!.at).toBeGreaterThan(started[0]!.at);
    expect(seconds).toBeLessThan(0.5);
  });
});

describe("formatting and routes", () => {
  it("describes channel and direction, dates and the unread title", () => {
    expect(channelDescription("chat", "inbound")).toBe("Incoming chat");
    expect(channelDescription("voice", "outbound")).toBe("Outgoing call");
    expect(formatWhen(null)).toBe("—");
    expect(formatWhen("not a date")).toBe("—");
    const now = Date.parse("2026-03-02T12:00:00");
    expect(formatWhen("2026-03-02T09:05:00", now, "en-GB")).toBe("09:05");
    expect(formatWhen("2026-03-01T09:05:00", now, "en-GB")).toBe("1 Mar, 09:05");
    expect(titleWithUnread("Workspace · Agent Desk", 3)).toBe("(3) Workspace · Agent Desk");
    expect(titleWithUnread("(3) Workspace · Agent Desk", 1)).toBe("(1) Workspace · Agent Desk");
    expect(titleWithUnread("(3) Workspace · Agent Desk", 0)).toBe("Workspace · Agent Desk");
  });

  it("serves the customer chat at /chat only", () => {
    expect(isChatPath("/chat")).toBe(true);
    expect(isChatPath("/chat/")).toBe(true);
    expect(isChatPath("/")).toBe(false);
    expect(isChatPath("/chatroom")).toBe(false);
    expect(isChatPath("/admin/chat")).toBe(false);
  });
});
