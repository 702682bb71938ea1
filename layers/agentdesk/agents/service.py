"""Agent state commands: log in/off, set status with a pause code, read state; supervisors force status
and logoff for agents in their scope; the system logs off at midnight and marks disconnected agents Away.

Each command: read the agent's state and the configuration version in one round trip, take the
configuration it needs from the directory at that version (a warm function keeps it until the version
moves: store/directory.py), decide through the pure domain module, write state + event + time & attendance
records in one transaction. On a warm function that is one read and one write. A concurrent change to the
same agent makes the write fail its version condition; the command then re-reads the state alone and is
decided again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

from pydantic import Field, TypeAdapter

from agentdesk.agents import domain, events
from agentdesk.agents import store as agents
from agentdesk.agents.contracts import (
    AgentStateView,
    PendingView,
    ReasonView,
    SkillLevel,
    StateReply,
    WallboardReply,
    WallboardRow,
)
from agentdesk.agents.contracts import StatusName as ShownStatus
from agentdesk.agents.domain.moments import parse_time
from agentdesk.config import directory
from agentdesk.config.directory import AgentProfile, Directory
from agentdesk.kernel import clock, ids
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION, SYSTEM, Actor, new_event_id
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.unit_of_work import UnitOfWork
from agentdesk.realtime.dispatch import action, require_role
from agentdesk.realtime.envelope import ActionRequest

ATTEMPTS = 3

Decide = Callable[[domain.AgentState, Directory], domain.Transition]
_RECORDS: TypeAdapter[events.AttendanceRecord] = TypeAdapter(events.AttendanceRecord)


# --- the write path shared by every command -------------------------------------------------------------


def state_of(state: domain.AgentState) -> AgentStateView:
    """What clients see of an agent's state (the toolbar and the wallboard)."""
    return AgentStateView(
        agentId=state.agent_id,
        status=_status(state.status),
        reason=_reason(state.reason),
        since=state.since if state.version else None,  # an agent never logged in has no "since"
        sessionId=state.session_id,
        loginAt=state.login_at,
        pending=PendingView.model_validate(state.pending.to_dict()) if state.pending else None,
        activeInteractions=state.active_interactions,
        onVoice=state.on_voice,
        inWrapUp=state.in_wrap_up,
        version=state.version,
    )


def state_view(state: domain.AgentState) -> dict[str, Any]:
    return state_of(state).model_dump(mode="json")


def _status(status: domain.Status) -> ShownStatus:
    return status.value


def _reason(reason: domain.Reason | None) -> ReasonView | None:
    return ReasonView(code=reason.code, label=reason.label, productive=reason.productive) if reason else None


def _seconds(since: str | None, until: str) -> float | None:
    if since is None:
        return None
    return max(0.0, (parse_time(until) - parse_time(since)).total_seconds())


def _configuration(profile: AgentProfile | None) -> events.AgentConfiguration | None:
    if profile is None:
        return None
    return events.AgentConfiguration(
        name=profile.name,
        teamId=profile.team_id,
        siteId=profile.site_id,
        capacity=profile.capacity,
        skills=[events.SkillProficiency(skillId=skill, proficiency=level) for skill, level in profile.skills],
        autoAnswer=cast(Literal["on", "off", "agent"], profile.auto_answer),
    )


def _routing(state: domain.AgentState, profile: AgentProfile | None) -> events.Routing:
    capacity = profile.capacity if profile else domain.DEFAULT_CAPACITY
    return events.Routing(
        routable=domain.can_receive(state, capacity),
        notRoutableReason=domain.why_not_receiving(state, capacity),
    )


def _event(
    previous: domain.AgentState, transition: domain.Transition, actor: Actor, profile: AgentProfile | None
) -> events.AgentStateChanged:
    change = transition.event
    assert change is not None
    state = transition.state
    session_id = state.session_id or change.session_id
    session = None
    if session_id is not None:
        closed = state.session_id is None  # a logoff closed the session the change happened in
        session = events.Session(
            sessionId=session_id,
            loginAt=previous.login_at if closed else state.login_at,
            endedAt=change.occurred_at if closed else None,
        )
    since = previous.since if previous.version else None
    return events.AgentStateChanged(
        eventId=new_event_id(),
        type="agent.state.changed",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt=change.occurred_at,
        agentId=change.agent_id,
        actor=actor,
        data=events.AgentStateChangedData(
            state=state_of(state),
            change=events.StateChange.model_validate(change.to_dict()),
            records=[
                _RECORDS.validate_python({"type": fact.EVENT_TYPE, **fact.to_dict()}) for fact in transition.records
            ],
            previous=events.PreviousState(
                status=_status(previous.status),
                reason=_reason(previous.reason),
                since=since,
                secondsInState=_seconds(since, change.occurred_at),
            ),
            session=session,
            configuration=_configuration(profile),
            routing=_routing(state, profile),
        ),
    )


def heartbeat(state: domain.AgentState, profile: AgentProfile | None) -> events.AgentHeartbeat:
    """The periodic snapshot of a logged-in agent (written by the presence sweep)."""
    now = clock.iso()
    session = None
    if state.session_id is not None:
        session = events.Session(sessionId=state.session_id, loginAt=state.login_at, endedAt=None)
    return events.AgentHeartbeat(
        eventId=new_event_id(),
        type="agent.heartbeat",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt=now,
        agentId=state.agent_id,
        actor=SYSTEM,
        data=events.AgentHeartbeatData(
            state=state_of(state),
            secondsInState=_seconds(state.since, now) or 0.0,
            session=session,
            configuration=_configuration(profile),
            routing=_routing(state, profile),
        ),
    )


def write_heartbeats(states: Iterable[domain.AgentState]) -> int:
    """One `agent.heartbeat` per logged-in agent, through the outbox (so it reaches Kinesis, never a push).
    Returns how many were written."""
    config = directory.current()
    written = [heartbeat(state, config.profile(state.agent_id)) for state in states if state.logged_in]
    agents.save_events(written)
    return len(written)


def read(agent_id: str) -> tuple[agents.StoredState, Directory]:
    """The agent's state and the directory at the configuration version read with it (one round trip)."""
    stored, version = agents.load_state_and_config_version(agent_id)
    return stored, directory.at(version)


def authorized(config: Directory, caller: Principal, action: str, min_role: Role = Role.AGENT) -> Principal:
    """The caller as `config` has them (UNAUTHORIZED when deleted or disabled), holding at least `min_role`
    there (FORBIDDEN otherwise). Commands check this against the directory read with the agent's state, so
    the check costs no read of its own."""
    principal = config.authorize(caller)
    require_role(principal, action, min_role)
    return principal


def apply(
    agent_id: str,
    decide: Decide,
    actor: Actor | Principal,
    *,
    action: str = "",
    min_role: Role = Role.AGENT,
    supervises: bool = False,
    own: bool = False,
) -> domain.AgentState:
    """Decide on the current state and persist the outcome; retried on a concurrent change.

    A person's command (`actor` a Principal, the caller as their token says) is first authorized against
    the directory read with the state: the caller must still exist, be enabled and hold `min_role` (who
    they are comes before what they may do); with `own`, the agent must be the caller; with `supervises`,
    the caller must supervise the agent. A retry re-reads the state only: the directory stays at least as
    new as the version read with the first state.
    """
    stored, config = read(agent_id)
    if isinstance(actor, Principal):
        principal = authorized(config, actor, action, min_role)
        if own:
            _own(principal, agent_id)
        if supervises:
            _in_scope(principal, agent_id, config)
        actor = _actor(principal)
    for attempt in range(ATTEMPTS):
        transition = decide(stored.state, config)
        if not transition.changed:
            return transition.state
        try:
            event = _event(stored.state, transition, actor, config.profile(agent_id))
            agents.save_transition(stored, transition, event, config.site_of(agent_id))
        except AgentDeskError as exc:
            if exc.code is ErrorCode.CONFLICT and attempt < ATTEMPTS - 1:
                stored = agents.load_state(agent_id)
                continue
            raise
        return transition.state
    raise AssertionError("unreachable")


def _actor(principal: Principal) -> Actor:
    return Actor(userId=principal.user_id, role=principal.role.value)


def _own(principal: Principal, agent_id: str | None) -> str:
    """Agents act on themselves only: naming another agent is refused, not ignored."""
    if agent_id is not None and agent_id != principal.user_id:
        raise AgentDeskError(ErrorCode.FORBIDDEN, "You can change only your own status.", "agentId")
    return principal.user_id


def _in_scope(principal: Principal, agent_id: str, config: Directory) -> None:
    """Refuse unless the principal supervises the agent (in the directory the command reads)."""
    if not config.can_supervise(principal, agent_id):
        raise AgentDeskError(
            ErrorCode.FORBIDDEN,
            f"Agent {agent_id} is not in a team you supervise (or does not exist).",
            "agentId",
        )


# --- staged changes: another context's unit of work writes the agent's state with its own -------------------


@dataclass(frozen=True)
class Staged:
    """An agent-state change added to a unit of work, not yet committed. `label` names the state's operation
    in the unit (a cancellation that lists it means the agent's state moved meanwhile)."""

    label: str
    previous: domain.AgentState
    state: domain.AgentState
    changed: bool


def stage(
    work: UnitOfWork,
    agent_id: str,
    decide: Decide,
    actor: Actor = SYSTEM,
    *,
    config: Directory | None = None,
    label: str | None = None,
) -> Staged:
    """Decide on the agent's current state (read now, strongly consistent) and add the outcome — state,
    agent.state.changed, time & attendance records — to `work`. A refusal raises AgentDeskError and adds
    nothing; so does a decision that changes nothing (`changed` False)."""
    stored = agents.load_state(agent_id)
    config = config or directory.current()
    transition = decide(stored.state, config)
    name = label or f"agent:{agent_id}"
    if not transition.changed:
        return Staged(name, stored.state, stored.state, changed=False)
    event = _event(stored.state, transition, actor, config.profile(agent_id))
    agents.stage_transition(work, stored, transition, event, config.site_of(agent_id), name)
    return Staged(name, stored.state, transition.state, changed=True)


def _capacity(config: Directory, agent_id: str) -> int:
    profile = config.profile(agent_id)
    return profile.capacity if profile else domain.DEFAULT_CAPACITY


def stage_start_interaction(
    work: UnitOfWork, agent_id: str, interaction_id: str, *, voice: bool = False, config: Directory | None = None
) -> Staged:
    """The agent takes (a slot for) an interaction: refused unless Available, without a pending status, with
    a free slot and not on a voice call (INVALID_TRANSITION), or when not logged in."""
    return stage(
        work,
        agent_id,
        lambda state, cfg: domain.start_interaction(
            state,
            interaction_id,
            pause_codes=cfg.pause_codes,
            now=clock.now(),
            voice=voice,
            capacity=_capacity(cfg, agent_id),
        ),
        config=config,
    )


def stage_end_interaction(
    work: UnitOfWork, agent_id: str, interaction_id: str, *, wrap_up: bool, config: Directory | None = None
) -> Staged:
    """The interaction leaves the agent: into wrap-up, or (an offer withdrawn, a queue without dispositions)
    the slot is simply free again."""
    return stage(
        work,
        agent_id,
        lambda state, cfg: domain.end_interaction(
            state, interaction_id, pause_codes=cfg.pause_codes, now=clock.now(), wrap_up=wrap_up
        ),
        config=config,
    )


def stage_finish_wrap_up(
    work: UnitOfWork,
    agent_id: str,
    interaction_id: str,
    *,
    actor: Actor = SYSTEM,
    config: Directory | None = None,
) -> Staged:
    """The agent's wrap-up of the interaction is over (their disposition, with `actor` the agent, or the
    timeout's, with the system): Available again, or the pending status."""
    cause = domain.Cause.SYSTEM if actor.role == "system" else domain.Cause.AGENT
    return stage(
        work,
        agent_id,
        lambda state, cfg: domain.finish_wrap_up(
            state, interaction_id, pause_codes=cfg.pause_codes, now=clock.now(), cause=cause
        ),
        actor,
        config=config,
    )


@dataclass(frozen=True)
class LiveState:
    """An agent's status as colleagues see it (a transfer dialog, the queue statistics)."""

    agent_id: str
    status: str
    displayed_status: str
    active_interactions: int
    capacity: int


def open_work(agent_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The interactions each agent holds a slot for (offered or connected) or still wraps up, as their
    state records them (one batch read per 100 agents); agents with none are absent."""
    held = {}
    for agent_id, state in agents.load_states(list(agent_ids)).items():
        work = (*(i.interaction_id for i in state.interactions), *state.wrap_ups)
        if work:
            held[agent_id] = work
    return held


def live_states(profiles: Iterable[AgentProfile]) -> list[LiveState]:
    """The live status of these agents (one batch read per 100), in the order given."""
    chosen = list(profiles)
    states = agents.load_states([p.agent_id for p in chosen])
    now = clock.now()
    shown = []
    for profile in chosen:
        state = states.get(profile.agent_id) or domain.initial_state(profile.agent_id, now=now)
        displayed = domain.displayed_status(
            state.status, state.active_interactions, profile.capacity, voice=state.on_voice
        )
        shown.append(
            LiveState(
                profile.agent_id,
                _status(state.status),
                _status(displayed),
                state.active_interactions,
                profile.capacity,
            )
        )
    return shown


# --- WebSocket actions ------------------------------------------------------------------------------------

StatusName = Literal["Available", "Away", "Busy"]
ReasonId = Field(default=None, min_length=1, max_length=64)
AgentId = Field(default=None, min_length=1, max_length=128)


class Login(ActionRequest):
    action: Literal["login"]
    reason: str | None = ReasonId
    agentId: str | None = AgentId


class Logoff(ActionRequest):
    action: Literal["logoff"]
    agentId: str | None = AgentId


class SetStatus(ActionRequest):
    action: Literal["setStatus"]
    status: StatusName
    reason: str | None = ReasonId
    agentId: str | None = AgentId


class GetState(ActionRequest):
    action: Literal["getState"]
    agentId: str | None = AgentId


class ForceStatus(ActionRequest):
    action: Literal["forceStatus"]
    agentId: str = Field(min_length=1, max_length=128)
    status: StatusName
    reason: str | None = ReasonId


class ForceLogoff(ActionRequest):
    action: Literal["forceLogoff"]
    agentId: str = Field(min_length=1, max_length=128)


class ListAgentStates(ActionRequest):
    action: Literal["listAgentStates"]


def _ack(state: domain.AgentState, capacity: int | None = None) -> dict[str, Any]:
    return StateReply(state=state_of(state), capacity=capacity).model_dump(mode="json")


@action(
    "login",
    Login,
    summary="Log in (Available, or straight into a pause when a reason is given).",
    reply=StateReply,
    authorizes=True,
)
def login(principal: Principal, request: Login) -> dict[str, Any]:
    agent_id = request.agentId or principal.user_id
    return _ack(
        apply(
            agent_id,
            lambda state, config: domain.login(
                state,
                session_id=ids.new_id("ses_"),
                pause_codes=config.pause_codes,
                now=clock.now(),
                reason=request.reason,
            ),
            principal,
            action="login",
            own=True,
        )
    )


@action(
    "logoff",
    Logoff,
    summary="Log off; during an interaction it is applied after wrap-up.",
    reply=StateReply,
    authorizes=True,
)
def logoff(principal: Principal, request: Logoff) -> dict[str, Any]:
    agent_id = request.agentId or principal.user_id
    return _ack(
        apply(
            agent_id,
            lambda state, config: domain.logoff(state, pause_codes=config.pause_codes, now=clock.now()),
            principal,
            action="logoff",
            own=True,
        )
    )


@action(
    "setStatus",
    SetStatus,
    summary="Available, or Away/Busy with a pause code of that status.",
    reply=StateReply,
    authorizes=True,
)
def set_status(principal: Principal, request: SetStatus) -> dict[str, Any]:
    agent_id = request.agentId or principal.user_id
    return _ack(
        apply(
            agent_id,
            lambda state, config: domain.set_status(
                state, request.status, pause_codes=config.pause_codes, now=clock.now(), reason=request.reason
            ),
            principal,
            action="setStatus",
            own=True,
        )
    )


@action(
    "getState",
    GetState,
    summary="The agent's current state (supervisors may name an agent in scope).",
    reply=StateReply,
    authorizes=True,
)
def get_state(principal: Principal, request: GetState) -> dict[str, Any]:
    agent_id = request.agentId or principal.user_id
    stored, config = read(agent_id)
    caller = authorized(config, principal, "getState")
    if agent_id != caller.user_id:
        _in_scope(caller, agent_id, config)  # only a supervisor (as the directory says) of this agent
    profile = config.profile(agent_id)
    return _ack(stored.state, profile.capacity if profile else None)


@action(
    "forceStatus",
    ForceStatus,
    min_role=Role.SUPERVISOR,
    summary="Set an agent's status (supervisors).",
    reply=StateReply,
    authorizes=True,
)
def force_status(principal: Principal, request: ForceStatus) -> dict[str, Any]:
    return _ack(
        apply(
            request.agentId,
            lambda state, config: domain.force_status(
                state,
                request.status,
                supervisor_id=principal.user_id,
                pause_codes=config.pause_codes,
                now=clock.now(),
                reason=request.reason,
            ),
            principal,
            action="forceStatus",
            min_role=Role.SUPERVISOR,
            supervises=True,
        )
    )


@action(
    "forceLogoff",
    ForceLogoff,
    min_role=Role.SUPERVISOR,
    summary="Log an agent off (supervisors).",
    reply=StateReply,
    authorizes=True,
)
def force_logoff(principal: Principal, request: ForceLogoff) -> dict[str, Any]:
    return _ack(
        apply(
            request.agentId,
            lambda state, config: domain.force_logoff(
                state, supervisor_id=principal.user_id, pause_codes=config.pause_codes, now=clock.now()
            ),
            principal,
            action="forceLogoff",
            min_role=Role.SUPERVISOR,
            supervises=True,
        )
    )


@action(
    "listAgentStates",
    ListAgentStates,
    min_role=Role.SUPERVISOR,
    summary="The wallboard: agents in scope.",
    reply=WallboardReply,
    authorizes=True,
)
def list_agent_states(principal: Principal, _request: ListAgentStates) -> dict[str, Any]:
    config = directory.current()
    caller = authorized(config, principal, "listAgentStates", Role.SUPERVISOR)
    profiles = config.agents_visible_to(caller)
    states = agents.load_states([p.agent_id for p in profiles])
    now = clock.now()
    rows = []
    for profile in profiles:
        state = states.get(profile.agent_id) or domain.initial_state(profile.agent_id, now=now)
        shown = domain.displayed_status(state.status, state.active_interactions, profile.capacity, voice=state.on_voice)
        skills = [
            SkillLevel(skillId=skill, name=config.skill_names.get(skill, skill), proficiency=level)
            for skill, level in profile.skills
        ]
        rows.append(
            WallboardRow(
                **state_of(state).model_dump(),
                name=profile.name,
                teamId=profile.team_id,
                capacity=profile.capacity,
                skills=skills,
                displayedStatus=_status(shown),
            )
        )
    return WallboardReply(agents=rows).model_dump(mode="json")


# --- system commands (state machines) ---------------------------------------------------------------------


def auto_logoff(agent_id: str) -> domain.AgentState:
    """The midnight logoff of one agent (reason AUTO)."""
    return apply(
        agent_id,
        lambda state, config: domain.auto_logoff(state, pause_codes=config.pause_codes, now=clock.now()),
        SYSTEM,
    )


def end_access(agent_id: str, actor: Actor) -> domain.AgentState:
    """The user was deleted or disabled by `actor`: a logged-in agent is logged off (kind forced), so the
    session and any pause are closed for time & attendance."""

    def decide(state: domain.AgentState, config: Directory) -> domain.Transition:
        if not state.logged_in:
            return domain.Transition(state)
        return domain.force_logoff(state, supervisor_id=actor.userId, pause_codes=config.pause_codes, now=clock.now())

    return apply(agent_id, decide, actor)


def mark_disconnected(agent_id: str) -> domain.AgentState:
    """The agent's connections stayed gone through the grace period: Away / Disconnected if Available."""
    return apply(
        agent_id,
        lambda state, config: domain.disconnect(state, pause_codes=config.pause_codes, now=clock.now()),
        SYSTEM,
    )
