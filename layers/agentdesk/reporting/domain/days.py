"""Site-local days: a day is midnight to midnight in the site's IANA time zone, kept in UTC on the wire."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from agentdesk.kernel.timestamps import iso


def parse_time(stamp: str) -> datetime:
    """A wire timestamp (UTC ISO-8601) as an aware datetime."""
    return datetime.fromisoformat(stamp).astimezone(UTC)


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def day_window(day: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of the local day in UTC (23 or 25 hours on the days the clocks change)."""
    tz = ZoneInfo(zone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def millis(start: datetime, end: datetime) -> int:
    """Whole milliseconds from start to end (the wire's precision): integers add up the same in any order."""
    return round((end - start).total_seconds() * 1000)


def split_by_local_day(start: datetime, end: datetime, zone: str) -> list[tuple[date, int]]:
    """The interval's milliseconds on each local day it touches, in order; nothing for an empty interval."""
    parts: list[tuple[date, int]] = []
    cursor = start
    while cursor < end:
        day = local_date(cursor, zone)
        _, day_end = day_window(day, zone)
        until = min(end, day_end)
        parts.append((day, millis(cursor, until)))
        cursor = until
    return parts


def window_strings(day: date, zone: str) -> tuple[str, str]:
    """The day's window as wire timestamps (they compare as text in any SQL engine)."""
    start, end = day_window(day, zone)
    return iso(start), iso(end)
