"""Presence: when an agent's last connection closes, a grace timer (the presence state machine) starts;
if the agent is still disconnected and Available when it fires, the agent goes Away / Disconnected.
Reconnecting first stops the timer. Each timer has an id; only the agent's current timer may act.

"Still connected" means a connection that can still be open: a connection record outlives its socket when
its $disconnect never ran or failed, and such a leftover must not keep an agent connected for good.
"""

from __future__ import annotations

from typing import Any

from agentdesk.domain.identity import Principal
from agentdesk.platform import clock, ids, push, workflows
from agentdesk.services import agent_state
from agentdesk.store import agents, connections, directory

STATE_MACHINE = "presence"

# $connect records a connection before API Gateway has finished opening it (the route may take up to its
# 29 s timeout), and until then the management API does not know it: a record this young counts as open.
OPENING_SECONDS = 30


def still_opening(connection: connections.Connection) -> bool:
    """Recorded by $connect so recently that API Gateway may not know the connection yet."""
    return clock.now().timestamp() - float(connection.connected_epoch) < OPENING_SECONDS


def live_connections(user_id: str) -> list[connections.Connection]:
    """The user's connections that can still be open. Not counted: a record past its `expiresAt` (API Gateway
    closes every connection within the connection TTL; DynamoDB deletes expired items only eventually), and a
    record whose socket API Gateway reports gone (its $disconnect never ran or failed)."""
    now = clock.now()
    live = []
    for connection in connections.connections_of(user_id):
        if connection.expires_at is not None and connection.expires_at <= now:
            continue
        if not still_opening(connection) and not push.is_open(connection.connection_id):
            continue
        live.append(connection)
    return live


def connected(principal: Principal) -> None:
    """A connection opened: a running grace timer of this agent is stopped."""
    timer = agents.presence_timer(principal.user_id)
    if timer is not None and agents.clear_presence_timer(principal.user_id, timer["timerId"]):
        workflows.stop(timer["executionArn"], "The agent reconnected.")


def disconnected(user_id: str) -> str | None:
    """A connection closed: when it was the agent's last and the agent is logged in, start the grace timer.
    Returns the timer id, if one was started."""
    if live_connections(user_id):
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
    if live_connections(agent_id):
        return {"agentId": agent_id, "outcome": "reconnected"}
    before = agents.load_state(agent_id).state
    after = agent_state.mark_disconnected(agent_id)
    outcome = "away" if after.version != before.version else "unchanged"
    return {"agentId": agent_id, "outcome": outcome, "status": after.status.value}
