"""What the agent-state commands and the publisher need to know of the configuration — pause codes, user
profiles (team, site) and who supervises whom — as one `Directory` snapshot per configuration version,
kept by a warm function.

Every config write bumps the configuration version in its own transaction (store/config.py). A reader
reads that version (a command: in the same round trip as the agent's state; the publisher: once per batch
of records) and asks `at(version)` for the directory: the cached one when it was loaded at exactly that
version, otherwise a fresh one, loaded with strongly consistent reads *after* the version was read.

Consistency: a directory is never older than the version it is labelled with. DynamoDB commits a
transaction's items together, so once a strongly consistent read returns version n, reads made afterwards
see every write up to n (the load may also see later writes; it is then simply reloaded on the next read
of the version). Hence a command never acts on configuration older than the version it read in the same
round trip as the state it decides on. A table that never saw a config write has no version to key on:
its directory is loaded on every read, never cached.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from agentdesk.agents import domain
from agentdesk.config import store as config_store
from agentdesk.config.contracts import PauseCode, Skill, Team, User
from agentdesk.config.domain import access
from agentdesk.config.store import ConfigVersion
from agentdesk.kernel.aws import endpoint
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.settings import get_settings


@dataclass(frozen=True)
class AgentProfile:
    agent_id: str
    name: str
    team_id: str | None
    site_id: str | None
    role: Role = Role.AGENT
    enabled: bool = True
    capacity: int = domain.DEFAULT_CAPACITY  # maxConcurrent
    skills: tuple[tuple[str, int], ...] = ()  # (skill id, proficiency 1-5)
    auto_answer: str = "agent"  # on | off | agent (the agent chooses)


@dataclass(frozen=True)
class Directory:
    """The configuration as of one version; what depends on several items (who supervises whom) is worked
    out once, when the directory is loaded."""

    version: ConfigVersion
    pause_codes: Mapping[str, domain.PauseCode]  # the configured codes over the system's own
    profiles: Mapping[str, AgentProfile]  # every user (agent, supervisor, admin) by id
    supervisors: Mapping[str, frozenset[str]] = field(default_factory=dict)  # user id -> their team's supervisors
    supervised: Mapping[str, frozenset[str]] = field(default_factory=dict)  # supervisor id -> users of their teams
    deleted: frozenset[str] = frozenset()  # ids of deleted users (their profiles are archived)
    skill_names: Mapping[str, str] = field(default_factory=dict)  # skill id -> name (the wallboard's skills)

    def authorize(self, claimed: Principal) -> Principal:
        """The caller as this directory has them (role, name), or UNAUTHORIZED when deleted or disabled."""
        profile = self.profiles.get(claimed.user_id)
        standing = access.Standing(profile.role, profile.name, profile.enabled) if profile else None
        return access.authorize(claimed, standing, deleted=claimed.user_id in self.deleted)

    def profile(self, user_id: str) -> AgentProfile | None:
        return self.profiles.get(user_id)

    def site_of(self, agent_id: str) -> str | None:
        profile = self.profiles.get(agent_id)
        return profile.site_id if profile else None

    def supervisors_of(self, agent_id: str) -> frozenset[str]:
        """User ids of the supervisors of the agent's team (empty when the agent has no team)."""
        return self.supervisors.get(agent_id, frozenset())

    def can_supervise(self, principal: Principal, agent_id: str) -> bool:
        """Admins supervise every user; supervisors the users of the teams that list them."""
        if principal.role is Role.ADMIN:
            return agent_id in self.profiles
        if principal.role is Role.SUPERVISOR:
            return agent_id in self.supervised.get(principal.user_id, frozenset())
        return False

    def agents_visible_to(self, principal: Principal) -> list[AgentProfile]:
        """The enabled agents on the principal's wallboard, by name."""
        agents = [p for p in self.profiles.values() if p.role is Role.AGENT and p.enabled]
        if principal.role is not Role.ADMIN:
            mine = self.supervised.get(principal.user_id, frozenset())
            agents = [p for p in agents if p.agent_id in mine]
        return sorted(agents, key=lambda p: p.name)


def build(
    version: ConfigVersion,
    codes: Iterable[PauseCode],
    users: Iterable[User],
    teams: Iterable[Team],
    deleted: Iterable[str] = (),
    skills: Iterable[Skill] = (),
) -> Directory:
    """The directory of these pause codes, users and teams (no I/O: `load` reads them)."""
    configured = {
        code.id: domain.PauseCode(
            id=code.id,
            label=code.label,
            status=domain.Status(str(code.status)),
            productive=code.productive,
            enabled=code.enabled,
            system=code.system,
        )
        for code in codes
    }
    # A configured Wrap-up or Disconnected relabels the system's own code.
    pause_codes = {**domain.SYSTEM_PAUSE_CODES, **configured}
    profiles = {
        u.id: AgentProfile(
            u.id,
            u.name,
            u.teamId,
            u.siteId,
            Role(str(u.role)),
            u.enabled,
            capacity=u.maxConcurrent,
            skills=tuple((level.skillId, level.proficiency) for level in u.skills),
            auto_answer=str(u.autoAnswer),
        )
        for u in users
    }
    team_supervisors = {t.id: frozenset(t.supervisorIds) for t in teams}
    supervisors: dict[str, frozenset[str]] = {}
    supervised: dict[str, set[str]] = {}
    for profile in profiles.values():
        leads = team_supervisors.get(profile.team_id or "", frozenset())
        if leads:
            supervisors[profile.agent_id] = leads
        for lead in leads - {profile.agent_id}:
            supervised.setdefault(lead, set()).add(profile.agent_id)
    return Directory(
        version=version,
        pause_codes=MappingProxyType(pause_codes),
        profiles=MappingProxyType(profiles),
        supervisors=MappingProxyType(supervisors),
        supervised=MappingProxyType({lead: frozenset(ids) for lead, ids in supervised.items()}),
        deleted=frozenset(deleted),
        skill_names=MappingProxyType({skill.id: skill.name for skill in skills}),
    )


def load(version: ConfigVersion) -> Directory:
    """Read the directory now (five strongly consistent queries: pause codes, users, teams, deleted users,
    skills)."""
    return build(
        version,
        config_store.pause_codes(),
        config_store.agent_profiles(),
        config_store.teams(),
        config_store.deleted_user_ids(),
        config_store.skills(),
    )


# The warm function's directory and what it was loaded from: (table, region, endpoint, number, change id).
_cached: tuple[tuple[object, ...], Directory] | None = None


def at(version: ConfigVersion) -> Directory:
    """The directory at `version` (just read from the config table): the cached one if it was loaded at
    exactly this version of this table, else loaded now and kept for the next command."""
    global _cached
    settings = get_settings()
    key = (settings.require("config_table"), settings.region, endpoint(), version.number, version.change_id)
    cached = _cached
    if version.change_id is not None and cached is not None and cached[0] == key:
        return cached[1]
    loaded = load(version)
    if version.change_id is not None:
        _cached = (key, loaded)  # one assignment: a thread reading `_cached` sees the old pair or the new
    return loaded


def version_key() -> tuple[str, dict[str, Any]]:
    """Where the configuration version lives (table, key in wire format), for a store that reads it in one
    batch with its own items (the agent-state commands: state and version in one round trip)."""
    return config_store.version_key()


def version_of(raw: dict[str, Any] | None) -> ConfigVersion:
    """The version from the item that batch returned (None: not found)."""
    return config_store.version_of(raw)


def current() -> Directory:
    """The directory as of now: one read of the configuration version, and a reload only if it moved."""
    return at(config_store.current_version())


def forget() -> None:
    """Drop the cached directory (the next reader loads one)."""
    global _cached
    _cached = None


# --- one-off readers (each reads the configuration version; prefer one `Directory` per command) ------------


def pause_codes() -> Mapping[str, domain.PauseCode]:
    """Configured codes over the system's own (a configured Wrap-up or Disconnected relabels the system's)."""
    return current().pause_codes


def agent_profile(agent_id: str) -> AgentProfile | None:
    return current().profile(agent_id)


def supervisors_of(agent_id: str) -> set[str]:
    """User ids of the supervisors of the agent's team (empty when the agent has no team)."""
    return set(current().supervisors_of(agent_id))


def can_supervise(principal: Principal, agent_id: str) -> bool:
    return current().can_supervise(principal, agent_id)


def agents_visible_to(principal: Principal) -> list[AgentProfile]:
    return current().agents_visible_to(principal)


def presence_grace_seconds() -> int:
    return int(config_store.workspace_settings().presenceGraceSeconds)


def auto_logoff_at_midnight() -> bool:
    """Whether the settings' midnight logoff is on (read consistently: a switch-off holds at once)."""
    return bool(config_store.workspace_settings(consistent=True).autoLogoffAtMidnight)


def site_time_zone(site_id: str) -> str | None:
    """The site's IANA time zone, read consistently; None when the site does not exist (any more)."""
    site = config_store.site(site_id)
    return site.timeZone if site else None


def site_time_zones() -> dict[str, str]:
    """Every site's time zone by site id."""
    return {site.id: site.timeZone for site in config_store.sites()}


def default_time_zone() -> str:
    """The time zone of agents without a site (the settings' default), read consistently."""
    return str(config_store.workspace_settings(consistent=True).defaultTimeZone)
