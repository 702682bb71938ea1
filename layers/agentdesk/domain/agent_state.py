"""Agent state: status, pause codes, pending status and time & attendance, as pure transitions.

This module owns every rule about an agent's status (docs/agent-state.md explains them). Each command is a
function `(state, command data, pause_codes=..., now=...) -> Transition`: the new state plus the facts to
record (one `StateChanged` event and the time & attendance records it closes or opens). A refused command
raises `AgentDeskError` and changes nothing; a command that would change nothing returns the same state
and no facts (`Transition.changed` is False), so retries are harmless. No clock reads, no I/O.

`TRANSITIONS` below is the table: for each (current status, command) the rule that decides the outcome.
The functions look their rule up there first; docs/agent-state.md shows the same table (a test compares).
Reading a cell: a *refuse* rule raises its error code; a *change* rule moves the agent to its target (with
the pause code it names), at once when the agent is idle and as the **pending** status while the agent is
on an interaction or in wrap-up; an *interaction* rule records an interaction starting, ending or its
wrap-up finishing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

from agentdesk.contracts.errors import AgentDeskError, ErrorCode
from agentdesk.domain.config_rules import DISCONNECTED_PAUSE_CODE_ID, WRAP_UP_PAUSE_CODE_ID
from agentdesk.platform.clock import iso


class Status(StrEnum):
    OFFLINE = "Offline"
    AVAILABLE = "Available"
    BUSY = "Busy"
    AWAY = "Away"


class Command(StrEnum):
    """What can happen to an agent's state; `setStatus` is split by target because each target has a rule."""

    LOGIN = "login"
    SET_AVAILABLE = "setStatus:Available"
    SET_AWAY = "setStatus:Away"
    SET_BUSY = "setStatus:Busy"
    SET_OFFLINE = "setStatus:Offline"
    LOGOFF = "logoff"
    DISCONNECT = "disconnect"
    START_INTERACTION = "startInteraction"
    END_INTERACTION = "endInteraction"
    FINISH_WRAP_UP = "finishWrapUp"


class Cause(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"


class LogoffKind(StrEnum):
    MANUAL = "manual"
    FORCED = "forced"
    AUTO = "auto"


class Effect(StrEnum):
    REFUSE = "refuse"
    CHANGE = "change"
    INTERACTION = "interaction"


class ReasonRule(StrEnum):
    """Which pause code a change takes."""

    NONE = "none"
    AGENT_CODE = "agent code"  # required: enabled, not a system reason, mapping to the target status
    OPTIONAL_AGENT_CODE = "optional agent code"  # login: none means Available, a code means its status
    SYSTEM = "system"  # the rule's `system_reason`, never chosen by a person


# System reasons: set only by the system, refused when an agent or a supervisor picks them.
# The system pause codes' ids are the configuration's, so a stored reason names a code the API lists.
WRAP_UP = WRAP_UP_PAUSE_CODE_ID
DISCONNECTED = DISCONNECTED_PAUSE_CODE_ID
AUTO_LOGOFF = "AUTO"
SYSTEM_REASONS = frozenset({WRAP_UP, DISCONNECTED, AUTO_LOGOFF})
SYSTEM_ACTOR_ID = "system"

PAUSE_STATUSES = frozenset({Status.AWAY, Status.BUSY})

DEFAULT_CAPACITY = 5
MIN_CAPACITY = 1
MAX_CAPACITY = 20


@dataclass(frozen=True)
class Rule:
    effect: Effect
    target: Status | None = None
    reason: ReasonRule = ReasonRule.NONE
    system_reason: str | None = None
    error: ErrorCode | None = None
    # While the agent is on an interaction or in wrap-up the change is stored as `pending` instead.
    deferred: bool = False
    # Disconnect only matters to an agent who is (or would next be) Available: others get nothing routed.
    only_if_available: bool = False
    message: str = ""  # for refusals: what the person reads
    note: str = ""  # for the docs table


_NOT_LOGGED_IN = Rule(Effect.REFUSE, error=ErrorCode.NOT_LOGGED_IN, message="The agent is Offline; log in first.")
_ALREADY_LOGGED_IN = Rule(
    Effect.REFUSE,
    error=ErrorCode.INVALID_TRANSITION,
    message="The agent is already logged in ({status}); log off first.",
)
_LOGIN = Rule(
    Effect.CHANGE,
    Status.AVAILABLE,
    ReasonRule.OPTIONAL_AGENT_CODE,
    note="opens a session; with a pause code: that code's status",
)
_SET_AVAILABLE = Rule(Effect.CHANGE, Status.AVAILABLE, deferred=True)
_SET_AWAY = Rule(Effect.CHANGE, Status.AWAY, ReasonRule.AGENT_CODE, deferred=True)
_SET_BUSY = Rule(Effect.CHANGE, Status.BUSY, ReasonRule.AGENT_CODE, deferred=True)
_SET_OFFLINE = Rule(
    Effect.REFUSE,
    error=ErrorCode.INVALID_TRANSITION,
    message="setStatus cannot make the agent Offline; log off instead.",
)
_LOGOFF = Rule(Effect.CHANGE, Status.OFFLINE, deferred=True, note="closes the session")
_DISCONNECT = Rule(
    Effect.CHANGE,
    Status.AWAY,
    ReasonRule.SYSTEM,
    system_reason=DISCONNECTED,
    deferred=True,
    only_if_available=True,
)
_START_INTERACTION = Rule(Effect.INTERACTION, note="if the agent can receive (`can_receive`)")
_CANNOT_RECEIVE = Rule(
    Effect.REFUSE,
    error=ErrorCode.INVALID_TRANSITION,
    message="The agent is {status}{reason} and cannot take interactions.",
)
_END_INTERACTION = Rule(Effect.INTERACTION, note="; with wrap-up → Busy with system code Wrap-up")
_FINISH_WRAP_UP = Rule(Effect.INTERACTION, note="; the last wrap-up → the pending status, else Available")

_COLUMNS = (Status.OFFLINE, Status.AVAILABLE, Status.BUSY, Status.AWAY)
_ROWS: dict[Command, tuple[Rule, Rule, Rule, Rule]] = {
    #                          Offline          Available           Busy                Away
    Command.LOGIN: (_LOGIN, _ALREADY_LOGGED_IN, _ALREADY_LOGGED_IN, _ALREADY_LOGGED_IN),
    Command.SET_AVAILABLE: (_NOT_LOGGED_IN, _SET_AVAILABLE, _SET_AVAILABLE, _SET_AVAILABLE),
    Command.SET_AWAY: (_NOT_LOGGED_IN, _SET_AWAY, _SET_AWAY, _SET_AWAY),
    Command.SET_BUSY: (_NOT_LOGGED_IN, _SET_BUSY, _SET_BUSY, _SET_BUSY),
    Command.SET_OFFLINE: (_NOT_LOGGED_IN, _SET_OFFLINE, _SET_OFFLINE, _SET_OFFLINE),
    Command.LOGOFF: (_NOT_LOGGED_IN, _LOGOFF, _LOGOFF, _LOGOFF),
    Command.DISCONNECT: (_NOT_LOGGED_IN, _DISCONNECT, _DISCONNECT, _DISCONNECT),
    Command.START_INTERACTION: (_NOT_LOGGED_IN, _START_INTERACTION, _CANNOT_RECEIVE, _CANNOT_RECEIVE),
    Command.END_INTERACTION: (_NOT_LOGGED_IN, _END_INTERACTION, _END_INTERACTION, _END_INTERACTION),
    Command.FINISH_WRAP_UP: (_NOT_LOGGED_IN, _FINISH_WRAP_UP, _FINISH_WRAP_UP, _FINISH_WRAP_UP),
}

TRANSITIONS: Mapping[tuple[Status, Command], Rule] = MappingProxyType(
    {(status, command): rules[i] for command, rules in _ROWS.items() for i, status in enumerate(_COLUMNS)}
)
"""(current status, command) → the rule deciding the outcome. Every pair has exactly one rule."""


# --- pause codes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """The pause code an agent's status carries: a snapshot of the code when it was chosen."""

    code: str
    label: str
    productive: bool

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "productive": self.productive}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        return cls(code=str(data["code"]), label=str(data["label"]), productive=bool(data["productive"]))


@dataclass(frozen=True)
class PauseCode:
    """An aux/pause code as configured: it puts the agent Away or Busy, and is productive or not."""

    id: str
    label: str
    status: Status
    productive: bool
    enabled: bool = True
    system: bool = False

    def __post_init__(self) -> None:
        if self.status not in PAUSE_STATUSES:
            raise ValueError(f"Pause code {self.id!r} must map to Away or Busy, not {self.status}.")

    @property
    def reason(self) -> Reason:
        return Reason(self.id, self.label, self.productive)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status.value,
            "productive": self.productive,
            "enabled": self.enabled,
            "system": self.system,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PauseCode:
        return cls(
            id=str(data["id"]),
            label=str(data["label"]),
            status=Status(str(data["status"])),
            productive=bool(data["productive"]),
            enabled=bool(data.get("enabled", True)),
            system=bool(data.get("system", False)),
        )


def _codes(*codes: PauseCode) -> Mapping[str, PauseCode]:
    return MappingProxyType({code.id: code for code in codes})


# The system's own reasons; a configured code with the same id (e.g. a relabelled Wrap-up) takes precedence.
SYSTEM_PAUSE_CODES: Mapping[str, PauseCode] = _codes(
    PauseCode(WRAP_UP, "Wrap-up", Status.BUSY, productive=True, system=True),
    PauseCode(DISCONNECTED, "Disconnected", Status.AWAY, productive=False, system=True),
)

DEFAULT_PAUSE_CODES: Mapping[str, PauseCode] = _codes(
    PauseCode("Break", "Break", Status.AWAY, productive=False),
    PauseCode("Lunch", "Lunch", Status.AWAY, productive=False),
    PauseCode("Training", "Training", Status.AWAY, productive=False),
    PauseCode("Meeting", "Meeting", Status.AWAY, productive=False),
    PauseCode("Technical Issue", "Technical Issue", Status.AWAY, productive=False),
    *SYSTEM_PAUSE_CODES.values(),
)


# --- state ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interaction:
    """An interaction the agent is connected to; a voice call blocks any other offer."""

    interaction_id: str
    voice: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"interactionId": self.interaction_id, "voice": self.voice}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Interaction:
        return cls(interaction_id=str(data["interactionId"]), voice=bool(data.get("voice", False)))


@dataclass(frozen=True)
class PendingStatus:
    """A status asked for while the agent was engaged; applied when the last interaction and wrap-up end."""

    status: Status  # Away or Busy (with a reason) or Offline (a logoff)
    reason: Reason | None
    cause: Cause
    actor_id: str
    requested_at: str
    logoff_kind: LogoffKind | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "reason": self.reason.to_dict() if self.reason else None,
            "cause": self.cause.value,
            "actorId": self.actor_id,
            "requestedAt": self.requested_at,
            "logoffKind": self.logoff_kind.value if self.logoff_kind else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingStatus:
        return cls(
            status=Status(str(data["status"])),
            reason=Reason.from_dict(data["reason"]) if data.get("reason") else None,
            cause=Cause(str(data["cause"])),
            actor_id=str(data["actorId"]),
            requested_at=str(data["requestedAt"]),
            logoff_kind=LogoffKind(str(data["logoffKind"])) if data.get("logoffKind") else None,
        )


@dataclass(frozen=True)
class AgentState:
    """One agent's status. Construction checks the invariants, so a stored state that breaks them is refused.

    `since` is when status or reason last changed (the toolbar timer); `login_at` opens the session and
    `since` of a paused agent opens the current pause interval (`pause_id`). `version` grows by one on
    every change and is what the store's optimistic lock compares.
    """

    agent_id: str
    status: Status
    reason: Reason | None
    since: str
    session_id: str | None = None
    login_at: str | None = None
    pending: PendingStatus | None = None
    version: int = 0
    interactions: tuple[Interaction, ...] = ()
    wrap_ups: tuple[str, ...] = ()  # ids of ended interactions whose wrap-up is not finished
    pause_id: str | None = None

    def __post_init__(self) -> None:
        problem = _invariant_problem(self)
        if problem:
            raise ValueError(f"Inconsistent state for agent {self.agent_id!r}: {problem}")

    @property
    def logged_in(self) -> bool:
        return self.status is not Status.OFFLINE

    @property
    def active_interactions(self) -> int:
        return len(self.interactions)

    @property
    def in_wrap_up(self) -> bool:
        return bool(self.wrap_ups)

    @property
    def on_voice(self) -> bool:
        return any(i.voice for i in self.interactions)

    @property
    def engaged(self) -> bool:
        """On an interaction or in wrap-up: status requests wait as `pending`."""
        return bool(self.interactions or self.wrap_ups)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agentId": self.agent_id,
            "status": self.status.value,
            "reason": self.reason.to_dict() if self.reason else None,
            "since": self.since,
            "sessionId": self.session_id,
            "loginAt": self.login_at,
            "pending": self.pending.to_dict() if self.pending else None,
            "version": self.version,
            "interactions": [i.to_dict() for i in self.interactions],
            "wrapUps": list(self.wrap_ups),
            "pauseId": self.pause_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AgentState:
        return cls(
            agent_id=str(data["agentId"]),
            status=Status(str(data["status"])),
            reason=Reason.from_dict(data["reason"]) if data.get("reason") else None,
            since=str(data["since"]),
            session_id=_optional_str(data.get("sessionId")),
            login_at=_optional_str(data.get("loginAt")),
            pending=PendingStatus.from_dict(data["pending"]) if data.get("pending") else None,
            version=int(data.get("version", 0)),
            interactions=tuple(Interaction.from_dict(i) for i in data.get("interactions") or ()),
            wrap_ups=tuple(str(w) for w in data.get("wrapUps") or ()),
            pause_id=_optional_str(data.get("pauseId")),
        )


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _invariant_problem(state: AgentState) -> str | None:
    offline = state.status is Status.OFFLINE
    paused = state.status in PAUSE_STATUSES
    wrap_up_status = state.status is Status.BUSY and state.reason is not None and state.reason.code == WRAP_UP
    checks = (
        (state.version >= 0, "the version is negative"),
        (offline == (state.session_id is None), "a session exists exactly when the agent is logged in"),
        (offline == (state.login_at is None), "login_at is set exactly when the agent is logged in"),
        (paused == (state.reason is not None), "a reason is set exactly when the agent is Away or Busy"),
        (paused == (state.pause_id is not None), "a pause is open exactly when the agent is Away or Busy"),
        (state.in_wrap_up == wrap_up_status, "wrap-ups are open exactly when the status is Busy/Wrap-up"),
        (
            not state.engaged or state.status is Status.AVAILABLE or wrap_up_status,
            "an agent on an interaction is Available or in wrap-up",
        ),
        (state.pending is None or state.engaged, "a pending status needs an interaction or a wrap-up"),
        (
            state.pending is None or state.pending.status is not Status.AVAILABLE,
            "Available is never pending (it is where the agent returns anyway)",
        ),
    )
    return next((problem for ok, problem in checks if not ok), None)


def initial_state(agent_id: str, *, now: datetime) -> AgentState:
    """The state of an agent never seen before: Offline since `now`, version 0 (not yet stored)."""
    if not agent_id.strip():
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "The agent id is empty.", "agentId")
    return AgentState(agent_id=agent_id, status=Status.OFFLINE, reason=None, since=iso(_moment(now)))


# --- facts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateChanged:
    """The one event of every accepted change (type `agent.state.changed`)."""

    EVENT_TYPE: ClassVar[str] = "agent.state.changed"

    agent_id: str
    command: Command
    cause: Cause
    actor_id: str
    occurred_at: str
    version: int
    from_status: Status
    from_reason: Reason | None
    to_status: Status
    to_reason: Reason | None
    pending: PendingStatus | None  # after the change
    applied_pending: PendingStatus | None  # the pending status this change carried out, if any
    session_id: str | None  # the session the change happened in (the closed one on logoff)
    active_interactions: int
    in_wrap_up: bool
    interaction_id: str | None = None
    logoff_kind: LogoffKind | None = None
    logoff_reason: str | None = None  # AUTO for the automatic logoff

    def to_dict(self) -> dict[str, Any]:
        return {
            "agentId": self.agent_id,
            "command": self.command.value,
            "cause": self.cause.value,
            "actorId": self.actor_id,
            "occurredAt": self.occurred_at,
            "version": self.version,
            "from": {"status": self.from_status.value, "reason": _reason_dict(self.from_reason)},
            "to": {"status": self.to_status.value, "reason": _reason_dict(self.to_reason)},
            "pending": self.pending.to_dict() if self.pending else None,
            "appliedPending": self.applied_pending.to_dict() if self.applied_pending else None,
            "sessionId": self.session_id,
            "activeInteractions": self.active_interactions,
            "inWrapUp": self.in_wrap_up,
            "interactionId": self.interaction_id,
            "logoffKind": self.logoff_kind.value if self.logoff_kind else None,
            "logoffReason": self.logoff_reason,
        }


@dataclass(frozen=True)
class SessionOpened:
    EVENT_TYPE: ClassVar[str] = "agent.session.opened"

    agent_id: str
    session_id: str
    start: str

    def to_dict(self) -> dict[str, Any]:
        return {"agentId": self.agent_id, "sessionId": self.session_id, "start": self.start}


@dataclass(frozen=True)
class SessionClosed:
    """A login session for time & attendance: login to logoff."""

    EVENT_TYPE: ClassVar[str] = "agent.session.closed"

    agent_id: str
    session_id: str
    start: str
    end: str
    duration_seconds: float
    logoff_kind: LogoffKind
    logoff_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "agentId": self.agent_id,
            "sessionId": self.session_id,
            "start": self.start,
            "end": self.end,
            "durationSeconds": self.duration_seconds,
            "logoffKind": self.logoff_kind.value,
            "logoffReason": self.logoff_reason,
        }


@dataclass(frozen=True)
class PauseOpened:
    EVENT_TYPE: ClassVar[str] = "agent.pause.opened"

    agent_id: str
    session_id: str
    pause_id: str
    code: str
    label: str
    productive: bool
    start: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "agentId": self.agent_id,
            "sessionId": self.session_id,
            "pauseId": self.pause_id,
            "code": self.code,
            "label": self.label,
            "productive": self.productive,
            "start": self.start,
        }


@dataclass(frozen=True)
class PauseClosed:
    """A pause interval for the pause summary: always inside its session, never overlapping another."""

    EVENT_TYPE: ClassVar[str] = "agent.pause.closed"

    agent_id: str
    session_id: str
    pause_id: str
    code: str
    label: str
    productive: bool
    start: str
    end: str
    duration_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "agentId": self.agent_id,
            "sessionId": self.session_id,
            "pauseId": self.pause_id,
            "code": self.code,
            "label": self.label,
            "productive": self.productive,
            "start": self.start,
            "end": self.end,
            "durationSeconds": self.duration_seconds,
        }


Fact = StateChanged | SessionOpened | SessionClosed | PauseOpened | PauseClosed


@dataclass(frozen=True)
class Transition:
    """The outcome of an accepted command: the new state and the facts to write with it, in order.

    `facts` is empty when nothing changed (the same request again); then `state` is the input state and
    nothing must be written.
    """

    state: AgentState
    facts: tuple[Fact, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.facts)

    @property
    def event(self) -> StateChanged | None:
        first = self.facts[0] if self.facts else None
        return first if isinstance(first, StateChanged) else None

    @property
    def records(self) -> tuple[Fact, ...]:
        """The time & attendance records: sessions and pause intervals opened and closed."""
        return self.facts[1:]


def _reason_dict(reason: Reason | None) -> dict[str, Any] | None:
    return reason.to_dict() if reason else None


# --- commands ------------------------------------------------------------------------------------------


def login(
    state: AgentState,
    *,
    session_id: str,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    reason: str | None = None,
) -> Transition:
    """Offline → Available, or straight into a pause when a pause code is given (the code decides
    Away or Busy). `session_id` comes from the caller's id generator."""
    _check(state, Command.LOGIN)
    chosen = _agent_reason(None, reason, pause_codes, optional=True)
    session = _required_text(session_id, "sessionId", "The session id")
    target = Status.AVAILABLE if chosen is None else pause_codes[chosen.code].status
    at = _moment(now, state)
    return _commit(
        state,
        at,
        command=Command.LOGIN,
        cause=Cause.AGENT,
        actor_id=state.agent_id,
        status=target,
        reason=chosen,
        new_session_id=session,
    )


def set_status(
    state: AgentState,
    status: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    reason: str | None = None,
) -> Transition:
    """The agent asks for Available, or Away/Busy with a pause code of that status."""
    return _request_status(state, status, reason, pause_codes, now, Cause.AGENT, state.agent_id)


def force_status(
    state: AgentState,
    status: str,
    *,
    supervisor_id: str,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    reason: str | None = None,
) -> Transition:
    """A supervisor sets the agent's status: the same rules as `set_status`, recorded as cause supervisor."""
    actor = _required_text(supervisor_id, "supervisorId", "The supervisor id")
    return _request_status(state, status, reason, pause_codes, now, Cause.SUPERVISOR, actor)


def logoff(state: AgentState, *, pause_codes: Mapping[str, PauseCode], now: datetime) -> Transition:
    """The agent logs off (kind manual)."""
    return _logoff(state, now, LogoffKind.MANUAL, Cause.AGENT, state.agent_id)


def force_logoff(
    state: AgentState, *, supervisor_id: str, pause_codes: Mapping[str, PauseCode], now: datetime
) -> Transition:
    """A supervisor logs the agent off (kind forced)."""
    actor = _required_text(supervisor_id, "supervisorId", "The supervisor id")
    return _logoff(state, now, LogoffKind.FORCED, Cause.SUPERVISOR, actor)


def auto_logoff(state: AgentState, *, pause_codes: Mapping[str, PauseCode], now: datetime) -> Transition:
    """The midnight (site time) logoff: kind auto, reason AUTO, cause system."""
    return _logoff(state, now, LogoffKind.AUTO, Cause.SYSTEM, SYSTEM_ACTOR_ID)


def disconnect(state: AgentState, *, pause_codes: Mapping[str, PauseCode], now: datetime) -> Transition:
    """The agent's last connection is gone (after the grace period): Away with the system reason
    Disconnected, so nothing more is routed. An agent already paused keeps the pause (nothing is routed
    to them anyway), and a pending pause or logoff is kept."""
    rule = _check(state, Command.DISCONNECT)
    if rule.only_if_available and _next_status(state) is not Status.AVAILABLE:
        return Transition(state)
    reason = _system_reason(pause_codes, rule.system_reason or DISCONNECTED)
    return _request(state, _moment(now, state), Command.DISCONNECT, Cause.SYSTEM, SYSTEM_ACTOR_ID, Status.AWAY, reason)


def disconnect_would_change(state: AgentState) -> bool:
    """Whether `disconnect` would change the agent now (logged in, and Available or going back to Available when
    the current work ends): for anyone else a disconnect-grace timer can only end in no change."""
    rule = TRANSITIONS[(state.status, Command.DISCONNECT)]
    if rule.effect is Effect.REFUSE:
        return False
    return not rule.only_if_available or _next_status(state) is Status.AVAILABLE


def start_interaction(
    state: AgentState,
    interaction_id: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    voice: bool = False,
    capacity: int = DEFAULT_CAPACITY,
) -> Transition:
    """The agent is connected to an interaction (routed offer accepted, or an outbound call started)."""
    _check(state, Command.START_INTERACTION)
    interaction = _required_text(interaction_id, "interactionId", "The interaction id")
    limit = check_capacity(capacity)
    if _knows(state, interaction):
        raise AgentDeskError(
            ErrorCode.INVALID_TRANSITION,
            f"Interaction {interaction} is already with this agent.",
            "interactionId",
        )
    refusal = _why_not_receiving(state, limit)
    if refusal:
        raise AgentDeskError(ErrorCode.INVALID_TRANSITION, refusal)
    return _commit(
        state,
        _moment(now, state),
        command=Command.START_INTERACTION,
        cause=Cause.SYSTEM,
        actor_id=SYSTEM_ACTOR_ID,
        status=state.status,
        reason=state.reason,
        interactions=(*state.interactions, Interaction(interaction, voice)),
        interaction_id=interaction,
    )


def end_interaction(
    state: AgentState,
    interaction_id: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    wrap_up: bool = True,
) -> Transition:
    """An interaction ended. With wrap-up (the default) the system puts the agent in Busy/Wrap-up until
    `finish_wrap_up`; without (e.g. transferred away) the agent returns to idle when nothing is left."""
    _check(state, Command.END_INTERACTION)
    interaction = _required_text(interaction_id, "interactionId", "The interaction id")
    if interaction in state.wrap_ups:
        raise AgentDeskError(
            ErrorCode.INVALID_TRANSITION,
            f"Interaction {interaction} has already ended; its wrap-up is open.",
            "interactionId",
        )
    if not any(i.interaction_id == interaction for i in state.interactions):
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"Interaction {interaction} is not with this agent.", "interactionId")
    at = _moment(now, state)
    remaining = tuple(i for i in state.interactions if i.interaction_id != interaction)
    if wrap_up:
        status, reason = (
            (state.status, state.reason) if state.in_wrap_up else (Status.BUSY, _system_reason(pause_codes, WRAP_UP))
        )
        return _commit(
            state,
            at,
            command=Command.END_INTERACTION,
            cause=Cause.SYSTEM,
            actor_id=SYSTEM_ACTOR_ID,
            status=status,
            reason=reason,
            interactions=remaining,
            wrap_ups=(*state.wrap_ups, interaction),
            interaction_id=interaction,
        )
    return _settle(
        state,
        at,
        Command.END_INTERACTION,
        Cause.SYSTEM,
        SYSTEM_ACTOR_ID,
        interaction,
        remaining,
        state.wrap_ups,
    )


def finish_wrap_up(
    state: AgentState,
    interaction_id: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    cause: Cause = Cause.AGENT,
) -> Transition:
    """The wrap-up of an interaction is over: the agent submitted the disposition (cause agent) or the
    wrap-up timed out (cause system). When it was the last thing the agent was doing, the pending status
    is applied, else the agent is Available again."""
    _check(state, Command.FINISH_WRAP_UP)
    interaction = _required_text(interaction_id, "interactionId", "The interaction id")
    if cause is Cause.SUPERVISOR:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "A wrap-up is finished by the agent or the system.", "cause")
    if any(i.interaction_id == interaction for i in state.interactions):
        raise AgentDeskError(
            ErrorCode.INVALID_TRANSITION,
            f"Interaction {interaction} is still in progress; it has no wrap-up yet.",
            "interactionId",
        )
    if interaction not in state.wrap_ups:
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"There is no open wrap-up for interaction {interaction}.", "interactionId"
        )
    actor = state.agent_id if cause is Cause.AGENT else SYSTEM_ACTOR_ID
    remaining = tuple(w for w in state.wrap_ups if w != interaction)
    return _settle(
        state,
        _moment(now, state),
        Command.FINISH_WRAP_UP,
        cause,
        actor,
        interaction,
        state.interactions,
        remaining,
    )


# --- views ---------------------------------------------------------------------------------------------


def check_capacity(capacity: int) -> int:
    """The capacity if it is a whole number from 1 to 20, else BAD_REQUEST."""
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not (MIN_CAPACITY <= capacity <= MAX_CAPACITY):
        raise AgentDeskError(
            ErrorCode.BAD_REQUEST,
            f"Capacity must be a whole number from {MIN_CAPACITY} to {MAX_CAPACITY}; got {capacity!r}.",
            "capacity",
        )
    return capacity


def displayed_status(
    status: Status, active_interactions: int, capacity: int = DEFAULT_CAPACITY, *, voice: bool = False
) -> Status:
    """What others see: an Available agent at capacity, or on a voice call, shows Busy."""
    limit = check_capacity(capacity)
    if status is Status.AVAILABLE and (voice or active_interactions >= limit):
        return Status.BUSY
    return status


def can_receive(state: AgentState, capacity: int = DEFAULT_CAPACITY) -> bool:
    """Whether a new interaction may be offered to (or started by) the agent."""
    return _why_not_receiving(state, check_capacity(capacity)) is None


@dataclass(frozen=True)
class ToolbarView:
    """What the agent's status toolbar shows: status, pause code and the timer since the change."""

    status: Status
    reason_label: str | None
    productive: bool | None  # None when not paused
    seconds: int
    pending_status: Status | None
    pending_reason_label: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "reasonLabel": self.reason_label,
            "productive": self.productive,
            "seconds": self.seconds,
            "pendingStatus": self.pending_status.value if self.pending_status else None,
            "pendingReasonLabel": self.pending_reason_label,
        }


def toolbar_view(state: AgentState, *, now: datetime, capacity: int = DEFAULT_CAPACITY) -> ToolbarView:
    elapsed = (_moment(now) - _parse(state.since)).total_seconds()
    pending = state.pending
    return ToolbarView(
        status=displayed_status(state.status, state.active_interactions, capacity, voice=state.on_voice),
        reason_label=state.reason.label if state.reason else None,
        productive=state.reason.productive if state.reason else None,
        seconds=max(0, int(elapsed)),
        pending_status=pending.status if pending else None,
        pending_reason_label=pending.reason.label if pending and pending.reason else None,
    )


def transition_table_markdown() -> str:
    """The transition table as the Markdown table docs/agent-state.md shows."""
    lines = [
        "| Command | " + " | ".join(s.value for s in _COLUMNS) + " |",
        "|---|" + "---|" * len(_COLUMNS),
    ]
    for command in _ROWS:
        cells = [_describe(TRANSITIONS[(status, command)]) for status in _COLUMNS]
        lines.append(f"| `{command.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _describe(rule: Rule) -> str:
    if rule.effect is Effect.REFUSE:
        return f"refused: `{rule.error}`"
    if rule.effect is Effect.INTERACTION:
        return f"recorded{'' if rule.note.startswith(';') else ' '}{rule.note}"
    parts = [f"→ {rule.target}"]
    if rule.reason is ReasonRule.AGENT_CODE:
        parts.append(f"with an agent {rule.target} code")
    elif rule.reason is ReasonRule.SYSTEM:
        parts.append(f"with system code {rule.system_reason}")
    if rule.only_if_available:
        parts.append("if (next) Available, else no change")
    if rule.note:
        parts.append(f"({rule.note})")
    if rule.deferred:
        parts.append("⏸")
    return " ".join(parts)


# --- the machinery -------------------------------------------------------------------------------------


# A pending logoff the agent did not ask for is not overridden by a status request.
_LOCKING_LOGOFFS = {LogoffKind.FORCED: "A logoff forced by a supervisor", LogoffKind.AUTO: "The automatic logoff"}

_SET_COMMANDS = {
    Status.AVAILABLE: Command.SET_AVAILABLE,
    Status.AWAY: Command.SET_AWAY,
    Status.BUSY: Command.SET_BUSY,
    Status.OFFLINE: Command.SET_OFFLINE,
}


def _check(state: AgentState, command: Command) -> Rule:
    """The table's rule for this command now; raises the rule's refusal."""
    rule = TRANSITIONS[(state.status, command)]
    if rule.effect is Effect.REFUSE:
        assert rule.error is not None
        reason = f" ({state.reason.label})" if state.reason else ""
        raise AgentDeskError(rule.error, rule.message.format(status=state.status.value, reason=reason))
    return rule


def _moment(now: datetime, state: AgentState | None = None) -> datetime:
    """`now` in UTC to the millisecond (the precision of stored times), never before the last change:
    clocks of different machines may disagree, and an interval must not end before it starts."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    at = now.astimezone(UTC)
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    if state is not None:
        at = max(at, _parse(state.since))
    return at


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def _seconds(start: str, end: str) -> float:
    return round((_parse(end) - _parse(start)).total_seconds(), 3)


def _required_text(value: str, field: str, what: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"{what} is missing or empty.", field)
    return text


def _knows(state: AgentState, interaction_id: str) -> bool:
    return interaction_id in state.wrap_ups or any(i.interaction_id == interaction_id for i in state.interactions)


def _why_not_receiving(state: AgentState, capacity: int) -> str | None:
    if state.status is not Status.AVAILABLE:
        reason = f" ({state.reason.label})" if state.reason else ""
        return f"The agent is {state.status.value}{reason} and cannot take interactions."
    if state.pending is not None:
        return f"The agent has asked to go {_describe_pending(state.pending)} after the current work."
    if state.on_voice:
        return "The agent is on a voice call, which takes their full capacity."
    if state.active_interactions >= capacity:
        return f"The agent is at capacity ({state.active_interactions} of {capacity} conversations)."
    return None


def _describe_pending(pending: PendingStatus) -> str:
    return f"{pending.status.value} ({pending.reason.label})" if pending.reason else pending.status.value


def _parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise AgentDeskError(
            ErrorCode.BAD_REQUEST,
            f"Unknown status {value!r}; choose Available, Away or Busy.",
            "status",
        ) from None


def _choices(pause_codes: Mapping[str, PauseCode], status: Status | None) -> str:
    selectable = sorted(
        code.label if code.label == code.id else f"{code.label} ({code.id})"
        for code in pause_codes.values()
        if code.enabled
        and not code.system
        and code.id not in SYSTEM_REASONS
        and (status is None or code.status is status)
    )
    if not selectable:
        return f"no {status.value + ' ' if status else ''}pause code is configured"
    return "choose one of " + ", ".join(selectable)


def _agent_reason(
    target: Status | None, raw: str | None, pause_codes: Mapping[str, PauseCode], *, optional: bool
) -> Reason | None:
    """The pause code a person picked, checked: exists, enabled, not a system reason, of the target status."""
    code_id = raw.strip() if isinstance(raw, str) else ""
    if target is Status.AVAILABLE:
        if code_id:
            raise AgentDeskError(ErrorCode.BAD_REQUEST, f"Available takes no pause code; got {code_id!r}.", "reason")
        return None
    if not code_id:
        if optional:
            return None
        raise AgentDeskError(
            ErrorCode.REASON_REQUIRED,
            f"Going {target} needs a pause code: {_choices(pause_codes, target)}.",
            "reason",
        )
    code = pause_codes.get(code_id)
    if code_id in SYSTEM_REASONS or (code is not None and code.system):
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"{code_id!r} is a system reason that only the system sets; {_choices(pause_codes, target)}.",
            "reason",
        )
    if code is None:
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"There is no pause code {code_id!r}; {_choices(pause_codes, target)}.",
            "reason",
        )
    if not code.enabled:
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"The pause code {code.label!r} is disabled; {_choices(pause_codes, target)}.",
            "reason",
        )
    if target is not None and code.status is not target:
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"{code.label!r} is a pause code for {code.status}, not {target}; {_choices(pause_codes, target)}.",
            "reason",
        )
    return code.reason


def _system_reason(pause_codes: Mapping[str, PauseCode], code_id: str) -> Reason:
    configured = pause_codes.get(code_id)
    builtin = SYSTEM_PAUSE_CODES[code_id]
    # A configured code may relabel a system reason, not move it to another status.
    if configured is not None and configured.status is builtin.status:
        return configured.reason
    return builtin.reason


def _same(status_a: Status, reason_a: Reason | None, status_b: Status, reason_b: Reason | None) -> bool:
    code_a = reason_a.code if reason_a else None
    code_b = reason_b.code if reason_b else None
    return status_a is status_b and code_a == code_b


def _next_status(state: AgentState) -> Status:
    """Where the agent is, or where they go when their current work ends."""
    if not state.engaged:
        return state.status
    return state.pending.status if state.pending else Status.AVAILABLE


def _request_status(
    state: AgentState,
    status: str,
    reason: str | None,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    cause: Cause,
    actor_id: str,
) -> Transition:
    target = _parse_status(status)
    command = _SET_COMMANDS[target]
    rule = _check(state, command)
    chosen = _agent_reason(target, reason, pause_codes, optional=rule.reason is not ReasonRule.AGENT_CODE)
    return _request(state, _moment(now, state), command, cause, actor_id, target, chosen)


def _logoff(state: AgentState, now: datetime, kind: LogoffKind, cause: Cause, actor_id: str) -> Transition:
    _check(state, Command.LOGOFF)
    return _request(state, _moment(now, state), Command.LOGOFF, cause, actor_id, Status.OFFLINE, None, logoff_kind=kind)


def _request(
    state: AgentState,
    at: datetime,
    command: Command,
    cause: Cause,
    actor_id: str,
    target: Status,
    reason: Reason | None,
    logoff_kind: LogoffKind | None = None,
) -> Transition:
    """A status change asked for: applied now when the agent is idle, else stored as pending."""
    common: dict[str, Any] = {"command": command, "cause": cause, "actor_id": actor_id}
    if not state.engaged:
        if _same(state.status, state.reason, target, reason):
            return Transition(state)
        return _commit(state, at, status=target, reason=reason, logoff_kind=logoff_kind, **common)
    pending = state.pending
    if pending is not None and pending.status is Status.OFFLINE:
        if target is Status.OFFLINE:
            return Transition(state)  # a logoff is already on its way; the first one's kind stands
        if pending.logoff_kind in _LOCKING_LOGOFFS:
            raise AgentDeskError(
                ErrorCode.INVALID_TRANSITION,
                f"{_LOCKING_LOGOFFS[pending.logoff_kind]} is pending; the agent goes Offline when the "
                "current interaction and wrap-up end.",
            )
    next_reason = pending.reason if pending else None
    if _same(_next_status(state), next_reason, target, reason):
        return Transition(state)
    new_pending = (
        None if target is Status.AVAILABLE else PendingStatus(target, reason, cause, actor_id, iso(at), logoff_kind)
    )
    return _commit(state, at, status=state.status, reason=state.reason, pending=new_pending, **common)


def _settle(
    state: AgentState,
    at: datetime,
    command: Command,
    cause: Cause,
    actor_id: str,
    interaction_id: str,
    interactions: tuple[Interaction, ...],
    wrap_ups: tuple[str, ...],
) -> Transition:
    """After an interaction or a wrap-up is taken off the agent: what status follows."""
    common: dict[str, Any] = {
        "command": command,
        "cause": cause,
        "actor_id": actor_id,
        "interactions": interactions,
        "wrap_ups": wrap_ups,
        "interaction_id": interaction_id,
    }
    if wrap_ups:
        return _commit(state, at, status=state.status, reason=state.reason, **common)
    if interactions:
        # Wrap-up is over but other conversations continue; a pending status still waits for them.
        return _commit(state, at, status=Status.AVAILABLE, reason=None, **common)
    pending = state.pending
    if pending is None:
        return _commit(state, at, status=Status.AVAILABLE, reason=None, **common)
    return _commit(
        state,
        at,
        status=pending.status,
        reason=pending.reason,
        pending=None,
        applied_pending=pending,
        logoff_kind=pending.logoff_kind,
        **common,
    )


class _Keep(Enum):
    """Marks "leave the pending status as it is" (None would clear it)."""

    PENDING = "keep"


_KEEP = _Keep.PENDING


def _commit(
    before: AgentState,
    at: datetime,
    *,
    command: Command,
    cause: Cause,
    actor_id: str,
    status: Status,
    reason: Reason | None,
    pending: PendingStatus | _Keep | None = _KEEP,
    applied_pending: PendingStatus | None = None,
    logoff_kind: LogoffKind | None = None,
    new_session_id: str | None = None,
    interactions: tuple[Interaction, ...] | None = None,
    wrap_ups: tuple[str, ...] | None = None,
    interaction_id: str | None = None,
) -> Transition:
    """Build the next state (version + 1) and its facts: the event, then intervals closed, then opened."""
    version = before.version + 1
    stamp = iso(at)
    moved = not _same(before.status, before.reason, status, reason)
    records: list[Fact] = []
    session_id, login_at, pause_id = before.session_id, before.login_at, before.pause_id
    if moved and before.pause_id is not None and before.reason is not None and session_id is not None:
        records.append(
            PauseClosed(
                agent_id=before.agent_id,
                session_id=session_id,
                pause_id=before.pause_id,
                code=before.reason.code,
                label=before.reason.label,
                productive=before.reason.productive,
                start=before.since,
                end=stamp,
                duration_seconds=_seconds(before.since, stamp),
            )
        )
        pause_id = None
    logoff_reason = AUTO_LOGOFF if logoff_kind is LogoffKind.AUTO else None
    if status is Status.OFFLINE and session_id is not None and login_at is not None:
        records.append(
            SessionClosed(
                agent_id=before.agent_id,
                session_id=session_id,
                start=login_at,
                end=stamp,
                duration_seconds=_seconds(login_at, stamp),
                logoff_kind=logoff_kind or LogoffKind.MANUAL,
                logoff_reason=logoff_reason,
            )
        )
        login_at = None
    if before.status is Status.OFFLINE and new_session_id is not None:
        session_id, login_at = new_session_id, stamp
        records.append(SessionOpened(agent_id=before.agent_id, session_id=session_id, start=stamp))
    if moved and status in PAUSE_STATUSES and reason is not None and session_id is not None:
        pause_id = f"{session_id}#{version}"
        records.append(
            PauseOpened(
                agent_id=before.agent_id,
                session_id=session_id,
                pause_id=pause_id,
                code=reason.code,
                label=reason.label,
                productive=reason.productive,
                start=stamp,
            )
        )
    after = replace(
        before,
        status=status,
        reason=reason,
        since=stamp if moved else before.since,
        session_id=None if status is Status.OFFLINE else session_id,
        login_at=login_at,
        pending=before.pending if isinstance(pending, _Keep) else pending,
        version=version,
        interactions=before.interactions if interactions is None else interactions,
        wrap_ups=before.wrap_ups if wrap_ups is None else wrap_ups,
        pause_id=pause_id,
    )
    event = StateChanged(
        agent_id=before.agent_id,
        command=command,
        cause=cause,
        actor_id=actor_id,
        occurred_at=stamp,
        version=version,
        from_status=before.status,
        from_reason=before.reason,
        to_status=after.status,
        to_reason=after.reason,
        pending=after.pending,
        applied_pending=applied_pending,
        session_id=session_id,
        active_interactions=after.active_interactions,
        in_wrap_up=after.in_wrap_up,
        interaction_id=interaction_id,
        logoff_kind=logoff_kind if status is Status.OFFLINE else None,
        logoff_reason=logoff_reason if status is Status.OFFLINE else None,
    )
    return Transition(after, (event, *records))
