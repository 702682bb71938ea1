"""The commands, as pure transitions `(state, ..., now) -> Transition`: log in and off, set and force a
status, disconnect, and the interaction lifecycle; a refusal raises `AgentDeskError` and changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from enum import Enum
from typing import Any

from agentdesk.agents.domain.facts import (
    Fact,
    PauseClosed,
    PauseOpened,
    SessionClosed,
    SessionOpened,
    StateChanged,
    Transition,
)
from agentdesk.agents.domain.moments import moment, seconds_between
from agentdesk.agents.domain.pause_codes import SYSTEM_PAUSE_CODES, PauseCode, Reason
from agentdesk.agents.domain.rules import (
    AUTO_LOGOFF,
    DEFAULT_CAPACITY,
    DISCONNECTED,
    LOCKING_LOGOFFS,
    PAUSE_STATUSES,
    SET_COMMANDS,
    SYSTEM_ACTOR_ID,
    SYSTEM_REASONS,
    TRANSITIONS,
    WRAP_UP,
    Cause,
    Command,
    Effect,
    LogoffKind,
    ReasonRule,
    Status,
    check_rule,
)
from agentdesk.agents.domain.state import AgentState, Interaction, PendingStatus
from agentdesk.agents.domain.views import check_capacity, why_not_receiving
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.timestamps import iso

# --- commands ------------------------------------------------------------------------------------------


def login(
    state: AgentState,
    *,
    session_id: str,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    reason: str | None = None,
) -> Transition:
    """Offline → Available, or straight into a pause when a pause code is given (the code decides
    Away or Busy). `session_id` comes from the caller's id generator."""
    check_rule(state, Command.LOGIN)
    chosen = _agent_reason(None, reason, pause_codes, optional=True)
    session = _required_text(session_id, "sessionId", "The session id")
    target = Status.AVAILABLE if chosen is None else pause_codes[chosen.code].status
    at = moment(now, state)
    return _commit(
        state,
        at,
        command=Command.LOGIN,
        cause=Cause.AGENT,
        actor_id=state.agent_id,
        status=target,
        reason=chosen,
        new_session_id=session,
    )


def set_status(
    state: AgentState,
    status: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    reason: str | None = None,
) -> Transition:
    """The agent asks for Available, or Away/Busy with a pause code of that status."""
    return _request_status(state, status, reason, pause_codes, now, Cause.AGENT, state.agent_id)


def force_status(
    state: AgentState,
    status: str,
    *,
    supervisor_id: str,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    reason: str | None = None,
) -> Transition:
    """A supervisor sets the agent's status: the same rules as `set_status`, recorded as cause supervisor."""
    actor = _required_text(supervisor_id, "supervisorId", "The supervisor id")
    return _request_status(state, status, reason, pause_codes, now, Cause.SUPERVISOR, actor)


def logoff(state: AgentState, *, pause_codes: Mapping[str, PauseCode], now: datetime) -> Transition:
    """The agent logs off (kind manual)."""
    return _logoff(state, now, LogoffKind.MANUAL, Cause.AGENT, state.agent_id)


def force_logoff(
    state: AgentState, *, supervisor_id: str, pause_codes: Mapping[str, PauseCode], now: datetime
) -> Transition:
    """A supervisor logs the agent off (kind forced)."""
    actor = _required_text(supervisor_id, "supervisorId", "The supervisor id")
    return _logoff(state, now, LogoffKind.FORCED, Cause.SUPERVISOR, actor)


def auto_logoff(state: AgentState, *, pause_codes: Mapping[str, PauseCode], now: datetime) -> Transition:
    """The midnight (site time) logoff: kind auto, reason AUTO, cause system."""
    return _logoff(state, now, LogoffKind.AUTO, Cause.SYSTEM, SYSTEM_ACTOR_ID)


def disconnect(state: AgentState, *, pause_codes: Mapping[str, PauseCode], now: datetime) -> Transition:
    """The agent's last connection is gone (after the grace period): Away with the system reason
    Disconnected, so nothing more is routed. An agent already paused keeps the pause (nothing is routed
    to them anyway), and a pending pause or logoff is kept."""
    rule = check_rule(state, Command.DISCONNECT)
    if rule.only_if_available and _next_status(state) is not Status.AVAILABLE:
        return Transition(state)
    reason = _system_reason(pause_codes, rule.system_reason or DISCONNECTED)
    return _request(state, moment(now, state), Command.DISCONNECT, Cause.SYSTEM, SYSTEM_ACTOR_ID, Status.AWAY, reason)


def disconnect_would_change(state: AgentState) -> bool:
    """Whether `disconnect` would change the agent now (logged in, and Available or going back to Available when
    the current work ends): for anyone else a disconnect-grace timer can only end in no change."""
    rule = TRANSITIONS[(state.status, Command.DISCONNECT)]
    if rule.effect is Effect.REFUSE:
        return False
    return not rule.only_if_available or _next_status(state) is Status.AVAILABLE


def start_interaction(
    state: AgentState,
    interaction_id: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    voice: bool = False,
    capacity: int = DEFAULT_CAPACITY,
) -> Transition:
    """The agent is connected to an interaction (routed offer accepted, or an outbound call started)."""
    check_rule(state, Command.START_INTERACTION)
    interaction = _required_text(interaction_id, "interactionId", "The interaction id")
    limit = check_capacity(capacity)
    if _knows(state, interaction):
        raise AgentDeskError(
            ErrorCode.INVALID_TRANSITION,
            f"Interaction {interaction} is already with this agent.",
            "interactionId",
        )
    refusal = why_not_receiving(state, limit)
    if refusal:
        raise AgentDeskError(ErrorCode.INVALID_TRANSITION, refusal)
    return _commit(
        state,
        moment(now, state),
        command=Command.START_INTERACTION,
        cause=Cause.SYSTEM,
        actor_id=SYSTEM_ACTOR_ID,
        status=state.status,
        reason=state.reason,
        interactions=(*state.interactions, Interaction(interaction, voice)),
        interaction_id=interaction,
    )


def end_interaction(
    state: AgentState,
    interaction_id: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    wrap_up: bool = True,
) -> Transition:
    """An interaction ended. With wrap-up (the default) the system puts the agent in Busy/Wrap-up until
    `finish_wrap_up`; without (e.g. transferred away) the agent returns to idle when nothing is left."""
    check_rule(state, Command.END_INTERACTION)
    interaction = _required_text(interaction_id, "interactionId", "The interaction id")
    if interaction in state.wrap_ups:
        raise AgentDeskError(
            ErrorCode.INVALID_TRANSITION,
            f"Interaction {interaction} has already ended; its wrap-up is open.",
            "interactionId",
        )
    if not any(i.interaction_id == interaction for i in state.interactions):
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"Interaction {interaction} is not with this agent.", "interactionId")
    at = moment(now, state)
    remaining = tuple(i for i in state.interactions if i.interaction_id != interaction)
    if wrap_up:
        status, reason = (
            (state.status, state.reason) if state.in_wrap_up else (Status.BUSY, _system_reason(pause_codes, WRAP_UP))
        )
        return _commit(
            state,
            at,
            command=Command.END_INTERACTION,
            cause=Cause.SYSTEM,
            actor_id=SYSTEM_ACTOR_ID,
            status=status,
            reason=reason,
            interactions=remaining,
            wrap_ups=(*state.wrap_ups, interaction),
            interaction_id=interaction,
        )
    return _settle(
        state,
        at,
        Command.END_INTERACTION,
        Cause.SYSTEM,
        SYSTEM_ACTOR_ID,
        interaction,
        remaining,
        state.wrap_ups,
    )


def finish_wrap_up(
    state: AgentState,
    interaction_id: str,
    *,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    cause: Cause = Cause.AGENT,
) -> Transition:
    """The wrap-up of an interaction is over: the agent submitted the disposition (cause agent) or the
    wrap-up timed out (cause system). When it was the last thing the agent was doing, the pending status
    is applied, else the agent is Available again."""
    check_rule(state, Command.FINISH_WRAP_UP)
    interaction = _required_text(interaction_id, "interactionId", "The interaction id")
    if cause is Cause.SUPERVISOR:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "A wrap-up is finished by the agent or the system.", "cause")
    if any(i.interaction_id == interaction for i in state.interactions):
        raise AgentDeskError(
            ErrorCode.INVALID_TRANSITION,
            f"Interaction {interaction} is still in progress; it has no wrap-up yet.",
            "interactionId",
        )
    if interaction not in state.wrap_ups:
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"There is no open wrap-up for interaction {interaction}.", "interactionId"
        )
    actor = state.agent_id if cause is Cause.AGENT else SYSTEM_ACTOR_ID
    remaining = tuple(w for w in state.wrap_ups if w != interaction)
    return _settle(
        state,
        moment(now, state),
        Command.FINISH_WRAP_UP,
        cause,
        actor,
        interaction,
        state.interactions,
        remaining,
    )


def _required_text(value: str, field: str, what: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"{what} is missing or empty.", field)
    return text


def _knows(state: AgentState, interaction_id: str) -> bool:
    return interaction_id in state.wrap_ups or any(i.interaction_id == interaction_id for i in state.interactions)


def _parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise AgentDeskError(
            ErrorCode.BAD_REQUEST,
            f"Unknown status {value!r}; choose Available, Away or Busy.",
            "status",
        ) from None


def _choices(pause_codes: Mapping[str, PauseCode], status: Status | None) -> str:
    selectable = sorted(
        code.label if code.label == code.id else f"{code.label} ({code.id})"
        for code in pause_codes.values()
        if code.enabled
        and not code.system
        and code.id not in SYSTEM_REASONS
        and (status is None or code.status is status)
    )
    if not selectable:
        return f"no {status.value + ' ' if status else ''}pause code is configured"
    return "choose one of " + ", ".join(selectable)


def _agent_reason(
    target: Status | None, raw: str | None, pause_codes: Mapping[str, PauseCode], *, optional: bool
) -> Reason | None:
    """The pause code a person picked, checked: exists, enabled, not a system reason, of the target status."""
    code_id = raw.strip() if isinstance(raw, str) else ""
    if target is Status.AVAILABLE:
        if code_id:
            raise AgentDeskError(ErrorCode.BAD_REQUEST, f"Available takes no pause code; got {code_id!r}.", "reason")
        return None
    if not code_id:
        if optional:
            return None
        raise AgentDeskError(
            ErrorCode.REASON_REQUIRED,
            f"Going {target} needs a pause code: {_choices(pause_codes, target)}.",
            "reason",
        )
    code = pause_codes.get(code_id)
    if code_id in SYSTEM_REASONS or (code is not None and code.system):
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"{code_id!r} is a system reason that only the system sets; {_choices(pause_codes, target)}.",
            "reason",
        )
    if code is None:
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"There is no pause code {code_id!r}; {_choices(pause_codes, target)}.",
            "reason",
        )
    if not code.enabled:
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"The pause code {code.label!r} is disabled; {_choices(pause_codes, target)}.",
            "reason",
        )
    if target is not None and code.status is not target:
        raise AgentDeskError(
            ErrorCode.UNKNOWN_REASON,
            f"{code.label!r} is a pause code for {code.status}, not {target}; {_choices(pause_codes, target)}.",
            "reason",
        )
    return code.reason


def _system_reason(pause_codes: Mapping[str, PauseCode], code_id: str) -> Reason:
    configured = pause_codes.get(code_id)
    builtin = SYSTEM_PAUSE_CODES[code_id]
    # A configured code may relabel a system reason, not move it to another status.
    if configured is not None and configured.status is builtin.status:
        return configured.reason
    return builtin.reason


def _same(status_a: Status, reason_a: Reason | None, status_b: Status, reason_b: Reason | None) -> bool:
    code_a = reason_a.code if reason_a else None
    code_b = reason_b.code if reason_b else None
    return status_a is status_b and code_a == code_b


def _next_status(state: AgentState) -> Status:
    """Where the agent is, or where they go when their current work ends."""
    if not state.engaged:
        return state.status
    return state.pending.status if state.pending else Status.AVAILABLE


def _request_status(
    state: AgentState,
    status: str,
    reason: str | None,
    pause_codes: Mapping[str, PauseCode],
    now: datetime,
    cause: Cause,
    actor_id: str,
) -> Transition:
    target = _parse_status(status)
    command = SET_COMMANDS[target]
    rule = check_rule(state, command)
    chosen = _agent_reason(target, reason, pause_codes, optional=rule.reason is not ReasonRule.AGENT_CODE)
    return _request(state, moment(now, state), command, cause, actor_id, target, chosen)


def _logoff(state: AgentState, now: datetime, kind: LogoffKind, cause: Cause, actor_id: str) -> Transition:
    check_rule(state, Command.LOGOFF)
    return _request(state, moment(now, state), Command.LOGOFF, cause, actor_id, Status.OFFLINE, None, logoff_kind=kind)


def _request(
    state: AgentState,
    at: datetime,
    command: Command,
    cause: Cause,
    actor_id: str,
    target: Status,
    reason: Reason | None,
    logoff_kind: LogoffKind | None = None,
) -> Transition:
    """A status change asked for: applied now when the agent is idle, else stored as pending."""
    common: dict[str, Any] = {"command": command, "cause": cause, "actor_id": actor_id}
    if not state.engaged:
        if _same(state.status, state.reason, target, reason):
            return Transition(state)
        return _commit(state, at, status=target, reason=reason, logoff_kind=logoff_kind, **common)
    pending = state.pending
    if pending is not None and pending.status is Status.OFFLINE:
        if target is Status.OFFLINE:
            return Transition(state)  # a logoff is already on its way; the first one's kind stands
        if pending.logoff_kind in LOCKING_LOGOFFS:
            raise AgentDeskError(
                ErrorCode.INVALID_TRANSITION,
                f"{LOCKING_LOGOFFS[pending.logoff_kind]} is pending; the agent goes Offline when the "
                "current interaction and wrap-up end.",
            )
    next_reason = pending.reason if pending else None
    if _same(_next_status(state), next_reason, target, reason):
        return Transition(state)
    new_pending = (
        None if target is Status.AVAILABLE else PendingStatus(target, reason, cause, actor_id, iso(at), logoff_kind)
    )
    return _commit(state, at, status=state.status, reason=state.reason, pending=new_pending, **common)


def _settle(
    state: AgentState,
    at: datetime,
    command: Command,
    cause: Cause,
    actor_id: str,
    interaction_id: str,
    interactions: tuple[Interaction, ...],
    wrap_ups: tuple[str, ...],
) -> Transition:
    """After an interaction or a wrap-up is taken off the agent: what status follows."""
    common: dict[str, Any] = {
        "command": command,
        "cause": cause,
        "actor_id": actor_id,
        "interactions": interactions,
        "wrap_ups": wrap_ups,
        "interaction_id": interaction_id,
    }
    if wrap_ups:
        return _commit(state, at, status=state.status, reason=state.reason, **common)
    if interactions:
        # Wrap-up is over but other conversations continue; a pending status still waits for them.
        return _commit(state, at, status=Status.AVAILABLE, reason=None, **common)
    pending = state.pending
    if pending is None:
        return _commit(state, at, status=Status.AVAILABLE, reason=None, **common)
    return _commit(
        state,
        at,
        status=pending.status,
        reason=pending.reason,
        pending=None,
        applied_pending=pending,
        logoff_kind=pending.logoff_kind,
        **common,
    )


class _Keep(Enum):
    """Marks "leave the pending status as it is" (None would clear it)."""

    PENDING = "keep"


_KEEP = _Keep.PENDING


def _commit(
    before: AgentState,
    at: datetime,
    *,
    command: Command,
    cause: Cause,
    actor_id: str,
    status: Status,
    reason: Reason | None,
    pending: PendingStatus | _Keep | None = _KEEP,
    applied_pending: PendingStatus | None = None,
    logoff_kind: LogoffKind | None = None,
    new_session_id: str | None = None,
    interactions: tuple[Interaction, ...] | None = None,
    wrap_ups: tuple[str, ...] | None = None,
    interaction_id: str | None = None,
) -> Transition:
    """Build the next state (version + 1) and its facts: the event, then intervals closed, then opened."""
    version = before.version + 1
    stamp = iso(at)
    moved = not _same(before.status, before.reason, status, reason)
    records: list[Fact] = []
    session_id, login_at, pause_id = before.session_id, before.login_at, before.pause_id
    if moved and before.pause_id is not None and before.reason is not None and session_id is not None:
        records.append(
            PauseClosed(
                agent_id=before.agent_id,
                session_id=session_id,
                pause_id=before.pause_id,
                code=before.reason.code,
                label=before.reason.label,
                productive=before.reason.productive,
                start=before.since,
                end=stamp,
                duration_seconds=seconds_between(before.since, stamp),
            )
        )
        pause_id = None
    logoff_reason = AUTO_LOGOFF if logoff_kind is LogoffKind.AUTO else None
    if status is Status.OFFLINE and session_id is not None and login_at is not None:
        records.append(
            SessionClosed(
                agent_id=before.agent_id,
                session_id=session_id,
                start=login_at,
                end=stamp,
                duration_seconds=seconds_between(login_at, stamp),
                logoff_kind=logoff_kind or LogoffKind.MANUAL,
                logoff_reason=logoff_reason,
            )
        )
        login_at = None
    if before.status is Status.OFFLINE and new_session_id is not None:
        session_id, login_at = new_session_id, stamp
        records.append(SessionOpened(agent_id=before.agent_id, session_id=session_id, start=stamp))
    if moved and status in PAUSE_STATUSES and reason is not None and session_id is not None:
        pause_id = f"{session_id}#{version}"
        records.append(
            PauseOpened(
                agent_id=before.agent_id,
                session_id=session_id,
                pause_id=pause_id,
                code=reason.code,
                label=reason.label,
                productive=reason.productive,
                start=stamp,
            )
        )
    after = replace(
        before,
        status=status,
        reason=reason,
        since=stamp if moved else before.since,
        session_id=None if status is Status.OFFLINE else session_id,
        login_at=login_at,
        pending=before.pending if isinstance(pending, _Keep) else pending,
        version=version,
        interactions=before.interactions if interactions is None else interactions,
        wrap_ups=before.wrap_ups if wrap_ups is None else wrap_ups,
        pause_id=pause_id,
    )
    event = StateChanged(
        agent_id=before.agent_id,
        command=command,
        cause=cause,
        actor_id=actor_id,
        occurred_at=stamp,
        version=version,
        from_status=before.status,
        from_reason=before.reason,
        to_status=after.status,
        to_reason=after.reason,
        pending=after.pending,
        applied_pending=applied_pending,
        session_id=session_id,
        active_interactions=after.active_interactions,
        in_wrap_up=after.in_wrap_up,
        interaction_id=interaction_id,
        logoff_kind=logoff_kind if status is Status.OFFLINE else None,
        logoff_reason=logoff_reason if status is Status.OFFLINE else None,
    )
    return Transition(after, (event, *records))
