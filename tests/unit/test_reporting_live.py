"""Today's live metrics, the pure rules (reporting/domain/live.py) and the push loop (reporting/live.py) with
the store and the pushes replaced: which subjects a batch changes, the throttle and its trailing push, the
open interval, and a change that keeps the status counting its interval once."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from agentdesk.events import parse_event
from agentdesk.kernel import clock
from agentdesk.realtime.domain.audience import STAFF_ROLES, metrics_audience
from agentdesk.reporting import live
from agentdesk.reporting.domain import metrics
from agentdesk.reporting.domain.live import (
    THROTTLE_SECONDS,
    Covered,
    OpenState,
    PushWindow,
    Subject,
    WaitUntil,
    after_refusal,
    changed_subjects,
    may_push,
    newest_open_states,
    open_interval,
)
from tests.unit.test_reporting_interaction_metrics import handled_chat
from tests.unit.test_reporting_metrics import BREAK, SESSION, state_event, zone_of

T0 = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
THROTTLE_MS = int(THROTTLE_SECONDS * 1000)


def queues_of(agent_id: str) -> list[str]:
    return {"a1": ["q1", "q2"], "a2": ["q2"]}.get(agent_id, [])


# --- subjects -----------------------------------------------------------------------------------------------


def test_a_batch_changes_each_agent_and_queue_once() -> None:
    chat = handled_chat(1, T0, wait=5, talk=60, reply=3, wrap=10, category="Success", score=5)
    docs = [
        state_event(1, "2025-03-12T09:00:00.000Z", status="Available", command="login", session=SESSION),
        state_event(2, "2025-03-12T09:30:00.000Z", status="Away", reason=BREAK, previous="Available"),
        *chat.docs,
    ]
    subjects = changed_subjects([parse_event(d) for d in docs], queues_of)
    assert subjects == {Subject("agent", "a1"), Subject("queue", "q1"), Subject("queue", "q2")}


def test_a_queue_hears_of_its_waits_and_an_agent_of_their_work() -> None:
    chat = handled_chat(1, T0, wait=5, talk=60, reply=3, wrap=10, category="Success", score=None)
    by_type = {d["type"]: parse_event(d) for d in chat.docs}
    assert changed_subjects([by_type["interaction.queued"]], queues_of) == {Subject("queue", "q1")}
    assert changed_subjects([by_type["interaction.assigned"]], queues_of) == {Subject("queue", "q1")}
    assert changed_subjects([by_type["interaction.ended"]], queues_of) == {Subject("agent", "a1")}
    assert changed_subjects([by_type["interaction.disposition.submitted"]], queues_of) == {Subject("agent", "a1")}


def test_the_newest_state_of_each_agent_is_kept_whatever_the_order() -> None:
    docs = [
        state_event(3, "2025-03-12T09:40:00.000Z", status="Available", previous="Away", previous_reason=BREAK),
        state_event(2, "2025-03-12T09:30:00.000Z", status="Away", reason=BREAK, previous="Available"),
        state_event(7, "2025-03-12T09:31:00.000Z", agent="a2", status="Available"),
    ]
    newest = newest_open_states(parse_event(d) for d in docs)
    assert {a: (s.version, s.status) for a, s in newest.items()} == {"a1": (3, "Available"), "a2": (7, "Available")}


# --- the throttle -------------------------------------------------------------------------------------------


def test_the_claim_condition_and_what_a_refused_batch_does() -> None:
    assert may_push(10_000, None, THROTTLE_MS)
    assert may_push(10_000, 10_000 - THROTTLE_MS, THROTTLE_MS)
    assert not may_push(10_000, 10_000 - THROTTLE_MS + 1, THROTTLE_MS)
    # the push holding the window was claimed after this batch's change 7 was numbered: it read its sums
    assert after_refusal(7, PushWindow(pushed_at_ms=5_000, covers=7), THROTTLE_MS) == Covered()
    # claimed before: push again when the window opens
    assert after_refusal(8, PushWindow(pushed_at_ms=5_000, covers=7), THROTTLE_MS) == WaitUntil(5_000 + THROTTLE_MS)


@dataclass
class FakeWorld:
    """The store's change numbers and claim condition, a clock moved by the batches and the waits, and the
    pushes made (when, and the newest change whose sums they read)."""

    now_ms: int = 1_000_000
    changes: dict[Subject, int] = field(default_factory=dict)
    windows: dict[Subject, PushWindow] = field(default_factory=dict)
    pushes: list[tuple[Subject, int, int]] = field(default_factory=list)  # subject, at, newest change read
    waited: list[float] = field(default_factory=list)

    def note_change(self, scope: str, subject_id: str) -> int:
        subject = Subject(scope, subject_id)  # type: ignore[arg-type]
        self.changes[subject] = self.changes.get(subject, 0) + 1
        return self.changes[subject]

    def claim(self, scope: str, subject_id: str, now_ms: int, throttle_ms: int) -> PushWindow | None:
        subject = Subject(scope, subject_id)  # type: ignore[arg-type]
        held = self.windows.get(subject)
        if may_push(now_ms, held.pushed_at_ms if held else None, throttle_ms):
            self.windows[subject] = PushWindow(now_ms, self.changes.get(subject, 0))
            return None
        return held

    def push(self, _config: Any, subject: Subject, _zones: Any, _to: Any = None) -> int:
        self.pushes.append((subject, self.now_ms, self.changes.get(subject, 0)))
        return 1

    def sleep(self, seconds: float) -> None:
        self.waited.append(seconds)
        self.now_ms += int(seconds * 1000)


@pytest.fixture(name="world")
def world_fixture(monkeypatch: pytest.MonkeyPatch) -> Any:
    world = FakeWorld()
    monkeypatch.setattr(live.store, "note_change", world.note_change)
    monkeypatch.setattr(live.store, "claim_push", world.claim)
    monkeypatch.setattr(live, "push_subject", world.push)
    monkeypatch.setattr(live.realtime, "listeners", lambda planned: ["a connection"])
    clock.set_clock(lambda: datetime.fromtimestamp(world.now_ms / 1000, UTC))
    try:
        yield world
    finally:
        clock.reset_clock()


class OneAgentDirectory:
    profiles: dict[str, Any] = {"a1": type("Profile", (), {"queue_ids": ("q1",)})()}

    def supervisors_of(self, _agent_id: str) -> frozenset[str]:
        return frozenset({"sup1"})


def batch(world: FakeWorld, agent_id: str, *, gap_ms: int = 0, events: int = 1) -> None:
    """A batch of `events` changes of the agent (and so of the agent's queue) pushes; `gap_ms` passes after."""
    documents = [
        state_event(world.now_ms + n, "2025-03-12T09:00:00.000Z", agent=agent_id, status="Available")
        for n in range(events)
    ]
    live.push_changes([parse_event(d) for d in documents], config=OneAgentDirectory(), sleep=world.sleep)  # type: ignore[arg-type]
    world.now_ms += gap_ms


def test_a_burst_is_pushed_at_most_once_per_window_and_its_last_change_is_pushed(world: FakeWorld) -> None:
    """Events arrive at random; as a stream's poller does, each batch takes what arrived while the one before
    ran (waits included)."""
    rng = random.Random(5)
    arrivals = list(itertools.accumulate(rng.choice([0, 50, 300, 900, 2500]) for _ in range(60)))
    arrivals = [world.now_ms + a for a in arrivals]
    batches = 0
    while arrivals:
        world.now_ms = max(world.now_ms, arrivals[0])
        ready = [a for a in arrivals if a <= world.now_ms]
        arrivals = arrivals[len(ready) :]
        batch(world, "a1", events=len(ready))
        batches += 1
    assert batches < 60  # a batch that waited took the events that came meanwhile
    for subject in (Subject("agent", "a1"), Subject("queue", "q1")):
        mine = [(at, read) for pushed, at, read in world.pushes if pushed == subject]
        assert len(mine) <= batches  # one push per batch at most, however many events it holds
        assert min(b[0] - a[0] for a, b in itertools.pairwise(mine)) >= THROTTLE_MS
        assert mine[-1][1] == world.changes[subject] == batches  # the trailing push read the last change
    assert all(w <= THROTTLE_SECONDS for w in world.waited)


def test_a_second_push_inside_the_window_waits_for_it(world: FakeWorld) -> None:
    batch(world, "a1", gap_ms=500)
    batch(world, "a1")
    agent_pushes = [at for subject, at, _read in world.pushes if subject == Subject("agent", "a1")]
    assert agent_pushes == [1_000_000, 1_000_000 + THROTTLE_MS]
    assert world.waited == [(THROTTLE_MS - 500) / 1000]


def test_a_quiet_subject_is_pushed_at_once(world: FakeWorld) -> None:
    batch(world, "a1", gap_ms=10_000)
    batch(world, "a1", gap_ms=0)
    assert not world.waited
    assert len([p for p in world.pushes if p[0] == Subject("agent", "a1")]) == 2


def test_nobody_listening_costs_no_push_and_no_wait(world: FakeWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live.realtime, "listeners", lambda planned: [])
    for _ in range(5):
        batch(world, "a1", gap_ms=0)
    assert world.pushes == [] and world.waited == [] and world.changes == {}


# --- the open interval --------------------------------------------------------------------------------------


def test_the_open_interval_starts_at_the_status_or_the_days_start() -> None:
    day = date(2025, 3, 12)
    now = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
    paused = OpenState("a1", 4, "Away", "2025-03-12T11:00:00.000Z", "break", "Break", False)
    shown = open_interval(paused, day, "Europe/London", now)
    assert shown is not None
    assert (shown.status, shown.since, shown.pauseCode, shown.productive) == (
        "Away",
        "2025-03-12T11:00:00.000Z",
        "break",
        False,
    )
    overnight = OpenState("a1", 4, "Available", "2025-03-11T20:00:00.000Z")
    clipped = open_interval(overnight, day, "America/New_York", now)
    assert clipped is not None and clipped.since == "2025-03-12T04:00:00.000Z"  # New York's midnight
    assert clipped.pauseCode is None and clipped.productive is None
    assert open_interval(OpenState("a1", 5, "Offline", "2025-03-12T11:00:00.000Z"), day, "UTC", now) is None
    assert open_interval(None, day, "UTC", now) is None


# --- an interval is counted once ----------------------------------------------------------------------------


def test_a_change_that_keeps_the_status_adds_no_time_and_the_next_one_counts_it_whole() -> None:
    login = state_event(1, "2025-03-12T09:00:00.000Z", status="Available", command="login", session=SESSION)
    starts = state_event(
        2, "2025-03-12T09:20:00.000Z", status="Available", previous="Available", since="2025-03-12T09:00:00.000Z"
    )
    starts["data"]["state"]["since"] = "2025-03-12T09:00:00.000Z"  # an interaction began: the status stays
    starts["data"]["change"]["command"] = "startInteraction"
    away = state_event(
        3,
        "2025-03-12T10:00:00.000Z",
        status="Away",
        reason=BREAK,
        previous="Available",
        since="2025-03-12T09:00:00.000Z",
    )
    added = [c for d in (login, starts, away) for c in metrics.contributions(parse_event(d), zone_of)]
    totals = metrics.merge(added)
    (key,) = totals
    assert totals[key].counters[metrics.LOGGED_IN_MS] == 3600 * 1000
    assert totals[key].counters[metrics.status_ms("Available")] == 3600 * 1000


# --- the audience -------------------------------------------------------------------------------------------


def test_an_agents_figures_reach_the_agent_their_supervisors_and_admins_and_a_queues_the_staff() -> None:
    agent = metrics_audience({"type": "metrics.today"}, "a1", {"sup1"})
    assert agent.user_ids == {"a1", "sup1"} and agent.roles == {"admin"}
    assert not agent.broadcast and not agent.customers
    queue = metrics_audience({"type": "metrics.today"}, None)
    assert queue.user_ids == frozenset() and queue.roles == STAFF_ROLES and not queue.customers
