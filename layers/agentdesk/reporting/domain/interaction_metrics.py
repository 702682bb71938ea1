"""What the interaction events add to the day's metrics: per agent (handled, outcomes, handle / wrap-up / first
response time, CSAT) and per queue (offered, answered, abandoned, waits, answered within the SLA threshold).

Each event carries the interaction after the change (`data.interaction`, with its `times`), so each one's
contribution is complete by itself and the sums commute, like the agent-state ones:

Each counts on the local day of the event:
- interaction.queued → queue: offered;
- interaction.transferred into a queue → that queue: offered (a new offer); an attended transfer (the agent
  consulted took it) is answered there too, with no wait;
- interaction.assigned → queue: answered, wait, answered within the SLA threshold — only when it is the
  queue's answer (`queue_answer`): the first one (nothing handed over yet) or one routed out of the queue after
  a hand-over; an agent-to-agent transfer is no new answer. The wait runs from when the interaction entered
  the queue (`transferredAt` after a transfer, else `queuedAt`) to `answeredAt`;
- interaction.abandoned → queue: abandoned, abandoned wait (entered the queue → endedAt);
- interaction.ended (answered) → agent: handled, handle time (answeredAt → endedAt), first response
  (answeredAt → firstAgentReplyAt);
- interaction.closed (answered) → agent: wrap-ups, wrap-up time (endedAt → wrapUpEndedAt);
- interaction.disposition.submitted → agent: one disposition of its category (Success, Unsure, Fail); automatic;
- interaction.disposition.completed → agent: -1 Unsure (the timeout's automatic disposition it replaces),
  +1 its category, -1 automatic;
- interaction.rated → agent and queue: ratings, score sum, satisfied (4-5).

Agents' days are in their site's zone (the directory's profile), queues' in the default zone (queues belong
to no site). The SLA threshold is the queue's `slaTargetSeconds` as the directory has it when the aggregator
counts the event (the event does not carry it). The average response time (each customer message to the
agent's next reply) needs the conversation's order, so only the export computes it (sql/response_times.sql).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from agentdesk.reporting.domain.days import local_date, millis, parse_time

DEFAULT_SLA_SECONDS = 20  # the config contract's default slaTargetSeconds
SATISFIED = 4  # a rating of 4 or 5 counts as satisfied (CSAT %)
CATEGORIES = {"Success": "successful", "Unsure": "unsure", "Fail": "failed"}

# Agent counters (prefixed: an agent's day item also holds the agent-state counters).
HANDLED = "ix:handled"
HANDLE_MS = "ix:handleMs"
WRAP_UPS = "ix:wrapUps"
WRAP_UP_MS = "ix:wrapUpMs"
FIRST_RESPONSES = "ix:firstResponses"
FIRST_RESPONSE_MS = "ix:firstResponseMs"
AUTOMATIC = "ix:automaticDispositions"
RATINGS = "ix:ratings"
SCORE_SUM = "ix:scoreSum"
SATISFIED_COUNT = "ix:satisfied"


def outcome(category: str) -> str:
    return f"ix:{CATEGORIES.get(category, 'unsure')}"


# Queue counters (their own item: sk = queue#<id>).
OFFERED = "offered"
ANSWERED = "answered"
ABANDONED = "abandoned"
WAIT_MS = "waitMs"
ABANDONED_WAIT_MS = "abandonedWaitMs"
WITHIN_SLA = "answeredWithinSla"


@dataclass(frozen=True)
class Facts:
    """What the events do not carry and the aggregator reads from the directory once per batch."""

    site_of: Callable[[str], str | None] = lambda _agent: None
    sla_seconds: Callable[[str], int] = lambda _queue: DEFAULT_SLA_SECONDS


def _ms(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    return max(0, millis(parse_time(start), parse_time(end)))


def queue_answer(times: Any) -> bool:
    """Whether an `interaction.assigned` answers the interaction out of its queue (answered counts once per
    interaction and queue): nothing handed over yet (its first answer), or offered by routing after the last
    hand-over (a blind transfer into a queue). After a transfer to an agent the offer is the transfer's own
    (offeredAt = transferredAt), and a confirmed attended transfer keeps the earlier offer: no new answer."""
    if not times.transferredAt:
        return True
    return bool(times.offeredAt) and times.offeredAt > times.transferredAt


def entered_queue_at(times: Any) -> str:
    """When the interaction entered the queue it is in: the last hand-over, else when it was queued."""
    return str(times.transferredAt or times.queuedAt)


def interaction_counters(event: Any, facts: Facts) -> tuple[dict[str, int], dict[str, int]]:
    """(agent counters, queue counters) one interaction event adds; empty when it adds nothing there."""
    kind = event.type
    data = event.data
    view = data.interaction
    times = view.times
    agent: dict[str, int] = {}
    queue: dict[str, int] = {}
    if kind == "interaction.queued":
        queue[OFFERED] = 1
    elif kind == "interaction.transferred" and data.to.get("queueId"):
        queue[OFFERED] = 1
        if view.status == "active":  # attended: the agent consulted has it already
            queue[ANSWERED] = 1
            queue[WITHIN_SLA] = 1
    elif kind == "interaction.assigned" and queue_answer(times):
        wait = _ms(entered_queue_at(times), times.answeredAt or event.occurredAt) or 0
        queue[ANSWERED] = 1
        queue[WAIT_MS] = wait
        queue[WITHIN_SLA] = int(wait <= facts.sla_seconds(view.queueId) * 1000)
    elif kind == "interaction.abandoned":
        queue[ABANDONED] = 1
        queue[ABANDONED_WAIT_MS] = _ms(entered_queue_at(times), times.endedAt or event.occurredAt) or 0
    elif kind == "interaction.ended" and times.answeredAt:
        agent[HANDLED] = 1
        agent[HANDLE_MS] = _ms(times.answeredAt, times.endedAt or event.occurredAt) or 0
        first = _ms(times.answeredAt, times.firstAgentReplyAt)
        if first is not None:
            agent[FIRST_RESPONSES] = 1
            agent[FIRST_RESPONSE_MS] = first
    elif kind == "interaction.closed" and times.answeredAt and times.endedAt:
        agent[WRAP_UPS] = 1
        agent[WRAP_UP_MS] = _ms(times.endedAt, times.wrapUpEndedAt or event.occurredAt) or 0
    elif kind == "interaction.disposition.submitted" and view.disposition is not None:
        agent[outcome(view.disposition.category)] = 1
        if not data.complete:
            agent[AUTOMATIC] = 1
    elif kind == "interaction.disposition.completed" and view.disposition is not None:
        replaced, now = outcome("Unsure"), outcome(view.disposition.category)
        if replaced != now:
            agent[replaced] = -1
            agent[now] = 1
        agent[AUTOMATIC] = -1
    elif kind == "interaction.rated":
        score = int(data.score)
        agent.update({RATINGS: 1, SCORE_SUM: score, SATISFIED_COUNT: int(score >= SATISFIED)})
        queue.update({"ratings": 1, "scoreSum": score, "satisfied": int(score >= SATISFIED)})
    return {k: v for k, v in agent.items() if v}, {k: v for k, v in queue.items() if v}


def event_day(event: Any, zone: str) -> date:
    return local_date(parse_time(event.occurredAt), zone)


@dataclass(frozen=True)
class InteractionTotals:
    """An agent's interaction metrics for a day, from the stored sums."""

    handled: int = 0
    successful: int = 0
    unsure: int = 0
    failed: int = 0
    automatic_dispositions: int = 0
    handle_seconds: float = 0.0
    wrap_ups: int = 0
    wrap_up_seconds: float = 0.0
    first_responses: int = 0
    first_response_seconds: float = 0.0
    ratings: int = 0
    score_sum: int = 0
    satisfied: int = 0

    @property
    def average_handle_seconds(self) -> float | None:
        return round(self.handle_seconds / self.handled, 3) if self.handled else None

    @property
    def average_wrap_up_seconds(self) -> float | None:
        return round(self.wrap_up_seconds / self.wrap_ups, 3) if self.wrap_ups else None

    @property
    def average_first_response_seconds(self) -> float | None:
        return round(self.first_response_seconds / self.first_responses, 3) if self.first_responses else None

    @property
    def csat_average(self) -> float | None:
        return round(self.score_sum / self.ratings, 3) if self.ratings else None

    @property
    def csat_percent(self) -> float | None:
        return round(100 * self.satisfied / self.ratings, 1) if self.ratings else None


def interaction_totals(values: Mapping[str, Any]) -> InteractionTotals:
    def number(name: str) -> int:
        return int(values.get(name, 0))

    return InteractionTotals(
        handled=number(HANDLED),
        successful=number(outcome("Success")),
        unsure=number(outcome("Unsure")),
        failed=number(outcome("Fail")),
        automatic_dispositions=number(AUTOMATIC),
        handle_seconds=number(HANDLE_MS) / 1000,
        wrap_ups=number(WRAP_UPS),
        wrap_up_seconds=number(WRAP_UP_MS) / 1000,
        first_responses=number(FIRST_RESPONSES),
        first_response_seconds=number(FIRST_RESPONSE_MS) / 1000,
        ratings=number(RATINGS),
        score_sum=number(SCORE_SUM),
        satisfied=number(SATISFIED_COUNT),
    )


@dataclass(frozen=True)
class QueueDay:
    """A queue's metrics for a day (in the default time zone), from the stored sums."""

    queue_id: str
    day: date
    queue_name: str
    offered: int
    answered: int
    abandoned: int
    answered_within_sla: int
    wait_seconds: float
    abandoned_wait_seconds: float
    ratings: int
    score_sum: int
    satisfied: int

    @property
    def service_level(self) -> float | None:
        """% of the answered interactions answered within the queue's SLA threshold."""
        return round(100 * self.answered_within_sla / self.answered, 1) if self.answered else None

    @property
    def average_wait_seconds(self) -> float | None:
        return round(self.wait_seconds / self.answered, 3) if self.answered else None


def queue_day(queue_id: str, day: date, values: Mapping[str, Any]) -> QueueDay:
    def number(name: str) -> int:
        return int(values.get(name, 0))

    return QueueDay(
        queue_id=queue_id,
        day=day,
        queue_name=str(values.get("queueName", "")),
        offered=number(OFFERED),
        answered=number(ANSWERED),
        abandoned=number(ABANDONED),
        answered_within_sla=number(WITHIN_SLA),
        wait_seconds=number(WAIT_MS) / 1000,
        abandoned_wait_seconds=number(ABANDONED_WAIT_MS) / 1000,
        ratings=number("ratings"),
        score_sum=number("scoreSum"),
        satisfied=number("satisfied"),
    )
