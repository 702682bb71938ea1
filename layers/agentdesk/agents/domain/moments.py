"""Times as the domain keeps them: UTC, to the millisecond, never before the state's last change."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentdesk.agents.domain.agentdesk.agents.domain.state import AgentState

from datetime import UTC, datetime


def moment(now: datetime, state: AgentState | None = None) -> datetime:
    """`now` in UTC to the millisecond (the precision of stored times), never before the last change:
    clocks of different machines may disagree, and an interval must not end before it starts."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    at = now.astimezone(UTC)
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    if state is not None:
        at = max(at, parse_time(state.since))
    return at


def parse_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def seconds_between(start: str, end: str) -> float:
    return round((parse_time(end) - parse_time(start)).total_seconds(), 3)
