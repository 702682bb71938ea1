"""Domain events: versioned JSON documents written to the events table (the outbox) in the same
transaction as the state change they describe, then streamed to Kinesis (partition key = agent id).

`DomainEvent` is the envelope every event shares; each context declares its event types with a typed
`data` (agents/events.py, config/events.py) and agentdesk/events.py joins them into the one union, keyed on
`type`, that consumers parse and that docs/events.schema.json is generated from.
"""

from __future__ import annotations

from typing import Final, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from agentdesk.kernel import ids

# The version of the event contract (envelope and payloads); bumped on every change a consumer may notice.
# 2: `schemaVersion` replaces `version`, one id prefix, typed payloads, agent.heartbeat (docs/events.md).
EVENT_SCHEMA_VERSION: Final = 2
EVENT_ID_PREFIX: Final = "ev_"


def new_event_id() -> str:
    return ids.new_id(EVENT_ID_PREFIX)


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    userId: str
    role: str = Field(pattern="^(customer|agent|supervisor|admin|system)$")


SYSTEM = Actor(userId="system", role="system")

DataT = TypeVar("DataT", bound=BaseModel)


class DomainEvent(BaseModel, Generic[DataT]):
    """One thing that happened. `agentId` is set for everything about an agent (it orders the stream)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    eventId: str = Field(pattern=r"^ev_[0-9a-z]+$", description="Unique; consumers deduplicate on it")
    type: str = Field(min_length=1, description="What happened; decides the shape of `data`")
    schemaVersion: Literal[2] = Field(description="The version of this contract (envelope and data)")
    occurredAt: str = Field(description="UTC ISO-8601")
    agentId: str | None = Field(default=None, description="The agent the event is about; the partition key")
    actor: Actor
    data: DataT

    @property
    def partition_key(self) -> str:
        return self.agentId or self.type
