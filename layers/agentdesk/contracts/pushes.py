"""Server pushes: messages the server sends without a request, each with a `type`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from agentdesk.contracts.agent_state import AgentStatePush


class ConfigChanged(BaseModel):
    """Something an admin configures changed; clients reload that kind. Pause codes, canned messages and
    disposition sets reach everyone; a user's change reaches that user and the supervisors and admins; any
    other kind only the supervisors and admins."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["config.changed"]
    kind: str
    id: str
    change: Literal["created", "updated", "deleted"]


PUSHES: dict[str, tuple[type[BaseModel], str]] = {
    "agent.state": (AgentStatePush, AgentStatePush.__doc__ or ""),
    "config.changed": (ConfigChanged, ConfigChanged.__doc__ or ""),
}
