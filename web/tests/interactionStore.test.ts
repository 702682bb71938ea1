import { describe, expect, it } from "vitest";
import {
  type InteractionView,
  type MessageView,
  parseInteraction,
  parseMessage,
  parseOffer,
  parseQueueStats,
  parseSummary,
  parseToday,
  parseTransferTargets,
} from "../src/interactions/protocol";
import {
  EMPTY_STATE,
  type InteractionsEvent,
  type InteractionsState,
  TYPING_SHOWN_MS,
  mergeMessages,
  missingSeqs,
  openOffers,
  reduce,
  secondsLeft,
  totalUnread,
} from "../src/interactions/store";
import { ME, wireInteraction, wireMessage, wireSummary } from "./interactionFixtures";

const view = (overrides: Record<string, unknown> = {}) => parseInteraction(wireInteraction(overrides)) as InteractionView;
const msg = (seq: number, overrides: Record<string, unknown> = {}) => parseMessage(wireMessage(seq, overrides)) as MessageView;
const run = (...events: InteractionsEvent[]) => events.reduce(reduce, EMPTY_STATE);
const offer = { offerId: "off-1", expiresAt: "2026-03-02T09:00:31Z", autoAnswer: false };

describe("protocol parsers", () => {
  it("reads an interaction view and keeps optional fields null", () => {
    const parsed = view({ disposition: { category: "Fail", outcome: "No answer", source: "timeout", complete: false } });
    expect(parsed).toMatchObject({
      interactionId: "int-1",
      status: "active",
      contact: { name: "Dana Customer", email: "dana@example.com", phone: null },
      disposition: { category: "Fail", source: "timeout", complete: false },
      dispositionSetId: null,
      version: 3,
    });
    expect(view({ dispositionSetId: "dispositions-sales" }).dispositionSetId).toBe("dispositions-sales");
    expect(
      view({ dispositionSet: { id: "s", outcomes: { Success: ["Sold"], Unsure: [], Fail: ["No"] } } }).dispositionOutcomes,
    ).toEqual({ Success: ["Sold"], Unsure: [], Fail: ["No"] });
  });

  it("refuses views and messages without their key fields", () => {
    expect(parseInteraction({ status: "active" })).toBeNull();
    expect(parseInteraction(wireInteraction({ status: "lost" }))).toBeNull();
    expect(parseMessage(wireMessage(0))).toBeNull();
    expect(parseMessage({ ...wireMessage(1), text: 5 })).toBeNull();
    expect(parseMessage(wireMessage(2, { from: "robot" }))?.from).toBe("system");
  });

  it("reads summaries, offers, today's counters, transfer targets and queue stats", () => {
    expect(parseSummary(wireSummary({ needsCompletion: true }))).toMatchObject({
      contactName: "Eli Earlier",
      disposition: { category: "Success", outcome: "Resolved" },
      notes: "Asked about a refund",
      needsCompletion: true,
    });
    expect(parseOffer({ offerId: "o", expiresAt: "x", autoAnswer: true })).toEqual({ offerId: "o", expiresAt: "x", autoAnswer: true });
    expect(parseOffer({ offerId: "o" })).toBeNull();
    expect(parseToday({ interactions: 4, successful: 2, unsure: 1, failed: 1, handleSeconds: 600 })).toEqual({
      interactions: 4,
      successful: 2,
      unsure: 1,
      failed: 1,
      handleSeconds: 600,
    });
    expect(
      parseTransferTargets({
        agents: [{ agentId: "a2", name: "Ben", status: "Available", displayedStatus: "Busy", activeInteractions: 5, capacity: 5 }, { x: 1 }],
        queues: [{ queueId: "queue-sales", name: "Sales", waiting: 2, agentsRoutable: 1 }],
      }),
    ).toEqual({
      agents: [{ agentId: "a2", name: "Ben", status: "Available", displayedStatus: "Busy", activeInteractions: 5, capacity: 5 }],
      queues: [{ queueId: "queue-sales", name: "Sales", waiting: 2, agentsRoutable: 1 }],
    });
    expect(parseQueueStats([{ queueId: "q", name: "Q", waiting: 3, longestWaitSeconds: 40, agentsRoutable: 2 }])).toHaveLength(1);
    expect(parseQueueStats({})).toBeNull();
  });
});

describe("mergeMessages", () => {
  it("keeps seq order and drops duplicates by id and by seq", () => {
    const shown = [msg(1), msg(2)];
    const merged = mergeMessages(shown, [msg(4), msg(3), msg(2), msg(5, { messageId: "msg_1" }), msg(4, { messageId: "other" })]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(merged.map((m) => m.messageId)).toEqual(["msg_1", "msg_2", "msg_3", "msg_4"]);
  });

  it("returns the same array when nothing is new", () => {
    const shown = [msg(1), msg(2)];
    expect(mergeMessages(shown, [msg(2), msg(1)])).toBe(shown);
  });

  it("names the gaps", () => {
    expect(missingSeqs([msg(1), msg(4)])).toEqual([2, 3]);
    expect(missingSeqs([])).toEqual([]);
  });
});

describe("offers", () => {
  it("shows an offer and removes it when it is accepted, withdrawn or expired", () => {
    const offered = run({ type: "offered", interaction: view({ status: "offered", version: 2 }), offer, autoAnswering: false });
    expect(offered.offers).toHaveLength(1);
    const assigned = reduce(offered, { type: "assigned", interaction: view({ version: 3 }), focus: true });
    expect(assigned.offers).toHaveLength(0);
    expect(assigned.tabs).toEqual(["int-1"]);
    expect(assigned.activeId).toBe("int-1");
    const withdrawn = reduce(offered, { type: "updated", interaction: view({ status: "queued", agentId: null, version: 3 }) });
    expect(withdrawn.offers).toHaveLength(0);
    expect(reduce(offered, { type: "offerGone", interactionId: "int-1" }).offers).toHaveLength(0);
  });

  it("ignores an older update and a repeated offer of a conversation already open", () => {
    const offered = run({ type: "offered", interaction: view({ status: "offered", version: 5 }), offer, autoAnswering: false });
    expect(reduce(offered, { type: "updated", interaction: view({ status: "queued", version: 4 })}).offers).toHaveLength(1);
    const open = run({ type: "assigned", interaction: view(), focus: true });
    expect(reduce(open, { type: "offered", interaction: view({ status: "offered" }), offer, autoAnswering: false })).toBe(open);
  });

  it("drops a repeated push of an offer already rejected, withdrawn or answered", () => {
    // The router pushes an offer at once and the publisher pushes it again from the event stream.
    const push = { type: "offered", interaction: view({ status: "offered", version: 2 }), offer, autoAnswering: false } as const;
    const offered = run(push);
    const rejected = reduce(offered, { type: "offerGone", interactionId: "int-1" });
    expect(reduce(rejected, push).offers).toHaveLength(0);
    const withdrawn = reduce(offered, { type: "updated", interaction: view({ status: "queued", agentId: null, version: 3 }) });
    expect(reduce(withdrawn, push).offers).toHaveLength(0);
    // A new offer of the same interaction (after a withdrawal) has a new id and shows.
    const again = { ...push, offer: { ...offer, offerId: "ofr-2" } };
    expect(reduce(withdrawn, again).offers).toHaveLength(1);
    const answered = reduce(offered, { type: "assigned", interaction: view(), focus: true });
    const closed = reduce(answered, { type: "updated", interaction: view({ status: "closed", version: 9 }) });
    expect(reduce(closed, push).offers).toHaveLength(0);
  });

  it("counts down and hides offers past their expiry", () => {
    const now = Date.parse("2026-03-02T09:00:21Z");
    expect(secondsLeft(offer.expiresAt, now)).toBe(10);
    expect(secondsLeft(offer.expiresAt, now + 60_000)).toBe(0);
    expect(secondsLeft("nonsense", now)).toBeNull();
    const offered = run({ type: "offered", interaction: view({ status: "offered" }), offer, autoAnswering: false });
    expect(openOffers(offered, now)).toHaveLength(1);
    expect(openOffers(offered, now + 15_000)).toHaveLength(0);
  });
});

describe("conversations", () => {
  const two = run(
    { type: "assigned", interaction: view(), focus: true },
    { type: "assigned", interaction: view({ interactionId: "int-2", contact: { name: "Ola" } }), focus: false },
  );

  it("opens tabs in arrival order and keeps the shown one unless asked to focus", () => {
    expect(two.tabs).toEqual(["int-1", "int-2"]);
    expect(two.activeId).toBe("int-1");
  });

  it("counts unread customer messages in the tabs not shown, and clears them on select", () => {
    let state = reduce(two, { type: "message", message: msg(1, { interactionId: "int-2" }) });
    state = reduce(state, { type: "message", message: msg(2, { interactionId: "int-2" }) });
    state = reduce(state, { type: "message", message: msg(2, { interactionId: "int-2" }) }); // duplicate
    state = reduce(state, { type: "message", message: msg(1) }); // the shown tab
    expect(state.conversations["int-2"]?.unread).toBe(2);
    expect(state.conversations["int-1"]?.unread).toBe(0);
    expect(totalUnread(state)).toBe(2);
    state = reduce(state, { type: "select", interactionId: "int-2" });
    expect(state.activeId).toBe("int-2");
    expect(totalUnread(state)).toBe(0);
  });

  it("does not count the agent's own messages as unread", () => {
    const state = reduce(two, {
      type: "message",
      message: msg(1, { interactionId: "int-2", from: "agent", authorId: ME, authorName: "Me" }),
    });
    expect(state.conversations["int-2"]?.unread).toBe(0);
  });

  it("moves between tabs with wrap-around", () => {
    expect(reduce(two, { type: "selectRelative", delta: 1 }).activeId).toBe("int-2");
    expect(reduce(two, { type: "selectRelative", delta: -1 }).activeId).toBe("int-2");
    expect(reduce(reduce(two, { type: "selectRelative", delta: 1 }), { type: "selectRelative", delta: 1 }).activeId).toBe("int-1");
    expect(reduce(EMPTY_STATE, { type: "selectRelative", delta: 1 })).toBe(EMPTY_STATE);
  });

  it("shows the customer typing until a message comes or the time passes", () => {
    let state = reduce(two, { type: "typing", interactionId: "int-1", from: "customer", now: 1000 });
    expect(state.conversations["int-1"]?.typingUntil).toBe(1000 + TYPING_SHOWN_MS);
    expect(reduce(state, { type: "typing", interactionId: "int-1", from: "agent", now: 2000 })).toBe(state);
    state = reduce(state, { type: "message", message: msg(1) });
    expect(state.conversations["int-1"]?.typingUntil).toBe(0);
  });

  it("shows a message being sent until the server's copy (same clientMessageId) arrives", () => {
    let state = reduce(two, { type: "sending", interactionId: "int-1", clientMessageId: "c1", text: "Hello" });
    expect(state.conversations["int-1"]?.pending).toEqual([{ clientMessageId: "c1", text: "Hello", failed: false }]);
    state = reduce(state, { type: "sendFailed", interactionId: "int-1", clientMessageId: "c1" });
    expect(state.conversations["int-1"]?.pending[0]?.failed).toBe(true);
    state = reduce(state, {
      type: "message",
      message: msg(1, { from: "agent", authorId: ME, clientMessageId: "c1", text: "Hello" }),
    });
    expect(state.conversations["int-1"]?.pending).toEqual([]);
    expect(state.conversations["int-1"]?.messages).toHaveLength(1);
  });

  it("loads history into a tab, merging with what pushes already brought", () => {
    let state = reduce(two, { type: "message", message: msg(3) });
    state = reduce(state, {
      type: "loaded",
      interaction: view({ version: 4, tags: ["vip"] }),
      messages: [msg(1), msg(2), msg(3)],
      contactHistory: [parseSummary(wireSummary())!],
    });
    const conversation = state.conversations["int-1"];
    expect(conversation?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(conversation?.loaded).toBe(true);
    expect(conversation?.interaction.tags).toEqual(["vip"]);
    expect(conversation?.contactHistory).toHaveLength(1);
  });

  it("applies newer versions only", () => {
    let state = reduce(two, { type: "updated", interaction: view({ version: 5, tags: ["a"] }) });
    state = reduce(state, { type: "updated", interaction: view({ version: 4, tags: ["old"] }) });
    expect(state.conversations["int-1"]?.interaction.tags).toEqual(["a"]);
  });

  it("keeps an ended conversation in wrap-up and removes it once dispositioned", () => {
    let state: InteractionsState = reduce(two, {
      type: "updated",
      interaction: view({ status: "wrap_up", version: 4, wrapUpDeadline: "2026-03-02T09:10:00Z" }),
    });
    expect(state.conversations["int-1"]?.interaction.status).toBe("wrap_up");
    state = reduce(state, {
      type: "updated",
      interaction: view({ status: "closed", version: 5, disposition: { category: "Success", outcome: "Resolved", source: "agent", complete: true } }),
    });
    expect(state.tabs).toEqual(["int-2"]);
    expect(state.activeId).toBe("int-2");
    expect(state.notice).toBeNull();
  });

  it("says so when wrap-up timed out", () => {
    const state = reduce(two, {
      type: "updated",
      interaction: view({
        status: "closed",
        version: 5,
        disposition: { category: "Unsure", outcome: "No agent submission", source: "timeout", complete: false },
      }),
    });
    expect(state.tabs).toEqual(["int-2"]);
    expect(state.notice).toMatch(/Wrap-up time ran out for Dana Customer/);
    expect(reduce(state, { type: "dismissNotice" }).notice).toBeNull();
  });

  it("keeps a conversation closed without a disposition (queue without dispositions) until closed by the agent", () => {
    let state = reduce(two, { type: "updated", interaction: view({ status: "closed", version: 5 }) });
    expect(state.tabs).toEqual(["int-1", "int-2"]);
    state = reduce(state, { type: "close", interactionId: "int-1" });
    expect(state.tabs).toEqual(["int-2"]);
  });

  it("removes a conversation transferred to another agent or a queue, but not while an attended transfer is pending", () => {
    const attended = reduce(two, {
      type: "updated",
      interaction: view({ version: 4, transfer: { mode: "attended", to: { agentId: "a2" }, note: "" } }),
    });
    expect(attended.tabs).toHaveLength(2);
    expect(attended.conversations["int-1"]?.interaction.transfer?.mode).toBe("attended");
    const done = reduce(attended, { type: "updated", interaction: view({ version: 5, agentId: "a2" }) });
    expect(done.tabs).toEqual(["int-2"]);
    expect(done.notice).toBe("The conversation with Dana Customer was transferred.");
    const toQueue = reduce(two, { type: "updated", interaction: view({ version: 4, agentId: null, status: "queued" }) });
    expect(toQueue.tabs).toEqual(["int-2"]);
  });

  it("keeps Most Recent Activity and today's counters", () => {
    const today = { interactions: 3, successful: 1, unsure: 1, failed: 1, handleSeconds: 300 };
    let state = reduce(EMPTY_STATE, { type: "recent", items: [parseSummary(wireSummary())!], today });
    expect(state.recent).toHaveLength(1);
    state = reduce(state, { type: "recent", items: [], today: null });
    expect(state.today).toEqual(today);
  });
});

describe("offer announcement", () => {
  it("names the customers of new offers", async () => {
    const { offerAnnouncement } = await import("../src/interactions/OfferCards");
    const entry = { interaction: view({ status: "offered" }), offer, autoAnswering: false };
    expect(offerAnnouncement([])).toBe("");
    expect(offerAnnouncement([entry])).toBe("New offer: Dana Customer.");
  });
});

describe("the queue's disposition set on the views", () => {
  const outcomes = { Success: ["Resolved"], Unsure: ["Escalated"], Fail: ["Customer left"] };

  it("reads the outcomes the server sends inline", () => {
    const shown = view({ dispositionSetId: "dispositions-service", outcomes });
    expect(shown.dispositionSetId).toBe("dispositions-service");
    expect(shown.dispositionOutcomes).toEqual(outcomes);
    expect(view({ outcomes: null }).dispositionOutcomes).toBeNull();
  });

  it("keeps them when a newer view of the same queue carries none, and drops them when the queue changes", () => {
    const withRules = view({ status: "wrap_up", version: 5, dispositionSetId: "dispositions-service", outcomes });
    const state = run({ type: "assigned", interaction: withRules, focus: true });
    const bare = view({ status: "wrap_up", version: 6, tags: ["Refund"] });
    const kept = reduce(state, { type: "updated", interaction: bare }).conversations["int-1"]?.interaction;
    expect(kept?.tags).toEqual(["Refund"]);
    expect(kept?.dispositionSetId).toBe("dispositions-service");
    expect(kept?.dispositionOutcomes).toEqual(outcomes);
    const moved = view({ status: "active", version: 7, queueId: "queue-general" });
    const other = reduce(state, { type: "updated", interaction: moved }).conversations["int-1"]?.interaction;
    expect(other?.dispositionOutcomes).toBeNull();
  });
});
