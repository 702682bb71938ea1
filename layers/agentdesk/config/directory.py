"""What the agent-state commands, the publisher, routing and wrap-up need to know of the configuration —
pause codes, user profiles (team, site, skills, queues), who supervises whom, queues with their resolved
timeouts and disposition outcomes, canned messages and tags — as one `Directory` snapshot per configuration
version, kept by a warm function.

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
from agentdesk.config.contracts import (
    CannedMessage,
    DispositionSet,
    PauseCode,
    Queue,
    Skill,
    Tag,
    Team,
    User,
    WorkspaceSettings,
)
from agentdesk.config.domain import access
from agentdesk.config.domain.rules import SETTINGS_ID, DispositionCategory, Kind, name_key
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
    queue_ids: tuple[str, ...] = ()  # the queues the user takes interactions from (admin's "assign to queues")


@dataclass(frozen=True)
class QueueRules:
    """A queue as routing and wrap-up apply it: the settings' defaults already filled in."""

    queue_id: str
    name: str
    required_skill_id: str | None
    sla_target_seconds: int
    wrap_up_timeout_seconds: int  # the queue's, else the settings' defaultWrapUpTimeoutSeconds
    offer_timeout_seconds: int  # the queue's, else the settings' defaultOfferTimeoutSeconds
    dispositions_enabled: bool
    disposition_set_id: str | None  # the queue's, else the settings' default; None when dispositions are off
    # The outcomes an agent may pick, by category (Success, Unsure, Fail); empty when there is no set. The
    # system's "No agent submission" is never listed: only the wrap-up timeout writes it.
    outcomes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    web_chat: bool = False  # customers may open a chat here from the public chat page
    topic_label: str | None = None  # what the chat page calls it (None: the name)

    def accepts(self, category: str, outcome: str) -> bool:
        """Whether an agent may submit this category and outcome here (outcomes compare as names). Without a
        disposition set any outcome of a known category is taken as the agent wrote it."""
        if not self.dispositions_enabled or category not in set(DispositionCategory):
            return False
        if self.disposition_set_id is None or not self.outcomes:
            return bool(outcome.strip())
        return name_key(outcome) in {name_key(o) for o in self.outcomes.get(category, ())}


@dataclass(frozen=True)
class CannedText:
    """A canned message: its text with variables (fill with `config.domain.rules.fill_variables`)."""

    id: str
    title: str
    body: str
    queue_id: str | None  # offered only in this queue; None: everywhere


@dataclass(frozen=True)
class TagRule:
    """A predefined interaction tag."""

    tag_id: str
    label: str
    color: str | None  # a palette name (rules.TAG_COLORS) or "#rrggbb"
    enabled: bool = True


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
    queues: Mapping[str, QueueRules] = field(default_factory=dict)
    canned_messages: Mapping[str, CannedText] = field(default_factory=dict)
    tags: Mapping[str, TagRule] = field(default_factory=dict)  # by tag id
    general_queue_id: str | None = None  # where routing falls back when no skilled agent is available

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

    def queue(self, queue_id: str) -> QueueRules | None:
        return self.queues.get(queue_id)

    def agents_in_queue(self, queue_id: str) -> list[AgentProfile]:
        """The enabled users assigned to the queue (their profile's queueIds), by id. Whether each may take
        work now (logged in, free capacity, skill) is the agent state's and routing's to decide."""
        assigned = [p for p in self.profiles.values() if p.enabled and queue_id in p.queue_ids]
        return sorted(assigned, key=lambda p: p.agent_id)

    def canned_messages_for(self, queue_id: str | None) -> list[CannedText]:
        """The canned messages offered in a queue (its own and those for every queue), by title."""
        offered = [m for m in self.canned_messages.values() if m.queue_id is None or m.queue_id == queue_id]
        return sorted(offered, key=lambda m: (name_key(m.title), m.id))

    def tag_labelled(self, label: str) -> TagRule | None:
        """The predefined tag with this label (case and spacing ignored), enabled or not."""
        key = name_key(label)
        return next((tag for tag in self.tags.values() if name_key(tag.label) == key), None)


def queue_rules(queue: Queue, settings: WorkspaceSettings, sets: Mapping[str, DispositionSet]) -> QueueRules:
    """A queue with the settings' defaults filled in and its disposition set's outcomes."""
    set_id = (queue.dispositionSetId or settings.defaultDispositionSetId) if queue.dispositionsEnabled else None
    found = sets.get(set_id) if set_id else None
    outcomes: dict[str, tuple[str, ...]] = {}
    if found is not None:
        by_category = found.outcomes.model_dump()
        outcomes = {category.value: tuple(by_category[category.value]) for category in DispositionCategory}
    return QueueRules(
        queue_id=queue.id,
        name=queue.name,
        required_skill_id=queue.requiredSkillId,
        sla_target_seconds=queue.slaTargetSeconds,
        wrap_up_timeout_seconds=queue.wrapUpTimeoutSeconds or settings.defaultWrapUpTimeoutSeconds,
        offer_timeout_seconds=queue.offerTimeoutSeconds or settings.defaultOfferTimeoutSeconds,
        dispositions_enabled=queue.dispositionsEnabled,
        disposition_set_id=set_id,
        outcomes=MappingProxyType(outcomes),
        web_chat=queue.webChat,
        topic_label=queue.topicLabel,
    )


def build(
    version: ConfigVersion,
    codes: Iterable[PauseCode],
    users: Iterable[User],
    teams: Iterable[Team],
    deleted: Iterable[str] = (),
    skills: Iterable[Skill] = (),
    *,
    queues: Iterable[Queue] = (),
    disposition_sets: Iterable[DispositionSet] = (),
    canned_messages: Iterable[CannedMessage] = (),
    tags: Iterable[Tag] = (),
    settings: WorkspaceSettings | None = None,
) -> Directory:
    """The directory of this configuration (no I/O: `load` reads it)."""
    settings = settings or WorkspaceSettings(version=0)
    sets = {found.id: found for found in disposition_sets}
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
            queue_ids=tuple(u.queueIds),
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
        queues=MappingProxyType({q.id: queue_rules(q, settings, sets) for q in queues}),
        canned_messages=MappingProxyType({m.id: CannedText(m.id, m.title, m.body, m.queueId) for m in canned_messages}),
        tags=MappingProxyType({t.id: TagRule(t.id, t.label, t.color, t.enabled) for t in tags}),
        general_queue_id=settings.generalQueueId,
    )


# What the directory is built from: one strongly consistent Scan of these partitions (and the deleted users).
LOADED_KINDS = (
    Kind.PAUSE_CODE,
    Kind.USER,
    Kind.TEAM,
    Kind.SKILL,
    Kind.QUEUE,
    Kind.DISPOSITION_SET,
    Kind.CANNED_MESSAGE,
    Kind.TAG,
    Kind.SETTINGS,
)


def load(version: ConfigVersion) -> Directory:
    """Read the directory now: one strongly consistent Scan of the config table, filtered to the kinds it
    holds (pages of 1 MB: one request for any ordinary contact centre)."""
    found = config_store.snapshot(LOADED_KINDS, deleted_users=True)
    settings_records = [r for r in found.records.get(Kind.SETTINGS, []) if r.id == SETTINGS_ID]
    settings = settings_records[0].to(WorkspaceSettings) if settings_records else WorkspaceSettings(version=0)
    return build(
        version,
        found.of(Kind.PAUSE_CODE, PauseCode),
        found.of(Kind.USER, User),
        found.of(Kind.TEAM, Team),
        found.deleted_user_ids,
        found.of(Kind.SKILL, Skill),
        queues=found.of(Kind.QUEUE, Queue),
        disposition_sets=found.of(Kind.DISPOSITION_SET, DispositionSet),
        canned_messages=found.of(Kind.CANNED_MESSAGE, CannedMessage),
        tags=found.of(Kind.TAG, Tag),
        settings=settings,
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
