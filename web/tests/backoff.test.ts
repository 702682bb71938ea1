import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, backoffDelay } from "../src/realtime/backoff";

describe("backoffDelay", () => {
  it("doubles from 0.5 s to the 30 s cap (upper end of the jitter)", () => {
    const schedule = Array.from({ length: 10 }, (_, attempt) => backoffDelay(attempt, () => 1));
    expect(schedule).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it("never goes below half the ceiling (lower end of the jitter)", () => {
    const schedule = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, () => 0));
    expect(schedule).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
  });

  it("spreads delays within [ceiling/2, ceiling]", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      const samples = Array.from({ length: 200 }, () => backoffDelay(attempt, random));
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(ceiling / 2);
      expect(Math.max(...samples)).toBeLessThanOrEqual(ceiling);
      expect(new Set(samples).size).toBeGreaterThan(1);
    }
  });

  it("stays capped for very large attempt numbers", () => {
    expect(backoffDelay(5000, () => 1)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it("follows a custom policy", () => {
    const policy = { initialMs: 100, maxMs: 1000, stableAfterMs: 0 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, () => 1, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
