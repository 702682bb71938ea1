"""The local scheduler's reading of schedule expressions, in the schedule's own time zone, and its firing of
the scheduled EventBridge rules the local stack provisions from the wiring."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from agentdesk import wiring
from agentdesk.agents.domain.schedules import MIDNIGHT, logoff_schedule, schedule_name
from infra.local.lambda_runtime import LambdaRuntime
from infra.local.provision import create_rules
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
    assert spec.expression == MIDNIGHT and spec.payload == {"siteId": "site-madrid"} and spec.enabled
    assert not logoff_schedule("site-madrid", "Europe/Madrid", enabled=False).enabled


def test_the_scheduler_wakes_just_after_each_minute_starts() -> None:
    moment = datetime(2026, 3, 1, 12, 0, 59, 500000, tzinfo=UTC)
    scheduler = LocalScheduler(client=lambda service: None, clock=lambda: moment)
    assert scheduler.seconds_to_next_minute() == pytest.approx(0.5 + TICK_AFTER_MINUTE_SECONDS)
    moment = datetime(2026, 3, 1, 12, 1, 0, tzinfo=UTC)
    assert scheduler.seconds_to_next_minute() == pytest.approx(60 + TICK_AFTER_MINUTE_SECONDS)


class FakeAws:
    """The calls the scheduler and the rule provisioning make, kept in memory (every service is this one)."""

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, Any]] = {}
        self.targets: dict[str, list[dict[str, str]]] = {}
        self.invocations: list[dict[str, Any]] = []

    def __call__(self, service: str) -> FakeAws:
        return self

    def list_schedule_groups(self) -> dict[str, Any]:
        return {"ScheduleGroups": []}

    def put_rule(self, Name: str, **fields: Any) -> None:
        self.rules[Name] = {"Name": Name, "Arn": f"arn:aws:events:us-east-1:123456789012:rule/{Name}", **fields}

    def put_targets(self, Rule: str, Targets: list[dict[str, str]]) -> None:
        self.targets[Rule] = Targets

    def list_rules(self) -> dict[str, Any]:
        return {"Rules": list(self.rules.values())}

    def list_targets_by_rule(self, Rule: str) -> dict[str, Any]:
        return {"Targets": self.targets.get(Rule, [])}

    def invoke(self, **request: Any) -> dict[str, Any]:
        self.invocations.append(request)
        return {"StatusCode": 202}


def test_the_presence_sweep_rule_fires_every_five_minutes_with_a_scheduled_event() -> None:
    aws = FakeAws()
    runtime = LambdaRuntime("us-east-1")
    rules = create_rules(aws, runtime)
    sweep = wiring.function("presence-sweep")
    assert rules["agentdesk-presence-sweep-every-5m"] == "presence-sweep"
    assert set(rules.values()) == {
        f.name for f in wiring.FUNCTIONS if any(isinstance(t, wiring.Every) for t in f.triggers)
    }
    for other in set(rules) - {"agentdesk-presence-sweep-every-5m"}:  # only the sweep's rule in this test
        del aws.rules[other]
    assert aws.rules["agentdesk-presence-sweep-every-5m"]["ScheduleExpression"] == "rate(5 minutes)"
    # rules the scheduler must leave alone: disabled, or matching events rather than running on a schedule
    aws.put_rule("paused", ScheduleExpression="rate(1 minute)", State="DISABLED")
    aws.put_rule("on-pattern", EventPattern="{}", State="ENABLED")
    aws.put_targets("paused", [{"Id": "t", "Arn": runtime.arn(sweep)}])

    scheduler = LocalScheduler(client=aws, clock=lambda: utc(2026, 3, 1, 12, 0, 30))
    scheduler.tick(now=utc(2026, 3, 1, 12, 4, 59))
    assert aws.invocations == []
    scheduler.tick(now=utc(2026, 3, 1, 12, 5, 0, 50000))
    scheduler.tick(now=utc(2026, 3, 1, 12, 6))
    # a stack asleep for a quarter of an hour runs the sweep once when it wakes, not three times
    scheduler.tick(now=utc(2026, 3, 1, 12, 21))

    assert scheduler.invoked == [("agentdesk-presence-sweep-every-5m", runtime.arn(sweep))] * 2
    assert [call["InvocationType"] for call in aws.invocations] == ["Event", "Event"]
    events = [parse(event=json.loads(call["Payload"]), model=EventBridgeModel) for call in aws.invocations]
    assert [e.time for e in events] == [utc(2026, 3, 1, 12, 5), utc(2026, 3, 1, 12, 20)]
    assert all(e.detail_type == "Scheduled Event" and e.source == "aws.events" for e in events)
    assert events[0].resources == [aws.rules["agentdesk-presence-sweep-every-5m"]["Arn"]]
    assert events[0].id != events[1].id


def test_fixed_rate_triggers_are_expressions_the_local_scheduler_reads() -> None:
    assert wiring.Every(minutes=1).expression == "rate(1 minute)"
    assert wiring.Every(minutes=5).expression == "rate(5 minutes)"
    with pytest.raises(ValueError, match="at least one minute"):
        wiring.Every(minutes=0)
    for fn in wiring.FUNCTIONS:
        for trigger in fn.triggers:
            if isinstance(trigger, wiring.Every):
                start = utc(2026, 3, 1, 12, 0)
                assert len(occurrences(trigger.expression, "UTC", start, start + timedelta(hours=1))) == 60 // (
                    trigger.minutes
                ), fn.name
