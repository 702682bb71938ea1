"""Event source mappings for the local stack: read DynamoDB streams and Kinesis shards and hand batches to
the real consumers in the shapes Lambda uses, with partial batch failure reporting: a failed record and
everything after it in its shard is delivered again, up to a retry limit (the cloud stack then sends the
batch to a dead-letter queue; here it is logged and skipped).

A reader sleeps until its source is written to: the local AWS reports every stream write
(`moto_tuning.on_write`), so a change reaches its consumer at once and an idle stack reads nothing. Each
reader keeps its clients and its shard iterator between reads.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agentdesk import wiring
from infra.local import moto_tuning
from infra.local.lambda_runtime import FunctionError, LambdaRuntime

log = logging.getLogger("agentdesk.local.pollers")

MAX_ATTEMPTS = 5
# A reader also looks at its shard this often with no write reported (a safety net, not the way records arrive).
SAFETY_READ_SECONDS = 10.0

Source = tuple[str, str]  # ("dynamodb", table name) | ("kinesis", stream name)


@dataclass
class Mapping:
    """One source (a DynamoDB stream or a Kinesis stream) feeding one function."""

    function: wiring.Function
    source_arn: str
    source_name: str
    batch_size: int
    kind: str  # "dynamodb" | "kinesis"
    pattern: dict[str, Any] | None = None  # Lambda's event filtering: only matching records are delivered

    @property
    def source(self) -> Source:
        return self.kind, self.source_name

    def accepts(self, record: dict[str, Any]) -> bool:
        return self.pattern is None or matches(self.pattern, record)


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering for the patterns the wiring uses: nested keys, each leaf a list of the values
    it may hold."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(key in value and matches(p, value[key]) for key, p in pattern.items())
    return value in pattern


class Writes:
    """How many writes each source has had; readers wait for their source's count to move."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[Source, int] = {}
        self._conditions: dict[Source, threading.Condition] = {}

    def _condition(self, source: Source) -> threading.Condition:
        with self._lock:
            return self._conditions.setdefault(source, threading.Condition())

    def written(self, kind: str, name: str) -> None:
        source = (kind, name)
        condition = self._condition(source)
        with condition:
            self._counts[source] = self._counts.get(source, 0) + 1
            condition.notify_all()

    def count(self, source: Source) -> int:
        return self._counts.get(source, 0)

    def wait(self, source: Source, seen: int, timeout: float, stop: threading.Event) -> None:
        condition = self._condition(source)
        with condition:
            condition.wait_for(lambda: self._counts.get(source, 0) != seen or stop.is_set(), timeout)

    def wake_all(self) -> None:
        with self._lock:
            conditions = list(self._conditions.values())
        for condition in conditions:
            with condition:
                condition.notify_all()


class ShardReaders:
    """Threads that read stream shards, each woken by the local AWS's notice of a write to its source. A
    subclass starts its readers with `_read` and says in `idle` when every shard has been read to its end."""

    def __init__(self) -> None:
        self.writes = Writes()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._remove_listener: Callable[[], None] | None = None

    def _listen(self) -> None:
        self._remove_listener = moto_tuning.on_write(self.writes.written)

    def _read(self, target: Callable[..., None], args: tuple[Any, ...], name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def idle(self) -> bool:
        raise NotImplementedError

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every shard has been read to its end (nothing waits for a consumer)."""
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def stop(self) -> None:
        self._stop.set()
        self.writes.wake_all()
        if self._remove_listener is not None:
            self._remove_listener()
        for thread in self._threads:
            thread.join(timeout=5)


class Poller(ShardReaders):
    def __init__(self, runtime: LambdaRuntime, client: Callable[[str], Any], region: str) -> None:
        super().__init__()
        self.runtime = runtime
        self.region = region
        self._make_client = client
        self._clients: dict[str, Any] = {}
        # per reader: the source's write count it has read up to, or None while it has records in hand
        self._read_up_to: dict[str, tuple[Source, int | None]] = {}
        self.delivered: dict[str, int] = {}
        self.reads = 0  # GetRecords calls made, all readers together

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._make_client(service)
        return self._clients[service]

    def mappings(self, tables: dict[str, str], streams: dict[str, str]) -> list[Mapping]:
        dynamodb = self.client("dynamodb")
        kinesis = self.client("kinesis")
        found = []
        for fn in wiring.FUNCTIONS:
            for trigger in fn.triggers:
                if isinstance(trigger, wiring.TableStream):
                    name = tables[trigger.table]
                    arn = dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
                    found.append(Mapping(fn, arn, name, trigger.batch_size, "dynamodb", trigger.filter_pattern()))
                elif isinstance(trigger, wiring.KinesisSource):
                    name = streams[trigger.stream]
                    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
                    found.append(Mapping(fn, summary["StreamARN"], name, trigger.batch_size, "kinesis"))
        return found

    def start(self, tables: dict[str, str], streams: dict[str, str]) -> None:
        self.start_mappings(self.mappings(tables, streams))

    def start_mappings(self, mappings: list[Mapping]) -> None:
        self._listen()
        for mapping in mappings:
            for shard in self._shards(mapping):
                reader = f"{mapping.function.name}:{shard}"
                self._read_up_to[reader] = (mapping.source, None)
                self._read(self._run, (mapping, shard, reader), f"poll-{mapping.function.name}")

    def idle(self) -> bool:
        """True when every reader has read its shard up to the last write reported for it."""
        return all(
            read is not None and read == self.writes.count(source) for source, read in list(self._read_up_to.values())
        )

    def _shards(self, mapping: Mapping) -> list[str]:
        if mapping.kind == "dynamodb":
            stream = self.client("dynamodbstreams").describe_stream(StreamArn=mapping.source_arn)
            return [s["ShardId"] for s in stream["StreamDescription"]["Shards"]]
        shards = self.client("kinesis").list_shards(StreamARN=mapping.source_arn)["Shards"]
        return [s["ShardId"] for s in shards]

    def _iterator(self, mapping: Mapping, shard: str, after: str | None) -> str:
        if mapping.kind == "dynamodb":
            streams = self.client("dynamodbstreams")
            kwargs: dict[str, Any] = {"StreamArn": mapping.source_arn, "ShardId": shard}
            if after:
                kwargs |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            else:
                kwargs["ShardIteratorType"] = "TRIM_HORIZON"
            return str(streams.get_shard_iterator(**kwargs)["ShardIterator"])
        kinesis = self.client("kinesis")
        # by name: moto's shard iterator records the stream name it was asked for (None when given the ARN)
        kwargs = {"StreamName": mapping.source_name, "ShardId": shard}
        if after:
            kwargs |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": after}
        else:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        return str(kinesis.get_shard_iterator(**kwargs)["ShardIterator"])

    def _fetch(self, mapping: Mapping, iterator: str) -> tuple[list[dict[str, Any]], str | None]:
        self.reads += 1
        if mapping.kind == "dynamodb":
            page = self.client("dynamodbstreams").get_records(ShardIterator=iterator, Limit=mapping.batch_size)
        else:
            page = self.client("kinesis").get_records(ShardIterator=iterator, Limit=mapping.batch_size)
        return list(page.get("Records", [])), page.get("NextShardIterator")

    def _event_record(self, mapping: Mapping, shard: str, record: dict[str, Any]) -> dict[str, Any]:
        if mapping.kind == "dynamodb":
            out = dict(record)
            out["eventSourceARN"] = mapping.source_arn
            out.setdefault("awsRegion", self.region)
            dynamodb = dict(out["dynamodb"])
            created = dynamodb.get("ApproximateCreationDateTime")
            if hasattr(created, "timestamp"):
                dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
            out["dynamodb"] = dynamodb
            return out
        arrival = record.get("ApproximateArrivalTimestamp")
        return {
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": record["PartitionKey"],
                "sequenceNumber": record["SequenceNumber"],
                "data": base64.b64encode(record["Data"]).decode(),
                "approximateArrivalTimestamp": arrival.timestamp() if hasattr(arrival, "timestamp") else time.time(),
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": f"{shard}:{record['SequenceNumber']}",
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": f"arn:aws:iam::123456789012:role/{mapping.function.name}",
            "awsRegion": self.region,
            "eventSourceARN": mapping.source_arn,
        }

    @staticmethod
    def _sequence(mapping: Mapping, record: dict[str, Any]) -> str:
        if mapping.kind == "dynamodb":
            return str(record["dynamodb"]["SequenceNumber"])
        return str(record["kinesis"]["sequenceNumber"])

    def _run(self, mapping: Mapping, shard: str, reader: str) -> None:
        checkpoint: str | None = None  # the last sequence number delivered
        attempts = 0
        iterator: str | None = None
        while not self._stop.is_set():
            seen = self.writes.count(mapping.source)
            try:
                if iterator is None:
                    iterator = self._iterator(mapping, shard, checkpoint)
                raw, following = self._fetch(mapping, iterator)
            except Exception:  # the local AWS is stopping or restarting; try again shortly
                log.debug("read failed", exc_info=True)
                iterator = None
                self._stop.wait(0.5)
                continue
            if not raw:
                iterator = following or iterator
                self._read_up_to[reader] = (mapping.source, seen)
                self.writes.wait(mapping.source, seen, SAFETY_READ_SECONDS, self._stop)
                continue
            self._read_up_to[reader] = (mapping.source, None)
            records = [self._event_record(mapping, shard, r) for r in raw]
            wanted = [r for r in records if mapping.accepts(r)]
            failed_at = self._deliver(mapping, wanted) if wanted else None  # filtered out: nothing to invoke
            if failed_at is None:
                checkpoint = self._sequence(mapping, records[-1])
                attempts = 0
                iterator = following
                if len(raw) < mapping.batch_size and self.writes.count(mapping.source) == seen:
                    # a short batch and no write since the read began: this was the end of the shard
                    self._read_up_to[reader] = (mapping.source, seen)
                    self.writes.wait(mapping.source, seen, SAFETY_READ_SECONDS, self._stop)
                continue
            attempts += 1
            if attempts >= MAX_ATTEMPTS:
                log.error(
                    "%s: giving up on records from %s after %d attempts", mapping.function.name, failed_at, attempts
                )
                checkpoint = self._sequence(mapping, records[-1])
                attempts = 0
            else:
                index = next(i for i, r in enumerate(records) if self._sequence(mapping, r) == failed_at)
                checkpoint = self._sequence(mapping, records[index - 1]) if index else checkpoint
                self._stop.wait(min(2.0, 0.1 * 2**attempts))
            iterator = None  # read again from the checkpoint

    def _deliver(self, mapping: Mapping, records: list[dict[str, Any]]) -> str | None:
        """Invoke the consumer; the sequence number of the first record to deliver again, or None."""
        try:
            result = self.runtime.invoke(mapping.function.name, {"Records": records})
        except FunctionError:
            log.warning("%s failed a batch of %d", mapping.function.name, len(records), exc_info=True)
            return self._sequence(mapping, records[0])
        failures = (result or {}).get("batchItemFailures") or []
        delivered = len(records)
        if failures:
            failed = {str(f["itemIdentifier"]) for f in failures}
            first = next(i for i, r in enumerate(records) if self._sequence(mapping, r) in failed)
            delivered = first
        self.delivered[mapping.function.name] = self.delivered.get(mapping.function.name, 0) + delivered
        return None if not failures else self._sequence(mapping, records[delivered])
