"""Presence: when an agent's last connection closes, a grace timer (the presence state machine) starts;
if the agent is still disconnected and Available when it fires, the agent goes Away / Disconnected.
Reconnecting first stops the timer. Each timer has an id; only the agent's current timer may act.
"""

from __future__ import annotations

from typing import Any

from agentdesk.domain.identity import Principal
from agentdesk.platform import clock, ids, workflows
from agentdesk.services import agent_state
from agentdesk.store import agents, connections, directory

STATE_MACHINE = "presence"


def connected(principal: Principal) -> None:
    """A connection opened: a running grace timer of this agent is stopped."""
    timer = agents.presence_timer(principal.user_id)
    if timer is not None and agents.clear_presence_timer(principal.user_id, timer["timerId"]):
        workflows.stop(timer["executionArn"], "The agent reconnected.")


def disconnected(user_id: str) -> str | None:
    """A connection closed: when it was the agent's last and the agent is logged in, start the grace timer.
    Returns the timer id, if one was started."""
    if connections.connections_of(user_id):
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
    if connections.connections_of(agent_id):
        return {"agentId": agent_id, "outcome": "reconnected"}
    before = agents.load_state(agent_id).state
    after = agent_state.mark_disconnected(agent_id)
    outcome = "away" if after.version != before.version else "unchanged"
    return {"agentId": agent_id, "outcome": outcome, "status": after.status.value}
