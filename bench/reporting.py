"""Reporting: the aggregator's events per second in one process, and the exporter's time for N events.

Synthetic days of valid `agent.state.changed` documents (the published contract): agents at two sites
(London, New York), each logging in, changing status and pausing every few minutes, logging off. The
aggregator runs through its real handler on Kinesis-shaped batches of 500 (the wiring's batch size) against
AWS in moto's `mock_aws` with the local stack's tuning (in this process); "domain only" is parsing and
contributions without any AWS call. The exporter runs `export_day` over
the lake objects (gzipped, one event a line) in the mocked bucket.

    python -m bench reporting                         # defaults below
    python -m bench reporting --agents 200 --export-events 100000 1000000
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
from moto import mock_aws

SITES = {"site-london": "Europe/London", "site-new-york": "America/New_York"}
DAY = date(2025, 3, 12)
CODES = (("break", "Break", False), ("lunch", "Lunch", False), ("training", "Training", True))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def agent_day(agent: str, site: str, changes: int, rng: random.Random, first_id: int) -> list[dict[str, Any]]:
    """One agent's day: login, `changes` status changes, logoff."""
    zone = ZoneInfo(SITES[site])
    at = datetime(DAY.year, DAY.month, DAY.day, 8, tzinfo=zone) + timedelta(seconds=rng.randrange(0, 3600))
    session = {"sessionId": f"s-{agent}", "loginAt": iso(at), "endedAt": None}
    status, reason, since = "Offline", None, None
    docs = []
    for number in range(changes + 2):
        if number == 0:
            new_status, new_reason, command = "Available", None, "login"
        elif number == changes + 1:
            new_status, new_reason, command = "Offline", None, "logoff"
        elif status == "Available":
            code, label, productive = rng.choice(CODES)
            new_status, new_reason, command = (
                "Away",
                {"code": code, "label": label, "productive": productive},
                "setStatus:Away",
            )
        else:
            new_status, new_reason, command = "Available", None, "setStatus:Available"
        records: list[dict[str, Any]] = []
        if command == "login":
            records.append(
                {"type": "agent.session.opened", "agentId": agent, "sessionId": session["sessionId"], "start": iso(at)}
            )
        if command == "logoff":
            records.append(
                {
                    "type": "agent.session.closed",
                    "agentId": agent,
                    "sessionId": session["sessionId"],
                    "start": session["loginAt"],
                    "end": iso(at),
                    "durationSeconds": 1.0,
                    "logoffKind": "manual",
                    "logoffReason": None,
                }
            )
        view_session = {**session, "endedAt": iso(at)} if command == "logoff" else session
        docs.append(
            {
                "eventId": f"ev_{first_id + number:012d}",
                "type": "agent.state.changed",
                "schemaVersion": 2,
                "occurredAt": iso(at),
                "agentId": agent,
                "actor": {"userId": agent, "role": "agent"},
                "data": {
                    "state": {
                        "agentId": agent,
                        "status": new_status,
                        "reason": new_reason,
                        "since": iso(at),
                        "sessionId": session["sessionId"],
                        "loginAt": session["loginAt"],
                        "pending": None,
                        "activeInteractions": 0,
                        "onVoice": False,
                        "inWrapUp": False,
                        "version": number + 1,
                    },
                    "change": {
                        "agentId": agent,
                        "command": command,
                        "cause": "agent",
                        "actorId": agent,
                        "occurredAt": iso(at),
                        "version": number + 1,
                        "from": {"status": status, "reason": reason},
                        "to": {"status": new_status, "reason": new_reason},
                        "pending": None,
                        "appliedPending": None,
                        "sessionId": session["sessionId"],
                        "activeInteractions": 0,
                        "inWrapUp": False,
                        "interactionId": None,
                        "logoffKind": "manual" if command == "logoff" else None,
                        "logoffReason": None,
                    },
                    "records": records,
                    "previous": {"status": status, "reason": reason, "since": since, "secondsInState": None},
                    "session": view_session,
                    "configuration": {
                        "name": agent,
                        "teamId": None,
                        "siteId": site,
                        "capacity": 5,
                        "skills": [],
                        "autoAnswer": "agent",
                    },
                    "routing": {"routable": new_status == "Available", "notRoutableReason": None},
                },
            }
        )
        status, reason, since = new_status, new_reason, iso(at)
        at += timedelta(seconds=rng.randrange(60, 900), milliseconds=rng.randrange(0, 1000))
    return docs


def day_of_events(agents: int, total: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    changes = max(1, total // agents - 2)
    docs: list[dict[str, Any]] = []
    for number in range(agents):
        site = list(SITES)[number % len(SITES)]
        docs += agent_day(f"agent-{number:04d}", site, changes, rng, len(docs))
    docs.sort(key=lambda d: d["occurredAt"])
    return docs


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

    docs = day_of_events(agents, events)
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


def bench_export(agents: int, events: int) -> dict[str, float]:
    from agentdesk.kernel.settings import reset_settings
    from agentdesk.reporting import exports
    from agentdesk.reporting.lake import partition_prefix

    docs = day_of_events(agents, events)
    with mock_aws():
        reset_settings()
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bench-lake")
        by_day: dict[str, list[bytes]] = {}
        for doc in docs:
            by_day.setdefault(doc["occurredAt"][:10], []).append(json.dumps(doc).encode())
        objects = size = 0
        for day, lines in by_day.items():
            for first in range(0, len(lines), 50_000):  # Firehose: an object per 64 MiB or 5 minutes
                body = gzip.compress(b"\n".join(lines[first : first + 50_000]) + b"\n")
                s3.put_object(Bucket="bench-lake", Key=f"{partition_prefix(day)}events-{first}.gz", Body=body)
                objects += 1
                size += len(body)
        began = time.perf_counter()
        runs = [exports.export_day(site, DAY, zone) for site, zone in SITES.items()]
        seconds = time.perf_counter() - began
    return {
        "events": len(docs),
        "lake_objects": objects,
        "lake_mib": size / 2**20,
        "export_s": seconds,
        "rows": sum(sum(r.rows.values()) for r in runs),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench reporting")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--aggregate-events", type=int, default=20_000)
    parser.add_argument("--export-events", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    environment()
    from infra.local import moto_tuning

    moto_tuning.install()  # moto as the local stack runs it (a transaction undoes by item, not by table copy)
    result = bench_aggregator(args.agents, args.aggregate_events)
    print(
        f"aggregator, {result['events']:,.0f} events of {args.agents} agents: "
        f"domain only {result['domain_per_s']:,.0f}/s; "
        f"handler + moto {result['handler_per_s']:,.0f}/s; all redelivered {result['redelivered_per_s']:,.0f}/s"
    )
    for events in args.export_events:
        found = bench_export(args.agents, events)
        print(
            f"export, {found['events']:,.0f} events ({found['lake_objects']:.0f} lake objects, "
            f"{found['lake_mib']:.1f} MiB gz): {found['export_s']:.2f} s for 2 sites x 4 reports, "
            f"{found['rows']:,.0f} rows"
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
