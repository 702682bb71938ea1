"""The daily exporter: a site's local day, from the lake's raw events to Parquet and CSV report files.

The report SQL (sql/common.sql + sql/<report>.sql) is the same text Athena's named queries hold; DuckDB runs
it here after `PRELUDE` defines the one Trino function it lacks and `raw_events` is a table of the day's lake
objects with the Glue table's columns (domain/lake_schema.py), read once for every site of the day. The shared
heads of the SQL become tables once per site (queries.head_tables), and each report runs its own part over
them. Files are replaced whole, so an export run again (on demand, or after late events) gives the same keys
with the newer content.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from agentdesk.config import directory
from agentdesk.kernel import clock
from agentdesk.kernel.observability import logger
from agentdesk.reporting import lake
from agentdesk.reporting.contracts import ExportRun
from agentdesk.reporting.domain.days import day_window, local_date, window_strings
from agentdesk.reporting.domain.lake_schema import PARTITION, QUEUE_RULES, duckdb_columns
from agentdesk.reporting.domain.reports import (
    NO_SITE,
    NO_SITE_FILE,
    REPORTS,
    VARCHAR,
    Report,
    export_key,
    parameters,
    partitions,
)
from agentdesk.reporting.queries import head_tables, report_text

# After a local midnight the scheduled run waits this long (the delivery stream buffers up to 5 minutes).
GRACE = timedelta(minutes=30)
CATCH_UP_DAYS = 3  # a scheduled run also exports the days before that were never exported

# What DuckDB needs to run the Trino text unchanged, and the CSV cell guard (domain/reports.csv_safe).
PRELUDE = (
    # a naive UTC timestamp (the offset applied): 8-9x faster than TIMESTAMPTZ in date_diff, the same differences
    "CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMP)",
    "CREATE OR REPLACE MACRO csv_safe(v) AS CASE WHEN left(v, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
    "THEN '''' || v ELSE v END",
)


def connect(lake_dir: Path | None, queue_rules: Path | None = None) -> Any:
    """A DuckDB connection with `raw_events` over the lake files under `lake_dir` (dt=…/ folders) and
    `queue_rules` (queue id → SLA threshold, seconds) from the rules file the exporter writes to the lake
    (`queue_rules_file`), the one Athena's Glue table `queue_rules` reads."""
    import duckdb  # imported here: only the exporter (and tests, benchmarks) load the engine

    con = duckdb.connect(config={"threads": 4})
    con.execute("SET TimeZone = 'UTC'")
    for statement in PRELUDE:
        con.execute(statement)
    _table(con, "queue_rules", [queue_rules] if queue_rules is not None else [], duckdb_columns(QUEUE_RULES))
    files = sorted(lake_dir.glob("dt=*/*")) if lake_dir is not None else []
    # read once into a table: every report reads it again (a view cannot take parameters anyway)
    _table(con, "raw_events", files, duckdb_columns(), partitioned=True)
    return con


def _table(con: Any, name: str, files: list[Path], columns: dict[str, str], partitioned: bool = False) -> None:
    """Table `name` with these columns from newline-delimited JSON files (empty without files)."""
    partition = f", {PARTITION[0]} DATE" if partitioned else ""
    if not files:
        definition = ", ".join(f'"{column}" {kind}' for column, kind in columns.items())
        con.execute(f"CREATE TABLE {name} ({definition}{partition})")
        return
    paths = "[" + ", ".join(_literal(str(f)) for f in files) + "]"
    struct = "{" + ", ".join(f"{_literal(column)}: {_literal(kind)}" for column, kind in columns.items()) + "}"
    hive = f", hive_partitioning = true, hive_types = {{'{PARTITION[0]}': 'DATE'}}" if partitioned else ""
    # a name of this module, paths of this run's scratch folder and the declared columns, quoted: nothing
    # from outside reaches the text
    con.execute(
        f"CREATE TABLE {name} AS SELECT * FROM read_json({paths}, format = 'newline_delimited', "  # noqa: S608
        f"columns = {struct}{hive})"
    )


def queue_rules_file(targets: dict[str, int], into: Path) -> Path:
    """The queue rules as the lake keeps them: one JSON document a line, in queue id order."""
    lines = [
        json.dumps({"queue_id": queue_id, "sla_target_seconds": seconds})
        for queue_id, seconds in sorted(targets.items())
    ]
    into.parent.mkdir(parents=True, exist_ok=True)
    into.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return into


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run_report(con: Any, report: Report, site_id: str, day: date, zone: str, made: set[str] | None = None) -> str:
    """Run one report into a table named after it; returns the table's name. `made`: the heads already made
    into tables for this site and day (a fresh set for each site; the heads are made when first needed)."""
    done = made if made is not None else set()
    values = parameters(site_id, day, zone)
    for part in report.head:
        if part not in done:
            for name, statement in head_tables(part):
                con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {statement}", values)
            done.add(part)
    con.execute(f"CREATE OR REPLACE TABLE {report.name} AS {report_text(report)}", values)
    described = con.execute(f"DESCRIBE {report.name}").fetchall()
    found = [(row[0], row[1]) for row in described]
    declared = [(c.name, c.type) for c in report.columns]
    if found != declared:
        raise RuntimeError(f"{report.name}: the query gives {found}, the catalogue declares {declared}")
    return report.name


def write_files(con: Any, report: Report, out_dir: Path) -> tuple[Path, Path, int]:
    """The report's table as Parquet (typed) and CSV (text cells that could start a formula kept as text)."""
    parquet, csv = out_dir / f"{report.name}.parquet", out_dir / f"{report.name}.csv"
    con.execute(f"COPY {report.name} TO '{parquet}' (FORMAT parquet, COMPRESSION zstd)")
    cells = ", ".join(
        f'csv_safe("{c.name}") AS "{c.name}"' if c.type == VARCHAR else f'"{c.name}"' for c in report.columns
    )
    # names from the catalogue, a path in this run's scratch folder: nothing from outside reaches the text
    con.execute(f"COPY (SELECT {cells} FROM {report.name}) TO '{csv}' (FORMAT csv, HEADER true)")  # noqa: S608
    rows = int(con.execute(f"SELECT count(*) FROM {report.name}").fetchone()[0])  # noqa: S608
    return parquet, csv, rows


def export_day(site_id: str | None, day: date, zone: str) -> ExportRun:
    """Export every report of one site's local day to the lake; the run's manifest is written last."""
    return export_sites(day, {site_id: zone})[0]


def export_sites(day: date, zones: dict[str | None, str]) -> list[ExportRun]:
    """Export every report of these sites' local day (site → time zone): the lake objects the days can touch
    are read once; each site's manifest is written after its files."""
    began = time.perf_counter()
    days = sorted({d for zone in zones.values() for d in partitions(day, zone)})
    runs: list[ExportRun] = []
    with tempfile.TemporaryDirectory(prefix="agentdesk-export-") as scratch:
        root = Path(scratch)
        objects = lake.download_partitions(days, root / "lake")
        rules = queue_rules_file(sla_targets(), root / "rules" / "queue_rules.json")
        lake.upload(rules, lake.QUEUE_RULES_KEY, "application/x-ndjson")  # what Athena's queue_rules reads
        con = connect(root / "lake", rules)
        for site_id, zone in zones.items():
            out = root / "out" / (site_id or NO_SITE_FILE)
            out.mkdir(parents=True)
            runs.append(_export_site(con, site_id, day, zone, out, len(objects), began))
        con.close()
    return runs


def _export_site(
    con: Any, site_id: str | None, day: date, zone: str, out: Path, objects: int, began: float
) -> ExportRun:
    site = site_id or NO_SITE
    rows: dict[str, int] = {}
    files: list[str] = []
    made: set[str] = set()
    for report in REPORTS:
        run_report(con, report, site, day, zone, made)
        parquet, csv, rows[report.name] = write_files(con, report, out)
        for path, extension, kind in (
            (parquet, "parquet", "application/vnd.apache.parquet"),
            (csv, "csv", "text/csv"),
        ):
            key = export_key(report.name, day, site, extension)
            lake.upload(path, key, kind)
            files.append(key)
    start, end = window_strings(day, zone)
    run = ExportRun(
        siteId=site_id,
        date=day,
        timeZone=zone,
        windowStart=start,
        windowEnd=end,
        lakeObjects=objects,
        rows=rows,
        files=files,
        seconds=round(time.perf_counter() - began, 3),
        exportedAt=clock.iso(),
    )
    lake.put_json(lake.run_key(day, site_id or NO_SITE_FILE), run.model_dump(mode="json"))
    logger.info("exported", extra={"siteId": site_id, "date": day.isoformat(), "rows": rows})
    return run


def sla_targets() -> dict[str, int]:
    """Each queue's SLA threshold (seconds) as the directory has it now."""
    return {queue_id: rules.sla_target_seconds for queue_id, rules in directory.current().queues.items()}


def zone_of(site_id: str | None) -> str:
    if site_id:
        zone = directory.site_time_zone(site_id)
        if zone:
            return zone
    return directory.default_time_zone()


def due(now: datetime, zones: dict[str | None, str], exported: Any) -> list[tuple[str | None, date]]:
    """The (site, day) pairs a scheduled run exports: each site's days that ended at least GRACE ago, the last
    CATCH_UP_DAYS of them, that `exported(site, day)` says were not exported yet."""
    found = []
    for site_id, zone in zones.items():
        today = local_date(now, zone)
        for back in range(CATCH_UP_DAYS, 0, -1):
            day = today - timedelta(days=back)
            if now >= day_window(day, zone)[1] + GRACE and not exported(site_id, day):
                found.append((site_id, day))
    return found


def export_due(now: datetime | None = None) -> list[ExportRun]:
    """The scheduled run: export every site's ended local days that have no manifest yet (the sites of one day
    together: its lake objects are read once)."""
    moment = now or clock.now()
    zones: dict[str | None, str] = {**directory.site_time_zones(), None: directory.default_time_zone()}
    pairs = due(moment, zones, lambda site, day: lake.exists(lake.run_key(day, site or NO_SITE_FILE)))
    by_day: dict[date, dict[str | None, str]] = {}
    for site, day in pairs:
        by_day.setdefault(day, {})[site] = zones[site]
    return [run for day, sites in sorted(by_day.items()) for run in export_sites(day, sites)]
