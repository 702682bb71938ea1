"""The config API end to end: the real http-api handler against moto (DynamoDB + Cognito).

CRUD of every collection, pagination, ETag/If-Match, in-use refusals, references, unique names,
integration keys, and the audit event written in the same transaction as each change.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from pynamodb.connection.base import Connection

from agentdesk.config import store
from tests.integration.conftest import AwsStack, HttpClient

Body = dict[str, Any]


def events(aws: AwsStack) -> list[dict[str, Any]]:
    """The config.changed events in the outbox, oldest first."""
    documents = [json.loads(item["document"]["S"]) for item in aws.scan("events")]
    return sorted((d for d in documents if d["type"] == "config.changed"), key=lambda d: d["eventId"])


# --- valid bodies, with what they refer to created first ------------------------------------------------


def supervisor(api: HttpClient, username: str = "sam") -> str:
    return api.create(
        "/api/users",
        {"username": username, "name": "Sam Super", "email": f"{username}@example.com", "role": "supervisor"},
    )["id"]


def skill(api: HttpClient, name: str = "Billing") -> str:
    return api.create("/api/skills", {"name": name})["id"]


def site(api: HttpClient, name: str = "London", zone: str = "Europe/London") -> str:
    return api.create("/api/sites", {"name": name, "timeZone": zone})["id"]


def team(api: HttpClient, name: str = "Care", supervisors: list[str] | None = None) -> str:
    return api.create("/api/teams", {"name": name, "supervisorIds": supervisors or []})["id"]


OUTCOMES = {"Success": ["Resolved"], "Unsure": ["Follow-up needed"], "Fail": ["Not resolved"]}


def disposition_set(api: HttpClient, name: str = "Service") -> str:
    return api.create("/api/disposition-sets", {"name": name, "outcomes": OUTCOMES})["id"]


def queue(api: HttpClient, name: str = "Billing", **fields: Any) -> str:
    return api.create("/api/queues", {"name": name, **fields})["id"]


def user_body(username: str = "ann", **fields: Any) -> Body:
    return {"username": username, "name": "Ann Agent", "email": f"{username}@example.com", "role": "agent", **fields}


# (path, create body factory, update body factory, field changed by the update)
Factory = Callable[[HttpClient], Body]
RESOURCES: dict[str, tuple[Factory, Factory]] = {
    "/api/skills": (lambda api: {"name": "Billing"}, lambda api: {"name": "Billing & Payments"}),
    "/api/sites": (
        lambda api: {"name": "London", "timeZone": "Europe/London"},
        lambda api: {"name": "London", "timeZone": "Europe/Dublin"},
    ),
    "/api/teams": (
        lambda api: {"name": "Care", "supervisorIds": [supervisor(api)]},
        lambda api: {"name": "Care", "description": "First line", "supervisorIds": []},
    ),
    "/api/queues": (
        lambda api: {"name": "Billing", "requiredSkillId": skill(api), "dispositionSetId": disposition_set(api)},
        lambda api: {"name": "Billing", "slaTargetSeconds": 60, "wrapUpTimeoutSeconds": 90},
    ),
    "/api/pause-codes": (
        lambda api: {"label": "Coaching", "status": "Away", "productive": True},
        lambda api: {"label": "Coaching", "status": "Busy", "productive": True, "enabled": False},
    ),
    "/api/disposition-sets": (
        lambda api: {"name": "Service", "outcomes": OUTCOMES},
        lambda api: {"name": "Service", "outcomes": {**OUTCOMES, "Fail": ["Not resolved", "Customer left"]}},
    ),
    "/api/canned-messages": (
        lambda api: {"title": "Greeting", "body": "Hi {{contact.firstName}}!", "queueId": queue(api, "General")},
        lambda api: {"title": "Greeting", "body": "Hello {{ contact.fullName }}, I'm {{agent.firstName}}."},
    ),
    "/api/tags": (
        lambda api: {"label": "VIP", "color": "purple"},
        lambda api: {"label": "VIP customer", "color": "#1f6feb", "description": "Gold tier", "enabled": False},
    ),
    "/api/integrations": (lambda api: {"name": "Voice"}, lambda api: {"name": "Voice", "enabled": False}),
    "/api/users": (
        lambda api: user_body(teamId=team(api), siteId=site(api), skills=[{"skillId": skill(api), "proficiency": 4}]),
        lambda api: {"name": "Ann Agent", "email": "ann@example.com", "role": "agent", "maxConcurrent": 3},
    ),
}


@pytest.mark.parametrize("path", list(RESOURCES))
def test_crud_with_etags_and_audit_events(aws: AwsStack, http_client: HttpClient, admin_id: str, path: str) -> None:
    api = http_client
    make_create, make_update = RESOURCES[path]
    created = api.post(path, make_create(api))
    assert created.status == 201, created.body
    item_id = created.body["id"]
    assert created.headers["location"] == f"{path}/{item_id}"
    assert created.headers["etag"] == '"1"'
    assert created.body["version"] == 1

    fetched = api.get(f"{path}/{item_id}")
    assert fetched.status == 200
    assert fetched.headers["etag"] == '"1"'
    assert {k: v for k, v in fetched.body.items() if k != "key"} == {
        k: v for k, v in created.body.items() if k != "key"
    }

    update = make_update(api)
    missing = api.put(f"{path}/{item_id}", update)
    assert (missing.status, missing.error_code) == (428, "PRECONDITION_REQUIRED")
    stale = api.put(f"{path}/{item_id}", update, etag='"7"')
    assert (stale.status, stale.error_code) == (409, "CONFLICT")
    replaced = api.put(f"{path}/{item_id}", update, etag='"1"')
    assert replaced.status == 200, replaced.body
    assert replaced.headers["etag"] == '"2"'
    assert all(replaced.body[k] == v for k, v in update.items())
    assert replaced.body["createdAt"] == created.body["createdAt"]

    listed = api.get(path)
    assert listed.status == 200
    assert item_id in [item["id"] for item in listed.body["items"]]

    assert api.delete(f"{path}/{item_id}", etag='"1"').status == 409  # stale If-Match on delete
    assert api.delete(f"{path}/{item_id}", etag='"2"').status == 204
    gone = api.get(f"{path}/{item_id}")
    assert (gone.status, gone.error_code) == (404, "NOT_FOUND")
    assert api.delete(f"{path}/{item_id}").status == 404

    mine = [e for e in events(aws) if e["data"]["id"] == item_id]
    assert [(e["data"]["change"], e["data"]["version"]) for e in mine] == [
        ("created", 1),
        ("updated", 2),
        ("deleted", 3),
    ]
    assert all(e["actor"] == {"userId": admin_id, "role": "admin"} for e in mine)


def test_every_change_writes_item_and_event_in_one_transaction(
    aws: AwsStack, http_client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[dict[str, Any]]] = []
    original = Connection.transact_write_items

    def spy(self: Connection, *args: Any, **kwargs: Any) -> Any:
        calls.append(list(kwargs.get("put_items", ())) + list(kwargs.get("delete_items", ())))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "transact_write_items", spy)
    skill_id = skill(http_client)
    http_client.put(f"/api/skills/{skill_id}", {"name": "Billing 2"}, etag='"1"')
    http_client.delete(f"/api/skills/{skill_id}")
    assert len(calls) == 3
    for operations in calls:
        tables = {op["TableName"] for op in operations}
        assert tables == {aws.tables["config"], aws.tables["events"]}


def test_a_refused_change_writes_no_event(aws: AwsStack, http_client: HttpClient) -> None:
    skill(http_client, "Billing")
    before = len(events(aws))
    taken = http_client.post("/api/skills", {"name": "  billing "})
    assert (taken.status, taken.error_code, taken.body["error"]["field"]) == (409, "CONFLICT", "name")
    assert len(events(aws)) == before


# --- pagination -------------------------------------------------------------------------------------


def test_pagination_walks_every_item_once(http_client: HttpClient) -> None:
    ids = {skill(http_client, f"Skill {n}") for n in range(7)}
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        result = http_client.get("/api/skills", query=query)
        assert result.status == 200
        seen += [item["id"] for item in result.body["items"]]
        pages += 1
        cursor = result.body["nextCursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(ids)
    assert http_client.get("/api/skills").body["nextCursor"] is None  # default limit 50


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_page_parameters(http_client: HttpClient, query: dict[str, str], field: str) -> None:
    result = http_client.get("/api/skills", query=query)
    assert (result.status, result.error_code, result.body["error"]["field"]) == (400, "BAD_REQUEST", field)


def test_a_cursor_of_another_list_is_refused(http_client: HttpClient) -> None:
    for n in range(3):
        skill(http_client, f"S{n}")
    cursor = http_client.get("/api/skills", query={"limit": "1"}).body["nextCursor"]
    assert http_client.get("/api/sites", query={"cursor": cursor}).status == 400


@pytest.mark.parametrize(
    "document",
    ['{"k":"skill","after":""}', '{"k":"skill","after":5}', '["skill"]', '"skill"', "[" * 3000 + "]" * 3000],
)
def test_a_forged_cursor_is_a_clear_400(http_client: HttpClient, document: str) -> None:
    cursor = base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")
    result = http_client.get("/api/skills", query={"cursor": cursor})
    assert (result.status, result.error_code, result.body["error"]["field"]) == (400, "BAD_REQUEST", "cursor")


# --- in use, references, names ------------------------------------------------------------------------


def test_a_skill_used_by_a_queue_and_an_agent_cannot_be_deleted(http_client: HttpClient) -> None:
    skill_id = skill(http_client)
    queue_id = queue(http_client, "Billing queue", requiredSkillId=skill_id)
    agent = http_client.create("/api/users", user_body(skills=[{"skillId": skill_id, "proficiency": 5}]))
    refused = http_client.delete(f"/api/skills/{skill_id}")
    assert (refused.status, refused.error_code) == (409, "IN_USE")
    message = refused.body["error"]["message"]
    assert 'queue "Billing queue" (as its required skill)' in message
    assert 'user "ann" (as a skill)' in message
    http_client.delete(f"/api/queues/{queue_id}")
    http_client.put(f"/api/users/{agent['id']}", {**_editable(agent), "skills": []}, etag='"1"')
    assert http_client.delete(f"/api/skills/{skill_id}").status == 204


def _editable(user: Body) -> Body:
    fields = ("name", "email", "role", "teamId", "siteId", "skills", "maxConcurrent", "autoAnswer", "outboundQueueId")
    return {k: user[k] for k in fields}


@pytest.mark.parametrize(
    ("path", "setup", "used_by"),
    [
        ("/api/teams", lambda api, id_: api.create("/api/users", user_body(teamId=id_)), 'user "ann"'),
        ("/api/sites", lambda api, id_: api.create("/api/users", user_body(siteId=id_)), 'user "ann"'),
        (
            "/api/disposition-sets",
            lambda api, id_: api.create("/api/queues", {"name": "Sales", "dispositionSetId": id_}),
            'queue "Sales"',
        ),
        (
            "/api/queues",
            lambda api, id_: api.create("/api/canned-messages", {"title": "Hi", "body": "Hi", "queueId": id_}),
            'canned message "Hi"',
        ),
        (
            "/api/queues",
            lambda api, id_: api.put("/api/settings", {"generalQueueId": id_}, etag='"0"'),
            "the settings (as the general queue)",
        ),
        (
            "/api/queues",
            lambda api, id_: api.create("/api/users", user_body(queueIds=[id_])),
            'user "ann" (as one of its queues)',
        ),
    ],
)
def test_in_use_deletes_are_refused_naming_the_user(
    http_client: HttpClient, path: str, setup: Callable[[HttpClient, str], Any], used_by: str
) -> None:
    creators: dict[str, Callable[[HttpClient], str]] = {
        "/api/teams": team,
        "/api/sites": site,
        "/api/disposition-sets": disposition_set,
        "/api/queues": queue,
    }
    item_id = creators[path](http_client)
    setup(http_client, item_id)
    refused = http_client.delete(f"{path}/{item_id}")
    assert (refused.status, refused.error_code) == (409, "IN_USE")
    assert used_by in refused.body["error"]["message"]
    assert http_client.get(f"{path}/{item_id}").status == 200


def test_a_supervisor_of_a_team_can_be_neither_deleted_nor_demoted(http_client: HttpClient) -> None:
    sup_id = supervisor(http_client)
    team(http_client, "Care", [sup_id])
    refused = http_client.delete(f"/api/users/{sup_id}")
    assert (refused.status, refused.error_code) == (409, "IN_USE")
    assert 'team "Care" (as a supervisor)' in refused.body["error"]["message"]
    profile = http_client.get(f"/api/users/{sup_id}").body
    demoted = http_client.put(f"/api/users/{sup_id}", {**_editable(profile), "role": "agent"}, etag='"1"')
    assert (demoted.status, demoted.error_code, demoted.body["error"]["field"]) == (409, "IN_USE", "role")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/users", user_body(teamId="no-such-team"), "teamId"),
        ("/api/users", user_body(siteId="nope"), "siteId"),
        ("/api/users", user_body(outboundQueueId="nope"), "outboundQueueId"),
        ("/api/users", user_body(queueIds=["nope"]), "queueIds.0"),
        ("/api/users", user_body(skills=[{"skillId": "nope", "proficiency": 3}]), "skills.0.skillId"),
        ("/api/queues", {"name": "Q", "requiredSkillId": "nope"}, "requiredSkillId"),
        ("/api/queues", {"name": "Q", "dispositionSetId": "nope"}, "dispositionSetId"),
        ("/api/canned-messages", {"title": "T", "body": "B", "queueId": "nope"}, "queueId"),
        ("/api/teams", {"name": "T", "supervisorIds": ["nope"]}, "supervisorIds.0"),
    ],
)
def test_unknown_references_are_422_with_the_field(
    aws: AwsStack, http_client: HttpClient, path: str, body: Body, field: str
) -> None:
    result = http_client.post(path, body)
    assert (result.status, result.error_code, result.body["error"]["field"]) == (422, "INVALID_REFERENCE", field)
    assert events(aws) == []
    users = aws.cognito.list_users(UserPoolId=aws.user_pool_id)["Users"]
    assert users == []  # no Cognito account is created for a refused profile


def test_users_are_assigned_to_queues(http_client: HttpClient) -> None:
    first, second = queue(http_client, "Billing"), queue(http_client, "Sales")
    created = http_client.create("/api/users", user_body(queueIds=[first, second]))
    assert http_client.get(f"/api/users/{created['id']}").body["queueIds"] == [first, second]
    repeated = http_client.post("/api/users", user_body(username="bea", queueIds=[first, first]))
    assert (repeated.status, repeated.error_code) == (400, "BAD_REQUEST")
    assert "more than once" in repeated.body["error"]["message"]
    assert http_client.create("/api/users", user_body(username="cal"))["queueIds"] == []


def test_a_queue_can_switch_dispositions_off(http_client: HttpClient) -> None:
    plain = http_client.create("/api/queues", {"name": "Callbacks"})
    assert (plain["dispositionsEnabled"], plain["dispositionSetId"]) == (True, None)  # the settings' default set
    off = http_client.create("/api/queues", {"name": "Internal", "dispositionsEnabled": False})
    assert (off["dispositionsEnabled"], off["dispositionSetId"]) == (False, None)
    set_id = disposition_set(http_client)
    both = http_client.post("/api/queues", {"name": "Odd", "dispositionsEnabled": False, "dispositionSetId": set_id})
    assert (both.status, both.error_code) == (400, "BAD_REQUEST")
    assert "dispositionsEnabled" in both.body["error"]["message"]


def test_team_supervisors_must_supervise(http_client: HttpClient) -> None:
    agent_id = http_client.create("/api/users", user_body())["id"]
    result = http_client.post("/api/teams", {"name": "Care", "supervisorIds": [agent_id]})
    assert (result.status, result.error_code) == (422, "INVALID_REFERENCE")
    assert "is an agent" in result.body["error"]["message"]


def test_names_are_unique_per_kind_ignoring_case_and_spaces(http_client: HttpClient) -> None:
    first = skill(http_client, "Technical Support")
    second = skill(http_client, "Sales")
    assert http_client.post("/api/skills", {"name": "technical   support"}).status == 409
    renamed = http_client.put(f"/api/skills/{second}", {"name": "TECHNICAL support"}, etag='"1"')
    assert (renamed.status, renamed.body["error"]["field"]) == (409, "name")
    # the same name is fine in another kind, and an item may change its own name's case
    assert http_client.post("/api/queues", {"name": "Technical Support"}).status == 201
    assert http_client.put(f"/api/skills/{first}", {"name": "technical support"}, etag='"1"').status == 200
    # a deleted item's name is free again
    assert http_client.delete(f"/api/skills/{second}").status == 204
    assert http_client.post("/api/skills", {"name": "Sales"}).status == 201


# --- pause codes --------------------------------------------------------------------------------------


def test_system_pause_codes_are_read_only(http_client: HttpClient) -> None:
    from agentdesk.config.defaults import install_defaults

    install_defaults()
    wrap_up = http_client.get("/api/pause-codes/wrap-up")
    assert wrap_up.status == 200
    assert wrap_up.body | {"createdAt": "", "updatedAt": ""} == {
        "id": "wrap-up",
        "version": 1,
        "createdAt": "",
        "updatedAt": "",
        "label": "Wrap-up",
        "status": "Busy",
        "productive": True,
        "enabled": True,
        "system": True,
    }
    changed = http_client.put("/api/pause-codes/wrap-up", {"label": "Wrap", "status": "Busy"}, etag='"1"')
    assert (changed.status, changed.error_code) == (409, "CONFLICT")
    deleted = http_client.delete("/api/pause-codes/wrap-up")
    assert (deleted.status, deleted.error_code) == (409, "IN_USE")
    assert "wrap-up" in deleted.body["error"]["message"]
    assert http_client.delete("/api/pause-codes/break").status == 204  # defaults that are not system may go


# --- integrations -------------------------------------------------------------------------------------


def test_an_integration_key_is_shown_once_and_stored_hashed(aws: AwsStack, http_client: HttpClient) -> None:
    created = http_client.post("/api/integrations", {"name": "Voice connector"})
    assert created.status == 201
    key = created.body["key"]
    assert key.startswith("adk_") and len(key) > 40
    assert created.body["keyPrefix"] == key[:12]
    integration_id = created.body["id"]

    fetched = http_client.get(f"/api/integrations/{integration_id}").body
    listed = http_client.get("/api/integrations").body["items"]
    for shown in (fetched, *listed):
        assert "key" not in shown and "keyHash" not in shown
        assert shown["keyPrefix"] == key[:12]

    stored = [item for item in aws.scan("config") if item["pk"]["S"] == "integration"]
    assert len(stored) == 1
    raw = json.dumps(stored)
    assert key not in raw
    assert json.loads(stored[0]["document"]["S"])["keyHash"] == hashlib.sha256(key.encode()).hexdigest()

    assert store.integration_for_key(key) is not None
    assert store.integration_for_key(key + "x") is None
    disabled = http_client.put(f"/api/integrations/{integration_id}", {"name": "Voice", "enabled": False}, etag='"1"')
    assert disabled.status == 200
    assert store.integration_for_key(key) is None  # the hash survived the update, but the integration is off
    http_client.put(f"/api/integrations/{integration_id}", {"name": "Voice"}, etag='"2"')
    assert store.integration_for_key(key) is not None


# --- users and Cognito -------------------------------------------------------------------------------


def test_creating_a_user_creates_the_cognito_account_and_profile(aws: AwsStack, http_client: HttpClient) -> None:
    created = http_client.post("/api/users", user_body("ann", name="Ann Agent", email="ann@example.com"))
    assert created.status == 201
    account = aws.cognito_user("ann")
    attributes = {a["Name"]: a["Value"] for a in account["UserAttributes"]}
    assert attributes["sub"] == created.body["id"]
    assert (attributes["email"], attributes["name"]) == ("ann@example.com", "Ann Agent")
    assert account["Groups"] == ["agents"]
    assert account["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert created.body["maxConcurrent"] == 5 and created.body["autoAnswer"] == "agent"
    assert "password" not in created.body
    assert store.agent_profile(created.body["id"]) is not None


def test_a_permanent_password_confirms_the_account(aws: AwsStack, http_client: HttpClient) -> None:
    body = user_body("bob", password="Very-Secret-42!", permanentPassword=True, sendInvitation=False)
    assert http_client.post("/api/users", body).status == 201
    assert aws.cognito_user("bob")["UserStatus"] == "CONFIRMED"


def test_a_refused_password_leaves_no_account_behind(aws: AwsStack, http_client: HttpClient) -> None:
    result = http_client.post("/api/users", user_body("bob", password="weakweak", permanentPassword=True))
    assert (result.status, result.error_code, result.body["error"]["field"]) == (400, "BAD_REQUEST", "password")
    assert aws.cognito.list_users(UserPoolId=aws.user_pool_id)["Users"] == []


def test_a_taken_username_is_a_conflict(http_client: HttpClient) -> None:
    http_client.create("/api/users", user_body("ann"))
    again = http_client.post("/api/users", user_body("ann", email="other@example.com"))
    assert (again.status, again.error_code, again.body["error"]["field"]) == (409, "CONFLICT", "username")


def test_role_and_attribute_changes_reach_cognito(aws: AwsStack, http_client: HttpClient) -> None:
    user = http_client.create("/api/users", user_body("ann"))
    edited = {**_editable(user), "role": "supervisor", "name": "Ann Lead", "email": "lead@example.com"}
    assert http_client.put(f"/api/users/{user['id']}", edited, etag='"1"').status == 200
    account = aws.cognito_user("ann")
    attributes = {a["Name"]: a["Value"] for a in account["UserAttributes"]}
    assert account["Groups"] == ["supervisors"]
    assert (attributes["name"], attributes["email"]) == ("Ann Lead", "lead@example.com")
    # a stale version changes nothing in Cognito either
    stale = http_client.put(f"/api/users/{user['id']}", {**edited, "role": "admin"}, etag='"1"')
    assert stale.status == 409
    assert aws.cognito_user("ann")["Groups"] == ["supervisors"]


def test_deleting_a_user_disables_the_account_and_archives_the_profile(aws: AwsStack, http_client: HttpClient) -> None:
    user = http_client.create("/api/users", user_body("ann"))
    assert http_client.delete(f"/api/users/{user['id']}").status == 204
    assert aws.cognito_user("ann")["Enabled"] is False
    assert http_client.get(f"/api/users/{user['id']}").status == 404
    assert user["id"] not in [u["id"] for u in http_client.get("/api/users").body["items"]]
    assert store.agent_profile(user["id"]) is None
    archived = store.agent_profile(user["id"], include_deleted=True)
    assert archived is not None and archived.username == "ann"


def test_admins_cannot_lock_themselves_out(http_client: HttpClient) -> None:
    admin = http_client.create("/api/users", user_body("root2", role="admin"))
    api = HttpClient({**http_client.claims, "sub": admin["id"]})  # type: ignore[dict-item]
    demoted = api.put(f"/api/users/{admin['id']}", {**_editable(admin), "role": "agent"}, etag='"1"')
    assert (demoted.status, demoted.error_code, demoted.body["error"]["field"]) == (409, "CONFLICT", "role")
    deleted = api.delete(f"/api/users/{admin['id']}")
    assert (deleted.status, deleted.error_code) == (409, "CONFLICT")
    assert http_client.delete(f"/api/users/{admin['id']}").status == 204  # another admin may


# --- settings -----------------------------------------------------------------------------------------


def test_settings_start_at_defaults_and_need_if_match(aws: AwsStack, http_client: HttpClient) -> None:
    first = http_client.get("/api/settings")
    assert first.status == 200
    assert first.headers["etag"] == '"0"'
    assert first.body["presenceGraceSeconds"] == 60 and first.body["version"] == 0
    body = {"presenceGraceSeconds": 90, "defaultTimeZone": "America/Chicago"}
    assert http_client.put("/api/settings", body).status == 428
    saved = http_client.put("/api/settings", body, etag='"0"')
    assert saved.status == 200 and saved.headers["etag"] == '"1"'
    assert http_client.put("/api/settings", body, etag='"0"').status == 409
    assert http_client.get("/api/settings").body["defaultTimeZone"] == "America/Chicago"
    bad_queue = http_client.put("/api/settings", {"generalQueueId": "nope"}, etag='"1"')
    assert (bad_queue.status, bad_queue.body["error"]["field"]) == (422, "generalQueueId")
    assert [e["data"]["change"] for e in events(aws)] == ["created"]


# --- bad input of every kind ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/skills", {"name": 123}, "name"),
        ("/api/skills", {"name": "   "}, "name"),
        ("/api/skills", {"name": "Billing", "colour": "red"}, "colour"),
        ("/api/skills", {}, "name"),
        ("/api/skills", ["Billing"], "body"),
        ("/api/sites", {"name": "Mars", "timeZone": "Mars/Olympus_Mons"}, "timeZone"),
        ("/api/sites", {"name": "X", "timeZone": "../../etc/passwd"}, "timeZone"),
        ("/api/users", user_body(skills=[{"skillId": "s", "proficiency": 0}]), "skills.0.proficiency"),
        ("/api/users", user_body(skills=[{"skillId": "s", "proficiency": 6}]), "skills.0.proficiency"),
        ("/api/users", user_body(maxConcurrent=21), "maxConcurrent"),
        ("/api/users", user_body(maxConcurrent=0), "maxConcurrent"),
        ("/api/users", user_body(role="owner"), "role"),
        ("/api/users", user_body(autoAnswer="sometimes"), "autoAnswer"),
        ("/api/users", user_body(email="not-an-email"), "email"),
        ("/api/users", {**user_body(), "username": "has space"}, "username"),
        ("/api/pause-codes", {"label": "Nap", "status": "Offline"}, "status"),
        ("/api/canned-messages", {"title": "T", "body": "Hi {{contact.shoeSize}}"}, "body"),
        ("/api/canned-messages", {"title": "T", "body": "Hi {{contact.firstName"}, "body"),
        ("/api/disposition-sets", {"name": "D", "outcomes": {**OUTCOMES, "Unsure": []}}, "outcomes.Unsure"),
        (
            "/api/disposition-sets",
            {"name": "D", "outcomes": {**OUTCOMES, "Unsure": ["No agent submission"]}},
            "outcomes",
        ),
        ("/api/queues", {"name": "Q", "slaTargetSeconds": "fast"}, "slaTargetSeconds"),
    ],
)
def test_malformed_bodies_are_400_with_the_field(
    aws: AwsStack, http_client: HttpClient, path: str, body: Any, field: str
) -> None:
    result = http_client.post(path, body)
    assert (result.status, result.error_code) == (400, "BAD_REQUEST"), result.body
    assert result.body["error"]["field"] == field
    assert events(aws) == []


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("{not json", None),
        ("", None),
        ("null", None),
        ('"just a string"', None),
        ("[" * 5000 + "]" * 5000, None),
        (b"\xff\xfe\x00garbage", None),
        ('{"name": "x"}', {"content-type": "text/plain"}),
        ("--x\r\n", {"content-type": "multipart/form-data"}),
        ("name=x", {"content-type": "application/x-www-form-urlencoded"}),
    ],
)
def test_unreadable_bodies_are_400_never_500(
    aws: AwsStack, http_client: HttpClient, body: Any, headers: dict[str, str] | None
) -> None:
    result = http_client.post("/api/skills", body, headers=headers)
    assert (result.status, result.error_code) == (400, "BAD_REQUEST"), result.body
    assert events(aws) == []


def test_a_body_over_64_kb_is_413(aws: AwsStack, http_client: HttpClient) -> None:
    result = http_client.post("/api/skills", {"name": "x", "description": "d" * 70_000})
    assert (result.status, result.error_code) == (413, "PAYLOAD_TOO_LARGE")
    garbage = http_client.post("/api/skills", "{" * 70_000)
    assert garbage.status == 413


@pytest.mark.parametrize("etag", ["3", "W/3", '"three"', '""', '"\u00b2"', '"\u0663"', '"' + "9" * 40 + '"'])
def test_a_malformed_if_match_is_400(http_client: HttpClient, etag: str) -> None:
    skill_id = skill(http_client)
    result = http_client.put(f"/api/skills/{skill_id}", {"name": "B"}, etag=etag)
    assert (result.status, result.body["error"]["field"]) == (400, "If-Match")


def test_weak_and_listed_etags_and_the_wildcard_match(http_client: HttpClient) -> None:
    skill_id = skill(http_client)
    assert http_client.put(f"/api/skills/{skill_id}", {"name": "B"}, etag='W/"1"').status == 200
    assert http_client.put(f"/api/skills/{skill_id}", {"name": "C"}, etag='"1", "2"').status == 200
    assert http_client.put(f"/api/skills/{skill_id}", {"name": "D"}, etag="*").status == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/skills/unknown"),
        ("PUT", "/api/queues/unknown"),
        ("DELETE", "/api/users/unknown"),
        ("GET", "/api/nothing-here"),
    ],
)
def test_unknown_ids_and_routes_are_404(http_client: HttpClient, method: str, path: str) -> None:
    body = {"name": "Q"} if method == "PUT" else None
    result = http_client.call(method, path, body, headers={"If-Match": '"1"'})
    assert (result.status, result.error_code) == (404, "NOT_FOUND")


# --- races the If-Match check cannot see: the transaction's conditions decide ----------------------------


def test_a_concurrent_update_loses_at_the_transaction(aws: AwsStack, http_client: HttpClient) -> None:
    from agentdesk.kernel.errors import AgentDeskError
    from agentdesk.kernel.events import SYSTEM

    skill_id = skill(http_client)
    read_by_both = store.get(store.Kind.SKILL, skill_id)
    assert read_by_both is not None
    store.replace(read_by_both, {"name": "First", "description": ""}, SYSTEM)
    with pytest.raises(AgentDeskError) as lost:
        store.replace(read_by_both, {"name": "Second", "description": ""}, SYSTEM)
    assert lost.value.code.value == "CONFLICT"
    with pytest.raises(AgentDeskError):
        store.delete(read_by_both, SYSTEM)
    assert http_client.get(f"/api/skills/{skill_id}").body["name"] == "First"
    assert [e["data"]["change"] for e in events(aws)] == ["created", "updated"]


def test_a_reference_deleted_meanwhile_fails_the_transaction(aws: AwsStack, http_client: HttpClient) -> None:
    from agentdesk.config.domain.rules import references_of
    from agentdesk.kernel.errors import AgentDeskError
    from agentdesk.kernel.events import SYSTEM

    skill_id = skill(http_client)
    document = {"name": "Billing", "requiredSkillId": skill_id}
    references = references_of(store.Kind.QUEUE, document)  # checked while the skill still existed
    assert http_client.delete(f"/api/skills/{skill_id}").status == 204
    with pytest.raises(AgentDeskError) as refused:
        store.create(store.Kind.QUEUE, "q1", document, SYSTEM, references)
    assert (refused.value.code.value, refused.value.field) == ("INVALID_REFERENCE", "requiredSkillId")
    assert store.get(store.Kind.QUEUE, "q1") is None
