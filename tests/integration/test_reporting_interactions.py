"""Interaction metrics and exports end to end: chats driven through the real handlers (open, offer, accept,
messages, end, disposition or wrap-up timeout and a later completion, rating, abandon), their events delivered
to the real aggregator twice and shuffled, and written to the lake for the real exporter; the live metrics and
the exported files (read back with DuckDB) match a recomputation from the interactions' final states."""

from __future__ import annotations

import base64
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import duckdb
import pytest

from agentdesk.config import directory
from agentdesk.interactions import service
from agentdesk.kernel import clock
from agentdesk.kernel.settings import reset_settings
from agentdesk.reporting import exports, store
from agentdesk.reporting.domain.days import local_date
from agentdesk.reporting.domain.reports import NO_SITE_FILE, export_key
from functions.reporting_aggregator.handler import handler as aggregator_handler
from infra.local.lake import LakeRecord, write_records
from tests.integration.conftest import REGION, FakeLambdaContext
from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401
from tests.integration.reporting_day import kinesis_record

BUCKET = "test-lake-interactions"
START = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
CHATS = 14


class Clock:
    def __init__(self) -> None:
        self.now = START

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(name="played")
def played_fixture(chats: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatCentre]:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("LAKE_BUCKET", BUCKET)
    reset_settings()
    directory.forget()
    moment = Clock()
    clock.set_clock(lambda: moment.now)
    try:
        play(chats, moment, random.Random(7))
        yield chats
    finally:
        clock.reset_clock()


def play(chats: ChatCentre, moment: Clock, rng: random.Random) -> None:
    chats.login("ana", "ben")
    names = {chats.agent(n).user_id: n for n in ("ana", "ben")}
    for number in range(CHATS):
        moment.tick(rng.randint(60, 600))
        iid = chats.open_chat(name=f"Customer {number}", queueId="queue-general")["interactionId"]
        chats.pump()
        customer = chats.customer(iid)
        moment.tick(rng.choice([3, 12, 25, 45]))
        if number % 5 == 4:  # the customer leaves before an answer
            chats.ack(customer, "endChat")
            chats.pump()
            continue
        agent = names[chats.interaction(iid)["agentId"]]
        chats.ack(agent, "accept", interactionId=iid)
        for turn in range(rng.randint(1, 3)):
            moment.tick(rng.randint(2, 30))
            chats.ack(customer, "sendMessage", text=f"question {turn}")
            if rng.random() < 0.5:
                moment.tick(rng.randint(1, 10))
                chats.ack(customer, "sendMessage", text="are you there?")
            if number % 7 != 3:  # sometimes the agent never writes
                moment.tick(rng.randint(5, 90))
                chats.ack(agent, "sendMessage", interactionId=iid, text=f"answer {turn}")
        moment.tick(rng.randint(10, 120))
        chats.ack(agent, "endInteraction", interactionId=iid)
        moment.tick(rng.randint(5, 60))
        if number % 4 == 1:  # wrap-up runs out, the agent completes the disposition later
            assert service.time_out_wrap_up(iid) is not None
            moment.tick(30)
            chats.ack(agent, "submitDisposition", interactionId=iid, category="Fail", outcome="Not resolved")
        else:
            category = ["Success", "Unsure", "Success"][number % 3]
            outcome = {"Success": "Resolved", "Unsure": "Escalated"}[category]
            chats.ack(agent, "submitDisposition", interactionId=iid, category=category, outcome=outcome)
        chats.pump()
        if number % 3 != 2:
            moment.tick(20)
            chats.ack(customer, "rate", score=rng.randint(1, 5))
    moment.tick(60)
    chats.pump()


# --- an independent recomputation from the interactions' final states ---------------------------------


def _t(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def _ms(start: str, end: str) -> int:
    return round((_t(end) - _t(start)).total_seconds() * 1000)


def final_states(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for event in events:
        if event["type"].startswith("interaction."):
            view = event["data"]["interaction"]
            if view["interactionId"] not in latest or view["version"] > latest[view["interactionId"]]["version"]:
                latest[view["interactionId"]] = view
    return latest


def recompute(events: list[dict[str, Any]]) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    agents: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    queues: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sla = {q: rules.sla_target_seconds for q, rules in directory.current().queues.items()}
    for view in final_states(events).values():
        times, queue = view["times"], queues[view["queueId"]]
        queue["offered"] += 1
        if view["status"] == "abandoned":
            queue["abandoned"] += 1
            queue["abandonedWaitMs"] += _ms(times["queuedAt"], times["endedAt"])
            continue
        wait = _ms(times["queuedAt"], times["answeredAt"])
        queue["answered"] += 1
        queue["waitMs"] += wait
        queue["answeredWithinSla"] += int(wait <= sla[view["queueId"]] * 1000)
        agent = agents[view["agentId"]]
        agent["handled"] += 1
        agent["handleMs"] += _ms(times["answeredAt"], times["endedAt"])
        agent["wrapUpMs"] += _ms(times["endedAt"], times["wrapUpEndedAt"])
        if times.get("firstAgentReplyAt"):
            agent["firstResponses"] += 1
            agent["firstResponseMs"] += _ms(times["answeredAt"], times["firstAgentReplyAt"])
        agent[view["disposition"]["category"]] += 1
        if view.get("rating"):
            for into in (agent, queue):
                into["ratings"] += 1
                into["scoreSum"] += view["rating"]["score"]
    return agents, queues


def records_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        kinesis_record(json.dumps(e).encode(), e.get("agentId") or e["eventId"], f"{n:030d}")
        for n, e in enumerate(events, start=1)
    ]


def test_the_aggregator_counts_interactions_once_in_any_order(played: ChatCentre) -> None:
    events = list(played.outbox)
    assert sum(e["type"] == "interaction.rated" for e in events) >= 5
    records = records_of(events)
    rng = random.Random(3)
    twice = records + rng.sample(records, len(records) // 2)
    rng.shuffle(twice)
    for first in range(0, len(twice), 37):
        result = aggregator_handler({"Records": twice[first : first + 37]}, FakeLambdaContext())
        assert result == {"batchItemFailures": []}
    agents, queues = recompute(events)
    day = START.date()  # 10:00-14:00 UTC: the same day in London, Madrid, New York and UTC
    live = {m.agent_id: m.interactions for m in store.agent_days(day)}
    for agent_id, expected in agents.items():
        got = live[agent_id]
        assert got.handled == expected["handled"]
        assert round(got.handle_seconds * 1000) == expected["handleMs"]
        assert round(got.wrap_up_seconds * 1000) == expected["wrapUpMs"]
        assert got.first_responses == expected["firstResponses"]
        assert round(got.first_response_seconds * 1000) == expected["firstResponseMs"]
        assert (got.successful, got.unsure, got.failed) == (expected["Success"], expected["Unsure"], expected["Fail"])
        assert (got.ratings, got.score_sum) == (expected["ratings"], expected["scoreSum"])
        assert got.automatic_dispositions == 0  # every timeout's was completed
    by_queue = {q.queue_id: q for q in store.queue_days(day)}
    for queue_id, expected in queues.items():
        got_q = by_queue[queue_id]
        assert (got_q.offered, got_q.answered, got_q.abandoned) == (
            expected["offered"],
            expected["answered"],
            expected["abandoned"],
        )
        assert got_q.answered_within_sla == expected["answeredWithinSla"]
        assert round(got_q.wait_seconds * 1000) == expected["waitMs"]
        assert round(got_q.abandoned_wait_seconds * 1000) == expected["abandonedWaitMs"]
        assert (got_q.ratings, got_q.score_sum) == (expected["ratings"], expected["scoreSum"])
    assert sum(q.offered for q in by_queue.values()) == CHATS


def _rows(key: str, tmp: Any) -> list[dict[str, Any]]:
    path = tmp / key.replace("/", "_")
    boto3.client("s3", region_name=REGION).download_file(BUCKET, key, str(path))
    cursor = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")  # noqa: S608 - a test's own file
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_the_interaction_exports_match_the_recomputation(played: ChatCentre, tmp_path: Any) -> None:
    events = list(played.outbox)
    s3 = boto3.client("s3", region_name=REGION)
    lake = [LakeRecord(json.dumps(e).encode(), _t(e["occurredAt"]), f"{n:030d}") for n, e in enumerate(events)]
    write_records(s3, BUCKET, "test-events", "shardId-000000000000", lake)
    again = [LakeRecord(r.data, r.arrival, r.sequence + "r") for r in lake[:25]]  # a retried delivery
    write_records(s3, BUCKET, "test-events", "shardId-000000000000", again)
    sites = {directory.agent_profile(played.agent(n).user_id).site_id for n in ("ana", "ben")}  # type: ignore[union-attr]
    zones = directory.site_time_zones()
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for site in (*sorted(s for s in sites if s), None):
        zone = zones[site] if site else directory.default_time_zone()
        day = local_date(START, zone)
        run = exports.export_day(site, day, zone)
        assert run.rows["queue_service_level"] == (0 if site else 1)
        for name in ("dispositions", "csat", "response_times", "queue_service_level", "queue_service_level_hourly"):
            rows[name] += _rows(export_key(name, day, site or "", "parquet"), tmp_path)
    agents, queues = recompute(events)
    finals = final_states(events)

    dispositions = rows["dispositions"]
    submitted = [r for r in dispositions if r["event"] == "submitted"]
    assert len(submitted) == sum(a["handled"] for a in agents.values())
    completed = [r for r in dispositions if r["event"] == "completed"]
    assert {r["interaction_id"] for r in completed} == {
        r["interaction_id"] for r in submitted if r["source"] == "timeout"
    }
    assert all(not r["complete"] and r["category"] == "Unsure" for r in submitted if r["source"] == "timeout")
    for agent_id, expected in agents.items():
        last = {r["interaction_id"]: r for r in dispositions if r["agent_id"] == agent_id}  # completions come last
        assert sum(r["category"] == "Success" for r in last.values()) == expected["Success"]
        assert sum(r["category"] == "Fail" for r in last.values()) == expected["Fail"]
        handle = sum(r["handle_seconds"] for r in submitted if r["agent_id"] == agent_id)
        assert round(handle * 1000) == expected["handleMs"]

    csat = rows["csat"]
    assert len(csat) == sum(a["ratings"] for a in agents.values())
    assert sum(r["score"] for r in csat) == sum(a["scoreSum"] for a in agents.values())
    assert all(r["satisfied"] == (r["score"] >= 4) for r in csat)

    times = {r["interaction_id"]: r for r in rows["response_times"]}
    assert len(times) == sum(a["handled"] for a in agents.values())
    for iid, row in times.items():
        view = finals[iid]
        reply = view["times"].get("firstAgentReplyAt")
        if reply:
            assert round(row["first_response_seconds"] * 1000) == _ms(view["times"]["answeredAt"], reply)
            assert row["responses"] >= 1 and row["average_response_seconds"] > 0
        else:
            assert row["first_response_seconds"] is None and row["responses"] == 0
        assert row["customer_messages"] >= 1

    (general,) = rows["queue_service_level"]
    expected_q = queues["queue-general"]
    assert (general["offered"], general["answered"], general["abandoned"]) == (
        expected_q["offered"],
        expected_q["answered"],
        expected_q["abandoned"],
    )
    assert general["answered_within_sla"] == expected_q["answeredWithinSla"]
    assert general["service_level_percent"] == pytest.approx(
        100 * expected_q["answeredWithinSla"] / expected_q["answered"]
    )
    assert round(general["average_wait_seconds"] * expected_q["answered"] * 1000) == expected_q["waitMs"]
    hourly = rows["queue_service_level_hourly"]
    assert sum(r["offered"] for r in hourly) == expected_q["offered"]
    assert sum(r["answered_within_sla"] for r in hourly) == expected_q["answeredWithinSla"]
    assert NO_SITE_FILE  # the queue rows live in the no-site file


def test_export_day_for_a_date_without_events_writes_empty_files(played: ChatCentre) -> None:
    run = exports.export_day(None, date(2025, 1, 1), "UTC")
    assert run.rows["dispositions"] == 0 and run.rows["queue_service_level"] == 0
    assert base64  # (imported for the records' shape)
