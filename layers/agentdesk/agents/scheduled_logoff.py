"""The automatic logoff at midnight in a site's time zone: the state machine finds who is logged in at the
site and logs each agent off with reason AUTO."""

from __future__ import annotations

from typing import Any

from agentdesk.agents import service as agent_state
from agentdesk.agents import store as agents


def find(site_id: str | None) -> dict[str, Any]:
    return {"siteId": site_id, "agentIds": agents.logged_in_at_site(site_id)}


def log_off(agent_id: str) -> dict[str, Any]:
    before = agents.load_state(agent_id).state
    after = agent_state.auto_logoff(agent_id)
    return {
        "agentId": agent_id,
        "from": before.status.value,
        "status": after.status.value,
        "pending": after.pending is not None,
    }
