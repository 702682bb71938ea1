"""EventBridge Scheduler and scheduled EventBridge rules for the local stack: moto keeps the schedules and
the rules; this fires them. It finds the schedules whose next occurrence (in their own time zone) has come
and starts their target state machine with the schedule's input, as the Scheduler's Step Functions target
does; and the rules whose schedule (UTC) has come, and invokes their Lambda targets asynchronously with a
scheduled event, as EventBridge does. Every expression it understands fires on a whole minute, so it wakes
just after each minute starts and reads nothing between.

Expressions understood: `cron(M H * * ? *)` with numbers, lists or `*` for minute and hour (every
schedule the product creates has this form) and `rate(N minute|minutes|hour|hours)`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("agentdesk.local.scheduler")

_CRON = re.compile(r"^cron\((?P<minute>\S+) (?P<hour>\S+) \* \* \? \*\)$")
# How long after a minute starts the scheduler looks (every expression it understands fires on a whole minute).
TICK_AFTER_MINUTE_SECONDS = 0.05

_RATE = re.compile(r"^rate\((?P<n>\d+) (?P<unit>minutes?|hours?)\)$")


def _field(text: str, limit: int) -> set[int]:
    if text == "*":
        return set(range(limit))
    return {int(part) for part in text.split(",")}


def occurrences(expression: str, time_zone: str, start: datetime, end: datetime) -> list[datetime]:
    """The moments in (start, end] at which the schedule fires (UTC)."""
    cron = _CRON.match(expression)
    if cron:
        zone = ZoneInfo(time_zone)
        minutes, hours = _field(cron["minute"], 60), _field(cron["hour"], 24)
        found = []
        moment = start.astimezone(zone).replace(second=0, microsecond=0) + timedelta(minutes=1)
        while moment.astimezone(UTC) <= end:
            if moment.minute in minutes and moment.hour in hours:
                found.append(moment.astimezone(UTC))
            moment += timedelta(minutes=1)
        return found
    rate = _RATE.match(expression)
    if rate:
        step = timedelta(minutes=int(rate["n"]) * (60 if rate["unit"].startswith("hour") else 1))
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        first = epoch + ((start - epoch) // step + 1) * step
        return [first + i * step for i in range(int((end - first) / step) + 1) if first + i * step <= end]
    raise ValueError(f"the local scheduler does not understand {expression!r}")


def scheduled_event(rule: dict[str, Any], moment: datetime) -> dict[str, Any]:
    """The event EventBridge hands a rule's targets when its schedule fires."""
    _arn, _partition, _service, region, account, _resource = rule["Arn"].split(":", 5)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule["Arn"]],
        "detail": {},
    }


class LocalScheduler:
    def __init__(self, client: Callable[[str], Any], clock: Callable[[], datetime] | None = None) -> None:
        self.client = client
        self.clock = clock or (lambda: datetime.now(UTC))
        self._last = self.clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired: list[tuple[str, str]] = []  # (schedule name, execution ARN)
        self.invoked: list[tuple[str, str]] = []  # (rule name, function ARN)

    def schedules(self) -> list[dict[str, Any]]:
        scheduler = self.client("scheduler")
        found = []
        for group in scheduler.list_schedule_groups()["ScheduleGroups"]:
            for summary in scheduler.list_schedules(GroupName=group["Name"])["Schedules"]:
                found.append(scheduler.get_schedule(Name=summary["Name"], GroupName=group["Name"]))
        return found

    def rules(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """The enabled EventBridge rules that run on a schedule, each with its targets."""
        events = self.client("events")
        return [
            (rule, events.list_targets_by_rule(Rule=rule["Name"])["Targets"])
            for rule in events.list_rules()["Rules"]
            if rule.get("State") == "ENABLED" and rule.get("ScheduleExpression")
        ]

    def tick(self, now: datetime | None = None) -> list[str]:
        """Fire what came due since the last tick; returns the execution ARNs started (rules' Lambda
        invocations are asynchronous and recorded in `invoked`)."""
        now = now or self.clock()
        started = []
        for schedule in self.schedules():
            if schedule.get("State") != "ENABLED":
                continue
            zone = schedule.get("ScheduleExpressionTimezone") or "UTC"
            try:
                due = occurrences(schedule["ScheduleExpression"], zone, self._last, now)
            except ValueError:
                log.warning("schedule %s: unsupported expression", schedule["Name"])
                continue
            for _moment in due:
                target = schedule["Target"]
                execution = self.client("stepfunctions").start_execution(
                    stateMachineArn=target["Arn"], input=target.get("Input") or "{}"
                )
                self.fired.append((schedule["Name"], execution["executionArn"]))
                started.append(execution["executionArn"])
        self._fire_rules(now)
        self._last = now
        return started

    def _fire_rules(self, now: datetime) -> None:
        for rule, targets in self.rules():
            try:
                due = occurrences(rule["ScheduleExpression"], "UTC", self._last, now)
            except ValueError:
                log.warning("rule %s: unsupported expression", rule["Name"])
                continue
            if not due:
                continue
            # Occurrences missed while the machine slept are not caught up: one run stands for them all.
            payload = json.dumps(scheduled_event(rule, due[-1])).encode()
            for target in targets:
                if ":lambda:" not in target["Arn"]:
                    log.warning("rule %s: only Lambda targets are fired locally, not %s", rule["Name"], target["Arn"])
                    continue
                self.client("lambda").invoke(FunctionName=target["Arn"], InvocationType="Event", Payload=payload)
                self.invoked.append((rule["Name"], target["Arn"]))

    def seconds_to_next_minute(self) -> float:
        now = self.clock()
        return 60.0 - (now.second + now.microsecond / 1e6) + TICK_AFTER_MINUTE_SECONDS

    def start(self) -> None:
        def run() -> None:
            while not self._stop.wait(self.seconds_to_next_minute()):
                try:
                    self.tick()
                except Exception:  # the local AWS may be stopping; the next tick tries again
                    log.debug("tick failed", exc_info=True)

        self._thread = threading.Thread(target=run, name="local-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
