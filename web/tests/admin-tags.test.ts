import { describe, expect, it } from "vitest";
import { CUSTOM_COLOR, formFieldFor, tagForm } from "../src/admin/forms";
import { PATHS, type Tag } from "../src/admin/resources";
import { TAG_COLORS, TAG_PALETTE, isTagPaletteName, tagColorProblem, tagCssColor } from "../src/admin/validation";

const STORED = { id: "tag-vip", version: 2, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z" };

function tag(fields: Partial<Tag> = {}): Tag {
  return { ...STORED, label: "VIP", color: "purple", description: "", enabled: true, ...fields };
}

describe("tags in the admin console", () => {
  it("lives at /tags of the config API", () => {
    expect(PATHS.tags).toBe("/tags");
  });

  it("offers the API's palette (TAG_COLORS in config/domain/rules.py), each with a colour to draw", () => {
    expect(TAG_COLORS).toEqual(["gray", "red", "orange", "amber", "green", "teal", "blue", "indigo", "purple", "pink"]);
    for (const name of TAG_COLORS) expect(TAG_PALETTE[name]).toMatch(/^#[0-9a-f]{6}$/);
    expect(isTagPaletteName("purple")).toBe(true);
    expect(isTagPaletteName("Purple")).toBe(false);
  });

  it("accepts a custom colour as #rrggbb only", () => {
    expect(tagColorProblem("#1f6feb")).toBeNull();
    expect(tagColorProblem(" #A0B1C2 ")).toBeNull();
    for (const bad of ["#fff", "1f6feb", "#1f6feb0", "crimson", "#ggg000"]) expect(tagColorProblem(bad)).toMatch(/#1f6feb/);
    expect(tagColorProblem("")).toBe("Enter a colour such as #1f6feb.");
  });

  it("draws a palette name in its shade, a custom colour as it is, and nothing else", () => {
    expect(tagCssColor("purple")).toBe(TAG_PALETTE.purple);
    expect(tagCssColor("#1f6feb")).toBe("#1f6feb");
    expect(tagCssColor(null)).toBeNull();
    expect(tagCssColor("")).toBeNull();
    expect(tagCssColor("red; background: url(x)")).toBeNull();
  });

  it("a new tag starts enabled, without a colour, and needs a label of at most 40 characters", () => {
    const draft = tagForm.empty();
    expect(draft).toEqual({ label: "", color: "", customColor: "", description: "", enabled: true });
    expect(tagForm.validate(draft, "create")).toEqual({ label: "Enter a label." });
    expect(tagForm.validate({ ...draft, label: "x".repeat(41) }, "create")["label"]).toMatch(/at most 40/);
    expect(tagForm.validate({ ...draft, label: "VIP\u200b" }, "create")["label"]).toMatch(/visible/);
    expect(tagForm.toBody({ ...draft, label: "  VIP " }, "create")).toEqual({
      label: "VIP",
      color: null,
      description: "",
      enabled: true,
    });
  });

  it("sends a palette name as it is and a custom colour lower-cased", () => {
    const draft = { ...tagForm.empty(), label: "VIP" };
    expect(tagForm.toBody({ ...draft, color: "teal" }, "create")["color"]).toBe("teal");
    const custom = { ...draft, color: CUSTOM_COLOR, customColor: " #A0B1C2 " };
    expect(tagForm.validate(custom, "create")).toEqual({});
    expect(tagForm.toBody(custom, "create")["color"]).toBe("#a0b1c2");
    expect(tagForm.validate({ ...custom, customColor: "blue" }, "create")["customColor"]).toMatch(/#1f6feb/);
    // a custom colour typed and then abandoned for a palette name is not checked or sent
    expect(tagForm.validate({ ...custom, color: "red", customColor: "junk" }, "create")).toEqual({});
  });

  it("edits a stored tag and sends back what it was given", () => {
    for (const color of ["purple", "#1f6feb", null]) {
      const stored = tag({ color, description: "Gold tier", enabled: false });
      const draft = tagForm.fromItem(stored);
      expect(draft.color).toBe(color === "#1f6feb" ? CUSTOM_COLOR : (color ?? ""));
      expect(tagForm.toBody(draft, "edit")).toEqual({ label: "VIP", color, description: "Gold tier", enabled: false });
    }
  });

  it("shows the API's colour problem next to the colour picker", () => {
    expect(formFieldFor("color", ["label", "color", "customColor", "description", "enabled"])).toBe("color");
  });
});
