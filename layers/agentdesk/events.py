"""Every event type the product writes, as one union keyed on `type`: what consumers parse a document
with, and what docs/events.schema.json is generated from. A new event type is added here."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from agentdesk.agents.events import AgentHeartbeat, AgentStateChanged
from agentdesk.config.events import ConfigChanged
from agentdesk.interactions.events import (
    InteractionAbandoned,
    InteractionAssigned,
    InteractionClosed,
    InteractionDispositionCompleted,
    InteractionDispositionSubmitted,
    InteractionEnded,
    InteractionHeld,
    InteractionMessageSent,
    InteractionNoteAdded,
    InteractionOffered,
    InteractionOfferExpired,
    InteractionOfferRejected,
    InteractionQueued,
    InteractionRated,
    InteractionResumed,
    InteractionRinging,
    InteractionTagsChanged,
    InteractionTransferCancelled,
    InteractionTransferred,
    InteractionTransferRequested,
)

Event = Annotated[
    AgentStateChanged
    | AgentHeartbeat
    | ConfigChanged
    | InteractionQueued
    | InteractionOffered
    | InteractionOfferRejected
    | InteractionOfferExpired
    | InteractionAssigned
    | InteractionMessageSent
    | InteractionNoteAdded
    | InteractionTagsChanged
    | InteractionTransferRequested
    | InteractionTransferred
    | InteractionTransferCancelled
    | InteractionEnded
    | InteractionAbandoned
    | InteractionDispositionSubmitted
    | InteractionDispositionCompleted
    | InteractionClosed
    | InteractionRated
    | InteractionRinging
    | InteractionHeld
    | InteractionResumed,
    Field(discriminator="type"),
]

EVENTS: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(document: str | bytes | dict[str, Any]) -> Event:
    """The event of a stored or streamed document (ValidationError if it is none of the known types)."""
    if isinstance(document, dict):
        return EVENTS.validate_python(document)
    return EVENTS.validate_json(document)
