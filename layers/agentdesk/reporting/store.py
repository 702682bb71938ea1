"""The reporting table: per-agent and per-queue daily sums, one guard per counted event, dead letters.

- `pk = day#<local date>`, `sk = agent#<id>` or `queue#<id>`: the day's counters (ADDed) and labels (SET) —
  one query reads a site's wallboard for the day.
- `pk = event#<eventId>`, `sk = counted`: written in the same transaction as the event's additions, on
  condition it does not exist yet, so an event redelivered (Kinesis retries, a replayed batch) adds nothing.
  It expires after `GUARD_SECONDS`, longer than the stream keeps a record.
- `pk = dead#<UTC date>`, `sk = <arrival>#<sequence>`: a record that is not a known event, kept 30 days.
- `pk = open#<agentId>`, `sk = state`: the agent's state after the newest state change counted (the open
  interval of the live metrics), written only over an older version.
- `pk = pushed#<agent|queue>#<id>`, `sk = throttle`: the subject's changes numbered, when `metrics.today` was
  last pushed for it (epoch ms) and the newest change that push covers (domain/live.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from agentdesk.kernel import aws, clock
from agentdesk.kernel.settings import get_settings
from agentdesk.reporting.domain.interaction_metrics import QueueDay, queue_day
from agentdesk.reporting.domain.live import OpenState, PushWindow
from agentdesk.reporting.domain.metrics import AgentDay, Contribution, MetricKey, agent_day, merge

MAX_ITEMS = 100  # TransactWriteItems' limit
GUARD_SECONDS = 3 * 24 * 3600  # the stream keeps records 24 h; retries and replays come within that
DEAD_LETTER_SECONDS = 30 * 24 * 3600
DEAD_LETTER_MAX_CHARS = 64 * 1024
OPEN_STATE_SECONDS = 3 * 24 * 3600  # longer than a session can last (the midnight logoff ends each day's)
THROTTLE_ITEM_SECONDS = 3600
BATCH_GET_MAX = 100


def _table() -> str:
    return get_settings().require("reporting_table")


def _value(value: str | bool | int) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    return {"S": value}


def _plain(value: dict[str, Any]) -> Any:
    if "N" in value:
        return int(value["N"]) if value["N"].lstrip("-").isdigit() else float(value["N"])
    if "BOOL" in value:
        return value["BOOL"]
    return value.get("S")


def metric_key(key: MetricKey) -> dict[str, Any]:
    return {"pk": {"S": f"day#{key.day.isoformat()}"}, "sk": {"S": f"{key.scope}#{key.subject}"}}


class NotCounted(RuntimeError):
    """Some events could not be added (nothing of theirs was written); deliver them again."""

    def __init__(self, event_ids: list[str], cause: Exception) -> None:
        super().__init__(f"{len(event_ids)} events not counted: {cause}")
        self.event_ids = event_ids


@dataclass
class Counted:
    event_id: str
    contributions: list[Contribution]


def _update(contribution: Contribution, table: str) -> dict[str, Any]:
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    adds, sets = [], []
    for number, (name, amount) in enumerate(sorted(contribution.counters.items())):
        names[f"#c{number}"] = name
        values[f":c{number}"] = {"N": str(amount)}
        adds.append(f"#c{number} :c{number}")
    for number, (name, label) in enumerate(sorted(contribution.labels.items())):
        names[f"#l{number}"] = name
        values[f":l{number}"] = _value(label)
        sets.append(f"#l{number} = :l{number}")
    expression = "ADD " + ", ".join(adds) if adds else ""
    if sets:
        expression += " SET " + ", ".join(sets)
    return {
        "Update": {
            "TableName": table,
            "Key": metric_key(contribution.key),
            "UpdateExpression": expression.strip(),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _guard(event_id: str, table: str, expires_at: int) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": table,
            "Item": {"pk": {"S": f"event#{event_id}"}, "sk": {"S": "counted"}, "expiresAt": {"N": str(expires_at)}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def _chunks(events: Sequence[Counted]) -> list[list[Counted]]:
    """Events in groups whose guards and (merged) metric items fit one transaction."""
    chunks: list[list[Counted]] = []
    current: list[Counted] = []
    keys: set[MetricKey] = set()
    for event in events:
        more = {c.key for c in event.contributions} - keys
        if current and len(current) + 1 + len(keys) + len(more) > MAX_ITEMS:
            chunks.append(current)
            current, keys = [], set()
            more = {c.key for c in event.contributions}
        current.append(event)
        keys |= more
    if current:
        chunks.append(current)
    return chunks


def add_once(events: Sequence[Counted]) -> set[str]:
    """Add each event's contributions exactly once, guarded by its eventId in the same transaction; returns
    the ids of the events that had been counted before (and so added nothing now). Raises on any other
    failure: nothing of the failed transaction was written, so the batch can be delivered again."""
    table = _table()
    client = aws.client("dynamodb")
    expires_at = clock.epoch_seconds() + GUARD_SECONDS
    duplicates: set[str] = set()
    unique: dict[str, Counted] = {}
    for event in events:
        if event.event_id in unique:
            duplicates.add(event.event_id)  # twice in one batch: one guard item may be written once
        elif event.contributions:
            unique[event.event_id] = event
    chunks = _chunks(list(unique.values()))
    for number, chunk in enumerate(chunks):
        try:
            duplicates |= _add_chunk(client, table, chunk, expires_at)
        except Exception as error:
            raise NotCounted([e.event_id for later in chunks[number:] for e in later], error) from error
    return duplicates


def _add_chunk(client: Any, table: str, chunk: list[Counted], expires_at: int) -> set[str]:
    duplicates: set[str] = set()
    pending = list(chunk)
    while pending:
        merged = merge(c for e in pending for c in e.contributions)
        items = [_guard(e.event_id, table, expires_at) for e in pending]
        items += [_update(merged[key], table) for key in sorted(merged)]
        try:
            client.transact_write_items(TransactItems=items)
            break
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            counted = {
                pending[index].event_id
                for index, reason in enumerate(reasons[: len(pending)])
                if (reason or {}).get("Code") == "ConditionalCheckFailed"
            }
            if not counted:
                raise
            duplicates |= counted
            pending = [e for e in pending if e.event_id not in counted]
    return duplicates


def dead_letter(*, reason: str, data: str, partition_key: str, sequence: str, source: str) -> None:
    """Keep a record that is no known event (30 days), keyed so a redelivery overwrites the same item."""
    now = clock.now()
    aws.client("dynamodb").put_item(
        TableName=_table(),
        Item={
            "pk": {"S": f"dead#{now.date().isoformat()}"},
            "sk": {"S": f"{sequence}"},
            "reason": {"S": reason[:2000]},
            "data": {"S": data[:DEAD_LETTER_MAX_CHARS]},
            "truncated": {"BOOL": len(data) > DEAD_LETTER_MAX_CHARS},
            "partitionKey": {"S": partition_key},
            "source": {"S": source},
            "receivedAt": {"S": clock.iso(now)},
            "expiresAt": {"N": str(clock.epoch_seconds(now) + DEAD_LETTER_SECONDS)},
        },
    )


def dead_letters(day: date) -> list[dict[str, Any]]:
    """The dead letters received on a UTC day."""
    return [{k: _plain(v) for k, v in item.items()} for item in _query(f"dead#{day.isoformat()}")]


def agent_days(day: date) -> list[AgentDay]:
    """Every agent's metrics for a local day."""
    found = []
    for item in _query(f"day#{day.isoformat()}"):
        sk = item["sk"]["S"]
        if sk.startswith("agent#"):
            values = {k: _plain(v) for k, v in item.items() if k not in ("pk", "sk")}
            found.append(agent_day(sk.removeprefix("agent#"), day, values))
    return found


def queue_days(day: date) -> list[QueueDay]:
    """Every queue's metrics for a day (the default time zone's)."""
    found = []
    for item in _query(f"day#{day.isoformat()}"):
        sk = item["sk"]["S"]
        if sk.startswith("queue#"):
            values = {k: _plain(v) for k, v in item.items() if k not in ("pk", "sk")}
            found.append(queue_day(sk.removeprefix("queue#"), day, values))
    return found


def agent_metrics(agent_id: str, day: date) -> AgentDay:
    key = metric_key(MetricKey("agent", agent_id, day))
    item = aws.client("dynamodb").get_item(TableName=_table(), Key=key, ConsistentRead=True).get("Item") or {}
    return agent_day(agent_id, day, {k: _plain(v) for k, v in item.items() if k not in ("pk", "sk")})


def queue_metrics(queue_id: str, day: date) -> QueueDay:
    key = metric_key(MetricKey("queue", queue_id, day))
    item = aws.client("dynamodb").get_item(TableName=_table(), Key=key, ConsistentRead=True).get("Item") or {}
    return queue_day(queue_id, day, {k: _plain(v) for k, v in item.items() if k not in ("pk", "sk")})


# --- the live metrics: open states and the push throttle ----------------------------------------------------


def _open_key(agent_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"open#{agent_id}"}, "sk": {"S": "state"}}


def save_open_states(states: Sequence[OpenState]) -> None:
    """Keep each agent's newest counted state; an older version (a redelivered batch) changes nothing."""
    client = aws.client("dynamodb")
    expires_at = clock.epoch_seconds() + OPEN_STATE_SECONDS
    for state in states:
        item: dict[str, Any] = {
            **_open_key(state.agent_id),
            "version": {"N": str(state.version)},
            "status": {"S": state.status},
            "expiresAt": {"N": str(expires_at)},
        }
        if state.since is not None:
            item["since"] = {"S": state.since}
        if state.pause_code is not None:
            item["pauseCode"] = {"S": state.pause_code}
            item["pauseLabel"] = {"S": state.pause_label or state.pause_code}
            item["productive"] = {"BOOL": bool(state.productive)}
        try:
            client.put_item(
                TableName=_table(),
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR version < :version",
                ExpressionAttributeValues={":version": {"N": str(state.version)}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise


def _open_state(agent_id: str, item: dict[str, Any]) -> OpenState:
    values = {k: _plain(v) for k, v in item.items()}
    return OpenState(
        agent_id=agent_id,
        version=int(values.get("version", 0)),
        status=str(values.get("status", "Offline")),
        since=values.get("since"),
        pause_code=values.get("pauseCode"),
        pause_label=values.get("pauseLabel"),
        productive=values.get("productive"),
    )


def open_states(agent_ids: Sequence[str]) -> dict[str, OpenState]:
    """The kept state of each of these agents (absent: none counted yet), read consistently."""
    client = aws.client("dynamodb")
    table = _table()
    found: dict[str, OpenState] = {}
    unique = list(dict.fromkeys(agent_ids))
    for first in range(0, len(unique), BATCH_GET_MAX):
        keys: list[dict[str, Any]] = [_open_key(agent_id) for agent_id in unique[first : first + BATCH_GET_MAX]]
        while keys:
            answer = client.batch_get_item(RequestItems={table: {"Keys": keys, "ConsistentRead": True}})
            for item in answer.get("Responses", {}).get(table, []):
                agent_id = item["pk"]["S"].removeprefix("open#")
                found[agent_id] = _open_state(agent_id, item)
            keys = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    return found


def _throttle_key(scope: str, subject_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"pushed#{scope}#{subject_id}"}, "sk": {"S": "throttle"}}


def note_change(scope: str, subject_id: str) -> int:
    """Number a committed change of a subject's figures (1, 2, ...): what a push claimed later covers."""
    answer = aws.client("dynamodb").update_item(
        TableName=_table(),
        Key=_throttle_key(scope, subject_id),
        UpdateExpression="ADD changes :one SET expiresAt = :expires",
        ExpressionAttributeValues={
            ":one": {"N": "1"},
            ":expires": {"N": str(clock.epoch_seconds() + THROTTLE_ITEM_SECONDS)},
        },
        ReturnValues="UPDATED_NEW",
    )
    return int(answer["Attributes"]["changes"]["N"])


def claim_push(scope: str, subject_id: str, now_ms: int, throttle_ms: int) -> PushWindow | None:
    """Claim the window to push `metrics.today` for a subject now (domain/live.py `may_push`), covering every
    change numbered so far: None when claimed, else the push that holds the window."""
    key = _throttle_key(scope, subject_id)
    client = aws.client("dynamodb")
    try:
        client.update_item(
            TableName=_table(),
            Key=key,
            UpdateExpression="SET pushedAt = :now, covers = if_not_exists(changes, :zero)",
            ConditionExpression="attribute_not_exists(pushedAt) OR pushedAt <= :cutoff",
            ExpressionAttributeValues={
                ":now": {"N": str(now_ms)},
                ":cutoff": {"N": str(now_ms - throttle_ms)},
                ":zero": {"N": "0"},
            },
        )
        return None
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
    item = client.get_item(TableName=_table(), Key=key, ConsistentRead=True).get("Item") or {}
    if "pushedAt" not in item:  # gone since (it expired): the window is open, claim again at once
        return PushWindow(pushed_at_ms=now_ms - throttle_ms, covers=0)
    return PushWindow(pushed_at_ms=int(item["pushedAt"]["N"]), covers=int(item.get("covers", {}).get("N", "0")))


def _query(pk: str) -> list[dict[str, Any]]:
    client = aws.client("dynamodb")
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ConsistentRead": True,
    }
    while True:
        page = client.query(**request)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
