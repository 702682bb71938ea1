"""The local stack's delivery stream: Kinesis → the lake bucket, as the cloud's Firehose writes it.

moto delivers Firehose DirectPut to S3 but not a Kinesis-sourced delivery stream, so this reader does it:
each record's data, one JSON document a line (the cloud's delivery stream appends the newline), gzipped, under
`raw/events/dt=<UTC date the record arrived>/`. An object's key is made from its shard and first sequence
number, so writing a batch again replaces the same object. It reads as the event source mappings do: it sleeps
until the local AWS reports a write to the stream.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from agentdesk.reporting.lake import RAW_EVENTS_PREFIX, raw_event_key
from infra.local.pollers import SAFETY_READ_SECONDS, ShardReaders

log = logging.getLogger("agentdesk.local.lake")

BATCH = 1000


@dataclass(frozen=True)
class LakeRecord:
    data: bytes
    arrival: datetime
    sequence: str


def ndjson(records: Iterable[LakeRecord]) -> bytes:
    """One document a line (a record that already ends with a newline keeps just that one)."""
    return b"".join(r.data.rstrip(b"\r\n") + b"\n" for r in records)


def write_records(s3: Any, bucket: str, stream: str, shard: str, records: list[LakeRecord]) -> list[str]:
    """Write records to the lake, one gzipped object per arrival date; returns the keys written."""
    by_day: dict[str, list[LakeRecord]] = {}
    for record in records:
        by_day.setdefault(record.arrival.astimezone(UTC).date().isoformat(), []).append(record)
    keys = []
    for day, group in sorted(by_day.items()):
        key = raw_event_key(day, stream, shard, group[0].sequence, group[0].arrival)
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(ndjson(group), mtime=0))
        keys.append(key)
    return keys


class LakeForwarder(ShardReaders):
    """Reads every shard of the event stream from its start and writes what it reads to the lake."""

    def __init__(self, client: Callable[[str], Any], stream: str, bucket: str) -> None:
        super().__init__()
        self._client = client
        self.stream = stream
        self.bucket = bucket
        self._read_up_to: dict[str, int | None] = {}
        self.objects = 0
        self.records = 0

    def start(self) -> None:
        self._listen()
        kinesis = self._client("kinesis")
        for shard in kinesis.list_shards(StreamName=self.stream)["Shards"]:
            shard_id = shard["ShardId"]
            self._read_up_to[shard_id] = None
            self._read(self._run, (shard_id,), "lake-forwarder")

    def idle(self) -> bool:
        count = self.writes.count(("kinesis", self.stream))
        return all(read == count for read in self._read_up_to.values())

    def _run(self, shard: str) -> None:
        source = ("kinesis", self.stream)
        kinesis, s3 = self._client("kinesis"), self._client("s3")
        iterator: str | None = None
        after: str | None = None
        while not self._stop.is_set():
            seen = self.writes.count(source)
            try:
                if iterator is None:
                    kwargs: dict[str, Any] = {"StreamName": self.stream, "ShardId": shard}
                    if after:
                        kwargs |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": after}
                    else:
                        kwargs["ShardIteratorType"] = "TRIM_HORIZON"
                    iterator = kinesis.get_shard_iterator(**kwargs)["ShardIterator"]
                page = kinesis.get_records(ShardIterator=iterator, Limit=BATCH)
                raw = page.get("Records", [])
                if raw:
                    records = [
                        LakeRecord(r["Data"], _arrival(r.get("ApproximateArrivalTimestamp")), r["SequenceNumber"])
                        for r in raw
                    ]
                    write_records(s3, self.bucket, self.stream, shard, records)
                    self.objects += 1
                    self.records += len(records)
                    after = raw[-1]["SequenceNumber"]
                iterator = page.get("NextShardIterator") or iterator
            except Exception:  # the local AWS is stopping or restarting; read again from the last write
                log.debug("lake forwarding failed", exc_info=True)
                iterator = None
                self._stop.wait(0.5)
                continue
            if (not raw or len(raw) < BATCH) and self.writes.count(source) == seen:
                self._read_up_to[shard] = seen
                self.writes.wait(source, seen, SAFETY_READ_SECONDS, self._stop)


def _arrival(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.now(UTC)


__all__ = ["RAW_EVENTS_PREFIX", "LakeForwarder", "LakeRecord", "ndjson", "write_records"]
