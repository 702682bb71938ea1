"""What a transition records: the `StateChanged` event and the time & attendance records (sessions and
pauses opened and closed), and the `Transition` that carries them with the new state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from agentdesk.agents.domain.pause_codes import Reason
from agentdesk.agents.domain.rules import Cause, Command, LogoffKind, Status
from agentdesk.agents.domain.state import AgentState, PendingStatus

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
            "from": {"status": self.from_status.value, "reason": reason_dict(self.from_reason)},
            "to": {"status": self.to_status.value, "reason": reason_dict(self.to_reason)},
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


def reason_dict(reason: Reason | None) -> dict[str, Any] | None:
    return reason.to_dict() if reason else None
