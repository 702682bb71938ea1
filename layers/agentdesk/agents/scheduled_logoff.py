"""The automatic logoff at midnight in a site's time zone: the state machine finds who is logged in at the
site and logs each agent off with reason AUTO. Both steps do nothing while the settings'
`autoLogoffAtMidnight` is off (the schedules are disabled then; this covers a run already started)."""

from __future__ import annotations

from typing import Any

from agentdesk.agents import service as agent_state
from agentdesk.agents import store as agents
from agentdesk.config import directory

SWITCHED_OFF = "autoLogoffAtMidnight is off"


def find(site_id: str | None) -> dict[str, Any]:
    if not directory.auto_logoff_at_midnight():
        return {"siteId": site_id, "agentIds": [], "skipped": SWITCHED_OFF}
    return {"siteId": site_id, "agentIds": agents.logged_in_at_site(site_id)}


def log_off(agent_id: str) -> dict[str, Any]:
    before = agents.load_state(agent_id).state
    if not directory.auto_logoff_at_midnight():
        return {
            "agentId": agent_id,
            "from": before.status.value,
            "status": before.status.value,
            "skipped": SWITCHED_OFF,
        }
    after = agent_state.auto_logoff(agent_id)
    return {
        "agentId": agent_id,
        "from": before.status.value,
        "status": after.status.value,
        "pending": after.pending is not None,
    }
