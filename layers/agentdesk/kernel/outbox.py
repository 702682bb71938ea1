"""The events table: the transactional outbox. Commands put their event in the same TransactWriteItems
as their state change; the table's stream feeds the publisher, which forwards to Kinesis and pushes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from agentdesk.kernel import clock
from agentdesk.kernel.binding import bind
from agentdesk.kernel.events import DomainEvent

# The outbox only needs to outlive stream processing; Kinesis and the lake keep history.
OUTBOX_RETENTION = timedelta(days=7)


class EventRecord(Model):
    class Meta:
        table_name = "agentdesk-events"

    event_id = UnicodeAttribute(hash_key=True, attr_name="eventId")
    type = UnicodeAttribute()
    agent_id = UnicodeAttribute(null=True, attr_name="agentId")
    occurred_at = UnicodeAttribute(attr_name="occurredAt")
    document = UnicodeAttribute()  # the event as JSON, exactly as published
    expires_at = TTLAttribute(attr_name="expiresAt")


def event_model() -> type[EventRecord]:
    return bind(EventRecord, "events_table")


def record_of(event: DomainEvent[Any]) -> EventRecord:
    """The outbox item for an event, ready for `TransactWrite.save(..., condition=...)`."""
    return event_model()(
        event.eventId,
        type=event.type,
        agent_id=event.agentId,
        occurred_at=event.occurredAt,
        document=event.model_dump_json(),
        expires_at=clock.now() + OUTBOX_RETENTION,
    )
