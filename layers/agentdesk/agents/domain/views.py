"""What clients see: the displayed status (Busy at capacity), whether an agent can receive work, and the
status toolbar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentdesk.agents.domain.moments import moment, parse_time
from agentdesk.agents.domain.rules import DEFAULT_CAPACITY, MAX_CAPACITY, MIN_CAPACITY, Status
from agentdesk.agents.domain.state import AgentState, PendingStatus
from agentdesk.kernel.errors import AgentDeskError, ErrorCode

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
    return why_not_receiving(state, check_capacity(capacity)) is None


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
    elapsed = (moment(now) - parse_time(state.since)).total_seconds()
    pending = state.pending
    return ToolbarView(
        status=displayed_status(state.status, state.active_interactions, capacity, voice=state.on_voice),
        reason_label=state.reason.label if state.reason else None,
        productive=state.reason.productive if state.reason else None,
        seconds=max(0, int(elapsed)),
        pending_status=pending.status if pending else None,
        pending_reason_label=pending.reason.label if pending and pending.reason else None,
    )


def why_not_receiving(state: AgentState, capacity: int) -> str | None:
    if state.status is not Status.AVAILABLE:
        reason = f" ({state.reason.label})" if state.reason else ""
        return f"The agent is {state.status.value}{reason} and cannot take interactions."
    if state.pending is not None:
        return f"The agent has asked to go {describe_pending(state.pending)} after the current work."
    if state.on_voice:
        return "The agent is on a voice call, which takes their full capacity."
    if state.active_interactions >= capacity:
        return f"The agent is at capacity ({state.active_interactions} of {capacity} conversations)."
    return None


def describe_pending(pending: PendingStatus) -> str:
    return f"{pending.status.value} ({pending.reason.label})" if pending.reason else pending.status.value
