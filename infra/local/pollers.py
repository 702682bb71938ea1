"""Event source mappings for the local stack: poll DynamoDB streams and Kinesis shards and hand batches to
the real consumers in the shapes Lambda uses, with partial batch failure reporting: a failed record and
everything after it in its shard is delivered again, up to a retry limit (the cloud stack then sends the
batch to a dead-letter queue; here it is logged and skipped).
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
from infra.local.aws import TRANSACTIONS
from infra.local.lambda_runtime import FunctionError, LambdaRuntime

log = logging.getLogger("agentdesk.local.pollers")

MAX_ATTEMPTS = 5
IDLE_SLEEP_SECONDS = 0.05


@dataclass
class Mapping:
    """One source (a DynamoDB stream or a Kinesis stream) feeding one function."""

    function: wiring.Function
    source_arn: str
    batch_size: int
    kind: str  # "dynamodb" | "kinesis"


class Poller:
    def __init__(self, runtime: LambdaRuntime, client: Callable[[str], Any], region: str) -> None:
        self.runtime = runtime
        self.client = client
        self.region = region
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._busy: dict[str, bool] = {}
        self.delivered: dict[str, int] = {}

    def mappings(self, tables: dict[str, str], streams: dict[str, str]) -> list[Mapping]:
        dynamodb = self.client("dynamodb")
        kinesis = self.client("kinesis")
        found = []
        for fn in wiring.FUNCTIONS:
            for trigger in fn.triggers:
                if isinstance(trigger, wiring.TableStream):
                    arn = dynamodb.describe_table(TableName=tables[trigger.table])["Table"]["LatestStreamArn"]
                    found.append(Mapping(fn, arn, trigger.batch_size, "dynamodb"))
                elif isinstance(trigger, wiring.KinesisSource):
                    arn = kinesis.describe_stream_summary(StreamName=streams[trigger.stream])[
                        "StreamDescriptionSummary"
                    ]["StreamARN"]
                    found.append(Mapping(fn, arn, trigger.batch_size, "kinesis"))
        return found

    def start(self, tables: dict[str, str], streams: dict[str, str]) -> None:
        for mapping in self.mappings(tables, streams):
            for shard in self._shards(mapping):
                thread = threading.Thread(
                    target=self._run, args=(mapping, shard), name=f"poll-{mapping.function.name}", daemon=True
                )
                self._busy[thread.name + shard] = True
                thread.start()
                self._threads.append(thread)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every shard has been read to its end once more (nothing waits for a consumer)."""
        deadline = time.monotonic() + timeout
        while any(self._busy.values()):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

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
        kwargs = {"StreamARN": mapping.source_arn, "ShardId": shard}
        if after:
            kwargs |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": after}
        else:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        return str(kinesis.get_shard_iterator(**kwargs)["ShardIterator"])

    def _fetch(self, mapping: Mapping, iterator: str) -> tuple[list[dict[str, Any]], str | None]:
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

    def _run(self, mapping: Mapping, shard: str) -> None:
        checkpoint: str | None = None
        attempts = 0
        iterator: str | None = None
        while not self._stop.is_set():
            try:
                if mapping.kind == "dynamodb":
                    # moto's rollback of a cancelled transaction replaces the table while an iterator keeps
                    # reading the replaced one: take a fresh iterator and read with no transaction between.
                    with TRANSACTIONS:
                        raw, _ = self._fetch(mapping, self._iterator(mapping, shard, checkpoint))
                else:
                    if iterator is None:
                        iterator = self._iterator(mapping, shard, checkpoint)
                    raw, iterator = self._fetch(mapping, iterator)
            except Exception:  # the local AWS is stopping or restarting; try again shortly
                log.debug("poll failed", exc_info=True)
                iterator = None
                time.sleep(0.5)
                continue
            key = f"poll-{mapping.function.name}{shard}"
            self._busy[key] = bool(raw)
            if not raw:
                time.sleep(IDLE_SLEEP_SECONDS)
                continue
            records = [self._event_record(mapping, shard, r) for r in raw]
            failed_at = self._deliver(mapping, records)
            if failed_at is None:
                checkpoint = self._sequence(mapping, records[-1])
                attempts = 0
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
                time.sleep(min(2.0, 0.1 * 2**attempts))
            iterator = None  # re-read from the checkpoint

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
