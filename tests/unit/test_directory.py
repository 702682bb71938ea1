"""The directory a warm function keeps per configuration version: who supervises whom, the wallboard's
scope and the pause codes, the queues as routing and wrap-up apply them, canned messages and tags, worked
out once from the configuration (no AWS here)."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

import pytest

from agentdesk.agents import domain
from agentdesk.config.contracts import (
    CannedMessage,
    DispositionSet,
    PauseCode,
    Queue,
    Tag,
    Team,
    User,
    WorkspaceSettings,
)
from agentdesk.config.directory import Directory, QueueRules, build
from agentdesk.config.store import ConfigVersion
from agentdesk.kernel.identity import Principal, Role

STORED = {"version": 1, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}


def user(user_id: str, role: str, team: str | None = None, site: str | None = None, name: str = "") -> User:
    fields: dict[str, Any] = {"id": user_id, "username": user_id, "email": f"{user_id}@example.com"}
    fields |= {"name": name or user_id.title(), "role": role, "teamId": team, "siteId": site}
    return User.model_validate(fields | STORED)


def team(team_id: str, *supervisors: str) -> Team:
    return Team.model_validate({"id": team_id, "name": team_id, "supervisorIds": list(supervisors)} | STORED)


def principal(user_id: str, role: Role) -> Principal:
    return Principal(user_id, user_id, user_id.title(), f"{user_id}@example.com", role)


DIRECTORY = build(
    ConfigVersion(7, "cfg_1"),
    [
        PauseCode.model_validate({"id": "lunch", "label": "Lunch", "status": "Away", "enabled": False} | STORED),
        PauseCode.model_validate(
            {"id": "wrap-up", "label": "After call", "status": "Busy", "productive": True, "system": True} | STORED
        ),
    ],
    [
        user("ana", "agent", "care", "london", name="Ana"),
        user("ben", "agent", "sales", "madrid", name="Ben"),
        user("cat", "agent", None, None, name="Cat"),
        user("dan", "agent", "gone", None, name="Dan"),  # a team that no longer exists
        user("sam", "supervisor", "care"),  # a supervisor in the team they lead
        user("sue", "supervisor"),
        user("ada", "admin"),
    ],
    [team("care", "sam"), team("sales", "sue", "sam")],
)


def test_supervisors_by_agent() -> None:
    assert DIRECTORY.supervisors_of("ana") == {"sam"}
    assert DIRECTORY.supervisors_of("ben") == {"sam", "sue"}
    assert DIRECTORY.supervisors_of("cat") == frozenset()
    assert DIRECTORY.supervisors_of("dan") == frozenset()
    assert DIRECTORY.supervisors_of("nobody") == frozenset()


def test_scope_of_supervisors_and_admins() -> None:
    sam, sue, ada = principal("sam", Role.SUPERVISOR), principal("sue", Role.SUPERVISOR), principal("ada", Role.ADMIN)
    assert {a for a in ("ana", "ben", "cat", "sam") if DIRECTORY.can_supervise(sam, a)} == {"ana", "ben"}
    assert {a for a in ("ana", "ben", "cat") if DIRECTORY.can_supervise(sue, a)} == {"ben"}
    assert all(DIRECTORY.can_supervise(ada, a) for a in ("ana", "cat", "sam"))
    assert not DIRECTORY.can_supervise(ada, "nobody")
    assert not DIRECTORY.can_supervise(principal("ana", Role.AGENT), "ben")
    assert [p.agent_id for p in DIRECTORY.agents_visible_to(sam)] == ["ana", "ben"]
    assert [p.agent_id for p in DIRECTORY.agents_visible_to(ada)] == ["ana", "ben", "cat", "dan"]


def test_profiles_and_pause_codes() -> None:
    assert DIRECTORY.site_of("ana") == "london" and DIRECTORY.site_of("nobody") is None
    assert DIRECTORY.pause_codes["lunch"].enabled is False
    # a configured system code relabels the system's own; the others stay
    assert DIRECTORY.pause_codes["wrap-up"].label == "After call"
    assert set(domain.SYSTEM_PAUSE_CODES) <= set(DIRECTORY.pause_codes)


# --- routing and wrap-up ----------------------------------------------------------------------------------


def queue(queue_id: str, **fields: Any) -> Queue:
    return Queue.model_validate({"id": queue_id, "name": queue_id.title()} | fields | STORED)


def assigned(user_id: str, *queue_ids: str, enabled: bool = True, role: str = "agent") -> User:
    fields: dict[str, Any] = {"id": user_id, "username": user_id, "email": f"{user_id}@example.com", "name": user_id}
    fields |= {"role": role, "queueIds": list(queue_ids), "enabled": enabled}
    return User.model_validate(fields | STORED)


SERVICE = DispositionSet.model_validate(
    {
        "id": "service",
        "name": "Service",
        "outcomes": {"Success": ["Resolved"], "Unsure": ["Follow-up needed", "Escalated"], "Fail": ["Not resolved"]},
    }
    | STORED
)
SALES = DispositionSet.model_validate(
    {"id": "sales", "name": "Sales", "outcomes": {"Success": ["Sale"], "Unsure": ["Callback"], "Fail": ["No"]}} | STORED
)
SETTINGS = WorkspaceSettings(
    version=3,
    defaultWrapUpTimeoutSeconds=90,
    defaultOfferTimeoutSeconds=25,
    generalQueueId="general",
    defaultDispositionSetId="service",
)
ROUTING = build(
    ConfigVersion(8, "cfg_2"),
    [],
    [
        assigned("zoe", "general", "billing"),
        assigned("ana", "billing"),
        assigned("off", "billing", enabled=False),
        assigned("sam", "billing", role="supervisor"),
        assigned("ben", "sales"),
    ],
    [],
    queues=[
        queue("general"),
        queue("billing", requiredSkillId="skill-billing", slaTargetSeconds=15, wrapUpTimeoutSeconds=300),
        queue("sales", offerTimeoutSeconds=10, dispositionSetId="sales"),
        queue("chat-only", dispositionsEnabled=False),
    ],
    disposition_sets=[SERVICE, SALES],
    canned_messages=[
        CannedMessage.model_validate({"id": "m-hi", "title": "Greeting", "body": "Hi {{contact.firstName}}"} | STORED),
        CannedMessage.model_validate(
            {"id": "m-bill", "title": "Account", "body": "Account found", "queueId": "billing"} | STORED
        ),
        CannedMessage.model_validate({"id": "m-bye", "title": "closing", "body": "Bye"} | STORED),
    ],
    tags=[
        Tag.model_validate({"id": "t-vip", "label": "VIP", "color": "purple"} | STORED),
        Tag.model_validate({"id": "t-old", "label": "Follow-up", "enabled": False} | STORED),
    ],
    settings=SETTINGS,
)


def test_a_queue_takes_the_settings_defaults_it_leaves_open() -> None:
    general = ROUTING.queue("general")
    assert general == QueueRules(
        queue_id="general",
        name="General",
        required_skill_id=None,
        sla_target_seconds=20,
        wrap_up_timeout_seconds=90,
        offer_timeout_seconds=25,
        dispositions_enabled=True,
        disposition_set_id="service",
        outcomes={"Success": ("Resolved",), "Unsure": ("Follow-up needed", "Escalated"), "Fail": ("Not resolved",)},
    )
    billing = ROUTING.queue("billing")
    assert billing is not None
    assert (billing.required_skill_id, billing.sla_target_seconds) == ("skill-billing", 15)
    assert (billing.wrap_up_timeout_seconds, billing.offer_timeout_seconds) == (300, 25)
    sales = ROUTING.queue("sales")
    assert sales is not None and sales.offer_timeout_seconds == 10 and sales.wrap_up_timeout_seconds == 90
    assert (sales.disposition_set_id, sales.outcomes["Success"]) == ("sales", ("Sale",))
    assert ROUTING.queue("nowhere") is None
    assert ROUTING.general_queue_id == "general"


def test_a_queue_without_dispositions_has_no_set_and_accepts_none() -> None:
    chat = ROUTING.queue("chat-only")
    assert chat is not None
    assert (chat.dispositions_enabled, chat.disposition_set_id, dict(chat.outcomes)) == (False, None, {})
    assert not chat.accepts("Success", "Resolved")


def test_an_outcome_is_accepted_only_under_its_category() -> None:
    general = ROUTING.queue("general")
    assert general is not None
    assert general.accepts("Success", "Resolved") and general.accepts("Unsure", "  escalated ")
    assert not general.accepts("Fail", "Resolved")
    assert not general.accepts("Maybe", "Resolved")
    assert not general.accepts("Unsure", "No agent submission")  # the system's alone


def test_without_any_disposition_set_the_category_decides() -> None:
    bare = build(ConfigVersion(1, "c"), [], [], [], queues=[queue("q")])
    rules = bare.queue("q")
    assert rules is not None and rules.disposition_set_id is None and dict(rules.outcomes) == {}
    assert rules.accepts("Fail", "Customer hung up") and not rules.accepts("Fail", " ")
    assert bare.general_queue_id is None
    assert (rules.wrap_up_timeout_seconds, rules.offer_timeout_seconds) == (120, 30)  # the settings' own defaults


def test_the_agents_of_a_queue_are_the_enabled_users_assigned_to_it() -> None:
    assert [p.agent_id for p in ROUTING.agents_in_queue("billing")] == ["ana", "sam", "zoe"]
    assert [p.agent_id for p in ROUTING.agents_in_queue("general")] == ["zoe"]
    assert ROUTING.agents_in_queue("nowhere") == []
    assert ROUTING.profile("zoe") is not None and ROUTING.profile("zoe").queue_ids == ("general", "billing")  # type: ignore[union-attr]


def test_canned_messages_and_tags() -> None:
    assert ROUTING.canned_messages["m-bill"].queue_id == "billing"
    assert ROUTING.canned_messages["m-hi"].body == "Hi {{contact.firstName}}"
    assert [m.id for m in ROUTING.canned_messages_for("billing")] == ["m-bill", "m-bye", "m-hi"]
    assert [m.id for m in ROUTING.canned_messages_for("sales")] == ["m-bye", "m-hi"]
    assert [m.id for m in ROUTING.canned_messages_for(None)] == ["m-bye", "m-hi"]
    vip = ROUTING.tags["t-vip"]
    assert (vip.label, vip.color, vip.enabled) == ("VIP", "purple", True)
    assert ROUTING.tag_labelled(" vip ") == vip
    assert ROUTING.tag_labelled("follow-UP") == ROUTING.tags["t-old"]
    assert ROUTING.tag_labelled("Refund") is None


def test_the_directory_is_frozen_all_the_way_down() -> None:
    rules = ROUTING.queue("general")
    assert rules is not None
    for frozen in (ROUTING, rules, ROUTING.tags["t-vip"], ROUTING.canned_messages["m-hi"]):
        with pytest.raises(dataclasses.FrozenInstanceError):
            frozen.__setattr__("name", "x")
    for mapping in (ROUTING.queues, ROUTING.canned_messages, ROUTING.tags, rules.outcomes):
        assert isinstance(mapping, MappingProxyType)
    assert isinstance(rules.outcomes["Success"], tuple)
    assert isinstance(ROUTING, Directory)
