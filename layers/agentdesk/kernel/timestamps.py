"""How times are written: pure formatting, no clock (domains import this; only kernel/clock reads the time)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds and a Z, the format of every timestamp on the wire."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
