"""Domain events: versioned JSON documents written to the events table (the outbox) in the same
transaction as the state change they describe, then streamed to Kinesis (partition key = agent id).

The JSON Schema published in docs/events.schema.json is generated from these models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

EVENT_SCHEMA_VERSION = 1


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    userId: str
    role: str  # agent | supervisor | admin | system


SYSTEM = Actor(userId="system", role="system")


class DomainEvent(BaseModel):
    """One thing that happened. `agentId` is set for everything about an agent (it orders the stream)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    eventId: str = Field(min_length=1)
    type: str = Field(min_length=1, description="e.g. agent.state.changed, config.changed")
    version: int = EVENT_SCHEMA_VERSION
    occurredAt: str
    agentId: str | None = None
    actor: Actor
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def partition_key(self) -> str:
        return self.agentId or self.type
