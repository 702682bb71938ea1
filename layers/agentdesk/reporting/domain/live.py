"""Today's live metrics (the `metrics.today` push): what a batch of events changed, when each change may be
pushed, and the figures a client is sent.

- Subjects: an agent (their own figures) or a queue. A batch pushes each subject it changed at most once.
- Throttle: a subject is pushed at most once every `THROTTLE_SECONDS`. Each batch first numbers its change
  of the subject (a counter in the store, incremented after the batch committed); a push claims its window
  with a conditional write of `pushedAt` that also records the newest change number it covers (it reads the
  figures after its claim, so they include every change numbered before). A batch refused the claim is
  covered when the push holding the window covers its number, and otherwise waits until the window opens
  and claims again: the trailing push, so the last change is never lost. Numbers, not clocks, decide what a
  push covers, so clocks that differ between instances cannot lose a change.
- The open interval: the stored sums hold closed intervals only; the status the agent is in now (from the
  last `agent.state.changed` counted) is sent with its start, clipped to the day's start, and the client
  adds the time since then, ticking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from agentdesk.agents.events import AgentStateChanged
from agentdesk.events import Event
from agentdesk.kernel.timestamps import iso
from agentdesk.reporting.contracts import AgentToday, Csat, OpenInterval, PauseCodeTime, QueueToday
from agentdesk.reporting.domain.days import day_window, parse_time
from agentdesk.reporting.domain.interaction_metrics import QueueDay
from agentdesk.reporting.domain.metrics import STATUSES, AgentDay

# One push per agent or queue every this many seconds at most (a wallboard row changes at a readable pace;
# each push costs a management-API call per connection).
THROTTLE_SECONDS = 2.0

Scope = Literal["agent", "queue"]

# Interaction events that change a queue's figures now (waiting, longest wait) or today (counts, CSAT).
QUEUE_EVENTS = frozenset(
    {
        "interaction.queued",
        "interaction.offered",
        "interaction.offer.rejected",
        "interaction.offer.expired",
        "interaction.assigned",
        "interaction.abandoned",
        "interaction.transferred",
        "interaction.rated",
    }
)
# Interaction events that change an agent's figures today.
AGENT_EVENTS = frozenset(
    {
        "interaction.ended",
        "interaction.closed",
        "interaction.disposition.submitted",
        "interaction.disposition.completed",
        "interaction.rated",
    }
)


@dataclass(frozen=True, order=True)
class Subject:
    scope: Scope
    subject_id: str


def changed_subjects(events: Iterable[Event], queues_of: Callable[[str], Iterable[str]]) -> set[Subject]:
    """The agents and queues whose figures the events change: an agent's state change changes the agent (and
    the agents routable of each of the agent's queues, `queues_of`); interaction events their agent's day
    and their queue."""
    found: set[Subject] = set()
    for event in events:
        if isinstance(event, AgentStateChanged):
            found.add(Subject("agent", event.agentId))
            found |= {Subject("queue", queue_id) for queue_id in queues_of(event.agentId)}
            continue
        interaction = getattr(getattr(event, "data", None), "interaction", None)
        if interaction is None:
            continue
        if event.type in QUEUE_EVENTS:
            found.add(Subject("queue", interaction.queueId))
        agent_id = event.agentId or interaction.agentId
        if event.type in AGENT_EVENTS and agent_id:
            found.add(Subject("agent", agent_id))
    return found


# --- the throttle -------------------------------------------------------------------------------------------


def may_push(now_ms: int, last_pushed_ms: int | None, throttle_ms: int) -> bool:
    """Whether a push now keeps to the throttle (the store's claim condition, stated once)."""
    return last_pushed_ms is None or now_ms - last_pushed_ms >= throttle_ms


@dataclass(frozen=True)
class PushWindow:
    """The push that holds a subject's window: when it was claimed, and the newest change number it covers."""

    pushed_at_ms: int
    covers: int


@dataclass(frozen=True)
class Covered:
    """The push holding the window was claimed after this batch's change was numbered: it reads its sums."""


@dataclass(frozen=True)
class WaitUntil:
    at_ms: int


def after_refusal(change: int, window: PushWindow, throttle_ms: int) -> Covered | WaitUntil:
    """A batch whose change of a subject is number `change` was refused the claim: covered by the push
    holding the window, or wait until the window opens and claim again."""
    if window.covers >= change:
        return Covered()
    return WaitUntil(window.pushed_at_ms + throttle_ms)


# --- the open interval -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenState:
    """The agent's state as of the last state change the aggregator counted (kept per agent, newest version)."""

    agent_id: str
    version: int
    status: str
    since: str | None
    pause_code: str | None = None
    pause_label: str | None = None
    productive: bool | None = None


def open_state_of(event: AgentStateChanged) -> OpenState:
    state = event.data.state
    reason = state.reason
    return OpenState(
        agent_id=event.agentId,
        version=state.version,
        status=state.status,
        since=state.since,
        pause_code=reason.code if reason else None,
        pause_label=reason.label if reason else None,
        productive=reason.productive if reason else None,
    )


def newest_open_states(events: Iterable[Event]) -> dict[str, OpenState]:
    """Per agent, the state after the newest state change among the events."""
    newest: dict[str, OpenState] = {}
    for event in events:
        if isinstance(event, AgentStateChanged):
            state = open_state_of(event)
            if event.agentId not in newest or newest[event.agentId].version < state.version:
                newest[event.agentId] = state
    return newest


def open_interval(state: OpenState | None, day: date, zone: str, now: datetime) -> OpenInterval | None:
    """What the client adds live: the open status from its start (or the day's start), or None when the agent
    is offline, has no state, or the state began after `now` (a clock behind the event's)."""
    if state is None or state.status not in STATUSES or state.since is None:
        return None
    start, end = day_window(day, zone)
    since = max(parse_time(state.since), start)
    if since >= end or since > now:
        return None
    paused = state.pause_code is not None
    return OpenInterval(
        status=state.status,  # type: ignore[arg-type]  # one of STATUSES
        since=iso(since),
        pauseCode=state.pause_code,
        pauseLabel=state.pause_label if paused else None,
        productive=state.productive if paused else None,
    )


# --- the figures ---------------------------------------------------------------------------------------------


def agent_today(day: AgentDay, name: str, zone: str, open_now: OpenInterval | None) -> AgentToday:
    totals = day.interactions
    return AgentToday(
        agentId=day.agent_id,
        name=name or day.agent_name or day.agent_id,
        date=day.day,
        timeZone=zone,
        loggedInSeconds=day.logged_in_seconds,
        secondsByStatus=dict(day.status_seconds),
        pausedProductiveSeconds=day.productive_pause_seconds,
        pausedUnproductiveSeconds=day.unproductive_pause_seconds,
        pauses=[
            PauseCodeTime(code=p.code, label=p.label, productive=p.productive, seconds=p.seconds, count=p.count)
            for p in day.pauses
        ],
        interactions=totals.handled,
        successful=totals.successful,
        unsure=totals.unsure,
        failed=totals.failed,
        handleSeconds=totals.handle_seconds,
        avgHandleSeconds=totals.average_handle_seconds,
        avgFirstResponseSeconds=totals.average_first_response_seconds,
        csat=Csat(average=totals.csat_average, count=totals.ratings),
        open=open_now,
    )


@dataclass(frozen=True)
class QueueNow:
    """The queue as routing sees it now (the interactions context's answer)."""

    name: str
    waiting: int
    longest_wait_seconds: int
    agents_routable: int


def queue_today(day: QueueDay, now: QueueNow) -> QueueToday:
    return QueueToday(
        queueId=day.queue_id,
        name=now.name or day.queue_name or day.queue_id,
        date=day.day,
        offered=day.offered,
        answered=day.answered,
        abandoned=day.abandoned,
        waiting=now.waiting,
        longestWaitSeconds=now.longest_wait_seconds,
        serviceLevel=day.service_level,
        agentsRoutable=now.agents_routable,
    )
