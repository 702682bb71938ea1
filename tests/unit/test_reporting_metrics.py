"""The reporting domain: what each agent.state.changed adds, site-local days, order and duplicates."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agentdesk.events import parse_event
from agentdesk.reporting.domain import days, metrics
from agentdesk.reporting.domain.reports import REPORTS, csv_safe, export_key, parameters, partitions

BREAK = {"code": "break", "label": "Break", "productive": False}
WRAP = {"code": "wrap-up", "label": "Wrap-up", "productive": True}
ZONES = {"london": "Europe/London", "ny": "America/New_York"}


def zone_of(site: str | None) -> str:
    return ZONES.get(site or "", "UTC")


def state_event(
    number: int,
    at: str,
    *,
    agent: str = "a1",
    site: str | None = "london",
    status: str,
    reason: dict[str, Any] | None = None,
    previous: str = "Offline",
    previous_reason: dict[str, Any] | None = None,
    since: str | None = None,
    command: str = "setStatus:Available",
    records: list[dict[str, Any]] | None = None,
    session: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A valid agent.state.changed document (the published contract), with what reporting reads set."""
    view = {
        "agentId": agent,
        "status": status,
        "reason": reason,
        "since": at,
        "sessionId": (session or {}).get("sessionId"),
        "loginAt": (session or {}).get("loginAt"),
        "pending": None,
        "activeInteractions": 0,
        "onVoice": False,
        "inWrapUp": False,
        "version": number,
    }
    return {
        "eventId": f"ev_{number:08d}{agent}",
        "type": "agent.state.changed",
        "schemaVersion": 2,
        "occurredAt": at,
        "agentId": agent,
        "actor": {"userId": agent, "role": "agent"},
        "data": {
            "state": view,
            "change": {
                "agentId": agent,
                "command": command,
                "cause": "agent",
                "actorId": agent,
                "occurredAt": at,
                "version": number,
                "from": {"status": previous, "reason": previous_reason},
                "to": {"status": status, "reason": reason},
                "pending": None,
                "appliedPending": None,
                "sessionId": (session or {}).get("sessionId"),
                "activeInteractions": 0,
                "inWrapUp": False,
                "interactionId": None,
                "logoffKind": None,
                "logoffReason": None,
            },
            "records": records or [],
            "previous": {"status": previous, "reason": previous_reason, "since": since, "secondsInState": None},
            "session": session,
            "configuration": {
                "name": agent.upper(),
                "teamId": None,
                "siteId": site,
                "capacity": 5,
                "skills": [],
                "autoAnswer": "agent",
            },
            "routing": {"routable": status == "Available", "notRoutableReason": None},
        },
    }


def day_of_agent(docs: list[dict[str, Any]]) -> list[metrics.Contribution]:
    return [c for d in docs for c in metrics.contributions(parse_event(d), zone_of)]


def sums(docs: list[dict[str, Any]]) -> dict[metrics.MetricKey, dict[str, int]]:
    merged = metrics.merge(day_of_agent(docs))
    return {key: dict(c.counters) for key, c in merged.items()}


SESSION = {"sessionId": "s1", "loginAt": "2025-03-10T08:00:00.000Z", "endedAt": None}


def a_day() -> list[dict[str, Any]]:
    login = {"type": "agent.session.opened", "agentId": "a1", "sessionId": "s1", "start": "2025-03-10T08:00:00.000Z"}
    closed = {
        "type": "agent.session.closed",
        "agentId": "a1",
        "sessionId": "s1",
        "start": "2025-03-10T08:00:00.000Z",
        "end": "2025-03-10T17:00:00.000Z",
        "durationSeconds": 32400.0,
        "logoffKind": "manual",
        "logoffReason": None,
    }
    return [
        state_event(
            1, "2025-03-10T08:00:00.000Z", status="Available", command="login", records=[login], session=SESSION
        ),
        state_event(
            2,
            "2025-03-10T10:00:00.000Z",
            status="Away",
            reason=BREAK,
            previous="Available",
            since="2025-03-10T08:00:00.000Z",
            session=SESSION,
        ),
        state_event(
            3,
            "2025-03-10T10:15:00.250Z",
            status="Busy",
            reason=WRAP,
            previous="Away",
            previous_reason=BREAK,
            since="2025-03-10T10:00:00.000Z",
            session=SESSION,
        ),
        state_event(
            4,
            "2025-03-10T10:20:00.000Z",
            status="Available",
            previous="Busy",
            previous_reason=WRAP,
            since="2025-03-10T10:15:00.250Z",
            session=SESSION,
        ),
        state_event(
            5,
            "2025-03-10T17:00:00.000Z",
            status="Offline",
            previous="Available",
            command="logoff",
            since="2025-03-10T10:20:00.000Z",
            records=[closed],
            session={**SESSION, "endedAt": closed["end"]},
        ),
    ]


def test_a_day_adds_up_per_status_and_pause_code() -> None:
    found = sums(a_day())
    key = metrics.MetricKey("agent", "a1", date(2025, 3, 10))
    assert list(found) == [key]
    counters = found[key]
    assert counters[metrics.LOGGED_IN_MS] == 9 * 3600 * 1000
    assert counters[metrics.status_ms("Available")] == (2 * 3600 + 6 * 3600 + 40 * 60) * 1000
    assert counters[metrics.status_ms("Away")] == 900_250
    assert counters[metrics.pause_ms("break")] == 900_250
    assert counters[metrics.pause_ms("wrap-up")] == 299_750
    assert counters[metrics.pause_count("break")] == 1
    assert counters[metrics.pause_count("wrap-up")] == 1
    assert counters[metrics.LOGINS] == 1
    assert counters[metrics.logoffs("manual")] == 1


def test_the_day_read_back_splits_productive_and_unproductive_pauses() -> None:
    merged = metrics.merge(day_of_agent(a_day()))
    (contribution,) = merged.values()
    view = metrics.agent_day("a1", date(2025, 3, 10), {**contribution.counters, **contribution.labels})
    assert view.logged_in_seconds == 32400
    assert view.productive_pause_seconds == 299.75
    assert view.unproductive_pause_seconds == 900.25
    assert view.agent_name == "A1" and view.time_zone == "Europe/London"
    assert [p.code for p in view.pauses] == ["break", "wrap-up"]


def test_heartbeats_and_config_changes_add_nothing() -> None:
    config = {
        "eventId": "ev_1",
        "type": "config.changed",
        "schemaVersion": 2,
        "occurredAt": "2025-03-10T08:00:00.000Z",
        "agentId": None,
        "actor": {"userId": "system", "role": "system"},
        "data": {"kind": "site", "id": "london", "change": "created", "version": 1, "endSessions": None},
    }
    assert metrics.contributions(parse_event(config), zone_of) == []


def test_an_interval_over_local_midnight_is_split_between_the_two_days() -> None:
    # New York: 2025-03-10 23:30 EDT is 03:30Z on the 11th; the logoff at 00:30 EDT is 04:30Z.
    doc = state_event(
        9,
        "2025-03-11T04:30:00.000Z",
        site="ny",
        status="Offline",
        previous="Available",
        since="2025-03-11T03:30:00.000Z",
    )
    found = sums([doc])
    assert found == {
        metrics.MetricKey("agent", "a1", date(2025, 3, 10)): {
            metrics.LOGGED_IN_MS: 1_800_000,
            metrics.status_ms("Available"): 1_800_000,
        },
        metrics.MetricKey("agent", "a1", date(2025, 3, 11)): {
            metrics.LOGGED_IN_MS: 1_800_000,
            metrics.status_ms("Available"): 1_800_000,
        },
    }
    # ... and in London the same hour is all on the 11th.
    london = sums(
        [{**doc, "data": {**doc["data"], "configuration": {**doc["data"]["configuration"], "siteId": "london"}}}]
    )
    assert list(london) == [metrics.MetricKey("agent", "a1", date(2025, 3, 11))]


def test_day_windows_follow_the_clock_changes() -> None:
    start, end = days.day_window(date(2025, 3, 9), "America/New_York")  # DST starts: a 23-hour day
    assert (end - start).total_seconds() == 23 * 3600
    assert days.window_strings(date(2025, 3, 10), "Europe/London") == (
        "2025-03-10T00:00:00.000Z",
        "2025-03-11T00:00:00.000Z",
    )


@settings(max_examples=50, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=0, max_value=5))
def test_sums_do_not_depend_on_order_or_duplicates_removed(rng: random.Random, extra: int) -> None:
    docs = a_day()
    shuffled = docs + [rng.choice(docs) for _ in range(extra)]
    rng.shuffle(shuffled)
    unique = list({d["eventId"]: d for d in shuffled}.values())
    assert sums(unique) == sums(docs)


def test_report_parameters_and_keys() -> None:
    params = parameters("london", date(2025, 3, 10), "Europe/London")
    assert params == [
        "london",
        "2025-03-10",
        "2025-03-10T00:00:00.000Z",
        "2025-03-11T00:00:00.000Z",
        "2025-03-12T00:00:00.000Z",
        "2025-03-10",
        "2025-03-13",
    ]
    assert partitions(date(2025, 3, 10), "Asia/Tokyo")[0] == date(2025, 3, 9)
    assert (
        export_key("pause_summary", date(2025, 3, 10), "", "csv") == "exports/pause_summary/date=2025-03-10/no-site.csv"
    )
    for report in REPORTS:
        names = report.column_names
        assert len(set(names)) == len(names)
        assert all(n == n.lower() and " " not in n for n in names)


def test_csv_cells_that_could_start_a_formula_are_kept_as_text() -> None:
    assert csv_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [csv_safe(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "\rx")] == ["'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert csv_safe("Ana") == "Ana"
