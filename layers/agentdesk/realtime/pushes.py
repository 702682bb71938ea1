"""Server pushes: messages the server sends without a request, each with a `type`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from agentdesk.agents.contracts import AgentStatePush
from agentdesk.config.domain.access import SessionEnd
from agentdesk.interactions.contracts import (
    InteractionAssigned,
    InteractionEnded,
    InteractionMessage,
    InteractionOffered,
    InteractionTyping,
    InteractionUpdated,
    TeamInteractionPush,
)
from agentdesk.reporting.contracts import MetricsToday


class ConfigChanged(BaseModel):
    """Something an admin configures changed; clients reload that kind. Pause codes, canned messages and
    disposition sets reach everyone; a user's change reaches that user and the supervisors and admins; any
    other kind only the supervisors and admins."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["config.changed"]
    kind: str
    id: str
    change: Literal["created", "updated", "deleted"]


class SessionEnded(BaseModel):
    """The user's session ends: their account was deleted or disabled (sign out; the agent has been logged
    off), or their role changed (sign in again to work with the new role). The server closes the connection
    right after this message; a token of a deleted or disabled account is refused from now on."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["session.ended"]
    reason: SessionEnd
    message: str


PUSHES: dict[str, tuple[type[BaseModel], str]] = {
    "agent.state": (AgentStatePush, AgentStatePush.__doc__ or ""),
    "config.changed": (ConfigChanged, ConfigChanged.__doc__ or ""),
    "session.ended": (SessionEnded, SessionEnded.__doc__ or ""),
    "interaction.offered": (InteractionOffered, InteractionOffered.__doc__ or ""),
    "interaction.assigned": (InteractionAssigned, InteractionAssigned.__doc__ or ""),
    "interaction.message": (InteractionMessage, InteractionMessage.__doc__ or ""),
    "interaction.typing": (InteractionTyping, InteractionTyping.__doc__ or ""),
    "interaction.updated": (InteractionUpdated, InteractionUpdated.__doc__ or ""),
    "interaction.ended": (InteractionEnded, InteractionEnded.__doc__ or ""),
    "team.interaction": (TeamInteractionPush, TeamInteractionPush.__doc__ or ""),
    "metrics.today": (MetricsToday, MetricsToday.__doc__ or ""),
}
