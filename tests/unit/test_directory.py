"""The directory a warm function keeps per configuration version: who supervises whom, the wallboard's
scope and the pause codes, worked out once from the users, teams and pause codes (no AWS here)."""

from __future__ import annotations

from typing import Any

from agentdesk.agents import domain
from agentdesk.config.contracts import PauseCode, Team, User
from agentdesk.config.directory import build
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
