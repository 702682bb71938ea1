"""The local event source mappings (infra/local/pollers.py) against the local AWS in server mode: a write
wakes its reader, records arrive in order in batches of the cloud's shape, a failed record and everything
after it is delivered again, nothing is lost when a consumer fails, and an idle reader reads nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.core.responses import ActionResult

from agentdesk import wiring
from infra.local import moto_tuning
from infra.local.aws import LocalAws
from infra.local.lambda_runtime import FunctionError
from infra.local.pollers import Mapping, Poller
from tests.integration.local_stack import local_aws_alone

pytestmark = pytest.mark.local_stack

REGION = "us-east-1"
CONSUMER = wiring.Function(name="consumer", description="test consumer", triggers=())


class Consumer:
    """Stands in for the local Lambda runtime: records every batch and fails as told."""

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.fail_item: set[str] = set()  # keys whose record is reported failed once
        self.raise_once = False
        self.lock = threading.Lock()

    def invoke(self, name: str, event: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            records = event["Records"]
            self.batches.append(records)
            if self.raise_once:
                self.raise_once = False
                raise FunctionError({"errorMessage": "boom", "errorType": "RuntimeError"})
            for record in records:
                key = record["dynamodb"]["Keys"]["pk"]["S"]
                if key in self.fail_item:
                    self.fail_item.discard(key)
                    return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
            return {"batchItemFailures": []}

    def delivered_keys(self) -> list[str]:
        """Keys in delivery order, each batch counted up to its first failure (as the poller does)."""
        return [r["dynamodb"]["Keys"]["pk"]["S"] for batch in self.batches for r in batch]


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with local_aws_alone(REGION) as aws:
        yield aws


@pytest.fixture
def table(local_aws: LocalAws) -> Iterator[tuple[Any, str, str]]:
    client = boto3.client(
        "dynamodb",
        endpoint_url=local_aws.endpoint,
        region_name=REGION,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    name = f"t{time.monotonic_ns()}"
    arn = client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    yield client, name, arn
    client.delete_table(TableName=name)


def _poller(
    local_aws: LocalAws,
    consumer: Consumer,
    name: str,
    arn: str,
    batch_size: int = 10,
    pattern: dict[str, Any] | None = None,
) -> Poller:
    def client(service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=local_aws.endpoint,
            region_name=REGION,
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )

    poller = Poller(consumer, client, REGION)  # type: ignore[arg-type]
    poller.start_mappings([Mapping(CONSUMER, arn, name, batch_size, "dynamodb", pattern)])
    return poller


def _put(client: Any, name: str, keys: list[str]) -> None:
    for key in keys:
        client.put_item(TableName=name, Item={"pk": {"S": key}})


def _put_together(client: Any, name: str, keys: list[str]) -> None:
    """One transaction: a reader sees all of its records or none, so they arrive in one batch."""
    client.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": {"pk": {"S": k}}}} for k in keys])


def test_writes_arrive_in_order_in_batches_of_the_cloud_shape(local_aws: LocalAws, table: tuple[Any, str, str]) -> None:
    client, name, arn = table
    consumer = Consumer()
    poller = _poller(local_aws, consumer, name, arn, batch_size=4)
    try:
        keys = [f"k{i:02}" for i in range(25)]
        _put(client, name, keys)
        assert poller.wait_idle(timeout=20)
        assert consumer.delivered_keys() == keys
        assert all(len(batch) <= 4 for batch in consumer.batches)
        record = consumer.batches[0][0]
        assert record["eventSourceARN"] == arn and record["eventName"] == "INSERT"
        assert record["eventSource"] == "aws:dynamodb" and record["awsRegion"] == REGION
        assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
        assert poller.delivered["consumer"] == 25
    finally:
        poller.stop()


def test_a_failed_record_and_those_after_it_are_delivered_again(
    local_aws: LocalAws, table: tuple[Any, str, str]
) -> None:
    client, name, arn = table
    consumer = Consumer()
    consumer.fail_item = {"b"}
    poller = _poller(local_aws, consumer, name, arn)
    try:
        poller.wait_idle(timeout=5)
        _put_together(client, name, ["a", "b", "c"])
        assert poller.wait_idle(timeout=20)
        assert consumer.batches[0] and [r["dynamodb"]["Keys"]["pk"]["S"] for r in consumer.batches[0]] == [
            "a",
            "b",
            "c",
        ]
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in consumer.batches[1]] == ["b", "c"]
        assert poller.delivered["consumer"] == 3
    finally:
        poller.stop()


def test_a_consumer_that_raises_gets_the_whole_batch_again(local_aws: LocalAws, table: tuple[Any, str, str]) -> None:
    client, name, arn = table
    consumer = Consumer()
    consumer.raise_once = True
    poller = _poller(local_aws, consumer, name, arn)
    try:
        _put_together(client, name, ["a", "b"])
        assert poller.wait_idle(timeout=20)
        assert [[r["dynamodb"]["Keys"]["pk"]["S"] for r in batch] for batch in consumer.batches] == [
            ["a", "b"],
            ["a", "b"],
        ]
        assert poller.delivered["consumer"] == 2
    finally:
        poller.stop()


def test_an_idle_reader_reads_nothing_and_a_write_wakes_it(local_aws: LocalAws, table: tuple[Any, str, str]) -> None:
    client, name, arn = table
    consumer = Consumer()
    poller = _poller(local_aws, consumer, name, arn)
    try:
        assert poller.wait_idle(timeout=5)
        reads = poller.reads
        time.sleep(1.5)
        assert poller.reads == reads  # no timer-driven polling
        _put(client, name, ["woken"])
        deadline = time.monotonic() + 5
        while not consumer.batches and time.monotonic() < deadline:
            time.sleep(0.01)
        assert consumer.delivered_keys() == ["woken"]
        assert poller.wait_idle(timeout=5)
        assert poller.reads - reads <= 3  # read the record, then find the end of the shard
    finally:
        poller.stop()


def test_stream_records_are_serialised_as_moto_does(
    local_aws: LocalAws, table: tuple[Any, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, name, arn = table
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}, "m": {"M": {"n": {"N": "1"}}}})
    client.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    streams = boto3.client(
        "dynamodbstreams",
        endpoint_url=local_aws.endpoint,
        region_name=REGION,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    tuned = streams.get_records(ShardIterator=iterator)
    monkeypatch.setattr(ActionResult, "execute_result", moto_tuning.ORIGINALS["ActionResult.execute_result"])
    shipped = streams.get_records(ShardIterator=iterator)
    assert [r["eventName"] for r in tuned["Records"]] == ["INSERT", "REMOVE"]
    assert tuned["Records"] == shipped["Records"]


def test_a_filtered_mapping_gets_only_matching_records_and_moves_past_the_others(
    local_aws: LocalAws, table: tuple[Any, str, str]
) -> None:
    client, name, arn = table
    consumer = Consumer()

    pattern = wiring.TableStream("events", only_types=("config.changed",)).filter_pattern()
    poller = _poller(local_aws, consumer, name, arn, pattern=pattern)
    try:
        for key, kind in (("a", "agent.state.changed"), ("b", "config.changed"), ("c", "agent.state.changed")):
            client.put_item(TableName=name, Item={"pk": {"S": key}, "type": {"S": kind}})
        client.put_item(TableName=name, Item={"pk": {"S": "b"}, "type": {"S": "config.changed"}, "n": {"N": "1"}})
        assert poller.wait_idle(timeout=20)
        assert consumer.delivered_keys() == ["b"]  # the update of b is a MODIFY, not a new event
        reads = poller.reads
        time.sleep(0.5)
        assert poller.reads == reads  # nothing filtered out is read again
    finally:
        poller.stop()
