"""Access follows the directory: a deleted, disabled or demoted user loses what they may do at once, with a
token that has not expired, on the WebSocket and over HTTP; their open sessions end (logged off, each tab
told why, connections closed) through the end-sessions function; supervisors read only their teams' users.

Each test first reproduces the finding it covers: the user's token still names the old role and is valid.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentdesk.agents import store as agents
from agentdesk.config import directory
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.settings import get_settings
from agentdesk.realtime import connections
from functions.end_sessions.handler import handler as end_sessions_handler
from tests.integration.aws_calls import Calls, counted
from tests.integration.centre import Centre, demo_centre, send_frame, stream_batch
from tests.integration.conftest import AwsStack, FakeLambdaContext, HttpClient

GROUPS = {Role.ADMIN: "admins", Role.SUPERVISOR: "supervisors", Role.AGENT: "agents"}
USER_FIELDS = ("name", "email", "role", "teamId", "siteId", "skills", "maxConcurrent", "autoAnswer", "outboundQueueId")


@pytest.fixture
def centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Centre:
    return demo_centre(aws, monkeypatch)


def http(centre: Centre, username: str) -> HttpClient:
    """The user's HTTP client, with the groups their token was issued with (the role they started with)."""
    principal = centre.principal(username)
    claims = centre.aws.claims(principal.user_id, GROUPS[principal.role], username=username, name=username.title())
    return HttpClient(claims)


def connect(centre: Centre, username: str, connection_id: str | None = None) -> str:
    """Record an open connection of the user, as $connect does."""
    cid = connection_id or f"conn-{username}"
    connections.save_connection(cid, centre.principal(username), get_settings().connection_ttl_seconds)
    return cid


def change_user(centre: Centre, username: str, **changes: Any) -> None:
    admin = http(centre, "ada")
    path = f"/api/users/{centre.ids[username]}"
    current = admin.get(path)
    body = {key: current.body[key] for key in (*USER_FIELDS, "enabled")} | changes
    result = admin.put(path, body, etag=current.headers["etag"])
    assert result.status == 200, result.body


def delete_user(centre: Centre, username: str) -> None:
    result = http(centre, "ada").delete(f"/api/users/{centre.ids[username]}")
    assert result.status == 204, result.body


def config_events(centre: Centre) -> list[str]:
    items = centre.aws.scan("events")
    found = [json.loads(i["document"]["S"]) for i in items]
    return [e["eventId"] for e in sorted(found, key=lambda e: e["occurredAt"]) if e["type"] == "config.changed"]


def run_end_sessions(centre: Centre) -> Calls:
    """Hand every config.changed event to the end-sessions function, as the events stream does."""
    with counted() as calls:
        result = end_sessions_handler(stream_batch(centre, config_events(centre)), FakeLambdaContext())  # type: ignore[arg-type]
    assert result == {"batchItemFailures": []}
    return calls


def pushes(calls: Calls) -> list[tuple[str, dict[str, Any]]]:
    return [
        (c.params["ConnectionId"], json.loads(c.params["Data"]))
        for c in calls.made
        if c.operation.endswith(":PostToConnection")
    ]


def closed(calls: Calls) -> list[str]:
    return [c.params["ConnectionId"] for c in calls.made if c.operation.endswith(":DeleteConnection")]


def sessions_of(centre: Centre, agent_id: str) -> list[dict[str, Any]]:
    items = centre.aws.scan("agents")
    return [i for i in items if i["pk"]["S"] == agent_id and i["sk"]["S"].startswith("session#")]


# --- deleted ----------------------------------------------------------------------------------------------


def test_a_deleted_user_is_refused_at_once_and_logged_off(centre: Centre) -> None:
    centre.ack("ana", "login")
    centre.ack("ana", "setStatus", status="Away", reason="lunch")
    tabs = [connect(centre, "ana", "conn-ana-1"), connect(centre, "ana", "conn-ana-2")]
    other = connect(centre, "ben")
    assert http(centre, "ana").get("/api/pause-codes").status == 200

    delete_user(centre, "ana")

    # the token is still valid, the socket still open: every request is refused from now on
    for action, fields in (("setStatus", {"status": "Available"}), ("whoami", {}), ("getState", {}), ("logoff", {})):
        assert centre.refused("ana", action, **fields) == "UNAUTHORIZED", action
    assert http(centre, "ana").get("/api/pause-codes").status == 401
    assert http(centre, "ana").get("/api/me").body["error"]["code"] == "UNAUTHORIZED"
    version_before = agents.load_state(centre.ids["ana"]).state.version

    calls = run_end_sessions(centre)
    state = agents.load_state(centre.ids["ana"]).state
    assert state.status.value == "Offline" and state.version == version_before + 1
    [session] = sessions_of(centre, centre.ids["ana"])
    assert session["open"]["BOOL"] is False  # time & attendance: the session and the lunch pause are closed
    assert json.loads(session["document"]["S"])["logoffKind"] == "forced"
    assert all(not i["open"]["BOOL"] for i in centre.aws.scan("agents") if i["sk"]["S"].startswith("pause#"))
    assert sorted(c for c, _ in pushes(calls) if c in tabs) == sorted(tabs)
    assert {m["type"] for c, m in pushes(calls) if c in tabs} == {"session.ended"}
    assert {m["reason"] for c, m in pushes(calls) if c in tabs} == {"deleted"}
    assert sorted(closed(calls)) == sorted(tabs)
    assert connections.connections_of(centre.ids["ana"]) == []
    assert [c.connection_id for c in connections.connections_of(centre.ids["ben"])] == [other]

    # the supervisors can no longer see or force a deleted agent
    assert centre.ids["ana"] not in [a["agentId"] for a in centre.ack("ada", "listAgentStates")["agents"]]
    assert centre.refused("sam", "forceLogoff", agentId=centre.ids["ana"]) == "FORBIDDEN"


def test_ending_sessions_twice_changes_nothing_more(centre: Centre) -> None:
    centre.ack("ana", "login")
    connect(centre, "ana")
    delete_user(centre, "ana")
    run_end_sessions(centre)
    state = agents.load_state(centre.ids["ana"]).state
    calls = run_end_sessions(centre)  # the stream may deliver the record again
    assert agents.load_state(centre.ids["ana"]).state == state
    assert pushes(calls) == [] and closed(calls) == []


# --- disabled ---------------------------------------------------------------------------------------------


def test_a_disabled_user_is_refused_until_enabled_again(centre: Centre) -> None:
    centre.ack("ben", "login")
    tab = connect(centre, "ben")

    change_user(centre, "ben", enabled=False)
    assert centre.refused("ben", "setStatus", status="Away", reason="lunch") == "UNAUTHORIZED"
    assert http(centre, "ben").get("/api/me").status == 401
    user = centre.aws.cognito.admin_get_user(UserPoolId=centre.aws.user_pool_id, Username="ben")
    assert user["Enabled"] is False  # cannot sign in again either

    calls = run_end_sessions(centre)
    assert agents.load_state(centre.ids["ben"]).state.status.value == "Offline"
    assert pushes(calls) == [
        (tab, {"type": "session.ended", "reason": "disabled", "message": pushes(calls)[0][1]["message"]})
    ]
    assert closed(calls) == [tab]
    wallboard = centre.ack("sue", "listAgentStates")["agents"]
    assert centre.ids["ben"] not in [a["agentId"] for a in wallboard]  # a disabled agent cannot work

    change_user(centre, "ben", enabled=True)
    assert centre.ack("ben", "login")["state"]["status"] == "Available"
    assert centre.aws.cognito.admin_get_user(UserPoolId=centre.aws.user_pool_id, Username="ben")["Enabled"] is True


def test_an_admin_cannot_disable_themselves(centre: Centre) -> None:
    admin = http(centre, "ada")
    path = f"/api/users/{centre.ids['ada']}"
    current = admin.get(path)
    body = {key: current.body[key] for key in USER_FIELDS} | {"enabled": False}
    result = admin.put(path, body, etag=current.headers["etag"])
    assert result.status == 409 and result.body["error"]["field"] == "enabled"


# --- demoted ----------------------------------------------------------------------------------------------


def test_a_demoted_admin_acts_as_an_agent_at_once(centre: Centre) -> None:
    centre.aws.create_user("ari", "admins")
    ari = http(centre, "ada").create(
        "/api/users", {"username": "ari-admin", "name": "Ari", "email": "ari@example.com", "role": "admin"}
    )
    centre.ids["ari"] = ari["id"]
    token_admin = HttpClient(centre.aws.claims(ari["id"], "admins", username="ari-admin", name="Ari"))
    assert token_admin.get("/api/settings").status == 200
    connect_id = "conn-ari"
    connections.save_connection(
        connect_id, Principal(ari["id"], "ari-admin", "Ari", "ari@example.com", Role.ADMIN), 7200
    )
    centre.ack("ana", "login")

    change_user(centre, "ari", role="agent")

    # the token still says admins; the directory says agent
    settings = token_admin.get("/api/settings")
    assert token_admin.put("/api/settings", {}, etag=settings.headers.get("etag")).status == 403
    assert token_admin.get("/api/integrations").status == 403
    assert token_admin.get("/api/me").body["user"]["role"] == "agent"
    ws_admin = Principal(ari["id"], "ari-admin", "Ari", "ari@example.com", Role.ADMIN)
    centre.ids["ari-admin"] = ari["id"]
    reply = send_frame(ws_admin, "forceLogoff", agentId=centre.ids["ana"])
    assert reply["code"] == "FORBIDDEN"
    assert send_frame(ws_admin, "listAgentStates")["code"] == "FORBIDDEN"
    assert send_frame(ws_admin, "whoami")["user"]["role"] == "agent"
    assert agents.load_state(centre.ids["ana"]).state.status.value == "Available"

    calls = run_end_sessions(centre)
    assert [(c, m["reason"]) for c, m in pushes(calls)] == [(connect_id, "roleChanged")]
    assert closed(calls) == [connect_id]


def test_a_promoted_agent_supervises_at_once(centre: Centre) -> None:
    sams_team = next(
        t for t in http(centre, "ada").get("/api/teams").body["items"] if centre.ids["sam"] in t["supervisorIds"]
    )
    change_user(centre, "ben", role="supervisor")
    admin = http(centre, "ada")
    team = admin.get(f"/api/teams/{sams_team['id']}")
    body = {k: v for k, v in team.body.items() if k not in ("id", "version", "createdAt", "updatedAt")}
    body["supervisorIds"] = [*body["supervisorIds"], centre.ids["ben"]]
    assert admin.put(f"/api/teams/{sams_team['id']}", body, etag=team.headers["etag"]).status == 200
    centre.ack("ana", "login")
    # Ben's token still says agents
    assert centre.ack("ben", "listAgentStates")["agents"]
    assert centre.ack("ben", "forceStatus", agentId=centre.ids["ana"], status="Away", reason="meeting")


# --- accounts made outside Agent Desk ---------------------------------------------------------------------


def test_the_first_admin_acts_by_group_and_is_registered_on_first_sign_in(aws: AwsStack) -> None:
    founder_id = aws.create_user("founder", "admins")
    founder = HttpClient(aws.claims(founder_id, "admins", username="founder", name="Founder"))
    assert founder.get("/api/settings").status == 200  # no profile yet: the Cognito group decides
    assert founder.get("/api/me").body["user"]["role"] == "admin"
    profile = founder.get(f"/api/users/{founder_id}")
    assert profile.status == 200, profile.body
    assert profile.body["username"] == "founder" and profile.body["role"] == "admin"
    assert founder.get("/api/me").status == 200  # registered once: a second call changes nothing
    assert founder.get(f"/api/users/{founder_id}").body["version"] == 1


# --- supervisors read their teams' users ------------------------------------------------------------------


def test_a_supervisor_reads_only_the_users_of_their_teams(centre: Centre) -> None:
    sam = http(centre, "sam")
    listed = {u["username"] for u in sam.get("/api/users").body["items"]}
    assert listed == {"sam", "ana"}
    assert sam.get(f"/api/users/{centre.ids['ben']}").status == 404
    assert sam.get(f"/api/users/{centre.ids['ana']}").status == 200
    assert {u["username"] for u in http(centre, "ada").get("/api/users").body["items"]} >= {"ada", "ben", "sue"}
    assert http(centre, "sam").get("/api/integrations").status == 403


def test_a_supervisors_user_pages_hold_only_their_users(centre: Centre) -> None:
    sam = http(centre, "sam")
    first = sam.get("/api/users", query={"limit": "1"}).body
    assert len(first["items"]) == 1 and first["nextCursor"]
    second = sam.get("/api/users", query={"limit": "1", "cursor": first["nextCursor"]}).body
    assert {first["items"][0]["username"], second["items"][0]["username"]} == {"sam", "ana"}
    assert second["nextCursor"] is None


def test_the_directory_knows_deleted_users(centre: Centre) -> None:
    delete_user(centre, "ana")
    assert centre.ids["ana"] in directory.current().deleted
