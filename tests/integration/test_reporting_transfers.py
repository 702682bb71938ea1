"""Transfers in the reports: chats handed over blind and attended, to an agent and to a queue, through the real
handlers; their events delivered (shuffled, some twice) to the real aggregator and written to the lake for the
real exporter. The live queue metrics and the exported queue rows agree, and count an interaction answered once
per queue it entered (a transfer to an agent adds no answer; a transfer into a queue is a new offer and answer
there). The agent_performance export matches a recomputation from the raw events and the live agent metrics."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import duckdb
import pytest

from agentdesk.config import directory
from agentdesk.kernel import clock
from agentdesk.kernel.settings import reset_settings
from agentdesk.reporting import exports, lake, store
from agentdesk.reporting.domain.days import local_date
from agentdesk.reporting.domain.reports import REPORTS, export_key, parameters, partitions
from agentdesk.reporting.queries import sql_text
from functions.reporting_aggregator.handler import handler as aggregator_handler
from infra.local.lake import LakeRecord, write_records
from tests.integration.conftest import REGION, FakeLambdaContext
from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401
from tests.integration.reporting_day import kinesis_record

BUCKET = "test-lake-transfers"
START = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
GENERAL, TECHNICAL = "queue-general", "queue-technical"


class TickingClock:
    """The test's time: moved on by hand, and by a millisecond at every read (as a real clock moves between
    two transactions of one request)."""

    def __init__(self) -> None:
        self.moment = START

    def tick(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)

    def now(self) -> datetime:
        self.moment += timedelta(milliseconds=1)
        return self.moment


@pytest.fixture(name="played")
def played_fixture(chats: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatCentre]:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("LAKE_BUCKET", BUCKET)
    reset_settings()
    directory.forget()
    moment = TickingClock()
    clock.set_clock(moment.now)
    try:
        play(chats, moment)
        yield chats
    finally:
        clock.reset_clock()


def holder(chats: ChatCentre, iid: str) -> str | None:
    agent_id = chats.interaction(iid)["agentId"]
    names = {chats.agent(n).user_id: n for n in ("ana", "ben")}
    return names.get(agent_id)


def with_ana(chats: ChatCentre, moment: TickingClock, number: int) -> str:
    """A new chat in the general queue that Ana answers (Ben steps away while it is routed)."""
    chats.ack("ben", "setStatus", status="Away", reason="break")
    moment.tick(30)
    iid = chats.open_chat(name=f"Customer {number}", queueId=GENERAL)["interactionId"]
    chats.pump()
    moment.tick(4 + number)
    assert holder(chats, iid) == "ana"
    chats.ack("ana", "accept", interactionId=iid)
    chats.ack("ben", "setStatus", status="Available")
    chats.pump()
    moment.tick(20)
    chats.ack(chats.customer(iid), "sendMessage", text="hello")
    moment.tick(7)
    chats.ack("ana", "sendMessage", interactionId=iid, text="Ana here")
    moment.tick(40)
    return iid


def finish(chats: ChatCentre, moment: TickingClock, iid: str, who: str, category: str, score: int | None) -> None:
    moment.tick(15)
    chats.ack(who, "sendMessage", interactionId=iid, text="Anything else?")
    moment.tick(60)
    chats.ack(who, "endInteraction", interactionId=iid)
    moment.tick(25)
    outcomes = chats.interaction(iid)["outcomes"]
    chats.ack(who, "submitDisposition", interactionId=iid, category=category, outcome=outcomes[category][0])
    chats.pump()
    if score is not None:
        moment.tick(10)
        chats.ack(chats.customer(iid), "rate", score=score)
    moment.tick(30)


def play(chats: ChatCentre, moment: TickingClock) -> None:
    chats.login("ana", "ben")
    ben = chats.agent("ben").user_id
    # 1. no transfer
    iid = with_ana(chats, moment, 1)
    finish(chats, moment, iid, "ana", "Success", 5)
    # 2. blind to Ben, who accepts: still the general queue's one answer
    iid = with_ana(chats, moment, 2)
    chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="blind")
    moment.tick(9)
    chats.ack("ben", "accept", interactionId=iid)
    finish(chats, moment, iid, "ben", "Unsure", 3)
    # 3. attended to Ben, confirmed
    iid = with_ana(chats, moment, 3)
    chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="attended", note="billing")
    moment.tick(35)
    chats.ack("ana", "confirmTransfer", interactionId=iid)
    finish(chats, moment, iid, "ben", "Fail", None)
    # 4. blind into the technical queue: routed to Ben out of it, a new offer and answer there
    iid = with_ana(chats, moment, 4)
    chats.ack("ana", "transfer", interactionId=iid, to={"queueId": TECHNICAL}, mode="blind")
    chats.pump()
    assert holder(chats, iid) == "ben"
    moment.tick(12)
    chats.ack("ben", "accept", interactionId=iid)
    finish(chats, moment, iid, "ben", "Success", 4)
    # 5. attended into the technical queue (Ben is consulted), confirmed
    iid = with_ana(chats, moment, 5)
    chats.ack("ana", "transfer", interactionId=iid, to={"queueId": TECHNICAL}, mode="attended")
    moment.tick(50)
    chats.ack("ana", "confirmTransfer", interactionId=iid)
    finish(chats, moment, iid, "ben", "Success", 2)
    # 6. blind into the technical queue while Ben is away: the customer leaves while waiting there
    iid = with_ana(chats, moment, 6)
    chats.ack("ben", "setStatus", status="Away", reason="lunch")
    chats.ack("ana", "transfer", interactionId=iid, to={"queueId": TECHNICAL}, mode="blind")
    chats.pump()
    moment.tick(70)
    chats.ack(chats.customer(iid), "endChat")
    chats.pump()
    moment.tick(300)
    chats.ack("ben", "setStatus", status="Away", reason="training")  # a productive pause
    moment.tick(180)
    chats.ack("ben", "setStatus", status="Available")
    # 7. transferred Ana -> Ben (blind) -> back to Ana (attended): one answer in the general queue
    iid = with_ana(chats, moment, 7)
    chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="blind")
    moment.tick(5)
    chats.ack("ben", "accept", interactionId=iid)
    moment.tick(40)
    chats.ack("ben", "transfer", interactionId=iid, to={"agentId": chats.agent("ana").user_id}, mode="attended")
    moment.tick(20)
    chats.ack("ben", "confirmTransfer", interactionId=iid)
    finish(chats, moment, iid, "ana", "Success", None)
    moment.tick(600)
    chats.ack("ana", "logoff")
    chats.ack("ben", "logoff")
    chats.pump()


# What the play gives, per queue (an independent account of the rule, from the script above).
EXPECTED = {
    GENERAL: {"offered": 7, "answered": 7, "abandoned": 0},
    TECHNICAL: {"offered": 3, "answered": 2, "abandoned": 1},
}


def _t(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def _ms(start: str, end: str) -> int:
    return max(0, round((_t(end) - _t(start)).total_seconds() * 1000))


def queue_waits(events: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Each queue's answered waits, from each interaction's events in order: an entry (queued, or transferred
    into the queue) is answered by the next answer out of it, or at once by an attended transfer."""
    waits: dict[str, list[int]] = defaultdict(list)
    entry: dict[str, tuple[str, str] | None] = {}  # interaction -> (queue, entered at) while unanswered
    for event in sorted(events, key=lambda e: (e["occurredAt"], e["eventId"])):
        view = event["data"].get("interaction") if event["type"].startswith("interaction.") else None
        if view is None:
            continue
        iid, kind = view["interactionId"], event["type"]
        if kind == "interaction.queued":
            entry[iid] = (view["queueId"], event["occurredAt"])
        elif kind == "interaction.transferred" and "queueId" in event["data"]["to"]:
            if view["status"] == "active":
                waits[view["queueId"]].append(0)
                entry[iid] = None
            else:
                entry[iid] = (view["queueId"], event["occurredAt"])
        elif kind == "interaction.assigned" and entry.get(iid):
            queue, since = entry[iid]  # type: ignore[misc]
            assert queue == view["queueId"]
            waits[queue].append(_ms(since, view["times"]["answeredAt"]))
            entry[iid] = None
    return waits


def deliver(events: list[dict[str, Any]]) -> None:
    records = [
        kinesis_record(json.dumps(e).encode(), e.get("agentId") or e["eventId"], f"{n:030d}")
        for n, e in enumerate(events, start=1)
    ]
    rng = random.Random(11)
    twice = records + rng.sample(records, len(records) // 3)
    rng.shuffle(twice)
    for first in range(0, len(twice), 29):
        assert aggregator_handler({"Records": twice[first : first + 29]}, FakeLambdaContext()) == {
            "batchItemFailures": []
        }


def export(events: list[dict[str, Any]], tmp: Any) -> dict[str, list[dict[str, Any]]]:
    s3 = boto3.client("s3", region_name=REGION)
    records = [LakeRecord(json.dumps(e).encode(), _t(e["occurredAt"]), f"{n:030d}") for n, e in enumerate(events)]
    write_records(s3, BUCKET, "test-events", "shardId-000000000000", records)
    zones = directory.site_time_zones()
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sites = {directory.agent_profile(e["agentId"]).site_id for e in events if e["type"] == "agent.state.changed"}  # type: ignore[union-attr]
    for site in (*sorted(s for s in sites if s), None):
        zone = zones[site] if site else directory.default_time_zone()
        day = local_date(START, zone)
        exports.export_day(site, day, zone)
        for name in ("queue_service_level", "queue_service_level_hourly", "agent_performance"):
            path = tmp / f"{name}-{site}.parquet"
            s3.download_file(BUCKET, export_key(name, day, site or "", "parquet"), str(path))
            cursor = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")  # noqa: S608 - a test's own file
            names = [c[0] for c in cursor.description]
            rows[name] += [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return rows


def test_transfers_count_answered_once_per_queue_live_and_exported(played: ChatCentre, tmp_path: Any) -> None:
    events = list(played.outbox)
    deliver(events)
    rows = export(events, tmp_path)
    sla = {q: rules.sla_target_seconds for q, rules in directory.current().queues.items()}
    waits = queue_waits(events)
    live = {q.queue_id: q for q in store.queue_days(START.date())}
    exported = {r["queue_id"]: r for r in rows["queue_service_level"]}
    assert set(live) == set(exported) == set(EXPECTED)
    for queue_id, expected in EXPECTED.items():
        got, row = live[queue_id], exported[queue_id]
        assert (got.offered, got.answered, got.abandoned) == tuple(expected.values()), queue_id
        assert (row["offered"], row["answered"], row["abandoned"]) == tuple(expected.values()), queue_id
        assert len(waits[queue_id]) == expected["answered"]
        within = sum(w <= sla[queue_id] * 1000 for w in waits[queue_id])
        assert got.answered_within_sla == row["answered_within_sla"] == within
        assert round(got.wait_seconds * 1000) == sum(waits[queue_id])
        assert row["average_wait_seconds"] == pytest.approx(sum(waits[queue_id]) / 1000 / expected["answered"])
        assert row["longest_wait_seconds"] == pytest.approx(max(waits[queue_id]) / 1000)
        assert (got.ratings, got.score_sum) == (row["ratings"], round((row["average_score"] or 0) * row["ratings"]))
        hours = [r for r in rows["queue_service_level_hourly"] if r["queue_id"] == queue_id]
        for column in ("offered", "answered", "abandoned", "answered_within_sla", "ratings"):
            assert sum(r[column] for r in hours) == row[column], (queue_id, column)
    # the technical queue's abandoned wait runs from the transfer into it
    assert exported[TECHNICAL]["average_abandoned_wait_seconds"] == pytest.approx(
        live[TECHNICAL].abandoned_wait_seconds, abs=0.001
    )
    # the queue rules the exporter joined are in the lake, as Athena's queue_rules table reads them
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=BUCKET, Key=lake.QUEUE_RULES_KEY)["Body"]
    rules = [json.loads(line) for line in body.read().decode().splitlines()]
    assert {r["queue_id"]: r["sla_target_seconds"] for r in rules} == sla
    assert exported[TECHNICAL]["sla_target_seconds"] == sla[TECHNICAL]


def agent_time(events: list[dict[str, Any]], agent_id: str) -> dict[str, int]:
    """Milliseconds by kind of time, from the agent's agent.state.changed intervals (the day is inside UTC's)."""
    total: dict[str, int] = defaultdict(int)
    for event in events:
        if event["type"] != "agent.state.changed" or event["agentId"] != agent_id:
            continue
        previous = event["data"]["previous"]
        if not previous.get("since") or previous["status"] == "Offline":
            continue
        if previous["since"] == event["data"]["state"]["since"]:
            continue  # the status and reason went on (an interaction started or ended): still the same interval
        ms = _ms(previous["since"], event["occurredAt"])
        reason = previous.get("reason")
        total["logged_in"] += ms
        if reason is None:
            total[previous["status"].lower()] += ms
        elif reason["code"] == "wrap-up":
            total["wrap_up"] += ms
        else:
            total["productive" if reason["productive"] else "unproductive"] += ms
    return total


def agent_work(events: list[dict[str, Any]], agent_id: str) -> dict[str, int]:
    work: dict[str, int] = defaultdict(int)
    for event in events:
        view = event["data"].get("interaction") if event["type"].startswith("interaction.") else None
        if view is None or (event.get("agentId") or view.get("agentId")) != agent_id:
            continue
        kind, times = event["type"], view["times"]
        if kind == "interaction.ended" and times.get("answeredAt"):
            work["interactions"] += 1
            work["handle_ms"] += _ms(times["answeredAt"], times["endedAt"])
            if times.get("firstAgentReplyAt"):
                work["first_responses"] += 1
                work["first_response_ms"] += _ms(times["answeredAt"], times["firstAgentReplyAt"])
        elif kind == "interaction.disposition.submitted":
            work[view["disposition"]["category"]] += 1
        elif kind == "interaction.rated":
            work["ratings"] += 1
            work["score_sum"] += event["data"]["score"]
    return work


def test_agent_performance_matches_the_raw_events_and_the_live_metrics(played: ChatCentre, tmp_path: Any) -> None:
    events = list(played.outbox)
    deliver(events)
    rows = {r["agent_id"]: r for r in export(events, tmp_path)["agent_performance"]}
    live = {d.agent_id: d for d in store.agent_days(START.date())}
    paused = 0
    for name in ("ana", "ben"):
        agent_id = played.agent(name).user_id
        row, day = rows[agent_id], live[agent_id]
        profile = directory.agent_profile(agent_id)
        assert profile is not None
        assert (row["agent_name"], row["team_id"], row["site_id"]) == (profile.name, profile.team_id, profile.site_id)
        spent = agent_time(events, agent_id)
        for column, kind in (
            ("logged_in_seconds", "logged_in"),
            ("available_seconds", "available"),
            ("busy_seconds", "busy"),
            ("wrap_up_seconds", "wrap_up"),
            ("paused_productive_seconds", "productive"),
            ("paused_unproductive_seconds", "unproductive"),
        ):
            assert round(row[column] * 1000) == spent[kind], (name, column)
        parts = ("available", "busy", "wrap_up", "paused_productive", "paused_unproductive")
        assert sum(row[f"{p}_seconds"] for p in parts) == pytest.approx(row["logged_in_seconds"])
        assert row["logged_in_seconds"] == pytest.approx(day.logged_in_seconds)
        assert row["available_seconds"] == pytest.approx(day.status_seconds["Available"])
        assert spent["wrap_up"] > 0
        paused += spent["productive"] * spent["unproductive"]
        work = agent_work(events, agent_id)
        assert row["interactions"] == work["interactions"] == day.interactions.handled > 0
        assert (row["successful"], row["unsure"], row["failed"]) == (work["Success"], work["Unsure"], work["Fail"])
        assert (row["successful"], row["unsure"], row["failed"]) == (
            day.interactions.successful,
            day.interactions.unsure,
            day.interactions.failed,
        )
        assert round(row["handle_seconds"] * 1000) == work["handle_ms"]
        assert row["avg_handle_seconds"] == pytest.approx(work["handle_ms"] / 1000 / work["interactions"])
        assert row["avg_first_response_seconds"] == pytest.approx(
            work["first_response_ms"] / 1000 / work["first_responses"]
        )
        assert row["avg_first_response_seconds"] == pytest.approx(
            day.interactions.average_first_response_seconds, abs=0.001
        )  # the live figure is rounded to the millisecond
        assert row["csat_count"] == work["ratings"] == day.interactions.ratings
        if work["ratings"]:
            assert row["csat_avg"] == pytest.approx(work["score_sum"] / work["ratings"])
        else:
            assert row["csat_avg"] is None
    assert paused > 0  # Ben took productive and unproductive pauses


def test_the_exporters_head_tables_give_what_the_whole_text_gives(played: ChatCentre, tmp_path: Any) -> None:
    """Athena runs each report's whole text; the exporter makes the heads into tables first: same rows."""
    events = list(played.outbox)
    s3 = boto3.client("s3", region_name=REGION)
    records = [LakeRecord(json.dumps(e).encode(), _t(e["occurredAt"]), f"{n:030d}") for n, e in enumerate(events)]
    write_records(s3, BUCKET, "test-events", "shardId-000000000000", records)
    zones = {**directory.site_time_zones(), None: directory.default_time_zone()}
    rules = exports.queue_rules_file(exports.sla_targets(), tmp_path / "rules.json")
    lake.download_partitions(sorted({d for z in zones.values() for d in partitions(START.date(), z)}), tmp_path)
    con = exports.connect(tmp_path, rules)
    with_rows: set[str] = set()
    for site, zone in zones.items():
        made: set[str] = set()
        for report in REPORTS:
            exports.run_report(con, report, site or "", START.date(), zone, made)
            by_heads = con.execute(f"SELECT * FROM {report.name}").fetchall()  # noqa: S608 - the catalogue's names
            whole = con.execute(sql_text(report), parameters(site or "", START.date(), zone)).fetchall()
            assert by_heads == whole, (site, report.name)
            if whole:
                with_rows.add(report.name)
    assert with_rows == {r.name for r in REPORTS}  # every report compared on some rows
