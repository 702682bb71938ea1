"""The Kinesis event stream: one record per domain event, partitioned by agent so each agent's events stay
in order."""

from __future__ import annotations

from typing import Any

from agentdesk.kernel import aws
from agentdesk.kernel.events import DomainEvent
from agentdesk.kernel.settings import get_settings


def put_event(event: DomainEvent[Any]) -> str:
    """Write the event; returns its sequence number."""
    settings = get_settings()
    result = aws.client("kinesis").put_record(
        StreamName=settings.require("event_stream"),
        Data=event.model_dump_json().encode(),
        PartitionKey=event.partition_key,
    )
    return str(result["SequenceNumber"])
