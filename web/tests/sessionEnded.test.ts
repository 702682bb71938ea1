import { describe, expect, it } from "vitest";
import { endsSignIn, parseSessionEnded } from "../src/realtime/protocol";

describe("session.ended push", () => {
  it("reads each reason the server sends", () => {
    for (const reason of ["deleted", "disabled", "roleChanged"] as const) {
      expect(parseSessionEnded({ type: "session.ended", reason, message: "Why." })).toEqual({
        type: "session.ended",
        reason,
        message: "Why.",
      });
    }
  });

  it("refuses other messages and unknown reasons", () => {
    expect(parseSessionEnded({ type: "config.changed", reason: "deleted" })).toBeNull();
    expect(parseSessionEnded({ type: "session.ended", reason: "bored", message: "x" })).toBeNull();
    expect(parseSessionEnded({ type: "session.ended" })).toBeNull();
    expect(parseSessionEnded(null)).toBeNull();
    expect(parseSessionEnded([])).toBeNull();
  });

  it("falls back to a plain message", () => {
    expect(parseSessionEnded({ type: "session.ended", reason: "disabled" })?.message).toBe("Your session has ended.");
  });

  it("signs out a deleted or disabled user, and signs a user whose role changed in again", () => {
    expect(endsSignIn("deleted")).toBe(true);
    expect(endsSignIn("disabled")).toBe(true);
    expect(endsSignIn("roleChanged")).toBe(false);
  });
});
