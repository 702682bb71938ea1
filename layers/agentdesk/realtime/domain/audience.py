"""Who hears about an event: the push a domain event becomes and the users it goes to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agentdesk.kernel.events import DomainEvent


@dataclass(frozen=True)
class Push:
    """A message for WebSocket connections: to everyone (`broadcast`), or to the listed users and to
    everyone holding one of the listed roles."""

    message: dict[str, Any]
    user_ids: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    broadcast: bool = False


# Configuration an agent's workspace reads: a change to these reaches everyone. A change to a user reaches
# that user and the staff; any other change only the staff (supervisors and admins), who read it all.
WORKSPACE_KINDS = frozenset({"pauseCode", "cannedMessage", "dispositionSet"})
STAFF_ROLES = frozenset({"supervisor", "admin"})

# What clients need to know of a change besides the new state: who made it and how a logoff came about.
CHANGE_FIELDS = ("command", "cause", "actorId", "logoffKind", "logoffReason")


def hears_supervisors(event: DomainEvent) -> bool:
    """Whether the event's push goes to the supervisors of its agent (who then need looking up)."""
    return event.type == "agent.state.changed" and bool(event.agentId)


def push_for(event: DomainEvent, supervisors: Iterable[str] = ()) -> Push | None:
    """The push an event becomes; `supervisors` are the users who supervise the event's agent (admins
    see every agent, so they hear of every agent too)."""
    if hears_supervisors(event) and event.agentId:
        change = event.data.get("change") or {}
        message = {
            "type": "agent.state",
            "agentId": event.agentId,
            "eventId": event.eventId,
            "state": event.data["state"],
            "change": {key: change.get(key) for key in CHANGE_FIELDS},
        }
        return Push(message, frozenset({event.agentId, *supervisors}), roles=frozenset({"admin"}))
    if event.type == "config.changed":
        data = event.data
        message = {"type": "config.changed", "kind": data["kind"], "id": data["id"], "change": data["change"]}
        if data["kind"] in WORKSPACE_KINDS:
            return Push(message, broadcast=True)
        own = frozenset({str(data["id"])}) if data["kind"] == "user" else frozenset()
        return Push(message, own, roles=STAFF_ROLES)
    return None
