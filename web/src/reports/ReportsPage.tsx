/**
 * The Reports page (supervisors and admins): pick a report and a range of days, see the rows as a table and a
 * chart, download the exported CSV and Parquet files. A supervisor sees their teams' rows of a per-agent report;
 * its exported files hold a whole site, so the server refuses them and the page offers the rows shown as CSV.
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError } from "../api/configApi";
import { useConfigApi } from "../api/useConfigApi";
import { BarChart } from "./BarChart";
import { fetchCatalogue, fetchFiles, fetchRows } from "./reportsApi";
import {
  MAX_RANGE_DAYS,
  type ReportFile,
  type ReportInfo,
  type Row,
  chartFor,
  daysOf,
  formatCell,
  toCsv,
} from "./shape";
import "./reports.css";

const TABLE_ROWS = 200; // rows drawn in the table; the chart and the CSV use them all
const PARALLEL = 4; // days of rows asked for at once

function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Loaded {
  rows: Row[];
  truncated: boolean;
  scoped: boolean;
  files: ReportFile[];
  filesRefused: string | null;
}

export function ReportsPage() {
  const { client, error: configError } = useConfigApi();
  const [catalogue, setCatalogue] = useState<ReportInfo[]>([]);
  const [name, setName] = useState("");
  const [from, setFrom] = useState(yesterday);
  const [to, setTo] = useState(yesterday);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!client) return;
    fetchCatalogue(client)
      .then((items) => {
        setCatalogue(items);
        setName((current) => current || (items[0]?.name ?? ""));
      })
      .catch((e: unknown) => setError(message(e)));
  }, [client]);

  const report = catalogue.find((r) => r.name === name) ?? null;
  const days = daysOf(from, to);

  const load = async () => {
    if (!client || !report) return;
    if (days.length === 0) {
      setError("Pick a range whose last day is on or after its first.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // A few days at a time: the API allows each user about 10 requests a second.
      const answers: Awaited<ReturnType<typeof fetchRows>>[] = [];
      for (let first = 0; first < days.length; first += PARALLEL) {
        const batch = days.slice(first, first + PARALLEL);
        answers.push(...(await Promise.all(batch.map((day) => fetchRows(client, report.name, day)))));
      }
      let files: ReportFile[] = [];
      let filesRefused: string | null = null;
      try {
        files = await fetchFiles(client, report.name, days[0] ?? from, days[days.length - 1] ?? to);
      } catch (e: unknown) {
        if (!(e instanceof ApiError && e.code === "FORBIDDEN")) throw e;
        filesRefused = e.message;
      }
      setLoaded({
        rows: answers.flatMap((a) => a.rows),
        truncated: answers.some((a) => a.truncated),
        scoped: answers.some((a) => a.scopedToTeams),
        files,
        filesRefused,
      });
    } catch (e: unknown) {
      setError(message(e));
      setLoaded(null);
    } finally {
      setBusy(false);
    }
  };

  const chart = useMemo(() => (report && loaded ? chartFor(report.name, loaded.rows) : null), [report, loaded]);
  const csvHref = useMemo(() => {
    if (!report || !loaded) return null;
    const csv = toCsv(
      report.columns.map((c) => c.name),
      loaded.rows,
    );
    return `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
  }, [report, loaded]);

  return (
    <div class="reports">
      {(configError || error) && (
        <p class="banner banner--error" role="alert">
          {configError ?? error}
        </p>
      )}
      <form
        class="reports__controls"
        onSubmit={(event) => {
          event.preventDefault();
          void load();
        }}
      >
        <label class="field">
          <span>Report</span>
          <select
            value={name}
            onChange={(e) => {
              setName((e.target as HTMLSelectElement).value);
              setLoaded(null);
            }}
          >
            {catalogue.map((r) => (
              <option key={r.name} value={r.name}>
                {r.title}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>From</span>
          <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span>To</span>
          <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="button button--primary" disabled={!report || busy}>
          {busy ? "Loading…" : "Show"}
        </button>
      </form>
      {report && <p class="reports__description">{report.description}</p>}
      {days.length === MAX_RANGE_DAYS && <p class="reports__note">Showing at most {MAX_RANGE_DAYS} days.</p>}
      {report && loaded && (
        <>
          {loaded.scoped && <p class="reports__note">Only the agents of your teams.</p>}
          {loaded.truncated && <p class="reports__note">Some days have more rows than shown; download the files.</p>}
          <section class="reports__downloads" aria-label="Downloads">
            {loaded.files.length > 0 ? (
              <ul>
                {loaded.files.map((file) => (
                  <li key={file.key}>
                    <a href={file.url} download>
                      {file.date} · {file.siteId ?? "no site"} · {file.format.toUpperCase()}
                    </a>
                  </li>
                ))}
              </ul>
            ) : (
              !loaded.filesRefused && <p class="reports__empty">No exported files for these days yet.</p>
            )}
            {loaded.filesRefused && csvHref && (
              <a class="button button--quiet" href={csvHref} download={`${report.name}-${from}-${to}.csv`}>
                Download these rows (CSV)
              </a>
            )}
          </section>
          {chart && <BarChart chart={chart} />}
          <div class="reports__table-wrap">
            <table class="reports__table">
              <thead>
                <tr>
                  {report.columns.map((c) => (
                    <th key={c.name} scope="col" title={c.description}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {loaded.rows.slice(0, TABLE_ROWS).map((row, index) => (
                  <tr key={index}>
                    {report.columns.map((c) => (
                      <td key={c.name}>{formatCell(row[c.name] ?? null)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {loaded.rows.length === 0 && <p class="reports__empty">No rows for these days.</p>}
            {loaded.rows.length > TABLE_ROWS && (
              <p class="reports__note">
                The first {TABLE_ROWS} of {loaded.rows.length} rows; the chart and the CSV have them all.
              </p>
            )}
          </div>
        </>
      )}
    </div>
  );
}
