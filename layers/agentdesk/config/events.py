"""The config context's event: `config.changed`, written with every config write in its transaction."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentdesk.config.domain.access import SessionEnd
from agentdesk.config.domain.rules import Kind
from agentdesk.kernel.events import DomainEvent


class ConfigChangedData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    id: str = Field(description="The item's id (the user id when `kind` is user)")
    change: Literal["created", "updated", "deleted"]
    version: int = Field(ge=1, description="The item's version after the change (the deletion's for deleted)")
    endSessions: SessionEnd | None = Field(
        default=None,
        description="Users only: the user's open sessions end for this reason (deleted and disabled also log off)",
    )


class ConfigChanged(DomainEvent[ConfigChangedData]):
    """Something an admin configures was created, updated or deleted. `agentId` is the user's id when a user
    changed, else null."""

    type: Literal["config.changed"]
