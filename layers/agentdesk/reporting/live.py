"""Today's live metrics: the `metrics.today` pushes the aggregator sends once its batch is counted, and the
figures `getMetricsToday` (reporting/ws.py) reads for a page that opens.

The rules (which subjects a batch changed, the throttle and its trailing push, the open interval, the
figures) are pure, in domain/live.py; the sums, the open states and the throttle items are the reporting
table's (store.py). A queue's figures now (waiting, longest wait, agents routable) are the interactions
context's answer; the pushes go out through the realtime context.

Which figures the agent's performance toolbar shows: the interaction counts and handle time come from the
counters the interactions context writes in the disposition's own transaction (exact when the ack returns,
whatever the aggregator's lag); the time figures (logged in, by status, pauses) from `metrics.today`, which
the aggregator alone keeps. The wallboard shows the aggregator's figures for every column.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from agentdesk.config import directory
from agentdesk.config.directory import Directory
from agentdesk.events import Event
from agentdesk.interactions import service as interactions
from agentdesk.kernel import clock
from agentdesk.kernel.observability import logger
from agentdesk.realtime import service as realtime
from agentdesk.realtime.connections import Connection
from agentdesk.realtime.domain.audience import Push, metrics_audience
from agentdesk.reporting import store
from agentdesk.reporting.contracts import AgentToday, MetricsToday, QueueToday
from agentdesk.reporting.domain.days import local_date
from agentdesk.reporting.domain.interaction_metrics import queue_day
from agentdesk.reporting.domain.live import (
    THROTTLE_SECONDS,
    QueueNow,
    Subject,
    WaitUntil,
    after_refusal,
    agent_today,
    changed_subjects,
    newest_open_states,
    open_interval,
    queue_today,
)
from agentdesk.reporting.domain.metrics import AgentDay, agent_day

DEFAULT_ZONE = "UTC"  # when the settings cannot be read
# Claim rounds per batch: the first, and after waiting for the window, the trailing one (a third only if a
# push from elsewhere took the window meanwhile without covering this batch, which cannot happen twice).
MAX_ROUNDS = 3

Sleep = Callable[[float], None]


def wait(seconds: float) -> None:
    """How a batch waits for the throttle's window (tests replace it with one that moves their clock)."""
    time.sleep(seconds)


def now_ms() -> int:
    return int(clock.now().timestamp() * 1000)


class Zones:
    """Site → time zone, read from the directory at most once (and only if asked)."""

    def __init__(self) -> None:
        self._sites = cache(directory.site_time_zones)
        self._default = cache(directory.default_time_zone)

    def of(self, site_id: str | None) -> str:
        if site_id:
            zone = self._sites().get(site_id)
            if zone:
                return zone
        return self.default()

    def default(self) -> str:
        return self._default() or DEFAULT_ZONE


# --- the figures -------------------------------------------------------------------------------------------


def agent_figures(config: Directory, agent_ids: Sequence[str], now: datetime, zones: Zones) -> list[AgentToday]:
    """Each agent's figures for their site-local day as of `now`: the stored sums and the open interval."""
    if not agent_ids:
        return []
    days: dict[str, tuple[date, str]] = {}
    for agent_id in agent_ids:
        profile = config.profiles.get(agent_id)
        zone = zones.of(profile.site_id if profile else None)
        days[agent_id] = (local_date(now, zone), zone)
    stored: dict[str, AgentDay] = {}
    if len(agent_ids) == 1:
        stored[agent_ids[0]] = store.agent_metrics(agent_ids[0], days[agent_ids[0]][0])
    else:  # one query per local day (a day's partition holds every agent's sums)
        for day in sorted({day for day, _zone in days.values()}):
            stored |= {
                m.agent_id: m for m in store.agent_days(day) if m.agent_id in days and days[m.agent_id][0] == day
            }
    states = store.open_states(agent_ids)
    figures = []
    for agent_id in agent_ids:
        day, zone = days[agent_id]
        sums = stored.get(agent_id) or agent_day(agent_id, day, {})
        profile = config.profiles.get(agent_id)
        open_now = open_interval(states.get(agent_id), day, zone, now)
        figures.append(agent_today(sums, profile.name if profile else "", zone, open_now))
    return figures


def queue_figures(config: Directory, queue_ids: Sequence[str], now: datetime, zones: Zones) -> list[QueueToday]:
    """Each queue's figures: today's counts (the default time zone's day) and the queue now."""
    rules = [config.queues[q] for q in queue_ids if q in config.queues]
    if not rules:
        return []
    day = local_date(now, zones.default())
    if len(rules) == 1:
        stored = {rules[0].queue_id: store.queue_metrics(rules[0].queue_id, day)}
    else:
        stored = {q.queue_id: q for q in store.queue_days(day)}
    figures = []
    for queue in rules:
        live = interactions.queue_now(queue, now)
        sums = stored.get(queue.queue_id) or queue_day(queue.queue_id, day, {})
        shown = QueueNow(live.name, live.waiting, live.longest_wait_seconds, live.agents_routable)
        figures.append(queue_today(sums, shown))
    return figures


# --- after a batch: open states and pushes -------------------------------------------------------------


def keep_open_states(events: Iterable[Event]) -> None:
    """Keep each agent's newest counted state: the open interval the figures are sent with."""
    newest = newest_open_states(events)
    if newest:
        store.save_open_states([newest[agent_id] for agent_id in sorted(newest)])


def push_changes(
    events: Sequence[Event],
    *,
    config: Directory | None = None,
    sleep: Sleep | None = None,
) -> int:
    """Push `metrics.today` for each agent and queue the events changed, once each, keeping to the throttle
    (domain/live.py): a subject whose window is held by a push that does not cover this batch's change is
    pushed again when the window opens. A subject nobody listens to is skipped. Returns how many subjects
    were pushed."""
    known = config or directory.current()

    def queues_of(agent_id: str) -> Iterable[str]:
        profile = known.profiles.get(agent_id)
        return profile.queue_ids if profile else ()

    throttle_ms = int(THROTTLE_SECONDS * 1000)
    numbered: dict[Subject, int] = {}
    listening: dict[Subject, list[Connection]] = {}
    for subject in sorted(changed_subjects(events, queues_of)):
        listening[subject] = realtime.listeners(audience(known, subject))
        if listening[subject]:
            numbered[subject] = store.note_change(subject.scope, subject.subject_id)
    zones = Zones()
    pushed = 0
    pending = list(numbered)
    for _round in range(MAX_ROUNDS):
        later: list[tuple[int, Subject]] = []
        for subject in pending:
            try:
                window = store.claim_push(subject.scope, subject.subject_id, now_ms(), throttle_ms)
                if window is None:
                    push_subject(known, subject, zones, listening[subject])
                    pushed += 1
                    continue
            except Exception:
                logger.exception("metrics.today not pushed", extra={"subject": subject.subject_id})
                continue
            decision = after_refusal(numbered[subject], window, throttle_ms)
            if isinstance(decision, WaitUntil):
                later.append((decision.at_ms, subject))
        if not later:
            return pushed
        (sleep or wait)(max(0, max(at for at, _subject in later) - now_ms()) / 1000)
        pending = [subject for _at, subject in later]
    logger.warning("metrics.today left unpushed", extra={"subjects": [s.subject_id for s in pending]})
    return pushed


def audience(config: Directory, subject: Subject, message: dict[str, Any] | None = None) -> Push:
    """Who hears a subject's figures (realtime's audience rules)."""
    if subject.scope == "agent":
        return metrics_audience(message or {}, subject.subject_id, config.supervisors_of(subject.subject_id))
    return metrics_audience(message or {}, None)


def push_subject(config: Directory, subject: Subject, zones: Zones, to: list[Connection] | None = None) -> int:
    """Read one subject's figures now and push them to its audience (or to `to`, its listeners found
    before); returns the connections reached."""
    now = clock.now()
    if subject.scope == "agent":
        agents, queues = agent_figures(config, [subject.subject_id], now, zones), []
    else:
        agents, queues = [], queue_figures(config, [subject.subject_id], now, zones)
        if not queues:
            return 0  # a queue deleted since
    message = MetricsToday(type="metrics.today", asOf=clock.iso(now), agents=agents, queues=queues)
    return realtime.deliver(audience(config, subject, message.model_dump(mode="json")), to)
