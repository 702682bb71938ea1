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
    onVoice: bool = Field(description="On a voice call, which takes the agent's full capacity")
    inWrapUp: bool
    version: int = Field(description="Grows by one on every change; apply a pushed state only if newer")


class SkillLevel(BaseModel):
    """A skill the agent has, with their proficiency (1-5; higher gets priority routing)."""

    model_config = ConfigDict(extra="forbid")

    skillId: str
    name: str = Field(description="The skill's name (its id if the skill is gone)")
    proficiency: int = Field(ge=1, le=5)


class WallboardRow(AgentStateView):
    """An agent on the wallboard: the state, and who the agent is (seed: the agent list)."""

    name: str
    teamId: str | None
    capacity: int = Field(ge=1, le=20, description="The user's maxConcurrent: conversations at once")
    skills: list[SkillLevel]
    displayedStatus: StatusName = Field(
        description="What every view shows: Busy when Available at capacity or on a voice call, else `status`. "
        "A pushed state carries no capacity: views work it out from the row's `capacity` and the state"
    )


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
    capacity: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="The agent's maxConcurrent on getState (null on other acks): the toolbar shows Busy at capacity",
    )


class WallboardReply(BaseModel):
    agents: list[WallboardRow]
