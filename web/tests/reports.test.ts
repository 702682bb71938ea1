import { describe, expect, it } from "vitest";
import {
  chartFor,
  csvCell,
  daysOf,
  finalDispositions,
  formatCell,
  parseCatalogue,
  parseFiles,
  parseRows,
  toCsv,
} from "../src/reports/shape";

describe("reports data shaping", () => {
  it("reads the catalogue, files and rows, skipping what it cannot read", () => {
    const catalogue = parseCatalogue({
      items: [
        { name: "pause_summary", title: "Pause summary", description: "d", perAgent: true, columns: [{ name: "a", type: "VARCHAR", description: "" }] },
        { title: "no name" },
      ],
    });
    expect(catalogue).toEqual([
      { name: "pause_summary", title: "Pause summary", description: "d", perAgent: true, columns: [{ name: "a", type: "VARCHAR", description: "" }] },
    ]);
    expect(parseFiles({ files: [{ date: "2025-03-12", format: "csv", url: "https://x", key: "k", siteId: null, sizeBytes: 1 }, { date: 1 }] })).toHaveLength(1);
    expect(parseRows({ rows: [{ a: 1, b: null }, { a: { nested: true } }], truncated: true, scopedToTeams: true })).toEqual({
      rows: [{ a: 1, b: null }],
      truncated: true,
      scopedToTeams: true,
    });
    expect(parseRows(null)).toEqual({ rows: [], truncated: false, scopedToTeams: false });
  });

  it("lists the days of a range, capped at 31, none when backwards", () => {
    expect(daysOf("2025-02-27", "2025-03-02")).toEqual(["2025-02-27", "2025-02-28", "2025-03-01", "2025-03-02"]);
    expect(daysOf("2025-03-02", "2025-03-01")).toEqual([]);
    expect(daysOf("2025-01-01", "2025-12-31")).toHaveLength(31);
    expect(daysOf("nope", "2025-01-01")).toEqual([]);
  });

  it("charts time per pause code per agent, stacked by code, in minutes", () => {
    const chart = chartFor("pause_summary", [
      { agent_name: "Ana", pause_label: "Break", pause_seconds: 600 },
      { agent_name: "Ana", pause_label: "Lunch", pause_seconds: 1800 },
      { agent_name: "Ana", pause_label: "Break", pause_seconds: 300 },
      { agent_name: "Ben", pause_label: "Lunch", pause_seconds: 2400 },
    ]);
    expect(chart?.series).toEqual(["Break", "Lunch"]);
    expect(chart?.bars).toEqual([
      { label: "Ana", segments: [{ series: "Break", value: 15 }, { series: "Lunch", value: 30 }] },
      { label: "Ben", segments: [{ series: "Lunch", value: 40 }] },
    ]);
    expect(chart?.max).toBe(45);
  });

  it("charts an agent's logged-in time by activity from the agent performance rows", () => {
    const chart = chartFor("agent_performance", [
      { agent_id: "a1", agent_name: "Ana", available_seconds: 600, busy_seconds: 1200, wrap_up_seconds: 120,
        paused_productive_seconds: 0, paused_unproductive_seconds: 300 },
      { agent_id: "b1", agent_name: "Ben", available_seconds: 60, busy_seconds: 0, wrap_up_seconds: 0,
        paused_productive_seconds: 1800, paused_unproductive_seconds: 0 },
    ]);
    expect(chart?.unit).toBe("min");
    expect(chart?.series).toEqual(["Available", "Busy", "Wrap-up", "Paused (productive)", "Paused (unproductive)"]);
    expect(chart?.bars.map((b) => b.label)).toEqual(["Ana", "Ben"]);
    expect(chart?.bars[0]?.segments.find((s) => s.series === "Busy")?.value).toBe(20);
    expect(chart?.max).toBe(37);
  });

  it("charts service level per queue over several days as within / answered, out of 100", () => {
    const chart = chartFor("queue_service_level", [
      { queue_name: "General", answered: 10, answered_within_sla: 9 },
      { queue_name: "General", answered: 10, answered_within_sla: 6 },
      { queue_name: "Billing", answered: 3, answered_within_sla: 1 },
      { queue_name: "Empty", answered: 0, answered_within_sla: 0 },
    ]);
    expect(chart?.bars.map((b) => [b.label, b.segments[0]?.value])).toEqual([
      ["Billing", 33.3],
      ["General", 75],
    ]);
    expect(chart?.max).toBe(100);
    const hourly = chartFor("queue_service_level_hourly", [{ hour: 9, answered: 4, answered_within_sla: 4 }]);
    expect(hourly?.bars[0]?.label).toBe("09:00");
  });

  it("counts each interaction's final disposition (a completion replaces the timeout's)", () => {
    const rows = [
      { interaction_id: "i1", agent_name: "Ana", category: "Unsure", event: "submitted" },
      { interaction_id: "i2", agent_name: "Ana", category: "Success", event: "submitted" },
      { interaction_id: "i1", agent_name: "Ana", category: "Fail", event: "completed" },
    ];
    expect(finalDispositions(rows).map((r) => r["category"])).toEqual(["Fail", "Success"]);
    expect(chartFor("dispositions", rows)?.bars).toEqual([
      { label: "Ana", segments: [{ series: "Fail", value: 1 }, { series: "Success", value: 1 }] },
    ]);
  });

  it("averages response times per agent, leaving out rows without one", () => {
    const chart = chartFor("response_times", [
      { agent_name: "Ana", average_response_seconds: 10 },
      { agent_name: "Ana", average_response_seconds: 20 },
      { agent_name: "Ana", average_response_seconds: null },
    ]);
    expect(chart?.bars).toEqual([{ label: "Ana", segments: [{ series: "", value: 15 }] }]);
    expect(chartFor("unknown", [])).toBeNull();
  });

  it("writes CSV a spreadsheet opens safely", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell(-3)).toBe("-3"); // numbers are numbers, not formulas
    expect(toCsv(["a", "b"], [{ a: "x", b: null }, { a: true, b: 1.5 }])).toBe("a,b\r\nx,\r\ntrue,1.5\r\n");
    expect([formatCell(null), formatCell(true), formatCell(2), formatCell(2.345)]).toEqual(["", "yes", "2", "2.35"]);
  });
});
