"""What the agent-state commands and the publisher need to know of the configuration: pause codes, agent
profiles and who supervises whom, as domain values (reads through the config store's typed readers)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agentdesk.domain import agent_state as domain
from agentdesk.domain.identity import Principal, Role
from agentdesk.store import config as config_store


@dataclass(frozen=True)
class AgentProfile:
    agent_id: str
    name: str
    team_id: str | None
    site_id: str | None


def pause_codes() -> Mapping[str, domain.PauseCode]:
    """Configured codes over the system's own (a configured Wrap-up or Disconnected relabels the system's)."""
    configured = {
        code.id: domain.PauseCode(
            id=code.id,
            label=code.label,
            status=domain.Status(str(code.status)),
            productive=code.productive,
            enabled=code.enabled,
            system=code.system,
        )
        for code in config_store.pause_codes()
    }
    return {**domain.SYSTEM_PAUSE_CODES, **configured}


def agent_profile(agent_id: str) -> AgentProfile | None:
    user = config_store.agent_profile(agent_id)
    return AgentProfile(user.id, user.name, user.teamId, user.siteId) if user else None


def supervisors_of(agent_id: str) -> set[str]:
    """User ids of the supervisors of the agent's team (empty when the agent has no team)."""
    return set(config_store.supervisors_of_agent(agent_id))


def can_supervise(principal: Principal, agent_id: str) -> bool:
    """Admins supervise every agent; supervisors the agents of the teams that list them."""
    if principal.role is Role.ADMIN:
        return config_store.agent_profile(agent_id) is not None
    if principal.role is Role.SUPERVISOR:
        return agent_id in config_store.supervised_agent_ids(principal.user_id)
    return False


def agents_visible_to(principal: Principal) -> list[AgentProfile]:
    """The agents on the principal's wallboard, by name."""
    if principal.role is Role.ADMIN:
        users = [u for u in config_store.agent_profiles() if str(u.role) == Role.AGENT.value]
    else:
        team_ids = {t.id for t in config_store.teams_supervised_by(principal.user_id)}
        users = [u for u in config_store.agent_profiles() if u.teamId in team_ids and str(u.role) == Role.AGENT.value]
    return sorted((AgentProfile(u.id, u.name, u.teamId, u.siteId) for u in users), key=lambda p: p.name)


def presence_grace_seconds() -> int:
    return int(config_store.workspace_settings().presenceGraceSeconds)
