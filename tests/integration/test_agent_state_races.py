"""The races of agent state, through the real ws-commands handler from threads, against DynamoDB in moto:
many status changes on one agent at once, two tabs logging in at once, and a supervisor's forced logoff
racing the agent's own status change. Whatever the interleaving, every reply is an ack or a clean error,
every change has exactly one event, and no acknowledged change is lost.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from agentdesk.agents.service import ATTEMPTS, state_view
from agentdesk.kernel.errors import ErrorCode
from tests.integration.conftest import AwsStack
from tests.integration.test_agent_state_stateful import (
    AGENTS,
    ANA,
    BEN,
    CAT,
    PAUSE_CODES,
    SAM,
    Desk,
    Frame,
    Observation,
    assert_acks_match_events,
    assert_clean,
    atomic_dynamodb_requests,
    seed,
    stored_state,
    wipe,
)

AGENT_IDS = tuple(a.user_id for a in AGENTS)


@pytest.fixture(scope="module")
def desk(aws_module: AwsStack) -> Iterator[Desk]:
    seed(aws_module)
    with atomic_dynamodb_requests():
        yield Desk()


@pytest.fixture
def aws(aws_module: AwsStack, desk: Desk) -> AwsStack:
    """The module's account with no agent state and no events: each test starts with everyone Offline."""
    wipe(aws_module, "agents", "events")
    return aws_module


def observe(aws: AwsStack) -> Observation:
    seen = Observation.read(aws, AGENT_IDS)
    seen.assert_consistent()
    return seen


def log_in(desk: Desk, *agents: object) -> None:
    for agent in agents:
        reply = desk.request(Frame.of(agent, "login"))  # type: ignore[arg-type]
        assert reply["type"] == "ack", reply


def test_many_status_changes_at_once_lose_no_update(aws: AwsStack, desk: Desk) -> None:
    log_in(desk, ANA)
    requests = itertools.cycle([("Available", None), *(("Away", code) for code in PAUSE_CODES)])
    frames = []
    for index, (status, reason) in zip(range(24), requests, strict=False):
        if index % 3 == 2:
            frames.append(Frame.of(SAM, "forceStatus", agentId=ANA.user_id, status=status, reason=reason))
        else:
            frames.append(Frame.of(ANA, "setStatus", status=status, reason=reason))
    replies = []
    for start in range(0, len(frames), 8):
        replies += desk.at_once(frames[start : start + 8])

    outcomes = Counter(r.get("code", "ack") for r in replies)
    for reply in replies:
        # under this much contention a command may run out of its retries: a clean CONFLICT, nothing half-done
        assert_clean(reply, ErrorCode.CONFLICT)
    assert outcomes["ack"] >= len(frames) // 2, outcomes

    seen = observe(aws)
    events = seen.events_of(ANA.user_id)
    state = stored_state(seen.items[ANA.user_id])
    assert state is not None
    # the login plus at most one event per acknowledged command; the state is the last event's state
    assert 2 <= len(events) == state.version <= 1 + outcomes["ack"]
    assert events[-1]["data"]["state"] == state_view(state)
    assert_acks_match_events(replies, events)


def test_two_tabs_logging_in_at_once_open_one_session(aws: AwsStack, desk: Desk) -> None:
    rounds = 6
    for _ in range(rounds):
        replies = desk.at_once([Frame.of(BEN, "login"), Frame.of(BEN, "login", reason="lunch")])
        codes = sorted(r.get("code", "ack") for r in replies)
        assert codes == ["INVALID_TRANSITION", "ack"], replies
        refused = next(r for r in replies if r["type"] == "error")
        assert "already logged in" in refused["message"]
        assert desk.request(Frame.of(BEN, "logoff"))["type"] == "ack"

    seen = observe(aws)
    sessions = [i for i in seen.items[BEN.user_id] if i["kind"] == "session"]
    assert len(sessions) == rounds and not any(s["open"] for s in sessions)
    assert [e["data"]["change"]["command"] for e in seen.events_of(BEN.user_id)] == ["login", "logoff"] * rounds


def test_forced_logoff_racing_the_agents_status_change(aws: AwsStack, desk: Desk) -> None:
    outcomes = Counter()
    for round_number in range(6):
        log_in(desk, CAT)
        code = PAUSE_CODES[round_number % len(PAUSE_CODES)]
        pause, logoff = desk.at_once(
            [
                Frame.of(CAT, "setStatus", status="Away", reason=code),
                Frame.of(SAM, "forceLogoff", agentId=CAT.user_id),
            ]
        )
        # the supervisor always wins in the end; the agent's pause either came first or finds them Offline
        assert logoff["type"] == "ack" and logoff["state"]["status"] == "Offline", logoff
        assert_clean(pause, ErrorCode.NOT_LOGGED_IN)
        outcomes[pause.get("code", "ack")] += 1

        seen = observe(aws)
        state = stored_state(seen.items[CAT.user_id])
        assert state is not None and state.status.value == "Offline" and state.pause_id is None
        last = seen.events_of(CAT.user_id)[-1]["data"]["change"]
        assert last["logoffKind"] == "forced" and last["actorId"] == SAM.user_id
        session = max(
            (json.loads(i["document"]) for i in seen.items[CAT.user_id] if i["kind"] == "session"),
            key=lambda s: s["start"],
        )
        assert session["logoffKind"] == "forced"
        pauses = [json.loads(i["document"]) for i in seen.items[CAT.user_id] if i["kind"] == "pause"]
        pauses_now = [p for p in pauses if p["sessionId"] == session["sessionId"]]
        if pause["type"] == "ack":
            # the pause was closed by the logoff, at the session's end
            assert [(p["code"], p["end"]) for p in pauses_now] == [(code, session["end"])], pauses_now
        else:
            assert pauses_now == []
    assert sum(outcomes.values()) == 6


def test_commands_for_different_agents_at_once_do_not_conflict(aws: AwsStack, desk: Desk) -> None:
    log_in(desk, ANA, BEN, CAT)
    frames = [
        Frame.of(agent, "setStatus", status="Away", reason=code)
        for agent, code in zip((ANA, BEN, CAT), ("break", "lunch", "meeting"), strict=True)
    ]
    replies = desk.at_once(frames)
    assert [r["type"] for r in replies] == ["ack"] * 3, replies
    assert all(r["state"]["version"] == 2 for r in replies)
    observe(aws)


def test_a_command_that_keeps_losing_the_race_gives_up_cleanly(
    aws: AwsStack, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another tab changes the state between every read and write of a command: after ATTEMPTS tries the
    reply is CONFLICT, and only the rival changes are stored."""
    from agentdesk.agents import store as agents

    assert desk.request(Frame.of(ANA, "login", reason="break"))["type"] == "ack"
    original = agents.save_transition
    attempts: list[int] = []

    def rival_first(previous: Any, transition: Any, event: Any, site_id: Any) -> None:
        if len(attempts) < ATTEMPTS and transition.state.status.value == "Available":
            attempts.append(transition.state.version)
            rival = desk.request(Frame.of(ANA, "setStatus", status="Away", reason=PAUSE_CODES[len(attempts)]))
            assert rival["type"] == "ack", rival
        original(previous, transition, event, site_id)

    monkeypatch.setattr(agents, "save_transition", rival_first)
    reply = desk.request(Frame.of(ANA, "setStatus", status="Available"))

    assert reply["type"] == "error" and reply["code"] == ErrorCode.CONFLICT, reply
    assert attempts == [2, 3, 4]  # decided again on the fresh state each time
    seen = observe(aws)
    changes = [e["data"]["change"] for e in seen.events_of(ANA.user_id)]
    assert [c["to"]["reason"]["code"] for c in changes] == ["break", "lunch", "training", "meeting"]
