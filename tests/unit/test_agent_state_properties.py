"""Invariants of the agent-state rules over random command sequences with a moving (sometimes lagging)
clock: versions, events, sessions and pause intervals always add up."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from agentdesk.agents import domain
from agentdesk.agents.domain import (
    DEFAULT_PAUSE_CODES,
    PAUSE_STATUSES,
    AgentState,
    Cause,
    PauseClosed,
    PauseCode,
    PauseOpened,
    SessionClosed,
    SessionOpened,
    StateChanged,
    Status,
    Transition,
)
from agentdesk.kernel.clock import iso
from agentdesk.kernel.errors import AgentDeskError

T0 = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
CODES: Mapping[str, PauseCode] = {
    **DEFAULT_PAUSE_CODES,
    "Back Office": PauseCode("Back Office", "Back office work", Status.BUSY, productive=True),
    "Old Break": PauseCode("Old Break", "Old break", Status.AWAY, productive=False, enabled=False),
}
REASONS = st.sampled_from([None, "", "break", "lunch", "Back Office", "Old Break", "Nap", "wrap-up", "Wrap-up", "AUTO"])
STATUSES = st.sampled_from(["Available", "Away", "Busy", "Offline", "Sleeping"])
INTERACTIONS = st.sampled_from(["i-1", "i-2", "i-3"])
# Mostly forward, sometimes a little backward: clocks of different machines disagree.
STEPS_MS = st.one_of(st.integers(0, 900_000), st.integers(-5_000, 0))


def ms(stamp: str) -> int:
    moment = datetime.fromisoformat(stamp)
    return round(moment.timestamp() * 1000)


def status_key(state: AgentState) -> tuple[Status, str | None]:
    return state.status, state.reason.code if state.reason else None


Command = Callable[[AgentState, datetime], Transition]


def command_strategy(session_ids: st.SearchStrategy[str]) -> st.SearchStrategy[Command]:
    """Any command with random data, valid or not."""
    return st.one_of(
        st.builds(
            lambda sid, reason: (
                lambda s, now: domain.login(s, session_id=sid, pause_codes=CODES, now=now, reason=reason)
            ),
            session_ids,
            REASONS,
        ),
        st.builds(
            lambda status, reason: (
                lambda s, now: domain.set_status(s, status, pause_codes=CODES, now=now, reason=reason)
            ),
            STATUSES,
            REASONS,
        ),
        st.builds(
            lambda status, reason: (
                lambda s, now: domain.force_status(
                    s, status, supervisor_id="sup-1", pause_codes=CODES, now=now, reason=reason
                )
            ),
            STATUSES,
            REASONS,
        ),
        st.just(lambda s, now: domain.logoff(s, pause_codes=CODES, now=now)),
        st.just(lambda s, now: domain.force_logoff(s, supervisor_id="sup-1", pause_codes=CODES, now=now)),
        st.just(lambda s, now: domain.auto_logoff(s, pause_codes=CODES, now=now)),
        st.just(lambda s, now: domain.disconnect(s, pause_codes=CODES, now=now)),
        st.builds(
            lambda iid, voice, capacity: (
                lambda s, now: domain.start_interaction(
                    s, iid, pause_codes=CODES, now=now, voice=voice, capacity=capacity
                )
            ),
            INTERACTIONS,
            st.booleans(),
            st.integers(1, 3),
        ),
        st.builds(
            lambda iid, wrap_up: (
                lambda s, now: domain.end_interaction(s, iid, pause_codes=CODES, now=now, wrap_up=wrap_up)
            ),
            INTERACTIONS,
            st.booleans(),
        ),
        st.builds(
            lambda iid, cause: lambda s, now: domain.finish_wrap_up(s, iid, pause_codes=CODES, now=now, cause=cause),
            INTERACTIONS,
            st.sampled_from(list(Cause)),
        ),
    )


class AgentLife(RuleBasedStateMachine):
    """One agent driven by random commands; every fact is checked against an independent ledger."""

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.state = domain.initial_state("agent-1", now=T0)
        self.sessions = 0
        self.interactions_seen = 0
        self.events: list[StateChanged] = []
        self.open_session: SessionOpened | None = None
        self.open_pause: PauseOpened | None = None
        self.closed_sessions: list[SessionClosed] = []
        self.session_pauses: list[PauseClosed] = []
        # time measured from the status changes alone, per session
        self.available_ms = 0
        self.paused_ms = 0
        self.measured_session_ms = 0

    # --- the one way a command is applied and checked ---

    def apply(self, command: Command) -> None:
        before = self.state
        wire_before = before.to_dict()
        try:
            result = command(before, self.now)
        except AgentDeskError as refused:
            assert refused.message.strip() and refused.code
            assert self.state is before and before.to_dict() == wire_before  # a refusal changes nothing
            return
        if not result.changed:
            assert result.state is before and result.facts == ()
            return
        after = result.state
        assert after.version == before.version + 1
        events = [f for f in result.facts if isinstance(f, StateChanged)]
        assert len(events) == 1 and result.facts[0] is events[0]
        event = events[0]
        assert event.version == after.version
        assert (event.from_status, event.from_reason) == (before.status, before.reason)
        assert (event.to_status, event.to_reason) == (after.status, after.reason)
        assert ms(event.occurred_at) >= ms(before.since)
        self.events.append(event)
        self.measure(before, after, event)
        for record in result.records:
            self.check_record(record, event)
        self.state = after

    def measure(self, before: AgentState, after: AgentState, event: StateChanged) -> None:
        if status_key(before) == status_key(after):
            assert after.since == before.since
            return
        assert after.since == event.occurred_at
        spent = ms(event.occurred_at) - ms(before.since)
        if before.status is Status.AVAILABLE:
            self.available_ms += spent
        elif before.status in PAUSE_STATUSES:
            self.paused_ms += spent

    def check_record(self, record: Any, event: StateChanged) -> None:
        stamp = event.occurred_at
        if isinstance(record, SessionOpened):
            assert self.open_session is None
            if self.closed_sessions:  # sessions never overlap
                assert ms(record.start) >= ms(self.closed_sessions[-1].end)
            assert record.start == stamp
            self.open_session = record
        elif isinstance(record, PauseOpened):
            assert self.open_pause is None and self.open_session is not None
            assert record.session_id == self.open_session.session_id and record.start == stamp
            self.open_pause = record
        elif isinstance(record, PauseClosed):
            opened = self.open_pause
            assert opened is not None and self.open_session is not None
            assert (record.pause_id, record.code, record.start) == (opened.pause_id, opened.code, opened.start)
            assert record.end == stamp and ms(record.end) >= ms(record.start)
            assert round(record.duration_seconds * 1000) == ms(record.end) - ms(record.start)
            assert ms(record.start) >= ms(self.open_session.start)  # inside its session
            if self.session_pauses:  # pauses never overlap
                assert ms(record.start) >= ms(self.session_pauses[-1].end)
            self.session_pauses.append(record)
            self.open_pause = None
        elif isinstance(record, SessionClosed):
            opened_session = self.open_session
            assert opened_session is not None and self.open_pause is None
            assert (record.session_id, record.start) == (opened_session.session_id, opened_session.start)
            assert record.end == stamp
            length = ms(record.end) - ms(record.start)
            assert round(record.duration_seconds * 1000) == length
            assert all(ms(p.end) <= ms(record.end) for p in self.session_pauses)
            pause_ms = sum(round(p.duration_seconds * 1000) for p in self.session_pauses)
            assert pause_ms == self.paused_ms
            assert pause_ms + self.available_ms == length  # pauses + Available time = the session
            self.measured_session_ms += length
            self.closed_sessions.append(record)
            self.open_session, self.session_pauses = None, []
            self.available_ms = self.paused_ms = 0
        else:  # pragma: no cover - a new kind of record must be checked here
            raise AssertionError(f"unchecked record {record!r}")

    # --- rules: one for any command with random (often invalid) data, the others valid, so that long
    # lives with pauses, wrap-ups and pending statuses happen often ---

    @rule(step=STEPS_MS)
    def time_passes(self, step: int) -> None:
        self.now += timedelta(milliseconds=step)

    @rule(command=command_strategy(st.sampled_from(["s-x", "s-y"])))
    def any_command(self, command: Command) -> None:
        if self.state.status is not Status.OFFLINE or not self.closed_sessions:
            self.apply(command)  # (a reused session id after a logoff would be the caller's bug)

    @precondition(lambda self: self.state.status is Status.OFFLINE)
    @rule(reason=st.sampled_from([None, None, None, "break", "Back Office"]))
    def login(self, reason: str | None) -> None:
        self.sessions += 1
        sid = f"s-{self.sessions}"
        self.apply(lambda s, now: domain.login(s, session_id=sid, pause_codes=CODES, now=now, reason=reason))

    @precondition(lambda self: self.state.status is not Status.OFFLINE)
    @rule(code=st.sampled_from(["break", "lunch", "Back Office", None]), supervisor=st.booleans())
    def set_status(self, code: str | None, supervisor: bool) -> None:
        status = CODES[code].status.value if code else "Available"
        if supervisor:
            self.apply(
                lambda s, now: domain.force_status(
                    s, status, supervisor_id="sup-1", pause_codes=CODES, now=now, reason=code
                )
            )
        else:
            self.apply(lambda s, now: domain.set_status(s, status, pause_codes=CODES, now=now, reason=code))

    @precondition(lambda self: self.state.status is not Status.OFFLINE)
    @rule(kind=st.sampled_from(["manual", "forced", "auto"]))
    def logoff(self, kind: str) -> None:
        calls: dict[str, Command] = {
            "manual": lambda s, now: domain.logoff(s, pause_codes=CODES, now=now),
            "forced": lambda s, now: domain.force_logoff(s, supervisor_id="sup-1", pause_codes=CODES, now=now),
            "auto": lambda s, now: domain.auto_logoff(s, pause_codes=CODES, now=now),
        }
        self.apply(calls[kind])

    @precondition(lambda self: self.state.status is not Status.OFFLINE)
    @rule()
    def disconnect(self) -> None:
        self.apply(lambda s, now: domain.disconnect(s, pause_codes=CODES, now=now))

    @precondition(lambda self: self.state.status is Status.AVAILABLE)
    @rule(voice=st.sampled_from([False, False, True]), capacity=st.integers(1, 5), again=st.booleans())
    def offer_an_interaction(self, voice: bool, capacity: int, again: bool) -> None:
        if not again:
            self.interactions_seen += 1
        interaction = f"i-{self.interactions_seen}"
        known = {i.interaction_id for i in self.state.interactions} | set(self.state.wrap_ups)
        could = domain.can_receive(self.state, capacity) and interaction not in known
        before = self.state
        self.apply(
            lambda s, now: domain.start_interaction(
                s, interaction, pause_codes=CODES, now=now, voice=voice, capacity=capacity
            )
        )
        assert (self.state is not before) == could  # can_receive tells exactly who may be offered work

    @precondition(lambda self: bool(self.state.interactions))
    @rule(data=st.data(), wrap_up=st.booleans())
    def an_interaction_ends(self, data: st.DataObject, wrap_up: bool) -> None:
        interaction = data.draw(st.sampled_from([i.interaction_id for i in self.state.interactions]))
        self.apply(lambda s, now: domain.end_interaction(s, interaction, pause_codes=CODES, now=now, wrap_up=wrap_up))

    @precondition(lambda self: bool(self.state.wrap_ups))
    @rule(data=st.data(), cause=st.sampled_from([Cause.AGENT, Cause.SYSTEM]))
    def a_wrap_up_finishes(self, data: st.DataObject, cause: Cause) -> None:
        interaction = data.draw(st.sampled_from(list(self.state.wrap_ups)))
        self.apply(lambda s, now: domain.finish_wrap_up(s, interaction, pause_codes=CODES, now=now, cause=cause))

    # --- invariants ---

    @invariant()
    def offline_exactly_when_no_session(self) -> None:
        offline = self.state.status is Status.OFFLINE
        assert offline == (self.state.session_id is None) == (self.open_session is None)
        if self.open_session is not None:
            assert self.state.session_id == self.open_session.session_id
            assert self.state.login_at == self.open_session.start

    @invariant()
    def a_pause_is_open_exactly_when_paused(self) -> None:
        paused = self.state.status in PAUSE_STATUSES
        assert paused == (self.open_pause is not None)
        if self.open_pause is not None:
            assert self.open_pause.pause_id == self.state.pause_id
            assert self.open_pause.start == self.state.since

    @invariant()
    def one_event_per_version(self) -> None:
        assert self.state.version == len(self.events)
        assert [e.version for e in self.events] == list(range(1, len(self.events) + 1))

    @invariant()
    def paused_or_offline_agents_hold_no_work(self) -> None:
        if self.state.engaged:
            assert self.state.status is Status.AVAILABLE or self.state.in_wrap_up
        if self.state.pending is not None:
            assert self.state.engaged

    @invariant()
    def session_durations_sum_to_the_measured_time(self) -> None:
        total = sum(round(s.duration_seconds * 1000) for s in self.closed_sessions)
        assert total == self.measured_session_ms
        assert total == sum(ms(s.end) - ms(s.start) for s in self.closed_sessions)

    @invariant()
    def the_state_survives_its_wire_form(self) -> None:
        assert AgentState.from_dict(self.state.to_dict()) == self.state


AgentLife.TestCase.settings = settings(max_examples=120, stateful_step_count=40, deadline=None)
TestAgentLife = AgentLife.TestCase


@settings(max_examples=60, deadline=None)
@given(commands=st.lists(st.tuples(command_strategy(st.sampled_from(["s-a", "s-b"])), STEPS_MS), max_size=30))
def test_the_rules_are_pure_functions_of_their_inputs(commands: list[tuple[Command, int]]) -> None:
    """The same commands at the same times give the same states and facts; inputs are never altered."""

    def play() -> list[tuple[AgentState, tuple[Any, ...]]]:
        state, now, seen = domain.initial_state("agent-1", now=T0), T0, []
        for command, step in commands:
            now += timedelta(milliseconds=step)
            snapshot = state.to_dict()
            try:
                result = command(state, now)
            except AgentDeskError:
                result = Transition(state)
            assert state.to_dict() == snapshot
            seen.append((result.state, result.facts))
            state = result.state
        return seen

    assert play() == play()


@settings(max_examples=60, deadline=None)
@given(
    commands=st.lists(st.tuples(command_strategy(st.sampled_from(["s-a", "s-b"])), STEPS_MS), max_size=30),
    now_ms=st.integers(0, 10**9),
    capacity=st.integers(1, 20),
)
def test_toolbar_timer_and_display_follow_the_state(
    commands: list[tuple[Command, int]], now_ms: int, capacity: int
) -> None:
    state, now = domain.initial_state("agent-1", now=T0), T0
    for command, step in commands:
        now += timedelta(milliseconds=step)
        with contextlib.suppress(AgentDeskError):
            state = command(state, now).state
    later = T0 + timedelta(milliseconds=now_ms)
    view = domain.toolbar_view(state, now=later, capacity=capacity)
    assert view.seconds == max(0, (ms(iso(later)) - ms(state.since)) // 1000)
    assert view.reason_label == (state.reason.label if state.reason else None)
    if state.status is Status.AVAILABLE:
        busy = state.on_voice or state.active_interactions >= capacity
        assert view.status is (Status.BUSY if busy else Status.AVAILABLE)
    else:
        assert view.status is state.status
