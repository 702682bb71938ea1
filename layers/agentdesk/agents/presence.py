"""Presence: when an agent's last connection closes, a grace timer (the presence state machine) starts;
if the agent is still disconnected and Available when it fires, the agent goes Away / Disconnected.
Reconnecting first stops the timer. Each timer has an id; only the agent's current timer may act.

"Still connected" means a connection that can still be open: a connection record outlives its socket when
its $disconnect never ran or failed, and such a leftover must not keep an agent connected for good.

A timer starts on $disconnect and when a push finds the agent's last connection gone (410). A connection
whose $disconnect is lost and that no push reaches only expires: the periodic `sweep` starts its timer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agentdesk.agents import domain as agent_state_domain
from agentdesk.agents import service as agent_state
from agentdesk.agents import store as agents
from agentdesk.config import directory
from agentdesk.kernel import clock, ids, workflows
from agentdesk.kernel.identity import Principal
from agentdesk.kernel.observability import logger
from agentdesk.realtime import service as realtime

STATE_MACHINE = "presence"


def connected(principal: Principal) -> None:
    """A connection opened: a running grace timer of this agent is stopped."""
    timer = agents.presence_timer(principal.user_id)
    if timer is not None and agents.clear_presence_timer(principal.user_id, timer["timerId"]):
        workflows.stop(timer["executionArn"], "The agent reconnected.")


def disconnected(user_id: str) -> str | None:
    """A connection closed: when it was the agent's last and the agent is logged in, start the grace timer.
    Returns the timer id, if one was started."""
    if realtime.live_connections(user_id):
        return None
    if not agents.load_state(user_id).state.logged_in:
        return None
    timer_id = ids.new_id("pt_")
    execution = workflows.start(
        STATE_MACHINE,
        f"presence-{timer_id}",
        {"agentId": user_id, "timerId": timer_id, "graceSeconds": directory.presence_grace_seconds()},
    )
    agents.set_presence_timer(user_id, {"timerId": timer_id, "executionArn": execution, "startedAt": clock.iso()})
    return timer_id


def grace_expired(agent_id: str, timer_id: str) -> dict[str, Any]:
    """The timer fired: act only if it is still the agent's current timer and the agent is still gone."""
    if not agents.clear_presence_timer(agent_id, timer_id):
        return {"agentId": agent_id, "outcome": "superseded"}
    if realtime.live_connections(agent_id):
        return {"agentId": agent_id, "outcome": "reconnected"}
    before = agents.load_state(agent_id).state
    after = agent_state.mark_disconnected(agent_id)
    outcome = "away" if after.version != before.version else "unchanged"
    return {"agentId": agent_id, "outcome": outcome, "status": after.status.value}


def sweep_candidates(states: Iterable[agent_state_domain.AgentState]) -> list[str]:
    """The agents a lost disconnect could leave stuck: those a disconnect would still change (logged in, and
    Available or going back to Available). For the others a timer would end in no change, and re-timing them
    on every sweep (every agent presence has already turned Away, say) would cost an execution each time."""
    return [state.agent_id for state in states if agent_state_domain.disconnect_would_change(state)]


def sweep() -> dict[str, int]:
    """The periodic safety net: start the grace timer of every candidate with no connection that can still be
    open and no timer running; and write an `agent.heartbeat` of every logged-in agent for the event stream.
    Returns how many agents were logged in, checked, and given a timer, and how many heartbeats were written."""
    states = agents.logged_in_states()
    heartbeats = 0
    try:
        heartbeats = agent_state.write_heartbeats(states)
    except Exception:  # the heartbeats are a snapshot for the stream; the safety net must run without them
        logger.exception("presence sweep could not write the heartbeats")
    candidates = sweep_candidates(states)
    started = 0
    failed = 0
    for agent_id in candidates:
        try:
            # The connections first: for a connected agent (nearly everyone) that is the only look needed.
            if realtime.live_connections(agent_id) or agents.presence_timer(agent_id) is not None:
                continue
            if disconnected(agent_id) is not None:
                started += 1
        except Exception:  # one agent that cannot be checked must not stop the sweep for everyone else
            failed += 1
            logger.exception("presence sweep could not check an agent", extra={"agentId": agent_id})
    return {
        "loggedIn": len(states),
        "checked": len(candidates),
        "started": started,
        "failed": failed,
        "heartbeats": heartbeats,
    }
