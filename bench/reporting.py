"""Reporting: the aggregator's events per second, the lake's files and bytes per day, the exporter's time.

A realistic contact-centre day (`realistic_day`): agents at two sites (London, New York) work 8-hour shifts
(one in five starts late), handle chats one after another (queued, offered, answered, 2-5 exchanges of
messages, ended, wrap-up, disposition, a rating for about a third), take a break, lunch, another break and,
for one in three, a training pause, and log off. The documents have the shape and size of the real events and
parse as the published contract (checked). The aggregator runs through its real handler on Kinesis-shaped
batches of 500 (the wiring's batch size) against AWS in moto's `mock_aws` with the local stack's tuning (in
this process); "domain only" is parsing and contributions without any AWS call. The lake figures come from
the local stack's LakeForwarder reading a Kinesis stream in moto, and from the forwarder's writer grouping the
events in 5-minute arrival buffers as the cloud's delivery stream does. The exporter runs its own `export_day`
(download the day's dt partitions from S3, DuckDB, Parquet + CSV, upload) for each site and for no site.

    python -m bench reporting                                   # defaults below
    python -m bench reporting --agents 200 --export-events 1000000 --runs 3 --skip aggregator lake
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

import boto3
from moto import mock_aws

SITES = {"site-london": "Europe/London", "site-new-york": "America/New_York"}
DAY = date(2025, 3, 12)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --- a realistic contact-centre day (agent states and chats), shaped as the real events are ------------------

QUEUES = (
    ("queue-general", "General", "dispositions-service", ("Resolved", "Escalated", "Not resolved")),
    ("queue-billing", "Billing", "dispositions-service", ("Resolved", "Escalated", "Not resolved")),
    ("queue-sales", "Sales", "dispositions-sales", ("Sale made", "Call back", "Not interested")),
)
OUTCOMES = {
    "dispositions-service": {
        "Success": ["Resolved", "Information provided"],
        "Unsure": ["Follow-up needed", "Escalated"],
        "Fail": ["Not resolved", "Customer left"],
    },
    "dispositions-sales": {
        "Success": ["Sale made", "Upsell"],
        "Unsure": ["Call back", "Thinking about it"],
        "Fail": ["Not interested", "Wrong number"],
    },
}
WRAP_UP = {"code": "wrap-up", "label": "Wrap-up", "productive": True}
PAUSES = {
    "break": {"code": "break", "label": "Break", "productive": False},
    "lunch": {"code": "lunch", "label": "Lunch", "productive": False},
    "training": {"code": "training", "label": "Training", "productive": True},
}


class Ids:
    def __init__(self, prefix: str) -> None:
        self.prefix, self.number = prefix, 0

    def next(self, kind: str) -> str:
        self.number += 1
        return f"{kind}_{self.prefix}{self.number:010d}"


class AgentStates:
    """One agent's `agent.state.changed` documents as the agents context writes them: a change that keeps status
    and reason (an interaction starts) keeps `since`; pauses and sessions carry their attendance records."""

    def __init__(self, agent: str, site: str, ids: Ids, name: str) -> None:
        self.agent, self.site, self.ids, self.name = agent, site, ids, name
        self.status, self.reason, self.since = "Offline", None, None
        self.session: dict[str, Any] = {}
        self.version = 0
        self.pause_opened: tuple[str, str] | None = None  # (pause id, start)
        self.docs: list[dict[str, Any]] = []

    def change(
        self,
        at: datetime,
        status: str,
        reason: dict[str, Any] | None,
        command: str,
        cause: str = "agent",
        interaction: str | None = None,
        active: int = 0,
    ) -> None:
        stamp = iso(at)
        self.version += 1
        records: list[dict[str, Any]] = []
        if command == "login":
            self.session = {"sessionId": self.ids.next("ses"), "loginAt": stamp, "endedAt": None}
            records.append(
                {
                    "type": "agent.session.opened",
                    "agentId": self.agent,
                    "sessionId": self.session["sessionId"],
                    "start": stamp,
                }
            )
        base = {"agentId": self.agent, "sessionId": self.session["sessionId"]}
        if self.pause_opened and (reason is None or reason["code"] != (self.reason or {}).get("code")):
            pause_id, start = self.pause_opened
            records.append(
                {
                    **base,
                    "type": "agent.pause.closed",
                    "pauseId": pause_id,
                    **(self.reason or {}),
                    "start": start,
                    "end": stamp,
                    "durationSeconds": round((at - datetime.fromisoformat(start)).total_seconds(), 3),
                }
            )
            self.pause_opened = None
        if reason is not None and reason["code"] != (self.reason or {}).get("code"):
            self.pause_opened = (f"{self.session['sessionId']}#{self.version}", stamp)
            records.append(
                {**base, "type": "agent.pause.opened", "pauseId": self.pause_opened[0], **reason, "start": stamp}
            )
        session = dict(self.session)
        if command == "logoff":
            session["endedAt"] = stamp
            records.append(
                {
                    **base,
                    "type": "agent.session.closed",
                    "start": self.session["loginAt"],
                    "end": stamp,
                    "durationSeconds": 1.0,
                    "logoffKind": "manual",
                    "logoffReason": None,
                }
            )
        since = self.since if (status, reason) == (self.status, self.reason) else stamp
        seconds = round((at - datetime.fromisoformat(self.since)).total_seconds(), 3) if self.since else None
        in_wrap_up = reason == WRAP_UP
        self.docs.append(
            {
                "eventId": self.ids.next("ev"),
                "type": "agent.state.changed",
                "schemaVersion": 2,
                "occurredAt": stamp,
                "agentId": self.agent,
                "actor": {"userId": self.agent if cause == "agent" else "system", "role": cause},
                "data": {
                    "state": {
                        "agentId": self.agent,
                        "status": status,
                        "reason": reason,
                        "since": since,
                        "sessionId": session["sessionId"],
                        "loginAt": session["loginAt"],
                        "pending": None,
                        "activeInteractions": active,
                        "onVoice": False,
                        "inWrapUp": in_wrap_up,
                        "version": self.version,
                    },
                    "change": {
                        "agentId": self.agent,
                        "command": command,
                        "cause": cause,
                        "actorId": self.agent if cause == "agent" else "system",
                        "occurredAt": stamp,
                        "version": self.version,
                        "from": {"status": self.status, "reason": self.reason},
                        "to": {"status": status, "reason": reason},
                        "pending": None,
                        "appliedPending": None,
                        "sessionId": session["sessionId"],
                        "activeInteractions": active,
                        "inWrapUp": in_wrap_up,
                        "interactionId": interaction,
                        "logoffKind": "manual" if command == "logoff" else None,
                        "logoffReason": None,
                    },
                    "records": records,
                    "previous": {
                        "status": self.status,
                        "reason": self.reason,
                        "since": self.since,
                        "secondsInState": seconds,
                    },
                    "session": session,
                    "configuration": {
                        "name": self.name,
                        "teamId": "team-care",
                        "siteId": self.site,
                        "capacity": 5,
                        "skills": [
                            {"skillId": "skill-billing", "proficiency": 4},
                            {"skillId": "skill-sales", "proficiency": 2},
                        ],
                        "autoAnswer": "agent",
                    },
                    "routing": {
                        "routable": status == "Available",
                        "notRoutableReason": None
                        if status == "Available"
                        else f"The agent is {status} and cannot take interactions.",
                    },
                },
            }
        )
        self.status, self.reason, self.since = status, reason, since


class Chat:
    """One chat's interaction events: the interaction after each change (`data.interaction`), as written."""

    def __init__(self, ids: Ids, queue: tuple[str, str, str, tuple[str, ...]], customer: str, queued: datetime) -> None:
        self.ids = ids
        self.queue = queue
        self.id = ids.next("int")
        self.contact = {"contactId": ids.next("ct"), "name": customer, "email": None, "phone": None}
        self.agent: str | None = None
        self.agent_name: str | None = None
        self.status = "queued"
        self.times: dict[str, Any] = dict.fromkeys(
            ("offeredAt", "answeredAt", "firstAgentReplyAt", "endedAt", "wrapUpEndedAt", "transferredAt")
        ) | {"queuedAt": iso(queued)}
        self.disposition: dict[str, Any] | None = None
        self.rating: dict[str, Any] | None = None
        self.deadline: str | None = None
        self.version = 0
        self.seq = 0
        self.docs: list[dict[str, Any]] = []

    def event(self, kind: str, at: datetime, actor: str = "system", **data: Any) -> None:
        self.version += 1
        queue_id, queue_name, set_id, _ = self.queue
        view = {
            "interactionId": self.id,
            "channel": "chat",
            "direction": "inbound",
            "status": self.status,
            "queueId": queue_id,
            "queueName": queue_name,
            "skillId": None,
            "agentId": self.agent,
            "agentName": self.agent_name,
            "contact": self.contact,
            "subject": None,
            "tags": [],
            "notes": [],
            "disposition": self.disposition,
            "transfer": None,
            "times": dict(self.times),
            "wrapUpDeadline": self.deadline,
            "rating": self.rating,
            "onHold": False,
            "heldSince": None,
            "holdSeconds": 0.0,
            "dispositionSetId": set_id,
            "outcomes": OUTCOMES[set_id],
            "version": self.version,
        }
        self.docs.append(
            {
                "eventId": self.ids.next("ev"),
                "type": kind,
                "schemaVersion": 2,
                "occurredAt": iso(at),
                "agentId": self.agent,
                "actor": {"userId": actor, "role": "system" if actor == "system" else "agent"},
                "data": {"interaction": view, **data},
            }
        )

    def message(self, at: datetime, sender: str, text: str) -> None:
        self.seq += 1
        author = (
            (self.agent, self.agent_name) if sender == "agent" else (self.contact["contactId"], self.contact["name"])
        )
        if sender == "agent" and self.times["firstAgentReplyAt"] is None:
            self.times["firstAgentReplyAt"] = iso(at)
        message = {
            "messageId": self.ids.next("msg"),
            "interactionId": self.id,
            "seq": self.seq,
            "from": sender,
            "authorId": author[0],
            "authorName": author[1],
            "text": text,
            "sentAt": iso(at),
            "clientMessageId": None,
        }
        self.event("interaction.message", at, author[0] or "system", message=message)


CUSTOMER_LINES = ("Hello, I have a question about my last invoice.", "Is anyone there?", "Thanks, that helps.")
AGENT_LINES = ("Hi, thanks for waiting. Let me check that for you.", "I have updated it now.", "Anything else?")


def chat_with(
    states: AgentStates, rng: random.Random, ids: Ids, start: datetime
) -> tuple[list[dict[str, Any]], datetime]:
    """A chat the agent answers at `start`: queued before, messages, end, wrap-up, disposition, maybe a rating;
    with the agent's state changes. Returns its documents and when the agent is free again."""
    queue = rng.choice(QUEUES)
    chat = Chat(ids, queue, f"Customer {ids.number}", start - timedelta(seconds=rng.choice((2, 5, 9, 14, 25, 40, 75))))
    queued = datetime.fromisoformat(chat.times["queuedAt"])
    chat.event("interaction.queued", queued, "system")
    offered = queued + timedelta(milliseconds=rng.randrange(20, 400))
    chat.agent, chat.agent_name, chat.status = states.agent, states.name, "offered"
    chat.times["offeredAt"] = iso(offered)
    chat.event(
        "interaction.offered",
        offered,
        offer={"offerId": ids.next("ofr"), "expiresAt": iso(offered + timedelta(seconds=30)), "autoAnswer": False},
    )
    answered = max(start, offered + timedelta(seconds=1))
    chat.status = "active"
    chat.times["answeredAt"] = iso(answered)
    chat.event("interaction.assigned", answered, states.agent, agentId=states.agent, autoAnswered=False)
    states.change(answered, states.status, states.reason, "startInteraction", "system", chat.id, active=1)
    at = answered
    for turn in range(rng.randint(2, 5)):
        at += timedelta(seconds=rng.randint(5, 60), milliseconds=rng.randrange(1000))
        chat.message(at, "customer", CUSTOMER_LINES[turn % len(CUSTOMER_LINES)])
        at += timedelta(seconds=rng.randint(5, 45), milliseconds=rng.randrange(1000))
        chat.message(at, "agent", AGENT_LINES[turn % len(AGENT_LINES)])
    at += timedelta(seconds=rng.randint(10, 120))
    chat.status = "wrap_up"
    chat.times["endedAt"] = iso(at)
    chat.deadline = iso(at + timedelta(seconds=120))
    chat.event("interaction.ended", at, states.agent, endedBy="agent", reason=None)
    states.change(at, "Busy", WRAP_UP, "endInteraction", "system", chat.id)
    done = at + timedelta(seconds=rng.randint(10, 110), milliseconds=rng.randrange(1000))
    category = rng.choices(("Success", "Unsure", "Fail"), (6, 2, 2))[0]
    chat.status = "closed"
    chat.times["wrapUpEndedAt"] = iso(done)
    chat.deadline = None
    chat.disposition = {
        "category": category,
        "outcome": OUTCOMES[queue[2]][category][0],
        "notes": None,
        "source": "agent",
        "complete": True,
        "submittedAt": iso(done),
        "submittedBy": states.agent,
    }
    chat.event("interaction.disposition.submitted", done, states.agent, source="agent", complete=True)
    chat.event("interaction.closed", done, "system")
    states.change(done, "Available", None, "finishWrapUp", "system", chat.id)
    if rng.random() < 0.35:
        score = rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
        chat.rating = {"score": score, "comment": None}
        chat.event(
            "interaction.rated",
            done + timedelta(seconds=rng.randint(5, 60)),
            chat.contact["contactId"],
            score=score,
            comment=None,
        )
    return chat.docs, done


def realistic_agent_day(number: int, site: str, rng: random.Random, day: date = DAY) -> list[dict[str, Any]]:
    """One agent's shift: login, chats one after another with short gaps, a break, lunch, sometimes training,
    logoff about 8 hours later."""
    agent = f"agent-{number:05d}"
    ids = Ids(f"{number:05d}")
    states = AgentStates(agent, site, ids, f"Agent {number:05d}")
    zone = ZoneInfo(SITES[site])
    begin = datetime(day.year, day.month, day.day, 8 if number % 5 else 13, tzinfo=zone) + timedelta(
        seconds=rng.randrange(0, 3600)
    )
    states.change(begin, "Available", None, "login")
    docs: list[dict[str, Any]] = []
    pauses = [(2.0, "break", 15), (4.0, "lunch", rng.choice((30, 45, 60))), (6.0, "break", 15)]
    if number % 3 == 0:
        pauses.insert(2, (5.0, "training", 30))
    end = begin + timedelta(hours=8, minutes=rng.randrange(0, 30))
    at = begin
    while at < end:
        if pauses and at >= begin + timedelta(hours=pauses[0][0]):
            _, code, minutes = pauses.pop(0)
            states.change(at, "Away", PAUSES[code], "setStatus:Away")
            at += timedelta(minutes=minutes, seconds=rng.randrange(0, 120))
            states.change(at, "Available", None, "setStatus:Available")
            continue
        at += timedelta(seconds=rng.randint(30, 420))  # idle until the next chat is routed
        chat, at = chat_with(states, rng, ids, at)
        docs += chat
    states.change(at + timedelta(seconds=rng.randint(5, 60)), "Offline", None, "logoff")
    return states.docs + docs


def realistic_day(agents: int, seed: int = 7) -> list[dict[str, Any]]:
    """`agents` agents' shifts at two sites, sorted by time."""
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []
    for number in range(agents):
        docs += realistic_agent_day(number, list(SITES)[number % len(SITES)], rng)
    docs.sort(key=lambda d: (d["occurredAt"], d["eventId"]))
    return docs


FIREHOSE_BUFFER = timedelta(minutes=5)  # the delivery stream's buffer interval (a 64 MiB buffer flushes earlier)


def firehose_windows(docs: Iterable[dict[str, Any]], into: dict[int, list[Any]], first: int = 0) -> int:
    """Add events (serialised) to their 5-minute arrival buffers, each event arriving when it happened."""
    from infra.local.lake import LakeRecord

    number = first
    for doc in docs:
        arrival = datetime.fromisoformat(doc["occurredAt"])
        window = int(arrival.timestamp() // FIREHOSE_BUFFER.total_seconds())
        into.setdefault(window, []).append(LakeRecord(json.dumps(doc).encode(), arrival, f"{number:021d}"))
        number += 1
    return number


def write_windows(s3: Any, bucket: str, windows: dict[int, list[Any]]) -> tuple[int, int]:
    """Write each buffer with the local forwarder's writer (infra/local/lake.write_records): one gzipped object
    per buffer and arrival date, as the cloud's delivery stream flushes. Returns (objects, bytes)."""
    from infra.local.lake import write_records

    objects = size = 0
    for window in sorted(windows):
        for key in write_records(s3, bucket, "events", "shardId-000000000000", windows.pop(window)):
            objects += 1
            size += s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
    return objects, size


def kinesis_batch(docs: list[dict[str, Any]], first: int) -> dict[str, Any]:
    return {
        "Records": [
            {
                "kinesis": {
                    "partitionKey": d["agentId"],
                    "sequenceNumber": f"{first + n:021d}",
                    "data": base64.b64encode(json.dumps(d).encode()).decode(),
                    "approximateArrivalTimestamp": 1.0,
                    "kinesisSchemaVersion": "1.0",
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"shardId-0:{first + n:021d}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/x",
                "awsRegion": "us-east-1",
                "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/events",
            }
            for n, d in enumerate(docs)
        ]
    }


class Context:
    function_name = "reporting-aggregator"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:reporting-aggregator"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def environment() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 -- moto's fake credentials
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
        LOG_LEVEL="WARNING",
        POWERTOOLS_LOG_LEVEL="WARNING",
        REPORTING_TABLE="bench-reporting",
        CONFIG_TABLE="bench-config",
        LAKE_BUCKET="bench-lake",
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)


def create(dynamodb: Any) -> None:
    for name in ("bench-reporting", "bench-config"):
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )


def bench_aggregator(agents: int, events: int) -> dict[str, float]:
    from agentdesk.events import parse_event
    from agentdesk.kernel.settings import reset_settings
    from agentdesk.reporting import aggregator
    from agentdesk.reporting.domain.metrics import contributions
    from functions.reporting_aggregator.handler import handler

    docs = realistic_day(agents)[:events]
    zones = dict(SITES)

    def zone_of(site: str | None) -> str:
        return zones.get(site or "", "UTC")

    began = time.perf_counter()
    for doc in docs:
        contributions(parse_event(json.dumps(doc)), zone_of)
    domain = len(docs) / (time.perf_counter() - began)

    batches = [kinesis_batch(docs[i : i + 500], i) for i in range(0, len(docs), 500)]
    aggregator.batch_zones = lambda: zone_of  # the directory's zones, as a warm function has them
    with mock_aws():
        reset_settings()
        create(boto3.client("dynamodb", region_name="us-east-1"))
        began = time.perf_counter()
        for batch in batches:
            assert handler(batch, Context())["batchItemFailures"] == []  # type: ignore[arg-type]
        first = len(docs) / (time.perf_counter() - began)
        began = time.perf_counter()
        for batch in batches:  # everything again: every event is a duplicate
            assert handler(batch, Context())["batchItemFailures"] == []  # type: ignore[arg-type]
        again = len(docs) / (time.perf_counter() - began)
    return {"events": len(docs), "domain_per_s": domain, "handler_per_s": first, "redelivered_per_s": again}


def check_contract(docs: list[dict[str, Any]]) -> None:
    """Every kind of generated document, and a sample of the rest, parse as the published events."""
    from agentdesk.events import parse_event

    seen: set[str] = set()
    for number, doc in enumerate(docs):
        if doc["type"] not in seen or number % 97 == 0:
            parse_event(json.dumps(doc))
            seen.add(doc["type"])


def bench_lake_day(agents: int) -> dict[str, float]:
    """A realistic day of `agents` agents into the lake: through the local stack's LakeForwarder (Kinesis in
    moto, as `make dev` runs it) and as the cloud's delivery stream buffers it (5-minute objects); then the day's
    exports of both sites and no site from the latter, and their size."""
    from agentdesk.kernel.settings import reset_settings
    from agentdesk.reporting import exports
    from infra.local.lake import LakeForwarder

    docs = realistic_day(agents)
    check_contract(docs)
    chats = sum(d["type"] == "interaction.queued" for d in docs)
    raw = sum(len(json.dumps(d)) + 1 for d in docs)
    with mock_aws():
        reset_settings()
        s3 = boto3.client("s3", region_name="us-east-1")
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        s3.create_bucket(Bucket="bench-forwarded")
        kinesis.create_stream(StreamName="bench-events", ShardCount=1)
        forwarder = LakeForwarder(
            lambda service: boto3.client(service, region_name="us-east-1"), "bench-events", "bench-forwarded"
        )
        forwarder.start()
        try:
            for first in range(0, len(docs), 500):
                kinesis.put_records(
                    StreamName="bench-events",
                    Records=[
                        {"Data": json.dumps(d).encode(), "PartitionKey": d["agentId"] or d["eventId"]}
                        for d in docs[first : first + 500]
                    ],
                )
            assert forwarder.wait_idle(300), "the forwarder did not catch up"
        finally:
            forwarder.stop()
        forwarded = _sizes(s3, "bench-forwarded", "")
        s3.create_bucket(Bucket="bench-lake")
        windows: dict[int, list[Any]] = {}
        firehose_windows(docs, windows)
        buffered = write_windows(s3, "bench-lake", windows)
        exports.sla_targets = lambda: {queue_id: 20 for queue_id, *_ in QUEUES}  # the directory's, as read
        exports.export_sites(DAY, {**SITES, None: "UTC"})
        exported = _sizes(s3, "bench-lake", "exports/")
    return {
        "agents": agents,
        "events": len(docs),
        "chats": chats,
        "raw_mib": raw / 2**20,
        "forwarder_objects": forwarded[0],
        "forwarder_mib": forwarded[1] / 2**20,
        "firehose_objects": buffered[0],
        "firehose_mib": buffered[1] / 2**20,
        "export_objects": exported[0],
        "export_mib": exported[1] / 2**20,
    }


def _sizes(s3: Any, bucket: str, prefix: str) -> tuple[int, int]:
    listed = [
        item
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]
    return len(listed), sum(item["Size"] for item in listed)


def bench_export(events: int, runs: int) -> dict[str, Any]:
    """`events` events of realistic agent days in the lake (written as the delivery stream buffers them, with the
    forwarder's writer, into moto's S3), then the exporter's own `export_day` for each site and for no site:
    download the day's dt partitions, DuckDB over them, every report to Parquet and CSV, upload."""
    from agentdesk.kernel.settings import reset_settings
    from agentdesk.reporting import exports

    rng = random.Random(11)
    windows: dict[int, list[Any]] = {}
    written = agents = 0
    began = time.perf_counter()
    while written < events:
        docs = realistic_agent_day(agents, list(SITES)[agents % len(SITES)], rng)[: events - written]
        if agents == 0:
            check_contract(docs)
        written = firehose_windows(docs, windows, written)
        agents += 1
    generated = time.perf_counter() - began
    zones: dict[str | None, str] = {**SITES, None: "UTC"}
    with mock_aws():
        reset_settings()
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bench-lake")
        objects, size = write_windows(s3, "bench-lake", windows)
        exports.sla_targets = lambda: {queue_id: 20 for queue_id, *_ in QUEUES}  # the directory's, as read
        totals: list[float] = []
        rows = 0
        for _ in range(runs):  # the scheduled run's path: the day's sites together, the lake read once
            start = time.perf_counter()
            done = exports.export_sites(DAY, zones)
            totals.append(time.perf_counter() - start)
            rows += sum(sum(run.rows.values()) for run in done)
        start = time.perf_counter()
        exports.export_day("site-london", DAY, SITES["site-london"])  # on demand: one site's day
        one_site = time.perf_counter() - start
    return {
        "events": written,
        "agents": agents,
        "generate_s": generated,
        "lake_objects": objects,
        "lake_mib": size / 2**20,
        "runs": runs,
        "one_site_s": one_site,
        "total_s": median(totals),
        "all_totals_s": totals,
        "rows_per_run": rows // runs,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench reporting")
    parser.add_argument("--agents", type=int, default=200, help="agents of the realistic day (aggregator, lake)")
    parser.add_argument("--aggregate-events", type=int, default=3_000)
    parser.add_argument("--export-events", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="export runs per size (the median is printed)")
    parser.add_argument("--skip", nargs="*", default=[], choices=("aggregator", "lake", "export"))
    args = parser.parse_args(argv)
    environment()
    from infra.local import moto_tuning

    moto_tuning.install()  # moto as the local stack runs it (a transaction undoes by item, not by table copy)
    if "aggregator" not in args.skip:
        result = bench_aggregator(args.agents, args.aggregate_events)
        print(
            f"aggregator, {result['events']:,.0f} events of a realistic day: "
            f"domain only {result['domain_per_s']:,.0f}/s; "
            f"handler + moto {result['handler_per_s']:,.0f}/s; all redelivered {result['redelivered_per_s']:,.0f}/s"
        )
    if "lake" not in args.skip:
        day = bench_lake_day(args.agents)
        print(
            f"lake, a realistic day of {day['agents']:.0f} agents: {day['events']:,.0f} events "
            f"({day['events'] / day['agents']:,.0f} per agent-day), {day['chats']:,.0f} chats, "
            f"{day['raw_mib']:.1f} MiB as JSON; local forwarder {day['forwarder_objects']:.0f} objects, "
            f"{day['forwarder_mib']:.2f} MiB gz; 5-minute buffers (the cloud's delivery stream) "
            f"{day['firehose_objects']:.0f} objects, {day['firehose_mib']:.2f} MiB gz; the day's exports "
            f"(2 sites + no site) {day['export_objects']:.0f} objects, {day['export_mib']:.2f} MiB"
        )
    if "export" not in args.skip:
        for events in args.export_events:
            found = bench_export(events, args.runs)
            print(
                f"export, {found['events']:,.0f} events of {found['agents']:,.0f} agent-days "
                f"({found['lake_objects']:.0f} lake objects, {found['lake_mib']:.1f} MiB gz; generated in "
                f"{found['generate_s']:.0f} s): the day's export of 2 sites + no site, median of {found['runs']} "
                f"runs {found['total_s']:.1f} s (runs {', '.join(f'{t:.1f}' for t in found['all_totals_s'])} s), "
                f"{found['rows_per_run']:,.0f} rows; one site on demand {found['one_site_s']:.1f} s"
            )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
