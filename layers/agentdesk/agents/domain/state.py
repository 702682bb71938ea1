"""The agent's state: status, reason, pending status, interactions and wrap-ups, with its invariants and
its serialised form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentdesk.agents.domain.moments import moment
from agentdesk.agents.domain.pause_codes import Reason
from agentdesk.agents.domain.rules import PAUSE_STATUSES, WRAP_UP, Cause, LogoffKind, Status
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.timestamps import iso

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
    return AgentState(agent_id=agent_id, status=Status.OFFLINE, reason=None, since=iso(moment(now)))
