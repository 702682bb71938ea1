"""The raw events as the lake declares them: the fields the report SQL reads, typed once for both engines.

The Glue table (Athena) and the DuckDB view over the same files are both rendered from `RAW_EVENT`, so a
query written against one reads the same columns, with the same types, in the other. Keys a document has
beyond these are ignored by both readers; a missing key reads as NULL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

FieldType: TypeAlias = "str | Mapping[str, FieldType]"  # a scalar name, or a struct of named fields

_REASON: Mapping[str, FieldType] = {"code": "string", "label": "string", "productive": "boolean"}

RAW_EVENT: Mapping[str, FieldType] = {
    "eventId": "string",
    "type": "string",
    "schemaVersion": "int",
    "occurredAt": "string",
    "agentId": "string",
    "actor": {"userId": "string", "role": "string"},
    "data": {
        "state": {"status": "string", "reason": _REASON, "since": "string", "sessionId": "string"},
        "change": "string",
        "previous": {"status": "string", "reason": _REASON, "since": "string", "secondsInState": "double"},
        "session": {"sessionId": "string", "loginAt": "string", "endedAt": "string"},
        "configuration": {"name": "string", "teamId": "string", "siteId": "string"},
        "kind": "string",
        "id": "string",
        # the interaction events (interactions/events.py): the interaction after the change, and their own fields
        "interaction": {
            "interactionId": "string",
            "channel": "string",
            "status": "string",
            "queueId": "string",
            "queueName": "string",
            "agentId": "string",
            "agentName": "string",
            "disposition": {
                "category": "string",
                "outcome": "string",
                "source": "string",
                "complete": "boolean",
                "submittedAt": "string",
            },
            "times": {
                "queuedAt": "string",
                "offeredAt": "string",
                "answeredAt": "string",
                "firstAgentReplyAt": "string",
                "endedAt": "string",
                "wrapUpEndedAt": "string",
                "transferredAt": "string",
            },
        },
        "message": {"seq": "int", "from": "string", "sentAt": "string"},
        # interaction.transferred: where to ({"agentId"} or {"queueId"}), blind or attended
        "to": {"agentId": "string", "queueId": "string"},
        "mode": "string",
        "source": "string",
        "complete": "boolean",
        "score": "int",
        "comment": "string",
        "endedBy": "string",
    },
}
# `data.change` is an object in agent.state.changed and a word in config.changed, so it is read as text (both
# readers keep an object as its JSON text) and the SQL takes `logoffKind` out of it with regexp_extract.

# The exporter's copy of each queue's rules that the queue reports join (reporting/lake.py QUEUE_RULES_KEY): one
# JSON document a line, read by the Glue table `queue_rules` and by DuckDB alike.
QUEUE_RULES: Mapping[str, FieldType] = {"queue_id": "string", "sla_target_seconds": "bigint"}

PARTITION = ("dt", "date")  # raw/events/dt=YYYY-MM-DD/: the UTC date the record reached the delivery stream

_DUCKDB = {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"}
_HIVE = {"string": "string", "int": "int", "bigint": "bigint", "double": "double", "boolean": "boolean"}


def duckdb_type(field: FieldType) -> str:
    if isinstance(field, str):
        return _DUCKDB[field]
    return "STRUCT(" + ", ".join(f'"{name}" {duckdb_type(inner)}' for name, inner in field.items()) + ")"


def hive_type(field: FieldType) -> str:
    if isinstance(field, str):
        return _HIVE[field]
    return "struct<" + ",".join(f"{name.lower()}:{hive_type(inner)}" for name, inner in field.items()) + ">"


def duckdb_columns(table: Mapping[str, FieldType] = RAW_EVENT) -> dict[str, str]:
    """`columns` of DuckDB's read_json over the lake files (the raw events, or another table's)."""
    return {name: duckdb_type(field) for name, field in table.items()}


def glue_columns(table: Mapping[str, FieldType] = RAW_EVENT) -> list[tuple[str, str]]:
    """(name, Hive type) of the Glue table's columns (Athena lower-cases names; the JSON SerDe ignores case)."""
    return [(name.lower(), hive_type(field)) for name, field in table.items()]
