"""What the local AWS changes in moto so that a call costs the same on a fresh stack and after a long day,
without changing what any call answers.

moto is written for tests with a handful of items; the local stack keeps a day of history. Left alone:
- `TransactWriteItems` deep-copies every table it touches (to undo a cancelled transaction): its cost grows
  with the tables. Here it keeps only the items it touches and the length of their stream, and puts those
  back on cancellation; the stream records of a cancelled transaction are removed before anyone reads them.
- `Query` sorts the whole table (and walks all of it for an index) for every call. Here a query on the
  table reads its partition only, and a query on a global secondary index reads the items under its
  partition value from a map kept up to date by every write.
- Kinesis `PutRecord` lists every record of the shard to find the last sequence number, and `GetRecords`
  walks from the first record. Here both go by sequence number.
- DynamoDB Streams keeps every shard iterator it ever handed out. Here they expire after 15 minutes, as
  DynamoDB's do.
- Every response is serialised by a generic walker that tries several spellings of each member name on
  every value. Here the results of DynamoDB's data-plane operations, DynamoDB Streams' reads and Kinesis'
  writes (plain dicts already in wire form) are walked by their output shape with plain lookups: the same
  JSON, a fraction of the time.
- Every request lists moto's package folder (to tell a service name from a host name) and every response
  class's methods; both are the same for the life of the process, so they are looked up once.

DynamoDB and DynamoDB Streams requests are also serialised by one lock (`DYNAMODB`): moto's threaded
server would otherwise let a reader see a transaction half applied, which DynamoDB never shows.

Every write to a DynamoDB stream or a Kinesis stream is reported to `on_write` listeners (the local event
source mappings wake on it instead of polling on a timer).

`install()` is idempotent; it patches moto's classes for the whole process.
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from moto import backends, settings
from moto.core import responses
from moto.core.responses import ActionContext, ActionResult
from moto.dynamodb.comparisons import OpDefault, get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import GlobalSecondaryIndex, StreamShard, Table
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from moto.kinesis.models import Shard as KinesisShard
from moto.kinesis.models import Stream as KinesisStream
from moto.moto_server.werkzeug_app import create_backend_app

DYNAMODB = threading.RLock()
SHARD_ITERATOR_SECONDS = 15 * 60

Key = tuple[DynamoType, DynamoType | None]
Value = tuple[str, Any]  # an index partition value as (type, value): DynamoType objects may change in place
WriteListener = Callable[[str, str], None]  # (source kind "dynamodb" | "kinesis", table or stream name)

_listeners: list[WriteListener] = []
# moto's own methods, by "Class.method", kept when `install` replaces them (the tuned ones call them, and
# tests compare the two).
ORIGINALS: dict[str, Any] = {}


def on_write(listener: WriteListener) -> Callable[[], None]:
    """Call `listener(kind, name)` after every write to a DynamoDB or Kinesis stream; returns a remover."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _written(kind: str, name: str) -> None:
    for listener in list(_listeners):
        listener(kind, name)


def install() -> None:
    if ORIGINALS:
        return
    for owner, name, _ in _REPLACEMENTS:
        ORIGINALS[qualified(owner, name)] = getattr(owner, name)
    for owner, name, tuned in _REPLACEMENTS:
        setattr(owner, name, tuned)


def uninstall() -> None:
    """Put moto's own methods back (benchmarks compare the two)."""
    for owner, name, _ in _REPLACEMENTS:
        original = ORIGINALS.get(qualified(owner, name))
        if original is not None:
            setattr(owner, name, original)
    ORIGINALS.clear()
    _moto_modules.cache_clear()
    _method_names.cache_clear()


def qualified(owner: Any, name: str) -> str:
    """ "Class.method", or "module.function" by the module's last name."""
    return f"{owner.__name__.rsplit('.', 1)[-1]}.{name}"


def _original(name: str) -> Any:
    return ORIGINALS[name]


# --- what every request looked up again -------------------------------------------------------------------


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_original("backends.list_of_moto_modules")())


@functools.cache
def _method_names(cls: type) -> frozenset[str]:
    return frozenset(_original("responses.method_names_from_class")(cls))


# --- DynamoDB responses by shape -----------------------------------------------------------------------------

# Operations whose results are plain dicts of wire names (items, keys, counts, consumed capacity, stream
# records), by service.
FAST_SERIALISED = {
    "dynamodb": frozenset(
        {
            "GetItem",
            "BatchGetItem",
            "Query",
            "Scan",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "BatchWriteItem",
            "TransactGetItems",
            "TransactWriteItems",
        }
    ),
    "dynamodbstreams": frozenset({"GetRecords", "GetShardIterator"}),
    "kinesis": frozenset({"PutRecord", "PutRecords"}),
}


class _NotPlain(Exception):
    """The result holds something the plain walk does not handle: moto's own serialiser takes it."""


def _plain(value: Any, shape: Any, serializer: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise _NotPlain
        out = {}
        for name, member in shape.members.items():
            member_value = value.get(name)
            if member_value is not None:
                out[member.serialization.get("name", name)] = _plain(member_value, member, serializer)
        return out
    if kind == "list":
        return [_plain(v, shape.member, serializer) for v in value]
    if kind == "map":
        return {k: _plain(v, shape.value, serializer) for k, v in value.items()}
    if kind == "blob":
        return serializer._base64(value)
    if kind == "timestamp":
        wrapper: dict[str, Any] = {}
        serializer._timestamp_serializer.serialize(wrapper, value, shape, "timestamp")
        return wrapper["timestamp"]
    if kind in ("string", "boolean", "integer", "long", "double", "float"):
        return value
    raise _NotPlain


def _execute_result(self: ActionResult, context: ActionContext) -> Any:
    original = _original("ActionResult.execute_result")
    operation = context.operation_model
    fast = FAST_SERIALISED.get(context.service_model.service_name, frozenset())
    if operation.name not in fast or operation.output_shape is None or not isinstance(self.result, dict):
        return original(self, context)
    serializer = context.serializer_class(
        operation_model=operation, pretty_print=settings.PRETTIFY_RESPONSES, value_picker=None
    )
    try:
        body = _plain(self.result, operation.output_shape, serializer)
    except _NotPlain:
        return original(self, context)
    response = serializer._serialized_result_to_response(
        serializer._create_default_response(), self.result, operation.output_shape, body
    )
    return response["status_code"], response["headers"], response["body"]


def backend_app(service: Any) -> Any:
    """moto's Flask application of a service, out of debug mode (its request helpers cost every request)."""
    app = create_backend_app(service)
    app.debug = False
    return app


# --- one request at a time -------------------------------------------------------------------------------


def _dynamodb_call_action(self: DynamoHandler) -> Any:
    with DYNAMODB:
        return _original("DynamoHandler.call_action")(self)


def _streams_call_action(self: DynamoDBStreamsHandler) -> Any:
    with DYNAMODB:
        return _original("DynamoDBStreamsHandler.call_action")(self)


# --- items: keys, snapshots, index maps ------------------------------------------------------------------


def _key_of(table: Table, attrs: dict[str, Any]) -> Key:
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _stored(table: Table, key: Key) -> Item | None:
    hash_value, range_value = key
    if range_value is None:
        return table.items.get(hash_value)  # type: ignore[return-value]
    partition = table.items.get(hash_value)
    return partition.get(range_value) if partition else None  # type: ignore[union-attr]


def _store(table: Table, key: Key, item: Item | None, keep_partition: bool) -> None:
    """Put `item` (or no item) at `key`, as a write would, keeping the index maps true."""
    hash_value, range_value = key
    before = _stored(table, key)
    if range_value is None:
        if item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item  # type: ignore[assignment]
    else:
        partition = table.items.get(hash_value)
        if item is not None:
            table.items[hash_value][range_value] = item  # type: ignore[index]
        elif partition is not None:
            partition.pop(range_value, None)  # type: ignore[union-attr]
            if not partition and not keep_partition:
                del table.items[hash_value]
    _IndexMaps.of(table).moved(key, before, item)


@dataclass
class _IndexMaps:
    """For each single-attribute-partition global secondary index of a table: partition value -> keys of
    the items under it. Built on the first query of the index, then kept by every write."""

    items_id: int
    by_index: dict[str, tuple[str, dict[Value, dict[Key, None]]]] = field(default_factory=dict)

    @staticmethod
    def of(table: Table) -> _IndexMaps:
        maps: _IndexMaps | None = getattr(table, "_agentdesk_index_maps", None)
        if maps is None or maps.items_id != id(table.items):  # a restore replaced the items: start again
            maps = _IndexMaps(id(table.items))
            table._agentdesk_index_maps = maps  # type: ignore[attr-defined]
        return maps

    def values(self, table: Table, index_name: str) -> tuple[str, dict[Value, dict[Key, None]]] | None:
        if index_name not in self.by_index:
            index = next((i for i in table.global_indexes or [] if i.name == index_name), None)
            hash_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index else []
            if len(hash_keys) != 1:
                return None
            attribute = hash_keys[0]
            values: dict[Value, dict[Key, None]] = {}
            for item in _every_item(table):
                value = item.attrs.get(attribute)
                if value is not None:
                    values.setdefault(_value(value), {})[(item.hash_key, item.range_key)] = None
            self.by_index[index_name] = (attribute, values)
        return self.by_index[index_name]

    def moved(self, key: Key, before: Item | None, after: Item | None) -> None:
        """An item at `key` changed from `before` to `after` (either may be None)."""
        for attribute, values in self.by_index.values():
            old = before.attrs.get(attribute) if before is not None else None
            new = after.attrs.get(attribute) if after is not None else None
            if old is not None and (new is None or old != new):
                keys = values.get(_value(old))
                if keys is not None:
                    keys.pop(key, None)
                    if not keys:
                        del values[_value(old)]
            if new is not None:
                values.setdefault(_value(new), {})[key] = None


def _value(value: DynamoType) -> Value:
    return value.type, value.cast_value


def _every_item(table: Table) -> Iterator[Item]:
    """Every item, unsorted (moto's `all_items` sorts them, and queries must not reach it)."""
    for partition in list(table.items.values()):
        if table.range_key_attr:
            yield from list(partition.values())  # type: ignore[union-attr]
        else:
            yield partition  # type: ignore[misc]


# --- transactions: undo by item ---------------------------------------------------------------------------


@dataclass
class _Undo:
    """What a transaction changed, to put back if it is cancelled."""

    backend: DynamoDBBackend
    items: list[tuple[Table, Key, Item | None, bool]] = field(default_factory=list)
    streams: dict[int, tuple[StreamShard, int]] = field(default_factory=dict)
    whole_tables: dict[str, Table] = field(default_factory=dict)

    def watch(self, table: Table) -> None:
        shard = table.stream_shard
        if shard is not None and id(shard) not in self.streams:
            self.streams[id(shard)] = (shard, len(shard.items))

    def keep(self, table_name: str, op_type: str, op: dict[str, Any]) -> None:
        table = self.backend.get_table(table_name)
        self.watch(table)
        try:
            key = _key_of(table, op["Item"] if op_type == "Put" else op["Key"])
        except (KeyError, TypeError, ValueError):
            # a malformed key fails validation before anything is written; keep the whole table all the same
            self.whole_tables.setdefault(table_name, copy.deepcopy(table))
            return
        existing = _stored(table, key)
        partition_existed = key[1] is None or key[0] in table.items
        self.items.append((table, key, copy.deepcopy(existing), partition_existed))

    def rollback(self) -> None:
        for table, key, item, partition_existed in reversed(self.items):
            _store(table, key, item, keep_partition=partition_existed)
        for shard, length in self.streams.values():
            del shard.items[length:]
        for table_name, table in self.whole_tables.items():
            self.backend.tables[table_name] = table


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto's TransactWriteItems (same checks, same errors, same cancellation reasons), undone by item."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with DYNAMODB:
        undo = _Undo(self)
        target_items: set[tuple[str, str]] = set()

        def check_unicity(table_name: str, key: dict[str, Any]) -> None:
            item = (str(table_name), str(dict(sorted(key.items()))))
            if item in target_items:
                raise MultipleTransactionsException()
            target_items.add(item)

        errors: list[tuple[str, str, dict[str, Any]] | tuple[None, None, None]] = []
        for item in transact_items:
            original_item: dict[str, Any] | None = None
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            try:
                op_type, op = next(iter(item.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")
                table_name = op["TableName"]
                condition_expression = op.get("ConditionExpression")
                names = op.get("ExpressionAttributeNames")
                values = op.get("ExpressionAttributeValues")
                if op_type == "Put":
                    attrs = op["Item"]
                    table = self.get_table(table_name)
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                else:
                    key = op["Key"]
                check_unicity(table_name, key)
                current = self.get_item(table_name, key)
                if condition_expression is not None:
                    condition_op = get_filter_expression(condition_expression, names, values)
                    if not condition_op.expr(current):
                        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                            original_item = current.to_json()["Attributes"]
                        raise ConditionalCheckFailed(item=original_item)
                if op_type != "ConditionCheck":
                    undo.keep(table_name, op_type, op)
                if op_type == "Put":
                    self.put_item(
                        table_name,
                        op["Item"],
                        condition_expression=condition_expression,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                elif op_type == "Delete":
                    self.delete_item(
                        table_name,
                        key,
                        condition_expression=condition_expression,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                elif op_type == "Update":
                    self.update_item(
                        table_name,
                        key,
                        update_expression=op["UpdateExpression"],
                        condition_expression=condition_expression,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                undo.rollback()
                raise
            except ConditionalCheckFailed as e:
                errors.append(("ConditionalCheckFailed", str(e.message), original_item))  # type: ignore[arg-type]
            except Exception as e:  # moto reports any other failure as a cancellation reason
                errors.append((type(e).__name__, str(e), original_item))  # type: ignore[arg-type]

        if any(code is not None for code, _, _ in errors):
            undo.rollback()
            raise TransactionCanceledException(errors)


# --- queries by partition ---------------------------------------------------------------------------------

_CANDIDATES: ContextVar[list[Item] | None] = ContextVar("agentdesk_query_candidates", default=None)


def _all_items(self: Table) -> list[Item]:
    candidates = _CANDIDATES.get()
    return candidates if candidates is not None else _original("Table.all_items")(self)  # type: ignore[no-any-return]


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    original = _original("Table.query")
    bound = inspect.signature(original).bind(self, *args, **kwargs).arguments
    found = _query_candidates(self, bound.get("hash_key"), bound.get("index_name"), bound.get("hash_key_conditions"))
    if found is not None:
        found = _first_of_index(self, found, bound) or _in_moto_order(found)
    token = _CANDIDATES.set(found)
    try:
        return original(self, *args, **kwargs)
    finally:
        _CANDIDATES.reset(token)


def _put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    original = _original("Table.put_item")
    try:
        key = _key_of(self, item_attrs)
    except (KeyError, TypeError, ValueError):
        return original(self, item_attrs, *args, **kwargs)  # type: ignore[no-any-return]  # moto reports it
    before = _stored(self, key)
    written: Item = original(self, item_attrs, *args, **kwargs)
    _IndexMaps.of(self).moved(key, before, written)
    return written


def _delete_item(self: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    deleted: Item | None = _original("Table.delete_item")(self, hash_key, range_key)
    if deleted is not None:
        _IndexMaps.of(self).moved((hash_key, range_key or None), deleted, None)
    return deleted


def _update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    table = self.get_table(table_name)
    try:
        item_key: Key | None = _key_of(table, key)
    except (KeyError, TypeError, ValueError):
        item_key = None
    before = copy.deepcopy(_stored(table, item_key)) if item_key else None  # the update works in place
    updated: Item = _original("DynamoDBBackend.update_item")(self, table_name, key, *args, **kwargs)
    if item_key is not None:
        _IndexMaps.of(table).moved(item_key, before, updated)
    return updated


def _query_candidates(
    table: Table,
    hash_key: DynamoType | None,
    index_name: str | None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None,
) -> list[Item] | None:
    """The items a query can match (in no order); None to let moto look at every item."""
    if not index_name:
        if hash_key is None:
            return None
        partition = table.items.get(hash_key)
        if partition is None:
            found: list[Item] = []
        elif table.range_key_attr:
            found = list(partition.values())  # type: ignore[union-attr]
        else:
            found = [partition]  # type: ignore[list-item]
    else:
        index = next((i for i in table.global_indexes or [] if i.name == index_name), None)
        if not isinstance(index, GlobalSecondaryIndex) or not hash_key_conditions or len(hash_key_conditions) != 1:
            return None
        mapped = _IndexMaps.of(table).values(table, index_name)
        if mapped is None:
            return None
        attribute, values = mapped
        condition_attribute, value = hash_key_conditions[0]
        if condition_attribute != attribute:
            return None
        found = []
        for key in list(values.get(_value(value), ())):
            item = _stored(table, key)
            if item is not None and item.attrs.get(attribute) == value:
                found.append(item)
    return found


def _in_moto_order(found: list[Item]) -> list[Item]:
    """The items in the order moto's `all_items` gives them (its later sorts are stable)."""
    return sorted(found, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def _first_of_index(table: Table, found: list[Item], bound: dict[str, Any]) -> list[Item] | None:
    """For a query of an index with a Limit and nothing else to match (no range key condition, no filter, no
    start key), only the first Limit + 1 items in the index's order can be answered: hand moto those (and any
    tied with the last), found by sorting plain strings (the index's range key, then the table's keys: moto's
    order when they are strings), so that its own sort and walk do not grow with the partition. None when
    the query is not one of those: moto gets every candidate."""
    index_name, limit = bound.get("index_name"), bound.get("limit")
    plain = not (
        bound.get("range_comparison")
        or bound.get("range_key_conditions")
        or bound.get("exclusive_start_key")
        or not isinstance(bound.get("filter_expression"), OpDefault | None)  # OpDefault: moto's "no filter"
        or bound.get("filter_kwargs")
    )
    if not index_name or not limit or not plain or len(found) <= limit + 1:
        return None
    index = next((i for i in table.global_indexes or [] if i.name == index_name), None)
    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"] if index is not None else []
    if len(ranges) != 1:
        return None
    attribute = ranges[0]
    keyed: list[tuple[str, str, str, int]] = []
    for number, item in enumerate(found):
        value = item.attrs.get(attribute)
        if value is None:
            continue  # not in the index
        table_keys = (item.hash_key, item.range_key)
        if value.type != "S" or any(k is not None and k.type != "S" for k in table_keys):
            return None
        keyed.append((value.value, item.hash_key.value, item.range_key.value if item.range_key else "", number))
    keyed.sort()
    if bound.get("scan_index_forward") is False:
        keyed.reverse()
    if len(keyed) <= limit + 1:
        return [found[entry[3]] for entry in keyed]
    last = keyed[limit][0]
    return [found[entry[3]] for position, entry in enumerate(keyed) if position <= limit or entry[0] == last]


# --- Kinesis by sequence number ----------------------------------------------------------------------------


def _kinesis_max_sequence_number(self: KinesisShard) -> int:
    return next(reversed(self.records)) if self.records else 0


def _kinesis_min_sequence_number(self: KinesisShard) -> int:
    return next(iter(self.records)) if self.records else 0


def _kinesis_get_records(self: KinesisShard, last_sequence_id: str, limit: int | None) -> tuple[list[Any], int, int]:
    last = int(last_sequence_id)
    records = self.records
    if not records or last >= next(reversed(records)):
        return [], last, 0
    if last + 1 not in records:  # sequence numbers with gaps (a resharded stream): moto's own walk
        return _original("Shard.get_records")(self, last_sequence_id, limit)  # type: ignore[no-any-return]
    found = []
    number = last + 1
    while number in records and (limit is None or len(found) < limit):
        found.append(records[number])
        number += 1
    newest = records[next(reversed(records))]
    return found, number - 1, int((newest.created_at - found[-1].created_at) * 1000)


# --- DynamoDB Streams iterators expire ---------------------------------------------------------------------


def _shard_iterator_init(self: ShardIterator, *args: Any, **kwargs: Any) -> None:
    _original("ShardIterator.__init__")(self, *args, **kwargs)
    self.issued_at = time.monotonic()  # type: ignore[attr-defined]


def _streams_get_records(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int) -> dict[str, Any]:
    result: dict[str, Any] = _original("DynamoDBStreamsBackend.get_records")(self, iterator_arn, limit)
    horizon = time.monotonic() - SHARD_ITERATOR_SECONDS
    iterators = self.shard_iterators
    while iterators:  # oldest first: a dict keeps the order the iterators were issued in
        oldest = next(iter(iterators))
        if getattr(iterators[oldest], "issued_at", horizon) > horizon:
            break
        del iterators[oldest]
    return result


# --- writes wake the readers ---------------------------------------------------------------------------------


def _stream_shard_add(self: StreamShard, old: Item | None, new: Item | None) -> None:
    _original("StreamShard.add")(self, old, new)
    _written("dynamodb", self.table.name)


def _kinesis_put_record(self: KinesisStream, *args: Any, **kwargs: Any) -> tuple[str, str]:
    result: tuple[str, str] = _original("Stream.put_record")(self, *args, **kwargs)
    _written("kinesis", self.stream_name)
    return result


_REPLACEMENTS: tuple[tuple[Any, str, Any], ...] = (
    (backends, "list_of_moto_modules", _moto_modules),
    (responses, "method_names_from_class", _method_names),
    (DynamoHandler, "call_action", _dynamodb_call_action),
    (ActionResult, "execute_result", _execute_result),
    (DynamoDBStreamsHandler, "call_action", _streams_call_action),
    (DynamoDBBackend, "transact_write_items", _transact_write_items),
    (DynamoDBBackend, "update_item", _update_item),
    (Table, "all_items", _all_items),
    (Table, "query", _query),
    (Table, "put_item", _put_item),
    (Table, "delete_item", _delete_item),
    (KinesisShard, "get_max_sequence_number", _kinesis_max_sequence_number),
    (KinesisShard, "get_min_sequence_number", _kinesis_min_sequence_number),
    (KinesisShard, "get_records", _kinesis_get_records),
    (ShardIterator, "__init__", _shard_iterator_init),
    (DynamoDBStreamsBackend, "get_records", _streams_get_records),
    (StreamShard, "add", _stream_shard_add),
    (KinesisStream, "put_record", _kinesis_put_record),
)
