"""Who hears about an event: the push a domain event becomes and the users it goes to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from agentdesk.agents.contracts import AgentStatePush, ChangeSummary
from agentdesk.agents.events import AgentStateChanged
from agentdesk.config.events import ConfigChanged
from agentdesk.events import Event
from agentdesk.realtime.pushes import ConfigChanged as ConfigChangedPush


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


def hears_supervisors(event: Event) -> bool:
    """Whether the event's push goes to the supervisors of its agent (who then need looking up)."""
    return isinstance(event, AgentStateChanged)


def push_for(event: Event, supervisors: Iterable[str] = ()) -> Push | None:
    """The push an event becomes; `supervisors` are the users who supervise the event's agent (admins
    see every agent, so they hear of every agent too). A heartbeat becomes none: it is for the stream."""
    if isinstance(event, AgentStateChanged):
        change = event.data.change
        message = AgentStatePush(
            type="agent.state",
            agentId=event.agentId,
            eventId=event.eventId,
            state=event.data.state,
            change=ChangeSummary(
                command=change.command,
                cause=change.cause,
                actorId=change.actorId,
                logoffKind=change.logoffKind,
                logoffReason=change.logoffReason,
            ),
        )
        return Push(_json(message), frozenset({event.agentId, *supervisors}), roles=frozenset({"admin"}))
    if isinstance(event, ConfigChanged):
        data = event.data
        notice = ConfigChangedPush(type="config.changed", kind=data.kind.value, id=data.id, change=data.change)
        if data.kind.value in WORKSPACE_KINDS:
            return Push(_json(notice), broadcast=True)
        own = frozenset({data.id}) if data.kind.value == "user" else frozenset()
        return Push(_json(notice), own, roles=STAFF_ROLES)
    return None


def _json(message: BaseModel) -> dict[str, Any]:
    return message.model_dump(mode="json")
