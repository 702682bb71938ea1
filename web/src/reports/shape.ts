/**
 * The Reports page's data shaping, kept free of the DOM so vitest checks it: reading the reports API's
 * answers, the days of a range, the chart each report gets, and a spreadsheet-safe CSV of the rows shown.
 */

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface ReportColumn {
  name: string;
  type: string;
  description: string;
}

export interface ReportInfo {
  name: string;
  title: string;
  description: string;
  perAgent: boolean;
  columns: ReportColumn[];
}

export interface ReportFile {
  date: string;
  siteId: string | null;
  format: string;
  key: string;
  sizeBytes: number;
  url: string;
}

export interface ReportRows {
  rows: Row[];
  truncated: boolean;
  scopedToTeams: boolean;
}

export interface Bar {
  label: string;
  /** Stacked segments of the bar (one when the chart has no series). */
  segments: { series: string; value: number }[];
}

export interface Chart {
  title: string;
  unit: string;
  bars: Bar[];
  series: string[];
  /** The largest total of a bar; a percentage chart says 100. */
  max: number;
}

export const MAX_RANGE_DAYS = 31;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCell(value: unknown): value is Cell {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

export function parseCatalogue(body: unknown): ReportInfo[] {
  if (!isObject(body) || !Array.isArray(body["items"])) return [];
  return body["items"].flatMap((item): ReportInfo[] => {
    if (!isObject(item) || typeof item["name"] !== "string" || !Array.isArray(item["columns"])) return [];
    const columns = item["columns"].filter(
      (c): c is ReportColumn => isObject(c) && typeof c["name"] === "string" && typeof c["type"] === "string",
    );
    return [
      {
        name: item["name"],
        title: typeof item["title"] === "string" ? item["title"] : item["name"],
        description: typeof item["description"] === "string" ? item["description"] : "",
        perAgent: item["perAgent"] === true,
        columns,
      },
    ];
  });
}

export function parseFiles(body: unknown): ReportFile[] {
  if (!isObject(body) || !Array.isArray(body["files"])) return [];
  return body["files"].filter(
    (f): f is ReportFile =>
      isObject(f) && typeof f["url"] === "string" && typeof f["date"] === "string" && typeof f["format"] === "string",
  );
}

export function parseRows(body: unknown): ReportRows {
  if (!isObject(body) || !Array.isArray(body["rows"])) return { rows: [], truncated: false, scopedToTeams: false };
  const rows = body["rows"].filter(
    (r): r is Row => isObject(r) && Object.values(r).every(isCell),
  );
  return { rows, truncated: body["truncated"] === true, scopedToTeams: body["scopedToTeams"] === true };
}

/** Every day from `from` to `to` (YYYY-MM-DD), at most MAX_RANGE_DAYS; empty when the range is backwards. */
export function daysOf(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return [];
  const days: string[] = [];
  for (let t = start; t <= end && days.length < MAX_RANGE_DAYS; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

function num(value: Cell | undefined): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function text(value: Cell | undefined, fallback = "—"): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

/** Sum `value` per label and series, in first-seen order of labels and series. */
function grouped(
  rows: Row[],
  label: (row: Row) => string,
  series: (row: Row) => string,
  value: (row: Row) => number,
): { bars: Bar[]; series: string[] } {
  const bars = new Map<string, Map<string, number>>();
  const names: string[] = [];
  for (const row of rows) {
    const key = label(row);
    const name = series(row);
    if (!names.includes(name)) names.push(name);
    const segments = bars.get(key) ?? new Map<string, number>();
    segments.set(name, (segments.get(name) ?? 0) + value(row));
    bars.set(key, segments);
  }
  return {
    bars: [...bars].map(([key, segments]) => ({
      label: key,
      segments: names.filter((n) => segments.has(n)).map((n) => ({ series: n, value: segments.get(n) ?? 0 })),
    })),
    series: names,
  };
}

function chart(title: string, unit: string, shaped: { bars: Bar[]; series: string[] }, max?: number): Chart {
  const totals = shaped.bars.map((b) => b.segments.reduce((sum, s) => sum + s.value, 0));
  return { title, unit, ...shaped, max: max ?? Math.max(0, ...totals) };
}

const minutes = (seconds: number) => Math.round((seconds / 60) * 10) / 10;
const agent = (row: Row) => text(row["agent_name"], text(row["agent_id"]));
const one = () => "";

/** The chart of a report's rows: what a supervisor most often asks of it. Null: the report has no chart. */
export function chartFor(report: string, rows: Row[]): Chart | null {
  switch (report) {
    case "pause_summary":
      return chart(
        "Time per pause code per agent",
        "min",
        grouped(rows, agent, (r) => text(r["pause_label"], text(r["pause_code"])), (r) => minutes(num(r["pause_seconds"]))),
      );
    case "login_summary":
      return chart("Logged-in time per agent", "min", grouped(rows, agent, one, (r) => minutes(num(r["logged_in_seconds"]))));
    case "time_attendance":
      return chart("Session time per agent", "min", grouped(rows, agent, one, (r) => minutes(num(r["duration_seconds"]))));
    case "agent_status_timeline":
      return chart("Time per status per agent", "min", grouped(rows, agent, (r) => text(r["status"]), (r) => minutes(num(r["seconds"]))));
    case "dispositions":
      return chart(
        "Dispositions per agent by category",
        "",
        grouped(finalDispositions(rows), agent, (r) => text(r["category"]), () => 1),
      );
    case "agent_performance": {
      const parts: [string, string][] = [
        ["Available", "available_seconds"],
        ["Busy", "busy_seconds"],
        ["Wrap-up", "wrap_up_seconds"],
        ["Paused (productive)", "paused_productive_seconds"],
        ["Paused (unproductive)", "paused_unproductive_seconds"],
      ];
      const split = rows.flatMap((r) => parts.map(([series, column]) => ({ ...r, __series: series, __value: num(r[column]) })));
      return chart(
        "Logged-in time per agent by activity",
        "min",
        grouped(split, agent, (r) => text(r["__series"]), (r) => minutes(num(r["__value"]))),
      );
    }
    case "csat":
      return chart("Ratings per score", "", grouped(rows, (r) => `${num(r["score"])} ★`, one, () => 1));
    case "response_times":
      return averageChart("Average response time per agent", rows, agent, "average_response_seconds");
    case "queue_service_level":
      return serviceLevel("Service level per queue", rows, (r) => text(r["queue_name"], text(r["queue_id"])));
    case "queue_service_level_hourly":
      return serviceLevel(
        "Service level per hour",
        rows,
        (r) => `${String(num(r["hour"])).padStart(2, "0")}:00`,
      );
    default:
      return null;
  }
}

/** Each interaction's last disposition (a completion replaces the automatic one), in the rows' order. */
export function finalDispositions(rows: Row[]): Row[] {
  const last = new Map<string, Row>();
  for (const row of rows) last.set(text(row["interaction_id"], ""), row);
  return [...last.values()];
}

/** Average of a per-row value per label (rows without it are left out), in seconds. */
function averageChart(title: string, rows: Row[], label: (row: Row) => string, column: string): Chart {
  const sums = new Map<string, { total: number; count: number }>();
  for (const row of rows) {
    const value = row[column];
    if (typeof value !== "number") continue;
    const key = label(row);
    const sum = sums.get(key) ?? { total: 0, count: 0 };
    sums.set(key, { total: sum.total + value, count: sum.count + 1 });
  }
  const bars = [...sums].map(([key, s]) => ({
    label: key,
    segments: [{ series: "", value: Math.round((s.total / s.count) * 10) / 10 }],
  }));
  return chart(title, "s", { bars, series: [""] });
}

/** Service level per label over the rows' days: 100 * Σ answered within SLA / Σ answered. */
function serviceLevel(title: string, rows: Row[], label: (row: Row) => string): Chart {
  const sums = new Map<string, { within: number; answered: number }>();
  for (const row of rows) {
    const key = label(row);
    const sum = sums.get(key) ?? { within: 0, answered: 0 };
    sums.set(key, { within: sum.within + num(row["answered_within_sla"]), answered: sum.answered + num(row["answered"]) });
  }
  const bars = [...sums]
    .filter(([, s]) => s.answered > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, s]) => ({ label: key, segments: [{ series: "", value: Math.round((1000 * s.within) / s.answered) / 10 }] }));
  return chart(title, "%", { bars, series: [""] }, 100);
}

const FORMULA_START = ["=", "+", "-", "@", "\t", "\r"];

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula gets a leading '. */
export function csvCell(value: Cell): string {
  if (value === null) return "";
  let out = String(value);
  if (typeof value === "string" && FORMULA_START.some((c) => out.startsWith(c))) out = `'${out}`;
  return /[",\r\n]/.test(out) ? `"${out.replace(/"/g, '""')}"` : out;
}

export function toCsv(columns: string[], rows: Row[]): string {
  const lines = [columns.map((c) => csvCell(c)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c] ?? null)).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** A table cell as text: numbers with at most two decimals, booleans as yes/no, null as empty. */
export function formatCell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return value;
}
