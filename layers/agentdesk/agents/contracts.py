"""What clients see of an agent's state: in acks of the state actions, on the wallboard and in
`agent.state` pushes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

StatusName = Literal["Offline", "Available", "Busy", "Away"]


class ReasonView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="The pause code id")
    label: str
    productive: bool


class PendingView(BaseModel):
    """A status asked for during an interaction, applied after wrap-up."""

    model_config = ConfigDict(extra="forbid")

    status: StatusName
    reason: ReasonView | None
    cause: Literal["agent", "supervisor", "system"]
    actorId: str
    requestedAt: str
    logoffKind: Literal["manual", "forced", "auto"] | None


class AgentStateView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agentId: str
    status: StatusName
    reason: ReasonView | None
    since: str | None = Field(description="UTC ISO-8601 of the last change; null if the agent never logged in")
    sessionId: str | None
    loginAt: str | None
    pending: PendingView | None
    activeInteractions: int
    inWrapUp: bool
    version: int = Field(description="Grows by one on every change; apply a pushed state only if newer")


class WallboardRow(AgentStateView):
    name: str
    teamId: str | None


class ChangeSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command: str
    cause: Literal["agent", "supervisor", "system"]
    actorId: str
    logoffKind: Literal["manual", "forced", "auto"] | None
    logoffReason: str | None


class AgentStatePush(BaseModel):
    """An agent's state changed: to every connection of the agent, of its team's supervisors and admins."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["agent.state"]
    agentId: str
    eventId: str
    state: AgentStateView
    change: ChangeSummary


class StateReply(BaseModel):
    state: AgentStateView


class WallboardReply(BaseModel):
    agents: list[WallboardRow]
