"""The agent context's events, in the spirit of Amazon Connect's agent event stream: `agent.state.changed`
on every accepted change, and `agent.heartbeat` for every logged-in agent on each presence sweep. Each
carries the agent's state, session, configuration snapshot and whether work can be routed to them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from agentdesk.agents.contracts import AgentStateView, PendingView, ReasonView, StatusName
from agentdesk.kernel.events import DomainEvent

Cause = Literal["agent", "supervisor", "system"]
LogoffKind = Literal["manual", "forced", "auto"]
Command = Literal[
    "login",
    "setStatus:Available",
    "setStatus:Away",
    "setStatus:Busy",
    "setStatus:Offline",
    "logoff",
    "disconnect",
    "startInteraction",
    "endInteraction",
    "finishWrapUp",
]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatusAndReason(_Payload):
    status: StatusName
    reason: ReasonView | None


class StateChange(_Payload):
    """The change itself, as the domain decided it."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    agentId: str
    command: Command
    cause: Cause
    actorId: str
    occurredAt: str
    version: int = Field(description="The agent state's version after the change")
    from_: StatusAndReason = Field(alias="from")
    to: StatusAndReason
    pending: PendingView | None = Field(description="The pending status after the change")
    appliedPending: PendingView | None = Field(description="The pending status this change carried out")
    sessionId: str | None = Field(description="The session the change happened in (the closed one on logoff)")
    activeInteractions: int
    inWrapUp: bool
    interactionId: str | None
    logoffKind: LogoffKind | None
    logoffReason: str | None = Field(description="AUTO for the automatic logoff")


class SessionOpened(_Payload):
    type: Literal["agent.session.opened"]
    agentId: str
    sessionId: str
    start: str


class SessionClosed(_Payload):
    type: Literal["agent.session.closed"]
    agentId: str
    sessionId: str
    start: str
    end: str
    durationSeconds: float
    logoffKind: LogoffKind
    logoffReason: str | None


class PauseOpened(_Payload):
    type: Literal["agent.pause.opened"]
    agentId: str
    sessionId: str
    pauseId: str
    code: str
    label: str
    productive: bool
    start: str


class PauseClosed(PauseOpened):
    type: Literal["agent.pause.closed"]  # type: ignore[assignment]
    end: str
    durationSeconds: float


AttendanceRecord = Annotated[SessionOpened | SessionClosed | PauseOpened | PauseClosed, Field(discriminator="type")]


class PreviousState(_Payload):
    """The state the change left, and how long the agent was in it."""

    status: StatusName
    reason: ReasonView | None
    since: str | None = Field(description="When that state began; null if the agent had never logged in")
    secondsInState: float | None = Field(description="From `since` to the change; null without `since`")


class Session(_Payload):
    """The login session the event belongs to: the open one, or the one a logoff just closed."""

    sessionId: str
    loginAt: str | None
    endedAt: str | None = Field(description="Set when this event closed the session")


class SkillProficiency(_Payload):
    skillId: str
    proficiency: int = Field(ge=1, le=5)


class AgentConfiguration(_Payload):
    """The agent's profile in the directory when the event was written."""

    name: str
    teamId: str | None
    siteId: str | None
    capacity: int = Field(ge=1, le=20, description="Concurrent conversations (maxConcurrent)")
    skills: list[SkillProficiency]
    autoAnswer: Literal["on", "off", "agent"] = Field(description="agent: the agent chooses")


class Routing(_Payload):
    routable: bool = Field(description="Whether a new interaction may be offered to the agent now")
    notRoutableReason: str | None = Field(description="Why not, for a person to read; null when routable")


class AgentStateChangedData(_Payload):
    state: AgentStateView = Field(description="The state after the change (as clients see it)")
    change: StateChange
    records: list[AttendanceRecord] = Field(description="Time & attendance records the change opened or closed")
    previous: PreviousState
    session: Session | None
    configuration: AgentConfiguration | None = Field(description="null if the agent has no profile")
    routing: Routing


class AgentHeartbeatData(_Payload):
    state: AgentStateView
    secondsInState: float = Field(description="Seconds since the current status and reason began")
    session: Session | None
    configuration: AgentConfiguration | None = Field(description="null if the agent has no profile")
    routing: Routing


class AgentStateChanged(DomainEvent[AgentStateChangedData]):
    """Every accepted change of an agent's state (login, status, pause, logoff, interactions, wrap-up)."""

    type: Literal["agent.state.changed"]
    agentId: str


class AgentHeartbeat(DomainEvent[AgentHeartbeatData]):
    """Every logged-in agent, on each presence sweep (every 5 minutes): the stream's periodic snapshot.
    Not pushed to WebSocket clients."""

    type: Literal["agent.heartbeat"]
    agentId: str
