import { describe, expect, it } from "vitest";
import { type PauseCode, groupPauseCodes, isSelectable, parsePauseCode } from "../src/agent/pauseCodes";

function code(id: string, label: string, status: "Away" | "Busy", extra: Partial<PauseCode> = {}): PauseCode {
  return { id, label, status, productive: false, enabled: true, system: false, ...extra };
}

describe("parsePauseCode", () => {
  it("reads an item of GET /pause-codes", () => {
    const item = {
      id: "lunch",
      version: 1,
      createdAt: "2026-03-02T09:00:00.000Z",
      updatedAt: "2026-03-02T09:00:00.000Z",
      label: "Lunch",
      status: "Away",
      productive: false,
      enabled: true,
      system: false,
    };
    expect(parsePauseCode(item)).toEqual({
      id: "lunch",
      label: "Lunch",
      status: "Away",
      productive: false,
      enabled: true,
      system: false,
    });
  });

  it("refuses items without an id, a label or a pause status", () => {
    expect(parsePauseCode({ id: "", label: "x", status: "Away" })).toBeNull();
    expect(parsePauseCode({ id: "x", status: "Away" })).toBeNull();
    expect(parsePauseCode({ id: "x", label: "x", status: "Available" })).toBeNull();
    expect(parsePauseCode("lunch")).toBeNull();
  });
});

describe("groupPauseCodes", () => {
  const codes = [
    code("wrap-up", "Wrap-up", "Busy", { productive: true, system: true }),
    code("training", "Training", "Away", { productive: true }),
    code("lunch", "Lunch", "Away"),
    code("disconnected", "Disconnected", "Away", { system: true }),
    code("coaching", "Coaching", "Busy", { productive: true }),
    code("smoke", "Smoke break", "Away", { enabled: false }),
    code("break", "break", "Away"),
  ];

  it("offers enabled, non-system codes grouped Away then Busy, by label", () => {
    const groups = groupPauseCodes(codes);
    expect(groups.map((g) => g.status)).toEqual(["Away", "Busy"]);
    expect(groups[0]?.codes.map((c) => c.id)).toEqual(["break", "lunch", "training"]);
    expect(groups[1]?.codes.map((c) => c.id)).toEqual(["coaching"]);
  });

  it("keeps the productive flag for the picker to show", () => {
    const away = groupPauseCodes(codes)[0]?.codes ?? [];
    expect(away.find((c) => c.id === "training")?.productive).toBe(true);
    expect(away.find((c) => c.id === "lunch")?.productive).toBe(false);
  });

  it("leaves out a status with nothing to choose (the default Busy has only the system Wrap-up)", () => {
    const defaults = codes.filter((c) => c.id !== "coaching");
    expect(groupPauseCodes(defaults).map((g) => g.status)).toEqual(["Away"]);
    expect(groupPauseCodes([])).toEqual([]);
  });

  it("never offers system or disabled codes", () => {
    expect(isSelectable(code("x", "X", "Away", { system: true }))).toBe(false);
    expect(isSelectable(code("x", "X", "Away", { enabled: false }))).toBe(false);
    expect(isSelectable(code("x", "X", "Busy"))).toBe(true);
  });

  it("does not reorder the list it is given", () => {
    const copy = [...codes];
    groupPauseCodes(codes);
    expect(codes).toEqual(copy);
  });
});
