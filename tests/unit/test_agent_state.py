"""The agent-state rules, cell by cell: every status, command and kind of pause code, every error code,
pending status through wrap-up, system reasons, capacity display and the toolbar."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agentdesk.agents import domain
from agentdesk.agents.domain import (
    DEFAULT_CAPACITY,
    DEFAULT_PAUSE_CODES,
    DISCONNECTED,
    TRANSITIONS,
    WRAP_UP,
    AgentState,
    Cause,
    Command,
    Effect,
    LogoffKind,
    PauseClosed,
    PauseCode,
    PauseOpened,
    SessionClosed,
    SessionOpened,
    StateChanged,
    Status,
    Transition,
)
from agentdesk.kernel.errors import AgentDeskError, ErrorCode

DOC = Path(__file__).resolve().parents[2] / "docs" / "agent-state.md"
T0 = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
AGENT = "agent-1"
SUPERVISOR = "supervisor-9"

CODES: Mapping[str, PauseCode] = {
    **DEFAULT_PAUSE_CODES,
    "Back Office": PauseCode("Back Office", "Back office work", Status.BUSY, productive=True),
    "Old Break": PauseCode("Old Break", "Old break", Status.AWAY, productive=False, enabled=False),
}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# --- states, built through the public functions ----------------------------------------------------


def offline() -> AgentState:
    return domain.initial_state(AGENT, now=T0)


def logged_in(reason: str | None = None) -> AgentState:
    return domain.login(offline(), session_id="s-1", pause_codes=CODES, now=at(10), reason=reason).state


def on_chat() -> AgentState:
    return domain.start_interaction(logged_in(), "i-1", pause_codes=CODES, now=at(20)).state


def in_wrap_up() -> AgentState:
    return domain.end_interaction(on_chat(), "i-1", pause_codes=CODES, now=at(30)).state


def disconnected() -> AgentState:
    return domain.disconnect(logged_in(), pause_codes=CODES, now=at(20)).state


FIXTURES: dict[str, Callable[[], AgentState]] = {
    "offline": offline,
    "available": logged_in,
    "available-on-chat": on_chat,
    "busy-back-office": lambda: logged_in("Back Office"),
    "busy-wrap-up": in_wrap_up,
    "away-break": lambda: logged_in("break"),
    "away-disconnected": disconnected,
}
ENGAGED = {"available-on-chat", "busy-wrap-up"}
CURRENT: dict[str, tuple[Status, str | None]] = {
    "offline": (Status.OFFLINE, None),
    "available": (Status.AVAILABLE, None),
    "available-on-chat": (Status.AVAILABLE, None),
    "busy-back-office": (Status.BUSY, "Back Office"),
    "busy-wrap-up": (Status.BUSY, WRAP_UP),
    "away-break": (Status.AWAY, "break"),
    "away-disconnected": (Status.AWAY, DISCONNECTED),
}

# Every kind of pause code a request can carry.
REASONS: dict[str, str | None] = {
    "none": None,
    "empty": "  ",
    "away-code": "break",
    "busy-code": "Back Office",
    "disabled": "Old Break",
    "unknown": "Nap",
    "wrap-up": WRAP_UP,
    "disconnected": DISCONNECTED,
    "auto": "AUTO",
}
TARGETS = ["Available", "Away", "Busy", "Offline", "Lunchtime"]


# --- the oracle: what each cell should do, written independently of the module's table ------------------


@dataclass(frozen=True)
class Expect:
    kind: str  # error | noop | change | pending
    error: ErrorCode | None = None
    status: Status | None = None
    code: str | None = None


def err(code: ErrorCode) -> Expect:
    return Expect("error", error=code)


def outcome(fixture: str, status: Status, code: str | None) -> Expect:
    if fixture in ENGAGED:  # the fixtures have nothing pending: the next status is Available
        same = (status, code) == (Status.AVAILABLE, None)
        return Expect("noop") if same else Expect("pending", status=status, code=code)
    if CURRENT[fixture] == (status, code):
        return Expect("noop")
    return Expect("change", status=status, code=code)


def expected(fixture: str, command: str, target: str | None, reason_kind: str) -> Expect:
    logged = fixture != "offline"
    blank = reason_kind in ("none", "empty")
    if command == "login":
        if logged:
            return err(ErrorCode.INVALID_TRANSITION)
        if blank:
            return Expect("change", status=Status.AVAILABLE)
        if reason_kind == "away-code":
            return Expect("change", status=Status.AWAY, code="break")
        if reason_kind == "busy-code":
            return Expect("change", status=Status.BUSY, code="Back Office")
        return err(ErrorCode.UNKNOWN_REASON)
    if command in ("set_status", "force_status"):
        if target not in ("Available", "Away", "Busy"):  # Offline included: it is reached by logging off
            return err(ErrorCode.BAD_REQUEST)
        if not logged:
            return err(ErrorCode.NOT_LOGGED_IN)
        if target == "Available":
            return err(ErrorCode.BAD_REQUEST) if not blank else outcome(fixture, Status.AVAILABLE, None)
        if blank:
            return err(ErrorCode.REASON_REQUIRED)
        valid = {"Away": "away-code", "Busy": "busy-code"}[target]
        if reason_kind != valid:
            return err(ErrorCode.UNKNOWN_REASON)
        return outcome(fixture, Status(target), REASONS[reason_kind])
    if not logged:
        return err(ErrorCode.NOT_LOGGED_IN)
    if command == "disconnect":
        upcoming = Status.AVAILABLE if fixture in ENGAGED else CURRENT[fixture][0]
        if upcoming is not Status.AVAILABLE:
            return Expect("noop")
        return outcome(fixture, Status.AWAY, DISCONNECTED)
    return outcome(fixture, Status.OFFLINE, None)


def run(state: AgentState, command: str, target: str | None, reason: str | None) -> Transition:
    now = at(3600)
    if command == "login":
        return domain.login(state, session_id="s-2", pause_codes=CODES, now=now, reason=reason)
    if command == "set_status":
        assert target is not None
        return domain.set_status(state, target, pause_codes=CODES, now=now, reason=reason)
    if command == "force_status":
        assert target is not None
        return domain.force_status(state, target, supervisor_id=SUPERVISOR, pause_codes=CODES, now=now, reason=reason)
    if command == "logoff":
        return domain.logoff(state, pause_codes=CODES, now=now)
    if command == "force_logoff":
        return domain.force_logoff(state, supervisor_id=SUPERVISOR, pause_codes=CODES, now=now)
    if command == "auto_logoff":
        return domain.auto_logoff(state, pause_codes=CODES, now=now)
    assert command == "disconnect"
    return domain.disconnect(state, pause_codes=CODES, now=now)


CAUSES = {
    "login": (Cause.AGENT, AGENT),
    "set_status": (Cause.AGENT, AGENT),
    "force_status": (Cause.SUPERVISOR, SUPERVISOR),
    "logoff": (Cause.AGENT, AGENT),
    "force_logoff": (Cause.SUPERVISOR, SUPERVISOR),
    "auto_logoff": (Cause.SYSTEM, "system"),
    "disconnect": (Cause.SYSTEM, "system"),
}
LOGOFF_KINDS = {"logoff": LogoffKind.MANUAL, "force_logoff": LogoffKind.FORCED, "auto_logoff": LogoffKind.AUTO}


def _cases() -> list[Any]:
    cases = []
    for fixture in FIXTURES:
        for reason_kind in REASONS:
            cases.append(pytest.param(fixture, "login", None, reason_kind, id=f"{fixture}-login-{reason_kind}"))
        for command in ("set_status", "force_status"):
            for target in TARGETS:
                for reason_kind in REASONS:
                    case_id = f"{fixture}-{command}-{target}-{reason_kind}"
                    cases.append(pytest.param(fixture, command, target, reason_kind, id=case_id))
        for command in ("logoff", "force_logoff", "auto_logoff", "disconnect"):
            cases.append(pytest.param(fixture, command, None, "none", id=f"{fixture}-{command}"))
    return cases


@pytest.mark.parametrize(("fixture", "command", "target", "reason_kind"), _cases())
def test_every_status_command_and_reason(fixture: str, command: str, target: str | None, reason_kind: str) -> None:
    before = FIXTURES[fixture]()
    want = expected(fixture, command, target, reason_kind)

    if want.kind == "error":
        with pytest.raises(AgentDeskError) as refused:
            run(before, command, target, REASONS[reason_kind])
        assert refused.value.code is want.error, refused.value.message
        assert refused.value.message.strip()
        return

    result = run(before, command, target, REASONS[reason_kind])
    if want.kind == "noop":
        assert result.state is before
        assert result.facts == ()
        assert not result.changed
        return

    after = result.state
    event = result.event
    assert event is not None and isinstance(event, StateChanged)
    assert after.version == before.version + 1 == event.version
    assert sum(isinstance(f, StateChanged) for f in result.facts) == 1
    assert (event.cause, event.actor_id) == CAUSES[command]
    assert event.from_status is before.status and event.from_reason == before.reason
    assert event.to_status is after.status and event.to_reason == after.reason
    records = result.records

    if want.kind == "pending":
        assert (after.status, after.reason, after.since) == (before.status, before.reason, before.since)
        assert after.pending is not None
        assert after.pending.status is want.status
        assert (after.pending.reason.code if after.pending.reason else None) == want.code
        assert after.pending.cause is CAUSES[command][0]
        assert records == ()
        assert not domain.can_receive(after)
        return

    assert after.status is want.status
    assert (after.reason.code if after.reason else None) == want.code
    assert after.since == event.occurred_at
    closed = [r for r in records if isinstance(r, PauseClosed)]
    opened = [r for r in records if isinstance(r, PauseOpened)]
    sessions_closed = [r for r in records if isinstance(r, SessionClosed)]
    sessions_opened = [r for r in records if isinstance(r, SessionOpened)]
    assert len(closed) == (1 if before.reason is not None else 0)
    assert len(opened) == (1 if after.reason is not None else 0)
    assert len(sessions_opened) == (1 if command == "login" else 0)
    assert len(sessions_closed) == (1 if want.status is Status.OFFLINE else 0)
    if closed:
        assert closed[0].code == before.reason.code if before.reason else False
        assert closed[0].start == before.since and closed[0].end == event.occurred_at
    if opened:
        assert opened[0].start == event.occurred_at and opened[0].pause_id == after.pause_id
    if sessions_closed:
        assert sessions_closed[0].logoff_kind is LOGOFF_KINDS[command]
        assert sessions_closed[0].start == before.login_at
        assert event.logoff_kind is LOGOFF_KINDS[command]
        assert after.session_id is None and after.login_at is None
    if sessions_opened:
        assert after.session_id == "s-2" and after.login_at == event.occurred_at


# --- the table itself ------------------------------------------------------------------------------------


def test_the_table_has_one_rule_for_every_status_and_command() -> None:
    assert set(TRANSITIONS) == {(s, c) for s in Status for c in Command}


def test_the_docs_show_the_default_pause_codes_from_the_code() -> None:
    for doc in (DOC, DOC.with_name("config-api.md")):
        text = doc.read_text(encoding="utf-8")
        match = re.search(r"<!-- pause-codes:start -->\n(.*?)<!-- pause-codes:end -->", text, re.S)
        assert match, f"{doc.name} lost its pause-codes markers"
        assert match.group(1) == domain.pause_codes_markdown(), f"{doc.name} is stale; run scripts/gen_docs.py"


def test_the_docs_show_the_table_from_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- transition-table:start -->\n(.*?)<!-- transition-table:end -->", text, re.S)
    assert match, "docs/agent-state.md lost its transition-table markers"
    assert match.group(1) == domain.transition_table_markdown(), (
        "docs/agent-state.md is out of date; run scripts/gen_docs.py"
    )


REPRESENTATIVE: dict[Status, Callable[[], AgentState]] = {
    Status.OFFLINE: offline,
    Status.AVAILABLE: logged_in,
    Status.BUSY: lambda: logged_in("Back Office"),
    Status.AWAY: lambda: logged_in("break"),
}
VALID_REASON = {Command.SET_AWAY: "break", Command.SET_BUSY: "Back Office"}


def run_command(state: AgentState, command: Command) -> Transition:
    now = at(100)
    if command is Command.LOGIN:
        return domain.login(state, session_id="s-3", pause_codes=CODES, now=now)
    if command.value.startswith("setStatus:"):
        target = command.value.split(":")[1]
        return domain.set_status(state, target, pause_codes=CODES, now=now, reason=VALID_REASON.get(command))
    calls: dict[Command, Callable[[], Transition]] = {
        Command.LOGOFF: lambda: domain.logoff(state, pause_codes=CODES, now=now),
        Command.DISCONNECT: lambda: domain.disconnect(state, pause_codes=CODES, now=now),
        Command.START_INTERACTION: lambda: domain.start_interaction(state, "i-9", pause_codes=CODES, now=now),
        Command.END_INTERACTION: lambda: domain.end_interaction(state, "i-9", pause_codes=CODES, now=now),
        Command.FINISH_WRAP_UP: lambda: domain.finish_wrap_up(state, "i-9", pause_codes=CODES, now=now),
    }
    return calls[command]()


@pytest.mark.parametrize(("status", "command"), sorted(TRANSITIONS), ids=lambda v: str(getattr(v, "value", v)))
def test_each_table_cell_decides_the_outcome(status: Status, command: Command) -> None:
    rule = TRANSITIONS[(status, command)]
    state = REPRESENTATIVE[status]()
    if rule.effect is Effect.REFUSE:
        with pytest.raises(AgentDeskError) as refused:
            run_command(state, command)
        assert refused.value.code is rule.error
    elif rule.effect is Effect.CHANGE:
        result = run_command(state, command)
        if rule.only_if_available and status is not Status.AVAILABLE:
            assert not result.changed
        else:
            assert result.state.status is rule.target or result.state.reason is not None
    else:  # interaction bookkeeping: an unknown interaction is NOT_FOUND, a new one is taken on
        if command is Command.START_INTERACTION:
            assert run_command(state, command).state.active_interactions == 1
        else:
            with pytest.raises(AgentDeskError) as refused:
                run_command(state, command)
            assert refused.value.code is ErrorCode.NOT_FOUND


# --- error codes and their messages ----------------------------------------------------------------------


def refusal(call: Callable[[], Any]) -> AgentDeskError:
    with pytest.raises(AgentDeskError) as refused:
        call()
    return refused.value


def test_not_logged_in_says_to_log_in() -> None:
    error = refusal(lambda: domain.set_status(offline(), "Available", pause_codes=CODES, now=at(1)))
    assert error.code is ErrorCode.NOT_LOGGED_IN and "log in" in error.message


def test_login_twice_is_an_invalid_transition() -> None:
    error = refusal(lambda: domain.login(logged_in("break"), session_id="x", pause_codes=CODES, now=at(50)))
    assert error.code is ErrorCode.INVALID_TRANSITION and "already logged in (Away)" in error.message


def test_offline_through_set_status_points_to_logoff() -> None:
    for state in (logged_in(), offline()):
        error = refusal(lambda state=state: domain.set_status(state, "Offline", pause_codes=CODES, now=at(50)))
        assert error.code is ErrorCode.BAD_REQUEST and "log off" in error.message


def test_reason_required_lists_the_codes_of_that_status() -> None:
    error = refusal(lambda: domain.set_status(logged_in(), "Away", pause_codes=CODES, now=at(50)))
    assert error.code is ErrorCode.REASON_REQUIRED and error.field == "reason"
    assert "Break (break), Lunch (lunch), Meeting (meeting), Technical Issue (technical-issue)" in error.message
    assert "Old Break" not in error.message and "Back Office" not in error.message
    busy = refusal(lambda: domain.set_status(logged_in(), "Busy", pause_codes=CODES, now=at(50)))
    assert "choose one of Back office work (Back Office), Outbound call (outbound-call)." in busy.message


def test_busy_works_out_of_the_box_with_the_default_codes() -> None:
    result = domain.set_status(logged_in(), "Busy", pause_codes=DEFAULT_PAUSE_CODES, now=at(50), reason="outbound-call")
    assert result.state.status is Status.BUSY and result.state.reason == DEFAULT_PAUSE_CODES["outbound-call"].reason


def test_reason_required_when_no_code_of_that_status_is_configured() -> None:
    away_only = {k: c for k, c in DEFAULT_PAUSE_CODES.items() if c.status is Status.AWAY or c.system}
    error = refusal(lambda: domain.set_status(logged_in(), "Busy", pause_codes=away_only, now=at(50)))
    assert error.code is ErrorCode.REASON_REQUIRED and "no Busy pause code is configured" in error.message


@pytest.mark.parametrize(
    ("status", "reason", "words"),
    [
        ("Away", "Nap", "There is no pause code 'Nap'"),
        ("Away", "Old Break", "'Old break' is disabled"),
        ("Away", "Back Office", "'Back office work' is a pause code for Busy, not Away"),
        ("Busy", "lunch", "'Lunch' is a pause code for Away, not Busy"),
        ("Busy", WRAP_UP, "'wrap-up' is a system reason"),
        ("Away", DISCONNECTED, "'disconnected' is a system reason"),
        ("Away", "AUTO", "'AUTO' is a system reason"),
    ],
)
def test_unknown_reason_names_the_code_and_why(status: str, reason: str, words: str) -> None:
    error = refusal(lambda: domain.set_status(logged_in(), status, pause_codes=CODES, now=at(50), reason=reason))
    assert error.code is ErrorCode.UNKNOWN_REASON and error.field == "reason"
    assert words in error.message


def test_a_configured_code_marked_system_is_not_selectable() -> None:
    codes = {**CODES, "Coaching": PauseCode("Coaching", "Coaching", Status.AWAY, True, system=True)}
    for call in (
        lambda: domain.set_status(logged_in(), "Away", pause_codes=codes, now=at(50), reason="Coaching"),
        lambda: domain.force_status(
            logged_in(), "Away", supervisor_id=SUPERVISOR, pause_codes=codes, now=at(50), reason="Coaching"
        ),
        lambda: domain.login(offline(), session_id="s", pause_codes=codes, now=at(50), reason="Coaching"),
    ):
        assert refusal(call).code is ErrorCode.UNKNOWN_REASON


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: domain.set_status(logged_in(), "Lunchtime", pause_codes=CODES, now=at(50)), "status"),
        (lambda: domain.set_status(logged_in(), "Available", pause_codes=CODES, now=at(50), reason="break"), "reason"),
        (lambda: domain.login(offline(), session_id=" ", pause_codes=CODES, now=at(50)), "sessionId"),
        (
            lambda: domain.force_status(logged_in(), "Available", supervisor_id="", pause_codes=CODES, now=at(50)),
            "supervisorId",
        ),
        (lambda: domain.force_logoff(logged_in(), supervisor_id=" ", pause_codes=CODES, now=at(50)), "supervisorId"),
        (lambda: domain.start_interaction(logged_in(), "", pause_codes=CODES, now=at(50)), "interactionId"),
        (lambda: domain.end_interaction(on_chat(), " ", pause_codes=CODES, now=at(50)), "interactionId"),
        (lambda: domain.finish_wrap_up(in_wrap_up(), "", pause_codes=CODES, now=at(50)), "interactionId"),
        (lambda: domain.start_interaction(logged_in(), "i-2", pause_codes=CODES, now=at(50), capacity=0), "capacity"),
        (
            lambda: domain.finish_wrap_up(in_wrap_up(), "i-1", pause_codes=CODES, now=at(50), cause=Cause.SUPERVISOR),
            "cause",
        ),
        (lambda: domain.initial_state(" ", now=T0), "agentId"),
    ],
)
def test_bad_requests_name_the_field(call: Callable[[], Any], field: str) -> None:
    error = refusal(call)
    assert error.code is ErrorCode.BAD_REQUEST and error.field == field and error.message


def test_every_error_code_of_the_module_is_exercised() -> None:
    raised = {
        refusal(lambda: domain.logoff(offline(), pause_codes=CODES, now=at(1))).code,
        refusal(lambda: domain.login(logged_in(), session_id="x", pause_codes=CODES, now=at(50))).code,
        refusal(lambda: domain.set_status(logged_in(), "Away", pause_codes=CODES, now=at(50))).code,
        refusal(lambda: domain.set_status(logged_in(), "Away", pause_codes=CODES, now=at(50), reason="?")).code,
        refusal(lambda: domain.set_status(logged_in(), "?", pause_codes=CODES, now=at(50))).code,
        refusal(lambda: domain.end_interaction(logged_in(), "i-7", pause_codes=CODES, now=at(50))).code,
    }
    assert raised == {
        ErrorCode.NOT_LOGGED_IN,
        ErrorCode.INVALID_TRANSITION,
        ErrorCode.REASON_REQUIRED,
        ErrorCode.UNKNOWN_REASON,
        ErrorCode.BAD_REQUEST,
        ErrorCode.NOT_FOUND,
    }


# --- interactions ------------------------------------------------------------------------------------------


def test_interaction_bookkeeping_errors() -> None:
    chat = on_chat()
    duplicate = refusal(lambda: domain.start_interaction(chat, "i-1", pause_codes=CODES, now=at(40)))
    assert duplicate.code is ErrorCode.INVALID_TRANSITION and "already with this agent" in duplicate.message
    unknown = refusal(lambda: domain.end_interaction(chat, "i-404", pause_codes=CODES, now=at(40)))
    assert unknown.code is ErrorCode.NOT_FOUND and "i-404" in unknown.message
    early = refusal(lambda: domain.finish_wrap_up(chat, "i-1", pause_codes=CODES, now=at(40)))
    assert early.code is ErrorCode.INVALID_TRANSITION and "still in progress" in early.message
    wrapping = in_wrap_up()
    twice = refusal(lambda: domain.end_interaction(wrapping, "i-1", pause_codes=CODES, now=at(40)))
    assert twice.code is ErrorCode.INVALID_TRANSITION and "already ended" in twice.message
    done = domain.finish_wrap_up(wrapping, "i-1", pause_codes=CODES, now=at(40)).state
    again = refusal(lambda: domain.finish_wrap_up(done, "i-1", pause_codes=CODES, now=at(41)))
    assert again.code is ErrorCode.NOT_FOUND and "no open wrap-up" in again.message


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (lambda: logged_in("break"), "Away (Break)"),
        (lambda: logged_in("Back Office"), "Busy (Back office work)"),
        (in_wrap_up, "Busy (Wrap-up)"),
        (disconnected, "Away (Disconnected)"),
    ],
)
def test_paused_agents_cannot_take_interactions(state: Callable[[], AgentState], words: str) -> None:
    assert not domain.can_receive(state())
    error = refusal(lambda: domain.start_interaction(state(), "i-2", pause_codes=CODES, now=at(60)))
    assert error.code is ErrorCode.INVALID_TRANSITION and words in error.message


def test_offline_agents_cannot_take_interactions() -> None:
    assert not domain.can_receive(offline())
    assert refusal(lambda: domain.start_interaction(offline(), "i", pause_codes=CODES, now=at(1))).code is (
        ErrorCode.NOT_LOGGED_IN
    )


def test_capacity_limits_new_interactions() -> None:
    state = logged_in()
    for n in range(3):
        assert domain.can_receive(state, capacity=3)
        state = domain.start_interaction(state, f"i-{n}", pause_codes=CODES, now=at(20 + n), capacity=3).state
    assert state.active_interactions == 3 and not domain.can_receive(state, capacity=3)
    assert domain.can_receive(state)  # the default capacity is 5
    error = refusal(lambda: domain.start_interaction(state, "i-9", pause_codes=CODES, now=at(30), capacity=3))
    assert error.code is ErrorCode.INVALID_TRANSITION and "at capacity (3 of 3" in error.message


def test_a_voice_call_blocks_other_offers() -> None:
    state = domain.start_interaction(logged_in(), "call-1", pause_codes=CODES, now=at(20), voice=True).state
    assert state.on_voice and not domain.can_receive(state)
    error = refusal(lambda: domain.start_interaction(state, "i-2", pause_codes=CODES, now=at(21)))
    assert "voice call" in error.message


def test_starting_an_interaction_is_a_system_change_without_a_status_change() -> None:
    result = domain.start_interaction(logged_in(), "i-1", pause_codes=CODES, now=at(20))
    event = result.event
    assert event is not None and event.cause is Cause.SYSTEM and event.interaction_id == "i-1"
    assert event.from_status is event.to_status is Status.AVAILABLE
    assert event.active_interactions == 1 and result.records == ()
    assert result.state.since == logged_in().since  # the toolbar timer keeps running


def test_an_interaction_ending_starts_wrap_up_as_a_productive_system_pause() -> None:
    result = domain.end_interaction(on_chat(), "i-1", pause_codes=CODES, now=at(30))
    state, event = result.state, result.event
    assert state.status is Status.BUSY and state.reason is not None and state.reason.code == WRAP_UP
    assert state.reason.productive and state.in_wrap_up and state.wrap_ups == ("i-1",)
    assert event is not None and event.cause is Cause.SYSTEM and event.actor_id == "system"
    (opened,) = result.records
    assert isinstance(opened, PauseOpened) and opened.code == WRAP_UP and opened.productive


def test_wrap_up_timeout_finishes_as_the_system() -> None:
    result = domain.finish_wrap_up(in_wrap_up(), "i-1", pause_codes=CODES, now=at(90), cause=Cause.SYSTEM)
    assert result.state.status is Status.AVAILABLE
    assert result.event is not None and (result.event.cause, result.event.actor_id) == (Cause.SYSTEM, "system")
    (closed,) = result.records
    assert isinstance(closed, PauseClosed) and closed.code == WRAP_UP and closed.duration_seconds == 60.0


def test_a_relabelled_system_code_is_used_but_cannot_change_status() -> None:
    relabelled = {**CODES, WRAP_UP: PauseCode(WRAP_UP, "After-call work", Status.BUSY, True, system=True)}
    state = domain.end_interaction(on_chat(), "i-1", pause_codes=relabelled, now=at(30)).state
    assert state.reason is not None and state.reason.label == "After-call work"
    moved = {**CODES, WRAP_UP: PauseCode(WRAP_UP, "Odd", Status.AWAY, True, system=True)}
    state = domain.end_interaction(on_chat(), "i-1", pause_codes=moved, now=at(30)).state
    assert state.status is Status.BUSY and state.reason is not None and state.reason.label == "Wrap-up"


# --- pending status through wrap-up ----------------------------------------------------------------------


def test_a_pause_requested_on_a_chat_waits_for_wrap_up_then_applies() -> None:
    state = on_chat()
    requested = domain.set_status(state, "Away", pause_codes=CODES, now=at(25), reason="lunch")
    state = requested.state
    assert state.status is Status.AVAILABLE and state.pending is not None
    assert state.pending.reason is not None and state.pending.reason.code == "lunch"
    assert not domain.can_receive(state)
    assert requested.event is not None and requested.event.pending == state.pending

    state = domain.end_interaction(state, "i-1", pause_codes=CODES, now=at(30)).state
    assert state.status is Status.BUSY and state.pending is not None  # wrap-up first, pending kept

    finished = domain.finish_wrap_up(state, "i-1", pause_codes=CODES, now=at(75))
    state = finished.state
    assert state.status is Status.AWAY and state.reason is not None and state.reason.code == "lunch"
    assert state.pending is None and state.since == "2025-03-10T08:01:15.000Z"
    event = finished.event
    assert event is not None and event.applied_pending is not None
    assert event.applied_pending.requested_at == "2025-03-10T08:00:25.000Z"
    closed, opened = finished.records
    assert isinstance(closed, PauseClosed) and closed.code == WRAP_UP and closed.duration_seconds == 45.0
    assert isinstance(opened, PauseOpened) and opened.code == "lunch" and opened.start == closed.end


def test_a_logoff_requested_in_wrap_up_closes_the_session_when_it_ends() -> None:
    state = domain.force_logoff(in_wrap_up(), supervisor_id=SUPERVISOR, pause_codes=CODES, now=at(40)).state
    assert state.status is Status.BUSY and state.pending is not None
    assert state.pending.status is Status.OFFLINE and state.pending.cause is Cause.SUPERVISOR
    result = domain.finish_wrap_up(state, "i-1", pause_codes=CODES, now=at(70))
    assert result.state.status is Status.OFFLINE and result.state.session_id is None
    closed_pause, closed_session = result.records
    assert isinstance(closed_pause, PauseClosed) and closed_pause.code == WRAP_UP
    assert isinstance(closed_session, SessionClosed)
    assert closed_session.logoff_kind is LogoffKind.FORCED and closed_session.duration_seconds == 60.0
    assert result.event is not None and result.event.logoff_kind is LogoffKind.FORCED


def test_an_automatic_logoff_pending_cannot_be_overridden() -> None:
    state = domain.auto_logoff(on_chat(), pause_codes=CODES, now=at(40)).state
    for call in (
        lambda: domain.set_status(state, "Away", pause_codes=CODES, now=at(41), reason="break"),
        lambda: domain.set_status(state, "Available", pause_codes=CODES, now=at(41)),
        lambda: domain.force_status(state, "Available", supervisor_id=SUPERVISOR, pause_codes=CODES, now=at(41)),
    ):
        error = refusal(call)
        assert error.code is ErrorCode.INVALID_TRANSITION and "automatic logoff is pending" in error.message
    assert not domain.logoff(state, pause_codes=CODES, now=at(42)).changed
    assert not domain.disconnect(state, pause_codes=CODES, now=at(42)).changed
    result = domain.end_interaction(state, "i-1", pause_codes=CODES, now=at(43), wrap_up=False)
    assert result.state.status is Status.OFFLINE
    (closed,) = result.records
    assert isinstance(closed, SessionClosed) and closed.logoff_reason == "AUTO"
    assert result.event is not None and result.event.logoff_reason == "AUTO"


def test_an_agents_own_pending_logoff_can_be_replaced_or_cancelled() -> None:
    state = domain.logoff(on_chat(), pause_codes=CODES, now=at(40)).state
    assert state.pending is not None and state.pending.logoff_kind is LogoffKind.MANUAL
    replaced = domain.set_status(state, "Away", pause_codes=CODES, now=at(41), reason="break").state
    assert replaced.pending is not None and replaced.pending.status is Status.AWAY
    assert replaced.version == state.version + 1
    cancelled = domain.set_status(replaced, "Available", pause_codes=CODES, now=at(42))
    assert cancelled.changed and cancelled.state.pending is None
    assert domain.can_receive(cancelled.state)


def test_the_same_pending_request_again_changes_nothing() -> None:
    state = domain.set_status(on_chat(), "Away", pause_codes=CODES, now=at(40), reason="break").state
    again = domain.force_status(state, "Away", supervisor_id=SUPERVISOR, pause_codes=CODES, now=at(41), reason="break")
    assert again.state is state and not again.changed


def test_pending_waits_for_every_conversation_and_wrap_up() -> None:
    state = domain.start_interaction(on_chat(), "i-2", pause_codes=CODES, now=at(21)).state
    state = domain.set_status(state, "Away", pause_codes=CODES, now=at(22), reason="meeting").state
    state = domain.end_interaction(state, "i-1", pause_codes=CODES, now=at(30)).state
    assert state.status is Status.BUSY and state.active_interactions == 1
    # the wrap-up of i-1 ends while i-2 still goes on: Available again, still no new offers
    result = domain.finish_wrap_up(state, "i-1", pause_codes=CODES, now=at(40))
    state = result.state
    assert state.status is Status.AVAILABLE and state.pending is not None and not domain.can_receive(state)
    state = domain.end_interaction(state, "i-2", pause_codes=CODES, now=at(50)).state
    state = domain.finish_wrap_up(state, "i-2", pause_codes=CODES, now=at(60)).state
    assert state.status is Status.AWAY and state.reason is not None and state.reason.code == "meeting"


def test_a_second_interaction_ending_keeps_the_one_wrap_up_pause() -> None:
    state = domain.start_interaction(on_chat(), "i-2", pause_codes=CODES, now=at(21)).state
    state = domain.end_interaction(state, "i-1", pause_codes=CODES, now=at(30)).state
    result = domain.end_interaction(state, "i-2", pause_codes=CODES, now=at(35))
    assert result.records == () and result.state.wrap_ups == ("i-1", "i-2")
    assert result.state.since == state.since
    still = domain.finish_wrap_up(result.state, "i-1", pause_codes=CODES, now=at(40))
    assert still.state.status is Status.BUSY and still.records == ()
    done = domain.finish_wrap_up(still.state, "i-2", pause_codes=CODES, now=at(45))
    assert done.state.status is Status.AVAILABLE
    (closed,) = done.records
    assert isinstance(closed, PauseClosed) and (closed.start, closed.duration_seconds) == (state.since, 15.0)


def test_an_interaction_leaving_without_wrap_up_applies_the_pending_when_nothing_is_left() -> None:
    state = domain.set_status(on_chat(), "Busy", pause_codes=CODES, now=at(25), reason="Back Office").state
    result = domain.end_interaction(state, "i-1", pause_codes=CODES, now=at(30), wrap_up=False)
    assert result.state.status is Status.BUSY and result.state.reason is not None
    assert result.state.reason.code == "Back Office" and result.state.pending is None
    (opened,) = result.records
    assert isinstance(opened, PauseOpened) and opened.code == "Back Office"


def test_disconnect_on_a_chat_becomes_pending_and_keeps_a_pending_pause() -> None:
    pending = domain.disconnect(on_chat(), pause_codes=CODES, now=at(25)).state
    assert pending.pending is not None and pending.pending.reason is not None
    assert pending.pending.reason.code == DISCONNECTED and pending.pending.cause is Cause.SYSTEM
    paused = domain.set_status(on_chat(), "Away", pause_codes=CODES, now=at(25), reason="break").state
    assert not domain.disconnect(paused, pause_codes=CODES, now=at(26)).changed


def test_disconnect_keeps_an_existing_pause() -> None:
    for state in (logged_in("break"), logged_in("Back Office"), disconnected()):
        assert domain.disconnect(state, pause_codes=CODES, now=at(60)).state is state


# --- login, logoff and the records ---------------------------------------------------------------------


def test_login_straight_into_a_pause_opens_the_session_and_the_pause_together() -> None:
    result = domain.login(offline(), session_id="s-1", pause_codes=CODES, now=at(10), reason="training")
    event, opened_session, opened_pause = result.facts
    assert isinstance(event, StateChanged) and event.to_status is Status.AWAY
    assert isinstance(opened_session, SessionOpened) and isinstance(opened_pause, PauseOpened)
    assert opened_session.start == opened_pause.start == result.state.login_at == result.state.since
    assert opened_pause.pause_id == result.state.pause_id == "s-1#1"


def test_auto_logoff_records_reason_auto_as_the_system() -> None:
    result = domain.auto_logoff(logged_in("lunch"), pause_codes=CODES, now=at(70))
    event, pause, session = result.facts
    assert isinstance(event, StateChanged) and (event.cause, event.actor_id) == (Cause.SYSTEM, "system")
    assert event.logoff_kind is LogoffKind.AUTO and event.logoff_reason == "AUTO" and event.session_id == "s-1"
    assert isinstance(pause, PauseClosed) and isinstance(session, SessionClosed)
    assert pause.duration_seconds == session.duration_seconds == 60.0 and pause.end == session.end


def test_force_status_records_the_supervisor() -> None:
    result = domain.force_status(
        logged_in(), "Away", supervisor_id=SUPERVISOR, pause_codes=CODES, now=at(70), reason="meeting"
    )
    assert result.event is not None
    assert (result.event.cause, result.event.actor_id) == (Cause.SUPERVISOR, SUPERVISOR)


def test_a_pause_switch_closes_one_interval_and_opens_the_next_at_the_same_instant() -> None:
    result = domain.set_status(logged_in("break"), "Away", pause_codes=CODES, now=at(70), reason="lunch")
    closed, opened = result.records
    assert isinstance(closed, PauseClosed) and isinstance(opened, PauseOpened)
    assert (closed.code, opened.code) == ("break", "lunch") and closed.end == opened.start
    assert closed.pause_id != opened.pause_id


# --- time -------------------------------------------------------------------------------------------------


def test_now_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        domain.set_status(logged_in(), "Away", pause_codes=CODES, now=datetime(2025, 1, 1), reason="break")


def test_a_clock_behind_the_last_change_counts_as_that_moment() -> None:
    state = logged_in("break")
    result = domain.logoff(state, pause_codes=CODES, now=at(-3600))
    closed_pause, closed_session = result.records
    assert isinstance(closed_pause, PauseClosed) and closed_pause.duration_seconds == 0.0
    assert isinstance(closed_session, SessionClosed) and closed_session.end == state.since


def test_times_are_kept_to_the_millisecond_in_utc() -> None:
    tokyo = timezone_offset(9)
    moment = datetime(2025, 3, 10, 18, 0, 0, 123_999, tzinfo=tokyo)
    state = domain.login(offline(), session_id="s", pause_codes=CODES, now=moment).state
    assert state.since == "2025-03-10T09:00:00.123Z"


def timezone_offset(hours: int) -> Any:
    from datetime import timezone

    return timezone(timedelta(hours=hours))


# --- capacity and toolbar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "active", "capacity", "voice", "shown"),
    [
        (Status.AVAILABLE, 0, 5, False, Status.AVAILABLE),
        (Status.AVAILABLE, 4, 5, False, Status.AVAILABLE),
        (Status.AVAILABLE, 5, 5, False, Status.BUSY),
        (Status.AVAILABLE, 1, 1, False, Status.BUSY),
        (Status.AVAILABLE, 19, 20, False, Status.AVAILABLE),
        (Status.AVAILABLE, 1, 5, True, Status.BUSY),
        (Status.AWAY, 0, 5, False, Status.AWAY),
        (Status.BUSY, 1, 5, False, Status.BUSY),
        (Status.OFFLINE, 0, 5, False, Status.OFFLINE),
    ],
)
def test_displayed_status(status: Status, active: int, capacity: int, voice: bool, shown: Status) -> None:
    assert domain.displayed_status(status, active, capacity, voice=voice) is shown


@pytest.mark.parametrize("capacity", [0, 21, -1, True, 5.0, "5"])
def test_capacity_outside_one_to_twenty_is_refused(capacity: Any) -> None:
    error = refusal(lambda: domain.check_capacity(capacity))
    assert error.code is ErrorCode.BAD_REQUEST and "1 to 20" in error.message


def test_capacity_defaults_to_five_and_accepts_the_bounds() -> None:
    assert DEFAULT_CAPACITY == 5
    assert domain.check_capacity(1) == 1 and domain.check_capacity(20) == 20


def test_toolbar_shows_status_code_productive_and_the_timer() -> None:
    view = domain.toolbar_view(logged_in("break"), now=at(10 + 95.9))
    assert (view.status, view.reason_label, view.productive, view.seconds) == (Status.AWAY, "Break", False, 95)
    wrap = domain.toolbar_view(in_wrap_up(), now=at(40))
    assert (wrap.status, wrap.reason_label, wrap.productive, wrap.seconds) == (Status.BUSY, "Wrap-up", True, 10)
    idle = domain.toolbar_view(logged_in(), now=at(12))
    assert (idle.status, idle.reason_label, idle.productive, idle.seconds) == (Status.AVAILABLE, None, None, 2)
    gone = domain.toolbar_view(offline(), now=at(5))
    assert (gone.status, gone.seconds) == (Status.OFFLINE, 5)
    assert domain.toolbar_view(logged_in(), now=at(0)).seconds == 0  # a clock behind never shows negative


def test_toolbar_shows_busy_at_capacity_and_the_pending_status() -> None:
    state = domain.start_interaction(logged_in(), "i-1", pause_codes=CODES, now=at(20), capacity=1).state
    assert domain.toolbar_view(state, now=at(21), capacity=1).status is Status.BUSY
    state = domain.set_status(state, "Away", pause_codes=CODES, now=at(22), reason="lunch").state
    view = domain.toolbar_view(state, now=at(23))
    assert (view.status, view.pending_status, view.pending_reason_label) == (Status.AVAILABLE, Status.AWAY, "Lunch")
    assert view.to_dict()["pendingStatus"] == "Away"


# --- data -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", list(FIXTURES))
def test_states_round_trip_through_their_wire_form(fixture: str) -> None:
    state = FIXTURES[fixture]()
    assert AgentState.from_dict(state.to_dict()) == state


def test_pending_states_round_trip_too() -> None:
    state = domain.force_logoff(on_chat(), supervisor_id=SUPERVISOR, pause_codes=CODES, now=at(40)).state
    assert AgentState.from_dict(state.to_dict()) == state


def test_pause_codes_round_trip_and_map_to_away_or_busy() -> None:
    for code in CODES.values():
        assert PauseCode.from_dict(code.to_dict()) == code
    with pytest.raises(ValueError, match="Away or Busy"):
        PauseCode("Odd", "Odd", Status.AVAILABLE, productive=False)


def test_the_default_codes_are_the_documented_ones() -> None:
    summary = {(c.id, c.status, c.productive, c.system) for c in DEFAULT_PAUSE_CODES.values()}
    assert summary == {
        ("break", Status.AWAY, False, False),
        ("lunch", Status.AWAY, False, False),
        ("training", Status.AWAY, True, False),
        ("meeting", Status.AWAY, True, False),
        ("technical-issue", Status.AWAY, False, False),
        ("outbound-call", Status.BUSY, True, False),
        (WRAP_UP, Status.BUSY, True, True),
        (DISCONNECTED, Status.AWAY, False, True),
    }


def test_a_stored_state_that_breaks_the_rules_is_refused() -> None:
    data = logged_in().to_dict()
    with pytest.raises(ValueError, match="session"):
        AgentState.from_dict({**data, "sessionId": None})
    with pytest.raises(ValueError, match="reason"):
        AgentState.from_dict({**data, "status": "Away"})
    with pytest.raises(ValueError, match="pending"):
        AgentState.from_dict({**data, "pending": on_chat_pending()})


def on_chat_pending() -> dict[str, Any]:
    state = domain.set_status(on_chat(), "Away", pause_codes=CODES, now=at(40), reason="break").state
    assert state.pending is not None
    return state.pending.to_dict()


def test_the_event_wire_form() -> None:
    result = domain.set_status(logged_in(), "Away", pause_codes=CODES, now=at(70), reason="break")
    assert result.event is not None
    assert StateChanged.EVENT_TYPE == "agent.state.changed"
    assert result.event.to_dict() == {
        "agentId": AGENT,
        "command": "setStatus:Away",
        "cause": "agent",
        "actorId": AGENT,
        "occurredAt": "2025-03-10T08:01:10.000Z",
        "version": 2,
        "from": {"status": "Available", "reason": None},
        "to": {"status": "Away", "reason": {"code": "break", "label": "Break", "productive": False}},
        "pending": None,
        "appliedPending": None,
        "sessionId": "s-1",
        "activeInteractions": 0,
        "inWrapUp": False,
        "interactionId": None,
        "logoffKind": None,
        "logoffReason": None,
    }
    (opened,) = result.records
    assert opened.to_dict()["pauseId"] == "s-1#2"


def test_records_have_their_event_types_and_wire_forms() -> None:
    result = domain.logoff(logged_in("break"), pause_codes=CODES, now=at(70))
    assert [type(f).EVENT_TYPE for f in result.facts] == [
        "agent.state.changed",
        "agent.pause.closed",
        "agent.session.closed",
    ]
    session = result.facts[2].to_dict()
    assert session == {
        "agentId": AGENT,
        "sessionId": "s-1",
        "start": "2025-03-10T08:00:10.000Z",
        "end": "2025-03-10T08:01:10.000Z",
        "durationSeconds": 60.0,
        "logoffKind": "manual",
        "logoffReason": None,
    }
    assert domain.login(offline(), session_id="s", pause_codes=CODES, now=at(1)).facts[1].to_dict() == {
        "agentId": AGENT,
        "sessionId": "s",
        "start": "2025-03-10T08:00:01.000Z",
    }
