"""The publisher (functions/publisher/handler.py) is idempotent on `eventId` and reports partial failures.

On an in-process local stack whose stream pollers are stopped, agents change state over real WebSockets;
the events table's stream records are read with boto3 (dynamodbstreams) and handed to the real handler in
the batch shape Lambda uses — once, again, and shuffled with duplicates. Kinesis must hold each event once,
each connection must get each push once, a connection that is gone is deleted, and a bad record is
reported alone in `batchItemFailures` while the others go through.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel

from agentdesk.agents import service as commands
from agentdesk.agents import store as agents
from agentdesk.config import directory
from agentdesk.kernel import clock
from agentdesk.kernel.identity import Principal, Role
from agentdesk.realtime import connections
from functions.publisher.handler import handler
from infra.local.lambda_runtime import LocalContext
from infra.local.seed import DEMO_PASSWORD
from infra.local.stack import LocalStack
from tests.integration.local_stack import running_stack
from tests.support import WorkspaceClient, claims_of, sign_in

STALE = "stale-connection-0001"

# The in-process local stack runs in its own pytest process (scripts/test.sh): moto's backends and the
# platform's caches are process-global, shared with the tests that use mock_aws.
pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        # From here on this module is the only consumer of the events stream: nothing is delivered behind
        # our backs, and what the seed wrote has been delivered already (start() waits for that).
        running.pollers.stop()
        yield running


def token(stack: LocalStack, username: str) -> str:
    assert stack.provisioned is not None
    return sign_in(stack.aws_endpoint, stack.provisioned.user_pool_client_id, username, DEMO_PASSWORD)


def ws_url(stack: LocalStack) -> str:
    return f"ws://127.0.0.1:{stack.options.port}/ws"


class EventsStream:
    """Reads the events table's stream and shapes its records as Lambda's event source mapping does."""

    def __init__(self, stack: LocalStack) -> None:
        assert stack.provisioned is not None
        self.stack = stack
        self.streams = stack.client("dynamodbstreams")
        table = stack.client("dynamodb").describe_table(TableName=stack.provisioned.table_names["events"])
        self.arn = table["Table"]["LatestStreamArn"]
        self.seen: set[str] = set()

    def new_records(self) -> list[dict[str, Any]]:
        """Every record not returned before, in stream order, as Lambda hands them to the function."""
        found = []
        for shard in self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = self.streams.get_records(ShardIterator=iterator, Limit=100)
                found += [r for r in page["Records"] if r["dynamodb"]["SequenceNumber"] not in self.seen]
                iterator = page.get("NextShardIterator") if page["Records"] else None
        self.seen |= {r["dynamodb"]["SequenceNumber"] for r in found}
        return [self.lambda_record(r) for r in found]

    def lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        image = dict(record["dynamodb"])
        created = image.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):
            image["ApproximateCreationDateTime"] = int(created.timestamp())
        return {**record, "dynamodb": image, "eventSourceARN": self.arn, "awsRegion": self.stack.options.region}


def batch(records: list[dict[str, Any]]) -> dict[str, Any]:
    event = {"Records": records}
    parse(event=event, model=DynamoDBStreamModel)  # the shape Lambda delivers, by Powertools' own model
    return event


def publish(records: list[dict[str, Any]]) -> dict[str, Any]:
    context = LocalContext(
        function_name="agentdesk-publisher",
        memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:agentdesk-publisher",
        timeout_seconds=30,
    )
    result: dict[str, Any] = handler(batch(records), context)  # type: ignore[arg-type]
    return result


def event_id(record: dict[str, Any]) -> str:
    return str(json.loads(record["dynamodb"]["NewImage"]["document"]["S"])["eventId"])


def kinesis_event_ids(stack: LocalStack) -> Counter[str]:
    """How many times each eventId is in the Kinesis stream."""
    kinesis = stack.client("kinesis")
    name = stack.provisioned.streams["events"]  # type: ignore[union-attr]
    found: Counter[str] = Counter()
    for shard in kinesis.list_shards(StreamName=name)["Shards"]:
        iterator = kinesis.get_shard_iterator(
            StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = kinesis.get_records(ShardIterator=iterator, Limit=1000)
            found.update(json.loads(r["Data"])["eventId"] for r in page["Records"])
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return found


def save_old_connection(connection_id: str, principal: Principal, age_seconds: int = 120) -> None:
    """A connection record written `age_seconds` ago (past the time a connection may take to open)."""
    opened = datetime.now(UTC) - timedelta(seconds=age_seconds)
    clock.set_clock(lambda: opened)
    try:
        connections.save_connection(connection_id, principal, 7200)
    finally:
        clock.reset_clock()


async def drain(client: WorkspaceClient, seconds: float = 0.3) -> None:
    """Read whatever arrives within `seconds` into the client's push queue."""
    with contextlib.suppress(AssertionError):
        await client.push(lambda _: False, timeout=seconds)


def state_pushes(client: WorkspaceClient) -> Counter[str]:
    return Counter(p["eventId"] for p in client.pushes if p.get("type") == "agent.state")


def test_redelivered_and_shuffled_batches_reach_kinesis_and_each_connection_once(stack: LocalStack) -> None:
    stream = EventsStream(stack)
    stream.new_records()  # the seed's, delivered before the pollers stopped
    alice_token = token(stack, "alice")
    alice = claims_of(alice_token)["sub"]
    supervisor = next(iter(directory.supervisors_of(alice)))
    boss_name = next(u.username for u in stack.users if u.user_id == supervisor)
    # a connection whose socket is long gone, as the table keeps it until $disconnect or its TTL
    save_old_connection(STALE, Principal(alice, "alice", "Alice", "alice@example.com", Role.AGENT))

    async def scenario() -> list[str]:
        tab1 = await WorkspaceClient.connect(ws_url(stack), alice_token)
        tab2 = await WorkspaceClient.connect(ws_url(stack), alice_token)
        boss = await WorkspaceClient.connect(ws_url(stack), token(stack, boss_name))
        for action, fields in (("login", {}), ("setStatus", {"status": "Away", "reason": "lunch"}), ("logoff", {})):
            reply = await tab1.request(action, **fields)
            assert reply["type"] == "ack", reply
        records = stream.new_records()
        ids = [event_id(r) for r in records]
        assert len(ids) == 3 and len(set(ids)) == 3

        first = await asyncio.to_thread(publish, records)
        again = await asyncio.to_thread(publish, records)
        shuffled = records + records[:2]
        random.Random(7).shuffle(shuffled)
        third = await asyncio.to_thread(publish, shuffled)
        assert first == again == third == {"batchItemFailures": []}

        twice = []
        for client in (tab1, tab2, boss):
            for each in ids:  # every push arrives ...
                await client.push(lambda p, each=each: p.get("type") == "agent.state" and p.get("eventId") == each)
            await drain(client)
            # ... and none twice (each one awaited was taken off the queue)
            twice.append(set(state_pushes(client)) & set(ids))
            await client.close()
        assert twice == [set(), set(), set()], twice
        return ids

    ids = asyncio.run(scenario())
    in_kinesis = kinesis_event_ids(stack)
    assert {each: in_kinesis[each] for each in ids} == dict.fromkeys(ids, 1)
    assert connections.get_connection(STALE) is None, "the gone connection was not deleted"


def test_a_bad_record_is_reported_alone_and_the_others_go_through(stack: LocalStack) -> None:
    stream = EventsStream(stack)
    stream.new_records()
    bob_token = token(stack, "bob")

    async def change_twice() -> None:
        tab = await WorkspaceClient.connect(ws_url(stack), bob_token)
        for action in ("login", "logoff"):
            assert (await tab.request(action))["type"] == "ack"
        await tab.close()

    asyncio.run(change_twice())
    good = stream.new_records()
    assert len(good) == 2
    bad = copy.deepcopy(good[0])
    bad["eventID"] = "bad-record"
    bad["dynamodb"]["SequenceNumber"] = "9" * 21
    bad["dynamodb"]["NewImage"]["document"]["S"] = '{"eventId": "ev_broken", "type": '  # cut short
    removed = copy.deepcopy(good[1])  # a TTL expiry in the outbox: not a new event (the view has no image)
    removed["eventName"] = "REMOVE"
    removed["dynamodb"] = {k: v for k, v in removed["dynamodb"].items() if k != "NewImage"}
    removed["dynamodb"]["SequenceNumber"] = "8" * 21

    before = kinesis_event_ids(stack)
    result = publish([good[0], bad, removed, good[1]])

    assert result == {"batchItemFailures": [{"itemIdentifier": "9" * 21}]}
    after = kinesis_event_ids(stack)
    delivered = after - before
    assert delivered == Counter({event_id(good[0]): 1, event_id(good[1]): 1})
    # the redelivery Lambda makes from the failed record on: still nothing twice
    assert publish([bad, removed, good[1]]) == {"batchItemFailures": [{"itemIdentifier": "9" * 21}]}
    assert kinesis_event_ids(stack) == after


def test_a_gone_connection_that_was_the_agents_last_starts_the_grace_check(stack: LocalStack) -> None:
    # $disconnect is delivered on a best-effort basis: the publisher, finding the agent's only recorded
    # connection gone (410), deletes it and starts the grace timer itself.
    stream = EventsStream(stack)
    stream.new_records()
    bob = next(u for u in stack.users if u.username == "bob")
    principal = Principal(bob.user_id, "bob", bob.name, bob.email, Role.AGENT)
    commands.login(principal, commands.Login(action="login", requestId="r1"))
    save_old_connection("lost-disconnect-0001", principal)
    assert agents.presence_timer(bob.user_id) is None

    assert publish(stream.new_records()) == {"batchItemFailures": []}
    assert connections.get_connection("lost-disconnect-0001") is None
    timer = agents.presence_timer(bob.user_id)
    assert timer is not None
    stack.client("stepfunctions").stop_execution(executionArn=timer["executionArn"])  # not to outlive the stack


def test_a_connection_still_opening_is_kept_when_a_push_finds_it_unknown(stack: LocalStack) -> None:
    # $connect stores the record before API Gateway knows the connection: a push in that moment gets 410,
    # and deleting the record would leave the new connection deaf to every later push.
    stream = EventsStream(stack)
    stream.new_records()
    carol = next(u for u in stack.users if u.username == "carol")
    principal = Principal(carol.user_id, "carol", carol.name, carol.email, Role.AGENT)
    connections.save_connection("opening-0001", principal, 7200)
    commands.login(principal, commands.Login(action="login", requestId="r2"))

    assert publish(stream.new_records()) == {"batchItemFailures": []}
    assert connections.get_connection("opening-0001") is not None
    assert agents.presence_timer(carol.user_id) is None
    connections.delete_connection("opening-0001")
