"""The local AWS's tuning of moto (infra/local/moto_tuning.py) answers exactly as moto does, at a cost that
does not grow with the tables.

Differential tests: the same random transactions run against moto's own methods (in one region) and the
tuned ones (in another region of the same process); after every transaction the answers, every item,
every index and the stream records must be the same. Then the costs: a transaction never copies a table,
and a query never looks at the items outside its partition.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table
from moto.dynamodbstreams.models import dynamodbstreams_backends

from infra.local import moto_tuning

# moto_tuning patches moto for the whole process, as the local stack does: keep it with the stack's tests.
pytestmark = pytest.mark.local_stack

ACCOUNT = "123456789012"
REFERENCE, TUNED = "us-east-1", "eu-west-1"
TABLE = "things"
OWNERS = ("x", "y")

# The replaced methods that hold state or answer queries; each runs moto's own code in the reference region.
COMPARED = (
    "DynamoDBBackend.transact_write_items",
    "DynamoDBBackend.update_item",
    "Table.all_items",
    "Table.query",
    "Table.put_item",
    "Table.delete_item",
    "ActionResult.execute_result",
)


def _region(self: Any, args: tuple[Any, ...]) -> str:
    if hasattr(self, "region_name"):
        return str(self.region_name)
    return str(args[0].response.region)  # a result, serialised in the context of its request


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    moto_tuning.install()
    replaced = {moto_tuning.qualified(cls, name): (cls, name, tuned) for cls, name, tuned in moto_tuning._REPLACEMENTS}
    saved = []
    for qualified in COMPARED:
        cls, name, tuned = replaced[qualified]
        original = moto_tuning.ORIGINALS[qualified]

        def by_region(self: Any, *args: Any, _original: Any = original, _tuned: Any = tuned, **kwargs: Any) -> Any:
            chosen = _original if _region(self, args) == REFERENCE else _tuned
            return chosen(self, *args, **kwargs)

        saved.append((cls, name, getattr(cls, name)))
        setattr(cls, name, by_region)
    try:
        with mock_aws():
            yield
    finally:
        for cls, name, method in saved:
            setattr(cls, name, method)


def _create(region: str) -> Any:
    client = boto3.client("dynamodb", region_name=region)
    with contextlib.suppress(ClientError):
        client.delete_table(TableName=TABLE)
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "owner", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byOwner",
                "KeySchema": [
                    {"AttributeName": "owner", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return client


def _table(region: str) -> Table:
    return dynamodb_backends[ACCOUNT][region].get_table(TABLE)


def _owned_by(client: Any, owner: str, after: str | None = None) -> list[dict[str, Any]]:
    """The items of one owner, by the byOwner index (after a sort key, if given)."""
    condition = "#o = :o AND sk > :s" if after else "#o = :o"
    values = {":o": {"S": owner}, **({":s": {"S": after}} if after else {})}
    return list(
        client.query(
            TableName=TABLE,
            IndexName="byOwner",
            KeyConditionExpression=condition,
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues=values,
        )["Items"]
    )


def _view(client: Any, region: str) -> dict[str, Any]:
    """Everything a reader can see: the items, each partition both ways, each index value, the stream."""
    view: dict[str, Any] = {"scan": sorted(client.scan(TableName=TABLE)["Items"], key=repr)}
    for pk in ("a", "b"):
        for forward in (True, False):
            view[f"q:{pk}:{forward}"] = client.query(
                TableName=TABLE,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
                ScanIndexForward=forward,
            )["Items"]
    for owner in OWNERS:
        view[f"i:{owner}"] = _owned_by(client, owner)
        view[f"i:{owner}:after"] = _owned_by(client, owner, after="1")
        for limit in (1, 2):  # the first few of an index value (the tuning hands moto only those), both ways
            for forward in (True, False):
                page = client.query(
                    TableName=TABLE,
                    IndexName="byOwner",
                    KeyConditionExpression="#o = :o",
                    ExpressionAttributeNames={"#o": "owner"},
                    ExpressionAttributeValues={":o": {"S": owner}},
                    Limit=limit,
                    ScanIndexForward=forward,
                )
                view[f"i:{owner}:{limit}:{forward}"] = (page["Items"], page.get("LastEvaluatedKey"))
    shard = _table(region).stream_shard
    assert shard is not None
    view["stream"] = [
        {k: r.record["dynamodb"].get(k) for k in ("Keys", "NewImage", "OldImage", "SequenceNumber")}
        | {"eventName": r.record["eventName"]}
        for r in shard.items
    ]
    return view


def _outcome(client: Any, items: list[dict[str, Any]]) -> Any:
    try:
        client.transact_write_items(TransactItems=copy.deepcopy(items))
    except ClientError as exc:
        error = exc.response["Error"]
        return error.get("Code"), error.get("Message"), exc.response.get("CancellationReasons")
    return "ok"


# --- random transactions ------------------------------------------------------------------------------------

keys = st.fixed_dictionaries(
    {"pk": st.sampled_from("ab").map(lambda v: {"S": v}), "sk": st.sampled_from("12").map(lambda v: {"S": v})}
)
conditions = st.sampled_from([None, "attribute_exists(pk)", "attribute_not_exists(pk)", "n > :zero"])


@st.composite
def operation(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["Put", "Update", "Delete", "ConditionCheck"]))
    key = draw(keys)
    condition = draw(conditions)
    if kind == "ConditionCheck" and condition is None:
        condition = "attribute_exists(pk)"
    op: dict[str, Any] = {"TableName": TABLE}
    values: dict[str, Any] = {}
    if kind == "Put":
        item = dict(key) | {"n": {"N": str(draw(st.integers(0, 3)))}}
        owner = draw(st.sampled_from((*OWNERS, None)))
        if owner:
            item["owner"] = {"S": owner}
        op["Item"] = item
    else:
        op["Key"] = key
    if kind == "Update":
        expression = draw(st.sampled_from(["SET #o = :o", "REMOVE #o", "SET n = if_not_exists(n, :zero) + :one"]))
        op["UpdateExpression"] = expression
        if "#o" in expression:
            op["ExpressionAttributeNames"] = {"#o": "owner"}
        if ":o" in expression:
            values[":o"] = {"S": draw(st.sampled_from(OWNERS))}
        if ":one" in expression:
            values |= {":zero": {"N": "0"}, ":one": {"N": "1"}}
    if condition:
        op["ConditionExpression"] = condition
        if ":zero" in condition:
            values[":zero"] = {"N": "0"}
        if draw(st.booleans()):
            op["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if values:
        op["ExpressionAttributeValues"] = values
    return {kind: op}


transactions = st.lists(st.lists(operation(), min_size=1, max_size=3), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=transactions)
def test_tuned_transactions_answer_and_leave_everything_as_moto_does(
    aws: None, batch: list[list[dict[str, Any]]]
) -> None:
    reference, tuned = _create(REFERENCE), _create(TUNED)
    for items in batch:
        assert _outcome(tuned, items) == _outcome(reference, items)
        assert _view(tuned, TUNED) == _view(reference, REFERENCE)


def test_a_cancelled_transaction_leaves_items_indexes_and_stream_exactly_as_they_were(aws: None) -> None:
    client = _create(TUNED)
    for sk in "12":
        client.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": sk}, "owner": {"S": "x"}, "n": {"N": "1"}})
    before = _view(client, TUNED)
    cancelled = [
        {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "b"}, "sk": {"S": "1"}, "owner": {"S": "x"}}}},
        {
            "Update": {
                "TableName": TABLE,
                "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                "UpdateExpression": "SET #o = :o",
                "ExpressionAttributeNames": {"#o": "owner"},
                "ExpressionAttributeValues": {":o": {"S": "y"}},
            }
        },
        {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "a"}, "sk": {"S": "2"}}}},
        {
            "ConditionCheck": {
                "TableName": TABLE,
                "Key": {"pk": {"S": "b"}, "sk": {"S": "2"}},
                "ConditionExpression": "attribute_exists(pk)",
            }
        },
    ]
    code, _, reasons = _outcome(client, cancelled)
    assert code == "TransactionCanceledException"
    assert [r["Code"] for r in reasons] == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _view(client, TUNED) == before


def test_a_transaction_never_copies_a_table(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _create(TUNED)
    for start in range(0, 500, 25):
        client.batch_write_item(
            RequestItems={
                TABLE: [
                    {"PutRequest": {"Item": {"pk": {"S": f"p{i}"}, "sk": {"S": "1"}, "owner": {"S": "x"}}}}
                    for i in range(start, start + 25)
                ]
            }
        )

    def refuse(self: Table, memo: Any) -> Any:
        raise AssertionError("a transaction copied a whole table")

    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    put = {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}}}}
    refused = {
        "ConditionCheck": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "p1"}, "sk": {"S": "1"}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    assert _outcome(client, [put]) == "ok"
    assert _outcome(client, [put, refused])[0] == "TransactionCanceledException"


def test_a_query_looks_only_at_its_partition_or_index_value(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _create(TUNED)
    for i in range(50):
        client.put_item(
            TableName=TABLE, Item={"pk": {"S": f"p{i % 5}"}, "sk": {"S": f"{i:03}"}, "owner": {"S": OWNERS[i % 2]}}
        )

    def refuse(self: Table) -> Any:
        raise AssertionError("a query walked the whole table")

    monkeypatch.setitem(moto_tuning.ORIGINALS, "Table.all_items", refuse)
    in_partition = client.query(
        TableName=TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p1"}}
    )["Items"]
    assert [i["sk"]["S"] for i in in_partition] == [f"{i:03}" for i in range(1, 50, 5)]
    assert [i["sk"]["S"] for i in _owned_by(client, "y")] == [f"{i:03}" for i in range(1, 50, 2)]
    # an item that changes owner moves between index values at once
    client.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "p1"}, "sk": {"S": "001"}},
        UpdateExpression="SET #o = :o",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":o": {"S": "x"}},
    )
    moved = _owned_by(client, "y")
    assert "001" not in [i["sk"]["S"] for i in moved] and len(moved) == 24


def test_kinesis_reads_by_sequence_number(aws: None) -> None:
    kinesis = boto3.client("kinesis", region_name=TUNED)
    kinesis.create_stream(StreamName="events", ShardCount=1)
    shard = kinesis.list_shards(StreamName="events")["Shards"][0]["ShardId"]
    numbers = [
        kinesis.put_record(StreamName="events", Data=f"{i}".encode(), PartitionKey="k")["SequenceNumber"]
        for i in range(30)
    ]
    assert [int(n) for n in numbers] == list(range(1, 31))

    def read(kind: str, after: str | None = None, limit: int = 10) -> list[str]:
        kwargs: dict[str, Any] = {"StreamName": "events", "ShardId": shard, "ShardIteratorType": kind}
        if after:
            kwargs["StartingSequenceNumber"] = after
        iterator = kinesis.get_shard_iterator(**kwargs)["ShardIterator"]
        return [r["Data"].decode() for r in kinesis.get_records(ShardIterator=iterator, Limit=limit)["Records"]]

    assert read("TRIM_HORIZON") == [str(i) for i in range(10)]
    assert read("AFTER_SEQUENCE_NUMBER", numbers[9], limit=5) == ["10", "11", "12", "13", "14"]
    assert read("AT_SEQUENCE_NUMBER", numbers[28]) == ["28", "29"]
    assert read("LATEST") == []
    iterator = kinesis.get_shard_iterator(StreamName="events", ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    seen: list[str] = []
    while True:
        page = kinesis.get_records(ShardIterator=iterator, Limit=7)
        if not page["Records"]:
            break
        seen += [r["Data"].decode() for r in page["Records"]]
        iterator = page["NextShardIterator"]
    assert seen == [str(i) for i in range(30)]


def test_stream_shard_iterators_expire_after_fifteen_minutes(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _create(TUNED)
    table = _table(TUNED)
    assert table.stream_shard is not None
    arn = f"{table.table_arn}/stream/{table.latest_stream_label}"
    backend = dynamodbstreams_backends[ACCOUNT][TUNED]
    shard_id = table.stream_shard.id
    backend.shard_iterators.clear()
    old = [backend.get_shard_iterator(arn, shard_id, "TRIM_HORIZON").arn for _ in range(5)]
    now = moto_tuning.time.monotonic()
    monkeypatch.setattr(moto_tuning.time, "monotonic", lambda: now + moto_tuning.SHARD_ITERATOR_SECONDS + 1)
    fresh = backend.get_shard_iterator(arn, shard_id, "TRIM_HORIZON").arn
    following = backend.get_records(fresh, 10)["NextShardIterator"]
    assert not set(old) & set(backend.shard_iterators)
    assert {fresh, following} <= set(backend.shard_iterators)


# --- responses -------------------------------------------------------------------------------------------------

scalars = st.one_of(
    st.text(max_size=5).map(lambda v: {"S": v}),
    st.integers(-(10**6), 10**6).map(lambda v: {"N": str(v)}),
    st.binary(max_size=6).map(lambda v: {"B": v}),
    st.booleans().map(lambda v: {"BOOL": v}),
    st.just({"NULL": True}),
    st.sets(st.text(min_size=1, max_size=3), min_size=1, max_size=3).map(lambda v: {"SS": sorted(v)}),
    st.sets(st.integers(0, 99), min_size=1, max_size=3).map(lambda v: {"NS": sorted(str(n) for n in v)}),
    st.sets(st.binary(min_size=1, max_size=3), min_size=1, max_size=3).map(lambda v: {"BS": sorted(v)}),
)
attribute_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda v: {"L": v}),
        st.dictionaries(st.text(min_size=1, max_size=3), inner, max_size=3).map(lambda v: {"M": v}),
    ),
    max_leaves=6,
)
stored_items = st.lists(
    st.fixed_dictionaries(
        {"pk": st.sampled_from("ab").map(lambda v: {"S": v}), "sk": st.sampled_from("123").map(lambda v: {"S": v})},
        optional={"owner": st.sampled_from(OWNERS).map(lambda v: {"S": v}), "extra": attribute_values},
    ),
    min_size=1,
    max_size=6,
)


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _reads(client: Any, item: dict[str, Any]) -> list[Any]:
    key = {"pk": item["pk"], "sk": item["sk"]}
    capacity = {"ReturnConsumedCapacity": "INDEXES"}
    calls: list[Any] = [
        lambda: client.get_item(TableName=TABLE, Key=key, **capacity),
        lambda: client.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": item["pk"]},
            Limit=1,
            **capacity,
        ),
        lambda: client.query(
            TableName=TABLE,
            IndexName="byOwner",
            KeyConditionExpression="#o = :o",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues={":o": {"S": "x"}},
        ),
        lambda: client.scan(TableName=TABLE, Limit=2, **capacity),
        lambda: client.batch_get_item(RequestItems={TABLE: {"Keys": [key]}}, **capacity),
        lambda: client.transact_get_items(TransactItems=[{"Get": {"TableName": TABLE, "Key": key}}], **capacity),
        lambda: client.update_item(
            TableName=TABLE,
            Key=key,
            UpdateExpression="SET n = if_not_exists(n, :z) + :one",
            ExpressionAttributeValues={":z": {"N": "0"}, ":one": {"N": "1"}},
            ReturnValues="ALL_NEW",
            **capacity,
        ),
        lambda: client.put_item(TableName=TABLE, Item=item, ReturnValues="ALL_OLD", **capacity),
        lambda: client.delete_item(TableName=TABLE, Key=key, ReturnValues="ALL_OLD", **capacity),
        lambda: client.transact_write_items(
            TransactItems=[{"Put": {"TableName": TABLE, "Item": item}}], ReturnConsumedCapacity="TOTAL"
        ),
        lambda: client.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": item}}]}, **capacity),
    ]
    return [_without_metadata(call()) for call in calls]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=stored_items)
def test_responses_are_serialised_as_moto_does(aws: None, items: list[dict[str, Any]]) -> None:
    reference, tuned = _create(REFERENCE), _create(TUNED)
    for item in items:
        reference.put_item(TableName=TABLE, Item=item)
        tuned.put_item(TableName=TABLE, Item=item)
    for item in items:
        assert _reads(tuned, item) == _reads(reference, item)


def test_the_first_few_of_an_index_value_are_the_first_few_of_all_of_it(aws: None) -> None:
    """A query of an index with a Limit hands moto only the first Limit + 1 items (and any tied with the last):
    the page, its LastEvaluatedKey and the pages after it are what the whole index value gives."""
    for region in (REFERENCE, TUNED):
        client = _create(region)
        for i in range(60):
            owner = OWNERS[i % 2]
            client.put_item(
                TableName=TABLE, Item={"pk": {"S": f"p{i}"}, "sk": {"S": f"{i // 4:03}"}, "owner": {"S": owner}}
            )
    pages: dict[str, list[Any]] = {}
    for region in (REFERENCE, TUNED):
        client = boto3.client("dynamodb", region_name=region)
        for forward in (True, False):
            start: dict[str, Any] | None = None
            seen: list[Any] = []
            while True:
                page = client.query(
                    TableName=TABLE,
                    IndexName="byOwner",
                    KeyConditionExpression="#o = :o",
                    ExpressionAttributeNames={"#o": "owner"},
                    ExpressionAttributeValues={":o": {"S": "x"}},
                    Limit=7,
                    ScanIndexForward=forward,
                    **({"ExclusiveStartKey": start} if start else {}),
                )
                seen.append((page["Items"], page.get("LastEvaluatedKey")))
                start = page.get("LastEvaluatedKey")
                if not start:
                    break
            pages[f"{region}:{forward}"] = seen
            whole = _owned_by(client, "x")
            assert [i for items, _ in seen for i in items] == (whole if forward else whole[::-1])
    assert pages[f"{REFERENCE}:True"] == pages[f"{TUNED}:True"]
    assert pages[f"{REFERENCE}:False"] == pages[f"{TUNED}:False"]
