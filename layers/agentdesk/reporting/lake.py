"""Where things live in the lake bucket, and reading the raw events of some days.

- `raw/events/dt=YYYY-MM-DD/…` (gzipped, one JSON event a line): the delivery stream's files in the cloud,
  the local stack's forwarder (infra/local/lake.py) on one machine; dt is the UTC date a record arrived.
- `exports/<report>/date=YYYY-MM-DD/<site>.parquet|csv`: the exporter's files; `exports/_runs/…`: one
  manifest per site and day, written last (its presence means the day was exported).
- `reference/queue_rules/queue_rules.json`: each queue's SLA threshold as the exporter last read it from the
  directory (one JSON document a line); the queue reports join it, in DuckDB and in Athena (Glue `queue_rules`).
- `athena-results/`: the Athena workgroup's query results.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from agentdesk.kernel import aws
from agentdesk.kernel.settings import get_settings

RAW_EVENTS_PREFIX = "raw/events/"
EXPORTS_PREFIX = "exports/"
RUNS_PREFIX = "exports/_runs/"
ATHENA_RESULTS_PREFIX = "athena-results/"
QUEUE_RULES_PREFIX = "reference/queue_rules/"
QUEUE_RULES_KEY = f"{QUEUE_RULES_PREFIX}queue_rules.json"


def bucket() -> str:
    return get_settings().require("lake_bucket")


def partition_prefix(day: date | str) -> str:
    value = day.isoformat() if isinstance(day, date) else day
    return f"{RAW_EVENTS_PREFIX}dt={value}/"


def raw_event_key(day: str, stream: str, shard: str, first_sequence: str, arrival: datetime) -> str:
    """A local delivery's object key, named as the delivery stream names its files (stream, time, a unique id)."""
    stamp = arrival.astimezone(UTC).strftime("%Y-%m-%d-%H-%M-%S")
    return f"{partition_prefix(day)}{stream}-{stamp}-{shard}-{first_sequence}.gz"


def run_key(day: date, site_file: str) -> str:
    return f"{RUNS_PREFIX}date={day.isoformat()}/{site_file}.json"


def download_partitions(days: list[date], into: Path) -> list[Path]:
    """Copy the raw event objects of these dt partitions to `into`/dt=…/ (what DuckDB reads); returns them."""
    s3 = aws.client("s3")
    name = bucket()
    files: list[Path] = []
    for day in days:
        prefix = partition_prefix(day)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                target = into / key.removeprefix(RAW_EVENTS_PREFIX)
                target.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(name, key, str(target))
                files.append(target)
    return files


def upload(path: Path, key: str, content_type: str) -> None:
    aws.client("s3").upload_file(str(path), bucket(), key, ExtraArgs={"ContentType": content_type})


def put_json(key: str, document: dict[str, Any]) -> None:
    aws.client("s3").put_object(
        Bucket=bucket(), Key=key, Body=json.dumps(document, indent=2).encode(), ContentType="application/json"
    )


def exists(key: str) -> bool:
    s3 = aws.client("s3")
    found = s3.list_objects_v2(Bucket=bucket(), Prefix=key, MaxKeys=1).get("Contents", [])
    return any(item["Key"] == key for item in found)
