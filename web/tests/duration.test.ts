import { describe, expect, it } from "vitest";
import { formatDuration, secondsSince, spokenDuration } from "../src/agent/duration";

describe("formatDuration", () => {
  it.each([
    [0, "00:00"],
    [5, "00:05"],
    [59, "00:59"],
    [60, "01:00"],
    [75, "01:15"],
    [3599, "59:59"],
    [3600, "1:00:00"],
    [3661, "1:01:01"],
    [36_000, "10:00:00"],
    [90_061, "25:01:01"],
  ])("%i s reads %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("shows nothing below zero and drops fractions", () => {
    expect(formatDuration(-12)).toBe("00:00");
    expect(formatDuration(59.9)).toBe("00:59");
    expect(formatDuration(Number.NaN)).toBe("00:00");
  });
});

describe("secondsSince", () => {
  const since = "2026-03-02T09:00:00.000Z";
  const at = (iso: string) => Date.parse(iso);

  it("counts whole seconds from the change", () => {
    expect(secondsSince(since, at("2026-03-02T09:00:00.999Z"))).toBe(0);
    expect(secondsSince(since, at("2026-03-02T09:01:15.400Z"))).toBe(75);
    expect(secondsSince(since, at("2026-03-02T10:00:00.000Z"))).toBe(3600);
  });

  it("is 0 when the browser's clock is behind the server's, or the time is unreadable", () => {
    expect(secondsSince(since, at("2026-03-02T08:59:58.000Z"))).toBe(0);
    expect(secondsSince("yesterday-ish", at("2026-03-02T09:00:00.000Z"))).toBe(0);
  });
});

describe("spokenDuration", () => {
  it("says the duration in words", () => {
    expect(spokenDuration(1)).toBe("1 second");
    expect(spokenDuration(45)).toBe("45 seconds");
    expect(spokenDuration(61)).toBe("1 minute");
    expect(spokenDuration(3600)).toBe("1 hour");
    expect(spokenDuration(7380)).toBe("2 hours 3 minutes");
  });
});
