"""What each event adds to the day's metrics, and the metrics a day's sums describe.

Every event's contribution is complete by itself: an `agent.state.changed` carries the interval it closes
(`previous.status`/`previous.reason` from `previous.since` to `occurredAt`), the pause it opens and the
sessions it opens or closes. So contributions commute: adding them in any order gives the same sums, and
the only thing a consumer must ensure is that each event is added once (the store guards on `eventId`).
Durations are whole milliseconds, so the sums are exact in any order.

A new event type plugs in with a contributor in `CONTRIBUTORS`. The interaction events add per-agent
interaction counters and per-queue metrics under the `queue` scope of `MetricKey` (interaction_metrics.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agentdesk.agents.events import AgentStateChanged, SessionClosed, SessionOpened
from agentdesk.events import Event
from agentdesk.reporting.domain.days import local_date, parse_time, split_by_local_day
from agentdesk.reporting.domain.interaction_metrics import (
    Facts,
    InteractionTotals,
    event_day,
    interaction_counters,
    interaction_totals,
)

STATUSES = ("Available", "Busy", "Away")

# Counter names (flat: DynamoDB ADDs top-level numbers). Durations are milliseconds.
LOGGED_IN_MS = "loggedInMs"
LOGINS = "logins"


def status_ms(status: str) -> str:
    return f"status:{status}:ms"


def pause_ms(code: str) -> str:
    return f"pause:{code}:ms"


def pause_count(code: str) -> str:
    return f"pause:{code}:count"


def pause_label(code: str) -> str:
    return f"pause:{code}:label"


def pause_productive(code: str) -> str:
    return f"pause:{code}:productive"


def logoffs(kind: str) -> str:
    return f"logoffs:{kind}"


@dataclass(frozen=True, order=True)
class MetricKey:
    """Whose metrics, for which local day: scope `agent` (the site's day) or `queue` (the default zone's day)."""

    scope: str
    subject: str
    day: date


@dataclass
class Contribution:
    """What one event adds to one key: counters to add, descriptive labels to set (last writer wins)."""

    key: MetricKey
    counters: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str | bool] = field(default_factory=dict)

    def add(self, name: str, amount: int) -> None:
        if amount:
            self.counters[name] = self.counters.get(name, 0) + amount


ZoneOf = Callable[[str | None], str]  # site id (None: no site) -> IANA time zone
Contributor = Callable[[Any, ZoneOf, Facts], list[Contribution]]


class _Contributions:
    """Contributions of one event, one per key."""

    def __init__(self, agent_id: str, labels: Mapping[str, str | bool]) -> None:
        self.agent_id = agent_id
        self.labels = dict(labels)
        self.by_day: dict[date, Contribution] = {}

    def on(self, day: date) -> Contribution:
        if day not in self.by_day:
            self.by_day[day] = Contribution(MetricKey("agent", self.agent_id, day), labels=dict(self.labels))
        return self.by_day[day]

    def result(self) -> list[Contribution]:
        return [c for _day, c in sorted(self.by_day.items()) if c.counters]


def agent_state_changed(event: AgentStateChanged, zone_of: ZoneOf, _facts: Facts | None = None) -> list[Contribution]:
    data = event.data
    site_id = data.configuration.siteId if data.configuration else None
    zone = zone_of(site_id)
    labels: dict[str, str | bool] = {"siteId": site_id or "", "timeZone": zone}
    if data.configuration is not None:
        labels["agentName"] = data.configuration.name
    out = _Contributions(event.agentId, labels)
    at = parse_time(event.occurredAt)

    previous = data.previous
    # A change that keeps status and reason (an interaction starts or ends) keeps `since`: the interval is
    # still open, and the change that ends it counts it whole.
    since = previous.since
    if since is not None and since != data.state.since and previous.status != "Offline":
        for day, ms in split_by_local_day(parse_time(since), at, zone):
            contribution = out.on(day)
            contribution.add(LOGGED_IN_MS, ms)
            contribution.add(status_ms(previous.status), ms)
            if previous.reason is not None:
                contribution.add(pause_ms(previous.reason.code), ms)
                contribution.labels[pause_label(previous.reason.code)] = previous.reason.label
                contribution.labels[pause_productive(previous.reason.code)] = previous.reason.productive

    reason = data.state.reason
    if reason is not None and (previous.reason is None or previous.reason.code != reason.code):
        contribution = out.on(local_date(at, zone))
        contribution.add(pause_count(reason.code), 1)
        contribution.labels[pause_label(reason.code)] = reason.label
        contribution.labels[pause_productive(reason.code)] = reason.productive

    for record in data.records:
        if isinstance(record, SessionOpened):
            out.on(local_date(parse_time(record.start), zone)).add(LOGINS, 1)
        elif isinstance(record, SessionClosed):
            out.on(local_date(parse_time(record.end), zone)).add(logoffs(record.logoffKind), 1)
    return out.result()


def interaction_event(event: Any, zone_of: ZoneOf, facts: Facts) -> list[Contribution]:
    """An interaction event's additions to its agent's day and its queue's day (interaction_metrics.py)."""
    agent_counters, queue_counters = interaction_counters(event, facts)
    view = event.data.interaction
    out: list[Contribution] = []
    agent_id = event.agentId or view.agentId
    if agent_counters and agent_id:
        site_id = facts.site_of(agent_id)
        zone = zone_of(site_id)
        labels: dict[str, str | bool] = {"siteId": site_id or "", "timeZone": zone}
        if view.agentName:
            labels["agentName"] = view.agentName
        out.append(Contribution(MetricKey("agent", agent_id, event_day(event, zone)), agent_counters, labels))
    if queue_counters:
        zone = zone_of(None)
        labels = {"queueName": view.queueName, "timeZone": zone}
        out.append(Contribution(MetricKey("queue", view.queueId, event_day(event, zone)), queue_counters, labels))
    return out


INTERACTION_TYPES = (
    "interaction.queued",
    "interaction.transferred",
    "interaction.assigned",
    "interaction.abandoned",
    "interaction.ended",
    "interaction.closed",
    "interaction.disposition.submitted",
    "interaction.disposition.completed",
    "interaction.rated",
)

# Event type -> what it adds. Types without a contributor (agent.heartbeat, config.changed, messages, notes,
# offers...) add nothing.
CONTRIBUTORS: dict[str, Contributor] = {
    "agent.state.changed": agent_state_changed,
    **dict.fromkeys(INTERACTION_TYPES, interaction_event),
}


def contributions(event: Event, zone_of: ZoneOf, facts: Facts | None = None) -> list[Contribution]:
    contributor = CONTRIBUTORS.get(event.type)
    return contributor(event, zone_of, facts or Facts()) if contributor else []


def merge(items: Iterable[Contribution]) -> dict[MetricKey, Contribution]:
    """Contributions summed per key (what a transaction writes once per item)."""
    merged: dict[MetricKey, Contribution] = {}
    for item in items:
        into = merged.setdefault(item.key, Contribution(item.key))
        for name, amount in item.counters.items():
            into.add(name, amount)
        into.labels.update(item.labels)
    return merged


@dataclass(frozen=True)
class PauseTotal:
    code: str
    label: str
    productive: bool
    seconds: float
    count: int


@dataclass(frozen=True)
class AgentDay:
    """One agent's metrics for one site-local day, from the stored sums."""

    agent_id: str
    day: date
    agent_name: str
    site_id: str
    time_zone: str
    logged_in_seconds: float
    status_seconds: dict[str, float]
    pauses: list[PauseTotal]
    logins: int
    logoffs: dict[str, int]
    interactions: InteractionTotals = field(default_factory=InteractionTotals)

    @property
    def productive_pause_seconds(self) -> float:
        return round(sum(p.seconds for p in self.pauses if p.productive), 3)

    @property
    def unproductive_pause_seconds(self) -> float:
        return round(sum(p.seconds for p in self.pauses if not p.productive), 3)


def agent_day(agent_id: str, day: date, values: Mapping[str, Any]) -> AgentDay:
    """Read an agent-day's stored counters and labels (missing counters are zero)."""

    def number(name: str) -> int:
        return int(values.get(name, 0))

    codes = sorted({name.split(":")[1] for name in values if name.startswith("pause:")})
    pauses = [
        PauseTotal(
            code=code,
            label=str(values.get(pause_label(code), code)),
            productive=bool(values.get(pause_productive(code), False)),
            seconds=number(pause_ms(code)) / 1000,
            count=number(pause_count(code)),
        )
        for code in codes
    ]
    kinds = sorted(name.split(":")[1] for name in values if name.startswith("logoffs:"))
    return AgentDay(
        agent_id=agent_id,
        day=day,
        agent_name=str(values.get("agentName", "")),
        site_id=str(values.get("siteId", "")),
        time_zone=str(values.get("timeZone", "")),
        logged_in_seconds=number(LOGGED_IN_MS) / 1000,
        status_seconds={status: number(status_ms(status)) / 1000 for status in STATUSES},
        pauses=pauses,
        logins=number(LOGINS),
        logoffs={kind: number(logoffs(kind)) for kind in kinds},
        interactions=interaction_totals(values),
    )
