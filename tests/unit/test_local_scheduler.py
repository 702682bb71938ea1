"""The local scheduler's reading of schedule expressions, in the schedule's own time zone."""

from datetime import UTC, datetime

import pytest

from agentdesk.domain.schedules import MIDNIGHT, logoff_schedule, schedule_name
from infra.local.scheduler import TICK_AFTER_MINUTE_SECONDS, LocalScheduler, occurrences


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_midnight_in_london_winter_and_summer() -> None:
    assert occurrences(MIDNIGHT, "Europe/London", utc(2026, 1, 14, 23, 30), utc(2026, 1, 15, 0, 30)) == [
        utc(2026, 1, 15, 0, 0)
    ]
    # British Summer Time: local midnight is 23:00 UTC
    assert occurrences(MIDNIGHT, "Europe/London", utc(2026, 7, 14, 22, 30), utc(2026, 7, 14, 23, 30)) == [
        utc(2026, 7, 14, 23, 0)
    ]


def test_midnight_in_new_york_and_a_half_hour_zone() -> None:
    assert occurrences(MIDNIGHT, "America/New_York", utc(2026, 1, 15, 4, 0), utc(2026, 1, 15, 6, 0)) == [
        utc(2026, 1, 15, 5, 0)
    ]
    assert occurrences(MIDNIGHT, "Asia/Kolkata", utc(2026, 1, 14, 18, 0), utc(2026, 1, 14, 19, 0)) == [
        utc(2026, 1, 14, 18, 30)
    ]


def test_window_bounds_are_exclusive_then_inclusive() -> None:
    midnight = utc(2026, 3, 2, 0, 0)
    assert occurrences(MIDNIGHT, "UTC", midnight, utc(2026, 3, 2, 0, 5)) == []
    assert occurrences(MIDNIGHT, "UTC", utc(2026, 3, 1, 23, 59), midnight) == [midnight]


def test_two_days_fire_twice_and_rates() -> None:
    assert len(occurrences(MIDNIGHT, "UTC", utc(2026, 3, 1, 12), utc(2026, 3, 3, 12))) == 2
    assert occurrences("rate(15 minutes)", "UTC", utc(2026, 3, 1, 12, 1), utc(2026, 3, 1, 12, 31)) == [
        utc(2026, 3, 1, 12, 15),
        utc(2026, 3, 1, 12, 30),
    ]


def test_unknown_expressions_are_refused() -> None:
    with pytest.raises(ValueError, match="does not understand"):
        occurrences("at(2026-01-01T00:00:00)", "UTC", utc(2026, 1, 1), utc(2026, 1, 2))


def test_schedule_names_are_safe_and_bounded() -> None:
    assert schedule_name("site-london") == "logoff-site-london"
    assert schedule_name(None) == "logoff-no-site"
    assert schedule_name("a b/c" + "x" * 100) == ("logoff-a_b_c" + "x" * 100)[:64]
    spec = logoff_schedule("site-madrid", "Europe/Madrid")
    assert spec.expression == MIDNIGHT and spec.payload == {"siteId": "site-madrid"}


def test_the_scheduler_wakes_just_after_each_minute_starts() -> None:
    moment = datetime(2026, 3, 1, 12, 0, 59, 500000, tzinfo=UTC)
    scheduler = LocalScheduler(client=lambda service: None, clock=lambda: moment)
    assert scheduler.seconds_to_next_minute() == pytest.approx(0.5 + TICK_AFTER_MINUTE_SECONDS)
    moment = datetime(2026, 3, 1, 12, 1, 0, tzinfo=UTC)
    assert scheduler.seconds_to_next_minute() == pytest.approx(60 + TICK_AFTER_MINUTE_SECONDS)
