"""The one clock: every timestamp comes from here so tests and the midnight logoff can move time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from agentdesk.kernel import timestamps

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _now()


def iso(moment: datetime | None = None) -> str:
    """`moment` (default: now) as every timestamp on the wire is written (kernel/timestamps.py)."""
    return timestamps.iso(moment or now())


def epoch_seconds(moment: datetime | None = None) -> int:
    return int((moment or now()).timestamp())


def set_clock(source: Callable[[], datetime]) -> None:
    global _now
    _now = source


def reset_clock() -> None:
    set_clock(lambda: datetime.now(UTC))
