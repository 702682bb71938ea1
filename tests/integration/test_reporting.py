"""Reporting end to end on a simulated day (tests/integration/reporting_day.py): the real aggregator counts
every event once whatever the order and however often it comes; the real exporter's files, read back with
DuckDB, match a recomputation from the raw events; bad records become dead letters and stop nothing."""

from __future__ import annotations

import base64
import csv
import io
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import duckdb
import pytest

from agentdesk.reporting import store
from agentdesk.reporting.domain.reports import REPORTS, export_key
from functions.reporting_aggregator.handler import handler as aggregator_handler
from functions.reporting_export.handler import handler as export_handler
from tests.integration import reporting_day
from tests.integration.conftest import REGION, FakeLambdaContext, mocked_account
from tests.integration.reporting_day import BUCKET, DAY, INJECTION_NAME, Day

AGENTS = 24  # 8 a site; bench/reporting.py runs bigger days
NEXT_DAY = DAY + timedelta(days=1)


@pytest.fixture(scope="module")
def day() -> Iterator[Day]:
    with mocked_account() as aws, pytest.MonkeyPatch.context() as env:
        simulated = reporting_day.setup_centre(aws, env, AGENTS)
        reporting_day.run(simulated, reporting_day.plan(simulated, random.Random(14)))
        reporting_day.publish(simulated)
        reporting_day.to_lake(simulated, again=40)
        yield simulated


def deliver(records: list[dict[str, Any]], size: int) -> None:
    for first in range(0, len(records), size):
        result = aggregator_handler({"Records": records[first : first + size]}, FakeLambdaContext())
        assert result == {"batchItemFailures": []}


@pytest.fixture(scope="module")
def aggregated(day: Day) -> None:
    """The day's events through the aggregator, once (delivering them again changes nothing: its own test)."""
    deliver(day.kinesis_records, 100)


def metrics_of(days: list[date]) -> dict[tuple[str, date], Any]:
    return {(m.agent_id, d): m for d in days for m in store.agent_days(d)}


# --- an independent recomputation from the raw events ------------------------------------------------


def _time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def _clip(start: datetime, end: datetime, day: date, zone: str) -> int:
    tz = ZoneInfo(zone)
    low = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    following = day + timedelta(days=1)
    high = datetime(following.year, following.month, following.day, tzinfo=tz).astimezone(UTC)
    return max(0, round((min(end, high) - max(start, low)).total_seconds() * 1000))


def recompute(day: Day, on: date) -> dict[str, dict[str, Any]]:
    """Per agent, for the agent's site-local day `on`: logged-in ms, pause ms and pauses begun per code,
    sessions begun, logoffs by kind."""
    unique = {d["eventId"]: d for d in day.documents if d["type"] == "agent.state.changed"}
    found: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "logged_in": 0,
            "pause_ms": defaultdict(int),
            "pauses": defaultdict(int),
            "sessions": set(),
            "logoffs": defaultdict(int),
        }
    )
    for doc in unique.values():
        agent, data = doc["agentId"], doc["data"]
        zone = day.zones[data["configuration"]["siteId"]]
        previous, occurred = data["previous"], _time(doc["occurredAt"])
        if previous["since"] and previous["status"] != "Offline":
            ms = _clip(_time(previous["since"]), occurred, on, zone)
            if ms:
                found[agent]["logged_in"] += ms
                if previous["reason"]:
                    found[agent]["pause_ms"][previous["reason"]["code"]] += ms
        local = occurred.astimezone(ZoneInfo(zone)).date()
        reason = data["state"]["reason"]
        if reason and (not previous["reason"] or previous["reason"]["code"] != reason["code"]) and local == on:
            found[agent]["pauses"][reason["code"]] += 1
        for record in data["records"]:
            if (
                record["type"] == "agent.session.opened"
                and _time(record["start"]).astimezone(ZoneInfo(zone)).date() == on
            ):
                found[agent]["sessions"].add(record["sessionId"])
            if (
                record["type"] == "agent.session.closed"
                and _time(record["end"]).astimezone(ZoneInfo(zone)).date() == on
            ):
                found[agent]["logoffs"][record["logoffKind"]] += 1
    return found


# --- the aggregator -------------------------------------------------------------------------------


def test_the_aggregator_counts_each_event_once_in_any_order(day: Day) -> None:
    records = day.kinesis_records
    assert len(records) > 9 * AGENTS
    deliver(records, 100)
    first = metrics_of([DAY, NEXT_DAY])
    again = records + random.Random(3).sample(records, len(records) // 2)
    random.Random(4).shuffle(again)
    deliver(again, 37)
    assert metrics_of([DAY, NEXT_DAY]) == first

    for on in (DAY, NEXT_DAY):
        expected = recompute(day, on)
        for agent_id, totals in expected.items():
            metrics = first[(agent_id, on)]
            assert round(metrics.logged_in_seconds * 1000) == totals["logged_in"], (agent_id, on)
            assert {p.code: round(p.seconds * 1000) for p in metrics.pauses if p.seconds} == dict(totals["pause_ms"])
            assert {p.code: p.count for p in metrics.pauses if p.count} == dict(totals["pauses"])
            assert metrics.logins == len(totals["sessions"])
            assert metrics.logoffs == dict(totals["logoffs"])
        assert {a for (a, d) in first if d == on} == {a for a, t in expected.items() if t["logged_in"] or t["logoffs"]}
    # the late New York shift: part of the day's time on each local day
    late = [a for (a, d) in first if d == NEXT_DAY]
    assert late and all(day.sites[a] == "site-new-york" for a in late)
    assert any(first[(a, NEXT_DAY)].logoffs.get("auto") for a in late)
    assert sum(m.logoffs.get("forced", 0) for m in first.values()) >= 2


def test_records_that_are_no_known_event_go_to_dead_letters_and_stop_nothing(day: Day) -> None:
    known = day.kinesis_records[0]
    unknown = json.dumps({**json.loads(base64.b64decode(known["kinesis"]["data"])), "type": "agent.teleported"})
    bad = [
        reporting_day.kinesis_record(b"{not json", "agent-x", "900000000000000000001"),
        reporting_day.kinesis_record(unknown.encode(), "agent-y", "900000000000000000002"),
        reporting_day.kinesis_record(json.dumps({"eventId": "ev_1"}).encode(), "agent-z", "900000000000000000003"),
    ]
    before = metrics_of([DAY])
    result = aggregator_handler({"Records": [bad[0], known, bad[1], bad[2]]}, FakeLambdaContext())
    assert result == {"batchItemFailures": []}
    assert metrics_of([DAY]) == before
    letters = store.dead_letters(datetime.now(UTC).date())
    assert {letter["partitionKey"] for letter in letters} >= {"agent-x", "agent-y", "agent-z"}
    assert all(letter["reason"].startswith("not a known event") for letter in letters)


# --- the exporter ---------------------------------------------------------------------------------


def _read(key: str, tmp: Any) -> list[dict[str, Any]]:
    path = tmp / key.replace("/", "_")
    boto3.client("s3", region_name=REGION).download_file(BUCKET, key, str(path))
    con = duckdb.connect()
    cursor = con.execute(f"SELECT * FROM read_parquet('{path}')")  # noqa: S608 -- a pytest tmp path
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def exported(day: Day) -> dict[tuple[str, date], dict[str, Any]]:
    runs = {}
    for site in day.zones:
        for on in (DAY, NEXT_DAY):
            result = export_handler({"siteId": site, "date": on.isoformat()}, FakeLambdaContext())
            (run,) = result["exported"]
            runs[(site, on)] = run
    return runs


def test_exports_match_a_recomputation_from_the_raw_events(day: Day, exported: Any, tmp_path: Any) -> None:
    for (site, on), run in exported.items():
        assert run["lakeObjects"] > 0
        expected = {a: t for a, t in recompute(day, on).items() if day.sites[a] == site}
        logins = {r["agent_id"]: r for r in _read(export_key("login_summary", on, site, "parquet"), tmp_path)}
        assert set(logins) == {a for a, t in expected.items() if t["logged_in"] or t["sessions"] or t["logoffs"]}
        for agent_id, totals in expected.items():
            if agent_id not in logins:
                continue
            row = logins[agent_id]
            assert round(row["logged_in_seconds"] * 1000) == totals["logged_in"]
            assert row["sessions"] == len(totals["sessions"])
            assert (row["manual_logoffs"], row["forced_logoffs"], row["auto_logoffs"]) == tuple(
                totals["logoffs"].get(k, 0) for k in ("manual", "forced", "auto")
            )
            assert row["local_date"] == on and row["site_id"] == site

        pauses = _read(export_key("pause_summary", on, site, "parquet"), tmp_path)
        assert {
            (r["agent_id"], r["pause_code"]): round(r["pause_seconds"] * 1000) for r in pauses if r["pause_seconds"]
        } == {(a, code): ms for a, t in expected.items() for code, ms in t["pause_ms"].items()}
        assert {(r["agent_id"], r["pause_code"]): r["pauses"] for r in pauses if r["pauses"]} == {
            (a, code): n for a, t in expected.items() for code, n in t["pauses"].items()
        }
        assert all(r["productive"] == (r["pause_code"] == "training") for r in pauses)

        timeline = _read(export_key("agent_status_timeline", on, site, "parquet"), tmp_path)
        per_agent: dict[str, int] = defaultdict(int)
        for row in timeline:
            per_agent[row["agent_id"]] += round(row["seconds"] * 1000)
            assert row["started_at"] < row["ended_at"]
        assert dict(per_agent) == {a: t["logged_in"] for a, t in expected.items() if t["logged_in"]}

        sessions = _read(export_key("time_attendance", on, site, "parquet"), tmp_path)
        assert {r["session_id"] for r in sessions} == {s for t in expected.values() for s in t["sessions"]}
        for row in sessions:
            if row["ended_by"] != "open":
                assert row["duration_seconds"] == pytest.approx(
                    (_time(row["logoff_at"]) - _time(row["login_at"])).total_seconds(), abs=1e-3
                )


@pytest.mark.usefixtures("aggregated")
def test_the_live_metrics_and_the_exports_agree(day: Day, exported: Any, tmp_path: Any) -> None:
    live = metrics_of([DAY, NEXT_DAY])
    for site, on in exported:
        for row in _read(export_key("login_summary", on, site, "parquet"), tmp_path):
            assert round(live[(row["agent_id"], on)].logged_in_seconds * 1000) == round(row["logged_in_seconds"] * 1000)


def test_export_files_have_the_catalogue_columns_and_safe_csv(day: Day, exported: Any) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    for report in REPORTS:
        for site in day.zones:
            body = s3.get_object(Bucket=BUCKET, Key=export_key(report.name, DAY, site, "csv"))["Body"].read().decode()
            rows = list(csv.reader(io.StringIO(body)))
            assert tuple(rows[0]) == report.column_names
            for row in rows[1:]:
                assert not any(cell.startswith(("=", "+", "@")) for cell in row), row
    london = s3.get_object(Bucket=BUCKET, Key=export_key("login_summary", DAY, "site-london", "csv"))["Body"].read()
    assert ("'" + INJECTION_NAME).replace('"', '""') in london.decode()


def test_the_scheduled_run_exports_only_days_not_exported_yet(day: Day, exported: Any) -> None:
    from agentdesk.reporting import exports

    after = datetime(2025, 3, 15, 6, 0, tzinfo=UTC)  # 02:00 in New York: every site's 14th has ended
    pairs = exports.due(after, {**day.zones, None: "UTC"}, lambda site, on: (site, on) in exported)
    # the last three ended days of each site, less those exported (the 12th and 13th)
    assert sorted((s or "", d.day) for s, d in pairs) == [
        ("", 12),
        ("", 13),
        ("", 14),
        ("site-london", 14),
        ("site-madrid", 14),
        ("site-new-york", 14),
    ]
    early = datetime(2025, 3, 15, 4, 10, tzinfo=UTC)  # 00:10 in New York: within the grace after its midnight
    assert ("site-new-york", date(2025, 3, 14)) not in exports.due(early, day.zones, lambda site, on: False)
