"""Who hears about an event: the push a domain event becomes and the users it goes to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agentdesk.contracts.events import DomainEvent


@dataclass(frozen=True)
class Push:
    """A message for WebSocket connections: to everyone (`broadcast`) or to the listed users."""

    message: dict[str, Any]
    user_ids: frozenset[str] = field(default_factory=frozenset)
    broadcast: bool = False


def push_for(event: DomainEvent, supervisors: Iterable[str] = ()) -> Push | None:
    """The push an event becomes; `supervisors` are the users who can see the event's agent."""
    if event.type == "agent.state.changed" and event.agentId:
        message = {"type": "agent.state", "agentId": event.agentId, "eventId": event.eventId, **event.data}
        return Push(message, frozenset({event.agentId, *supervisors}))
    if event.type == "config.changed":
        data = event.data
        message = {"type": "config.changed", "kind": data["kind"], "id": data["id"], "change": data["change"]}
        return Push(message, broadcast=True)
    return None
