"""The authorization matrix, as a table: every WebSocket action and every HTTP route by every role by the
agent acted on (self, an agent of a team the caller supervises, an agent of another team) by the caller's
standing in the directory (active, deleted, disabled, demoted to agent) — against the real handlers.

Each caller holds a token naming the role they were created with; what they may do follows the directory:
a deleted or disabled caller is UNAUTHORIZED everywhere, a demoted one acts as an agent. A refusal changes
nothing (the agents and events tables are compared before and after). An allowed call may still be refused
by the rules of the state (NOT_LOGGED_IN, INVALID_TRANSITION, NOT_FOUND...): that is not an access answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from agentdesk.config import directory
from agentdesk.config.api import route_table
from agentdesk.kernel.identity import Principal, Role, at_least
from agentdesk.realtime.dispatch import ACTIONS
from tests.integration.centre import send_frame
from tests.integration.conftest import AwsStack, HttpClient, build_http_event, call_http

OK, FORBIDDEN, UNAUTHORIZED = "ok", "FORBIDDEN", "UNAUTHORIZED"
STANDINGS = ("active", "deleted", "disabled", "demoted")
GROUPS = {Role.AGENT: "agents", Role.SUPERVISOR: "supervisors", Role.ADMIN: "admins"}
A, S, D = Role.AGENT, Role.SUPERVISOR, Role.ADMIN

# --- the table -------------------------------------------------------------------------------------------
# action -> target -> the answer for each role *as the directory has it* (agent, supervisor, admin).
# Targets: "-" (the action names no agent), "self", "team" (an agent of a team the caller supervises; for an
# agent caller, a teammate), "other" (an agent of a team the caller does not supervise).
WS_MATRIX: dict[str, dict[str, tuple[str, str, str]]] = {
    "whoami": {"-": (OK, OK, OK)},
    "ping": {"-": (OK, OK, OK)},
    "listAgentStates": {"-": (FORBIDDEN, OK, OK)},
    "login": {"self": (OK, OK, OK), "team": (FORBIDDEN,) * 3, "other": (FORBIDDEN,) * 3},
    "logoff": {"self": (OK, OK, OK), "team": (FORBIDDEN,) * 3, "other": (FORBIDDEN,) * 3},
    "setStatus": {"self": (OK, OK, OK), "team": (FORBIDDEN,) * 3, "other": (FORBIDDEN,) * 3},
    "getState": {"self": (OK, OK, OK), "team": (FORBIDDEN, OK, OK), "other": (FORBIDDEN, FORBIDDEN, OK)},
    # a supervisor does not supervise themselves; admins supervise everyone
    "forceStatus": {
        "self": (FORBIDDEN, FORBIDDEN, OK),
        "team": (FORBIDDEN, OK, OK),
        "other": (FORBIDDEN, FORBIDDEN, OK),
    },
    "forceLogoff": {
        "self": (FORBIDDEN, FORBIDDEN, OK),
        "team": (FORBIDDEN, OK, OK),
        "other": (FORBIDDEN, FORBIDDEN, OK),
    },
    # Interactions: every signed-in role may call them on interactions that are theirs (an unknown one is
    # NOT_FOUND, a rule's answer); what a customer alone may do (leave a chat, rate it) is FORBIDDEN to staff.
    **{
        name: {"-": (OK, OK, OK)}
        for name in (
            "accept",
            "reject",
            "sendMessage",
            "typing",
            "useCannedMessage",
            "addNote",
            "addTag",
            "removeTag",
            "endInteraction",
            "submitDisposition",
            "listInteractions",
            "getInteraction",
            "getPerformance",
            "setAutoAnswer",
            "transfer",
            "confirmTransfer",
            "cancelTransfer",
            "listTransferTargets",
        )
    },
    # supervisors and admins: queue statistics for the wallboard, hearing a conversation live
    "listQueueStats": {"-": (FORBIDDEN, OK, OK)},
    "listTeamInteractions": {"-": (FORBIDDEN, OK, OK)},
    "watchInteraction": {"-": (FORBIDDEN, OK, OK)},
    "unwatchInteraction": {"-": (FORBIDDEN, OK, OK)},
    # today's metrics: every role reads what it may see (an agent their own)
    "getMetricsToday": {"-": (OK, OK, OK)},
    "endChat": {"-": (FORBIDDEN,) * 3},
    "rate": {"-": (FORBIDDEN,) * 3},
    "getChat": {"-": (FORBIDDEN,) * 3},
}
NO_INTERACTION = {"interactionId": "int_none"}
FIELDS: dict[str, dict[str, Any]] = {
    "setStatus": {"status": "Available"},
    "forceStatus": {"status": "Available"},
    **dict.fromkeys(
        (
            "accept",
            "reject",
            "typing",
            "endInteraction",
            "getInteraction",
            "endChat",
            "rate",
            "confirmTransfer",
            "cancelTransfer",
            "listTransferTargets",
            "watchInteraction",
            "unwatchInteraction",
            "getChat",
        ),
        NO_INTERACTION,
    ),
    "transfer": {**NO_INTERACTION, "to": {"queueId": "queue-general"}, "mode": "blind"},
    "sendMessage": {**NO_INTERACTION, "text": "hello"},
    "useCannedMessage": {**NO_INTERACTION, "cannedMessageId": "canned-greeting"},
    "addNote": {**NO_INTERACTION, "text": "a note"},
    "addTag": {**NO_INTERACTION, "tag": "vip"},
    "removeTag": {**NO_INTERACTION, "tag": "vip"},
    "submitDisposition": {**NO_INTERACTION, "category": "Success", "outcome": "Resolved"},
    "setAutoAnswer": {"enabled": True},
}
FIELDS["rate"] = {**NO_INTERACTION, "score": 5}
ROLE_INDEX = {A: 0, S: 1, D: 2}


@dataclass(frozen=True)
class Caller:
    role: Role  # as their token says (the role they were created with)
    standing: str

    @property
    def username(self) -> str:
        return f"{self.role.value}-{self.standing}"

    @property
    def effective(self) -> Role:
        return Role.AGENT if self.standing == "demoted" else self.role


CALLERS = [Caller(role, standing) for role in (A, S, D) for standing in STANDINGS if (role, standing) != (A, "demoted")]


@dataclass
class World:
    aws: AwsStack
    ids: dict[str, str]  # username -> user id

    def principal(self, caller: Caller) -> Principal:
        name = caller.username
        return Principal(self.ids[name], name, name.title(), f"{name}@example.com", caller.role)

    def claims(self, caller: Caller) -> dict[str, str]:
        return self.aws.claims(self.ids[caller.username], GROUPS[caller.role], username=caller.username)

    def target(self, caller: Caller, target: str) -> str | None:
        return {"-": None, "self": self.ids[caller.username], "team": self.ids["cara"], "other": self.ids["sal"]}[
            target
        ]

    def snapshot(self) -> tuple[list[Any], list[Any]]:
        key = lambda item: json.dumps(item, sort_keys=True)  # noqa: E731
        return sorted(self.aws.scan("agents"), key=key), sorted(self.aws.scan("events"), key=key)


def _user(admin: HttpClient, username: str, role: Role, team: str | None = None) -> str:
    body = {"username": username, "name": username.title(), "email": f"{username}@example.com", "role": role.value}
    return str(admin.create("/api/users", {**body, "teamId": team, "sendInvitation": False})["id"])


def _put_user(admin: HttpClient, user_id: str, **changes: Any) -> None:
    current = admin.get(f"/api/users/{user_id}")
    fields = ("name", "email", "role", "teamId", "siteId", "skills", "maxConcurrent", "autoAnswer", "outboundQueueId")
    body = {k: current.body[k] for k in fields} | {"enabled": current.body["enabled"]} | changes
    assert admin.put(f"/api/users/{user_id}", body, etag=current.headers["etag"]).status == 200


def _put_team(admin: HttpClient, team_id: str, supervisors: list[str]) -> None:
    current = admin.get(f"/api/teams/{team_id}")
    body = {"name": current.body["name"], "description": "", "supervisorIds": supervisors}
    assert admin.put(f"/api/teams/{team_id}", body, etag=current.headers["etag"]).status == 200


@pytest.fixture(scope="module")
def world(aws_module: AwsStack) -> World:
    """Care (led by the active and the disabled supervisor; Cara and the agent callers) and Sales (led by Sly;
    Sal). Admins act through the config API as the first admin does (a Cognito admin with no profile)."""
    aws = aws_module
    admin = HttpClient(aws.claims("root-admin", "admins", username="root-admin"))
    care = admin.create("/api/teams", {"name": "Care"})["id"]
    sales = admin.create("/api/teams", {"name": "Sales"})["id"]
    ids: dict[str, str] = {}
    for caller in CALLERS:
        ids[caller.username] = _user(admin, caller.username, caller.role, care if caller.role is A else None)
    ids["cara"] = _user(admin, "cara", A, care)
    ids["sal"] = _user(admin, "sal", A, sales)
    ids["sly"] = _user(admin, "sly", S)
    _put_team(admin, care, [ids["supervisor-active"], ids["supervisor-disabled"]])
    _put_team(admin, sales, [ids["sly"]])
    for caller in CALLERS:
        user_id = ids[caller.username]
        if caller.standing == "deleted":
            assert admin.delete(f"/api/users/{user_id}").status == 204
        elif caller.standing == "disabled":
            _put_user(admin, user_id, enabled=False)
        elif caller.standing == "demoted":
            _put_user(admin, user_id, role="agent")
    directory.forget()
    return World(aws, ids)


def _ws_rows() -> list[tuple[Caller, str, str]]:
    return [(c, action, target) for c in CALLERS for action, row in WS_MATRIX.items() for target in row]


def test_the_table_covers_every_action() -> None:
    assert set(WS_MATRIX) == set(ACTIONS)


def expected_ws(caller: Caller, action: str, target: str) -> str:
    if caller.standing in ("deleted", "disabled"):
        return UNAUTHORIZED
    return WS_MATRIX[action][target][ROLE_INDEX[caller.effective]]


@pytest.mark.parametrize(
    ("caller", "action", "target"), _ws_rows(), ids=lambda v: v.username if isinstance(v, Caller) else str(v)
)
def test_websocket_actions(world: World, caller: Caller, action: str, target: str) -> None:
    principal = world.principal(caller)
    fields = dict(FIELDS.get(action, {}))
    agent_id = world.target(caller, target)
    if agent_id is not None:
        fields["agentId"] = agent_id
    before = world.snapshot()
    reply = send_frame(principal, action, **fields)
    answer = reply["code"] if reply["type"] == "error" and reply["code"] in (FORBIDDEN, UNAUTHORIZED) else OK
    assert answer == expected_ws(caller, action, target), reply
    assert reply.get("code") != "INTERNAL_ERROR", reply
    if answer != OK:
        assert world.snapshot() == before  # a refusal changes nothing


# --- HTTP -------------------------------------------------------------------------------------------------

ROUTES = route_table()
# The reports API (reporting/api.py): supervisors and admins; a supervisor is refused a per-agent report's files
# (they hold a whole site), which tests/integration/test_reports_api.py covers with the team scoping.
REPORT_ROUTES: list[tuple[str, str, Role]] = [
    ("GET", "/api/reports", S),
    ("GET", "/api/reports/queue_service_level/files", S),
    ("GET", "/api/reports/queue_service_level/rows", S),
    ("GET", "/api/reports/pause_summary/rows", S),
]
QUERIES: dict[str, dict[str, str]] = {
    "/api/reports/queue_service_level/files": {"from": "2025-03-01", "to": "2025-03-02"},
    "/api/reports/queue_service_level/rows": {"date": "2025-03-01"},
    "/api/reports/pause_summary/rows": {"date": "2025-03-01"},
}
BODIES: dict[str, Any] = {
    "/api/teams": {"name": "Another team"},
    "/api/skills": {"name": "Skill"},
    "/api/settings": {},
}


def expected_http(caller: Caller, least: Role) -> int | None:
    """401, 403, or None (allowed: any answer but those two)."""
    if caller.standing in ("deleted", "disabled"):
        return 401
    return None if at_least(caller.effective, least) else 403


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.username)
def test_http_routes(world: World, caller: Caller) -> None:
    claims = world.claims(caller)
    wrong = []
    for method, path, least in [*ROUTES, ("GET", "/api/me", Role.AGENT), *REPORT_ROUTES]:
        collection = path.removesuffix("/{id}")
        body = BODIES.get(collection, {}) if method in ("POST", "PUT") else None
        headers = {"If-Match": '"0"'} if method == "PUT" else None
        event = build_http_event(method, path.replace("{id}", "no-such-id"), claims, body, headers, QUERIES.get(path))
        result = call_http(event)
        expected = expected_http(caller, least)
        refused = result.status if result.status in (401, 403) else None
        if refused != expected or result.status >= 500:
            wrong.append((method, path, result.status, result.error_code))
    assert wrong == [], wrong


@pytest.mark.parametrize(
    ("caller", "target", "status"),
    [
        (Caller(S, "active"), "team", 200),
        (Caller(S, "active"), "other", 404),  # another team's user: as if it did not exist
        (Caller(S, "active"), "self", 200),
        (Caller(D, "active"), "other", 200),
        (Caller(S, "demoted"), "team", 403),
        (Caller(S, "disabled"), "team", 401),
        (Caller(D, "deleted"), "other", 401),
    ],
    ids=str,
)
def test_reading_a_user(world: World, caller: Caller, target: str, status: int) -> None:
    user_id = world.target(caller, target)
    result = call_http(build_http_event("GET", f"/api/users/{user_id}", world.claims(caller)))
    assert result.status == status, result.body
