import { describe, expect, it } from "vitest";
import { holdTimes } from "../src/interactions/format";
import { parseInteraction } from "../src/interactions/protocol";
import { EMPTY_STATE, reduce } from "../src/interactions/store";
import { wireInteraction } from "./interactionFixtures";

const at = (iso: string) => Date.parse(iso);

describe("a call on hold", () => {
  it("reads the hold from the view; a view without it is not on hold", () => {
    const held = parseInteraction(
      wireInteraction({ channel: "voice", onHold: true, heldSince: "2026-03-02T09:05:00Z", holdSeconds: 12.5 }),
    );
    expect(held).toMatchObject({ onHold: true, heldSince: "2026-03-02T09:05:00Z", holdSeconds: 12.5 });
    expect(parseInteraction(wireInteraction())).toMatchObject({ onHold: false, heldSince: null, holdSeconds: 0 });
    const resumed = parseInteraction(wireInteraction({ onHold: false, heldSince: "2026-03-02T09:05:00Z", holdSeconds: -3 }));
    expect(resumed).toMatchObject({ onHold: false, heldSince: null, holdSeconds: 0 });
  });

  it("times the hold running and adds up every hold", () => {
    const view = { onHold: true, heldSince: "2026-03-02T09:05:00Z", holdSeconds: 20 };
    expect(holdTimes(view, at("2026-03-02T09:06:15.900Z"))).toEqual({ current: 75, total: 95 });
    expect(holdTimes(view, at("2026-03-02T09:04:00Z"))).toEqual({ current: 0, total: 20 }); // clocks disagree
    expect(holdTimes({ onHold: false, heldSince: null, holdSeconds: 42.7 }, at("2026-03-02T09:06:00Z"))).toEqual({
      current: null,
      total: 42,
    });
    expect(holdTimes({ onHold: true, heldSince: null, holdSeconds: 0 }, 0)).toEqual({ current: 0, total: 0 });
  });

  it("a held and a resumed update change the conversation shown, newer versions only", () => {
    const active = parseInteraction(wireInteraction({ channel: "voice", version: 4 }));
    const held = parseInteraction(
      wireInteraction({ channel: "voice", version: 5, onHold: true, heldSince: "2026-03-02T09:05:00Z" }),
    );
    const resumed = parseInteraction(wireInteraction({ channel: "voice", version: 6, holdSeconds: 30 }));
    if (active === null || held === null || resumed === null) throw new Error("unreadable fixture");
    let state = reduce(EMPTY_STATE, { type: "assigned", interaction: active, focus: true });
    state = reduce(state, { type: "updated", interaction: held });
    expect(state.conversations["int-1"]?.interaction.onHold).toBe(true);
    state = reduce(state, { type: "updated", interaction: resumed });
    state = reduce(state, { type: "updated", interaction: held }); // late: ignored
    expect(state.conversations["int-1"]?.interaction).toMatchObject({ onHold: false, holdSeconds: 30 });
  });
});
