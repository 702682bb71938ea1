"""A simulated day of a contact centre for the reporting tests: agents at three sites (London, New York,
Madrid) log in, pause, work and log off through the real ws-commands handler on a moved clock; the midnight
logoff runs through the real scheduled-logoff handler; the publisher forwards every event to Kinesis; the
records are written to the lake as the local stack's forwarder writes them."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3

from agentdesk.config import defaults as config_defaults
from agentdesk.config import directory
from agentdesk.kernel import clock
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.settings import reset_settings
from functions.publisher.handler import handler as publisher_handler
from functions.scheduled_logoff.handler import handler as logoff_handler
from infra.local.lake import LakeRecord, write_records
from tests.integration.centre import WS_ENDPOINT, send_frame
from tests.integration.conftest import REGION, AwsStack, FakeLambdaContext

DAY = date(2025, 3, 12)
STREAM = "test-events"
BUCKET = "test-lake"
INJECTION_NAME = '=HYPERLINK("http://evil.example","x")'


@dataclass
class Day:
    aws: AwsStack
    agents: dict[str, Principal]  # user id -> principal
    sites: dict[str, str]  # user id -> site id
    zones: dict[str, str]  # site id -> zone
    documents: list[dict[str, Any]] = field(default_factory=list)  # every event written, in order
    kinesis_records: list[dict[str, Any]] = field(default_factory=list)  # as Lambda hands them over

    def zone_of(self, agent_id: str) -> str:
        return self.zones[self.sites[agent_id]]


def at(day: date, zone: str, hour: int, minute: int = 0, second: int = 0) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)) + timedelta(
        hours=hour, minutes=minute, seconds=second
    )
    return local.astimezone(UTC)


def setup_centre(aws: AwsStack, env: Any, agents: int) -> Day:
    people = [config_defaults.DemoUser("u-admin", "ada", "Ada", "ada@example.com", Role.ADMIN)]
    for number in range(agents):
        name = INJECTION_NAME if number == 0 else f"Agent {number:02d}"
        people.append(
            config_defaults.DemoUser(
                f"u-agent-{number:02d}", f"agent{number:02d}", name, f"a{number}@example.com", Role.AGENT
            )
        )
    boto3.client("kinesis", region_name=REGION).create_stream(StreamName=STREAM, ShardCount=1)
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    env.setenv("EVENT_STREAM", STREAM)
    env.setenv("WS_MANAGEMENT_ENDPOINT", WS_ENDPOINT)
    env.setenv("LAKE_BUCKET", BUCKET)
    reset_settings()
    directory.forget()
    clock.set_clock(lambda: at(DAY, "UTC", 0))
    config_defaults.seed_demo(people)
    directory.forget()
    principals = {p.user_id: Principal(p.user_id, p.username, p.name, p.email, p.role) for p in people}
    sites, zones = {}, directory.site_time_zones()
    for person in people[1:]:
        profile = directory.agent_profile(person.user_id)
        assert profile is not None and profile.site_id
        sites[person.user_id] = profile.site_id
    return Day(aws, {k: v for k, v in principals.items() if v.role == Role.AGENT}, sites, zones)


def plan(day: Day, rng: random.Random) -> list[tuple[datetime, Callable[[], None]]]:
    """Every agent's day as (moment, action); New York's late shift runs over local midnight."""
    admin = Principal("u-admin", "ada", "Ada", "ada@example.com", Role.ADMIN)
    steps: list[tuple[datetime, Callable[[], None]]] = []

    def command(principal: Principal, action: str, **fields: Any) -> Callable[[], None]:
        def run() -> None:
            reply = send_frame(principal, action, **fields)
            assert reply["type"] == "ack", (principal.username, clock.now(), action, fields, reply)

        return run

    for number, (agent_id, agent) in enumerate(sorted(day.agents.items())):
        zone = day.zone_of(agent_id)
        late = day.sites[agent_id] == "site-new-york" and number % 2 == 0
        start = at(DAY, zone, 14 if late else 8, rng.randrange(0, 60), rng.randrange(0, 60))
        steps.append((start, command(agent, "login")))
        steps.append((start + timedelta(seconds=5), command(agent, "setStatus", status="Available")))
        cursor = start + timedelta(hours=2, minutes=rng.randrange(0, 30))
        for code, minutes in (("break", 15), ("lunch", rng.choice((30, 45, 60))), ("training", 20)):
            steps.append((cursor, command(agent, "setStatus", status="Away", reason=code)))
            cursor += timedelta(minutes=minutes, seconds=rng.randrange(0, 60), milliseconds=rng.randrange(0, 1000))
            steps.append((cursor, command(agent, "setStatus", status="Available")))
            cursor += timedelta(hours=1, minutes=rng.randrange(0, 40))
        end = max(start + timedelta(hours=8, minutes=rng.randrange(0, 60)), cursor)
        if late and number % 4 == 0:
            continue  # still logged in at New York's midnight: the scheduled logoff ends the session
        if late:
            end = at(DAY + timedelta(days=1), zone, 0, rng.randrange(1, 15))  # works past midnight, logs off
        if number % 7 == 3:
            steps.append((end, command(admin, "forceLogoff", agentId=agent_id)))
        else:
            steps.append((end, command(agent, "logoff")))
    for site, zone in day.zones.items():
        if site != "site-new-york":
            continue

        def midnight(site: str = site) -> None:
            found = logoff_handler({"step": "find", "siteId": site}, FakeLambdaContext())
            for agent_id in found["agentIds"]:
                logoff_handler({"step": "logoff", "agentId": agent_id}, FakeLambdaContext())

        # the midnight logoff running 20 minutes late: the sessions it ends run over the local midnight
        steps.append((at(DAY + timedelta(days=1), zone, 0, 20), midnight))
    return sorted(steps, key=lambda step: step[0])


def run(day: Day, steps: list[tuple[datetime, Callable[[], None]]]) -> None:
    for moment, action in steps:
        clock.set_clock(lambda moment=moment: moment)
        action()
    clock.reset_clock()


def publish(day: Day) -> None:
    """The events table → the real publisher (as its stream hands them over) → Kinesis → Lambda's records."""
    table = day.aws.tables["events"]
    items = day.aws.scan("events")
    documents = sorted((json.loads(i["document"]["S"]) for i in items), key=lambda d: (d["occurredAt"], d["eventId"]))
    day.documents = documents
    by_id = {i["eventId"]["S"]: i for i in items}
    for first in range(0, len(documents), 100):
        records = [
            {
                "eventID": f"record-{d['eventId']}",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": 1_700_000_000,
                    "Keys": {"eventId": {"S": d["eventId"]}},
                    "NewImage": by_id[d["eventId"]],
                    "SequenceNumber": f"{first + n:021d}",
                    "SizeBytes": 100,
                    "StreamViewType": "NEW_IMAGE",
                },
                "eventSourceARN": f"arn:aws:dynamodb:{REGION}:123456789012:table/{table}/stream/2026-01-01T00:00:00",
            }
            for n, d in enumerate(documents[first : first + 100])
        ]
        result = publisher_handler({"Records": records}, FakeLambdaContext())
        assert not result["batchItemFailures"], result
    day.kinesis_records = read_stream()


def read_stream() -> list[dict[str, Any]]:
    kinesis = boto3.client("kinesis", region_name=REGION)
    shard = kinesis.list_shards(StreamName=STREAM)["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    records = []
    while True:
        page = kinesis.get_records(ShardIterator=iterator, Limit=1000)
        records += [kinesis_record(r["Data"], r["PartitionKey"], r["SequenceNumber"], shard) for r in page["Records"]]
        if not page["Records"]:
            return records
        iterator = page["NextShardIterator"]


def kinesis_record(
    data: bytes, partition_key: str, sequence: str, shard: str = "shardId-000000000000"
) -> dict[str, Any]:
    """A record as Lambda's Kinesis event source mapping hands it over."""
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": sequence,
            "data": base64.b64encode(data).decode(),
            "approximateArrivalTimestamp": 1_741_737_600.0,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard}:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/reporting-aggregator",
        "awsRegion": REGION,
        "eventSourceARN": f"arn:aws:kinesis:{REGION}:123456789012:stream/{STREAM}",
    }


def to_lake(day: Day, *, again: int = 0) -> list[str]:
    """Write the stream's records to the lake as the forwarder does, arriving when they happened (the day is
    simulated); `again` records are delivered a second time, as a retried delivery would."""
    s3 = boto3.client("s3", region_name=REGION)
    records = [
        LakeRecord(
            base64.b64decode(r["kinesis"]["data"]),
            datetime.fromisoformat(json.loads(base64.b64decode(r["kinesis"]["data"]))["occurredAt"]),
            r["kinesis"]["sequenceNumber"],
        )
        for r in day.kinesis_records
    ]
    keys = []
    for first in range(0, len(records), 100):
        keys += write_records(s3, BUCKET, STREAM, "shardId-000000000000", records[first : first + 100])
    if again:
        repeated = [LakeRecord(r.data, r.arrival, r.sequence + "r") for r in records[:again]]
        keys += write_records(s3, BUCKET, STREAM, "shardId-000000000000", repeated)
    return keys
