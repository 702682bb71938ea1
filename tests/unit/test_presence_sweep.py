"""Whom the presence sweep looks at: exactly the agents a disconnect would still change, so a grace timer it
starts can end in Away / Disconnected and an agent presence has already turned Away is not re-timed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

import pytest

from agentdesk.agents import domain
from agentdesk.agents.domain import DEFAULT_PAUSE_CODES, AgentState, PauseCode, Status
from agentdesk.agents.presence import sweep_candidates

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CODES: Mapping[str, PauseCode] = {
    **DEFAULT_PAUSE_CODES,
    "Back Office": PauseCode("Back Office", "Back office work", Status.BUSY, productive=True),
}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def offline(agent_id: str = "agent-1") -> AgentState:
    return domain.initial_state(agent_id, now=T0)


def available(agent_id: str = "agent-1", reason: str | None = None) -> AgentState:
    return domain.login(offline(agent_id), session_id="s-1", pause_codes=CODES, now=at(10), reason=reason).state


def on_chat(agent_id: str = "agent-1") -> AgentState:
    return domain.start_interaction(available(agent_id), "i-1", pause_codes=CODES, now=at(20)).state


def disconnected(state: AgentState) -> AgentState:
    return domain.disconnect(state, pause_codes=CODES, now=at(40)).state


STATES: dict[str, tuple[Callable[[], AgentState], bool]] = {
    # name: (state, a disconnect would change it)
    "offline": (offline, False),
    "available": (available, True),
    "available on a chat": (on_chat, True),  # the disconnect waits as pending Away / Disconnected
    "in wrap-up": (lambda: domain.end_interaction(on_chat(), "i-1", pause_codes=CODES, now=at(30)).state, True),
    "busy back office": (lambda: available(reason="Back Office"), False),
    "away on a break": (lambda: available(reason="break"), False),
    "away disconnected": (lambda: disconnected(available()), False),
    "on a chat, already disconnected": (lambda: disconnected(on_chat()), False),
    "on a chat, break pending": (
        lambda: domain.set_status(on_chat(), "Away", pause_codes=CODES, now=at(30), reason="break").state,
        False,
    ),
    "on a chat, logoff pending": (lambda: domain.logoff(on_chat(), pause_codes=CODES, now=at(30)).state, False),
}


@pytest.mark.parametrize("name", sorted(STATES))
def test_a_disconnect_would_change_exactly_the_agents_it_changes(name: str) -> None:
    build, expected = STATES[name]
    state = build()
    assert domain.disconnect_would_change(state) is expected
    if state.logged_in:  # the anticipation agrees with the rule it anticipates
        assert domain.disconnect(state, pause_codes=CODES, now=at(50)).changed is expected


def test_the_sweep_checks_only_agents_a_grace_timer_could_turn_away() -> None:
    states = [
        available("agent-available"),
        disconnected(available("agent-already-away")),
        available("agent-on-break", reason="break"),
        on_chat("agent-on-chat"),
        offline("agent-offline"),  # never listed by the logged-in index, and no candidate if it were
    ]
    assert sweep_candidates(states) == ["agent-available", "agent-on-chat"]
    assert sweep_candidates([]) == []
