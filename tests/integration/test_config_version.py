"""How many AWS calls a command and an event cost, and that the warm function's directory is never stale.

Every config write bumps the configuration version in its own transaction; a command reads the agent's
state and that version in one BatchGetItem and reuses the directory (pause codes, profiles, who supervises
whom) while the version stays put; the publisher reads the version once per batch of records. Calls are
counted by wrapping botocore's `BaseClient._make_api_call` (as bench/agent_state.py does), against moto.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from agentdesk.config import defaults as config_defaults
from agentdesk.config import directory
from agentdesk.config import store as config_store
from agentdesk.config.domain.rules import Kind
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import SYSTEM
from agentdesk.realtime import connections
from functions.publisher.handler import handler as publisher_handler
from tests.integration.aws_calls import Calls, counted
from tests.integration.centre import Centre, demo_centre, stream_batch
from tests.integration.conftest import AwsStack, FakeLambdaContext, HttpClient


def cancelled(*codes: str | None) -> ClientError:
    """The error DynamoDB answers a cancelled transaction with, one reason per item (None: no problem)."""
    reasons = [{"Code": code or "None"} for code in codes]
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": reasons,
        },
        "TransactWriteItems",
    )


# --- the contact centre -------------------------------------------------------------------------------------


@pytest.fixture
def centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Centre:
    return demo_centre(aws, monkeypatch)


def team_of(centre: Centre, username: str) -> str:
    profile = directory.agent_profile(centre.ids[username])
    assert profile is not None and profile.team_id is not None
    return profile.team_id


def edit_user(http: HttpClient, user_id: str, **changes: Any) -> None:
    current = http.get(f"/api/users/{user_id}")
    fields = ("name", "email", "role", "teamId", "siteId", "skills", "maxConcurrent", "autoAnswer", "outboundQueueId")
    body = {key: current.body[key] for key in fields} | changes
    result = http.put(f"/api/users/{user_id}", body, etag=current.headers["etag"])
    assert result.status == 200, result.body


def edit(http: HttpClient, path: str, **changes: Any) -> None:
    current = http.get(path)
    meta = {"id", "version", "createdAt", "updatedAt", "system", "username"}
    body = {k: v for k, v in current.body.items() if k not in meta} | changes
    result = http.put(path, body, etag=current.headers["etag"])
    assert result.status == 200, result.body


# --- the configuration version ------------------------------------------------------------------------------


def test_every_config_write_bumps_the_version_in_its_own_transaction(aws: AwsStack, http_client: HttpClient) -> None:
    assert config_store.current_version() == config_store.ConfigVersion(0, None)
    created = config_defaults.install_defaults()
    after_defaults = config_store.current_version()
    assert after_defaults.number == len(created) and after_defaults.change_id

    with counted() as calls:
        skill = http_client.create("/api/skills", {"name": "Billing"})
    writes = calls.on(aws.tables["config"])
    [transaction] = [c for c in writes if c.operation == "dynamodb:TransactWriteItems"]
    updates = [item["Update"] for item in transaction.params["TransactItems"] if "Update" in item]
    assert [u["Key"] for u in updates] == [{"pk": {"S": "meta"}, "sk": {"S": "version"}}]
    created_at = config_store.current_version()
    assert created_at.number == after_defaults.number + 1 and created_at.change_id != after_defaults.change_id

    http_client.put(f"/api/skills/{skill['id']}", {"name": "Billing 2"}, etag='"1"')
    http_client.delete(f"/api/skills/{skill['id']}")
    assert config_store.current_version().number == created_at.number + 2
    # a refused write (the name is taken) changes nothing, the version neither
    http_client.create("/api/skills", {"name": "Sales"})
    before = config_store.current_version()
    assert http_client.post("/api/skills", {"name": " sales"}).status == 409
    assert config_store.current_version() == before


def test_a_write_that_only_met_another_transaction_is_sent_again(aws: AwsStack) -> None:
    config_defaults.install_defaults()
    before = config_store.current_version()
    # create = put item, put name claim, put event, update version: another write held the version item
    conflicts = iter([cancelled(None, None, None, "TransactionConflict")])

    def fault(operation: str, _params: dict[str, Any]) -> None:
        if operation == "dynamodb:TransactWriteItems":
            error = next(conflicts, None)
            if error is not None:
                raise error

    with counted(fault) as calls:
        config_store.create(Kind.SKILL, "skill-1", {"name": "Billing", "description": ""}, SYSTEM)
    assert calls.counts()["dynamodb:TransactWriteItems"] == 2
    assert config_store.get(Kind.SKILL, "skill-1") is not None
    assert config_store.current_version().number == before.number + 1


def test_a_write_that_keeps_meeting_other_transactions_is_a_clean_conflict(aws: AwsStack) -> None:
    config_defaults.install_defaults()
    before = config_store.current_version()

    def fault(operation: str, _params: dict[str, Any]) -> None:
        if operation == "dynamodb:TransactWriteItems":
            raise cancelled(None, None, None, "TransactionConflict")

    with counted(fault) as calls, pytest.raises(AgentDeskError) as refused:
        config_store.create(Kind.SKILL, "skill-1", {"name": "Billing", "description": ""}, SYSTEM)
    assert refused.value.code is ErrorCode.CONFLICT
    assert "retry" in refused.value.message
    assert calls.counts()["dynamodb:TransactWriteItems"] == config_store.COMMIT_ATTEMPTS
    assert config_store.get(Kind.SKILL, "skill-1") is None
    assert config_store.current_version() == before


def test_a_failed_condition_is_not_sent_again(aws: AwsStack) -> None:
    config_defaults.install_defaults()
    with counted() as calls, pytest.raises(AgentDeskError) as refused:
        config_store.create(Kind.PAUSE_CODE, "lunch", {"label": "Lunch 2", "status": "Away"}, SYSTEM)  # id taken
    assert refused.value.code is ErrorCode.CONFLICT
    assert calls.counts()["dynamodb:TransactWriteItems"] == 1


# --- commands ---------------------------------------------------------------------------------------------


def test_a_warm_command_is_one_read_and_one_write(centre: Centre) -> None:
    config_table, agents_table = centre.aws.tables["config"], centre.aws.tables["agents"]
    with counted() as calls:
        centre.ack("ana", "login")  # the first command of this function loads the directory: one Scan
        assert calls.take() == Counter(
            {"dynamodb:BatchGetItem": 1, "dynamodb:Scan": 1, "dynamodb:TransactWriteItems": 1}
        )
        one_read_one_write = Counter({"dynamodb:BatchGetItem": 1, "dynamodb:TransactWriteItems": 1})
        for reason in ("lunch", "break", "training"):
            centre.ack("ana", "setStatus", status="Away", reason=reason)
            [read] = [c for c in calls.made if c.operation == "dynamodb:BatchGetItem"]
            assert read.tables == tuple(sorted((config_table, agents_table)))
            assert all(r["ConsistentRead"] for r in read.params["RequestItems"].values())
            assert calls.take() == one_read_one_write
        centre.ack("ana", "setStatus", status="Available")
        assert calls.take() == one_read_one_write
        centre.ack("ana", "logoff")
        assert calls.take() == one_read_one_write
        centre.ack("ana", "login", reason="meeting")
        assert calls.take() == one_read_one_write
        centre.ack("sam", "forceStatus", agentId=centre.ids["ana"], status="Away", reason="lunch")
        assert calls.take() == one_read_one_write
        centre.ack("ada", "forceLogoff", agentId=centre.ids["ana"])
        assert calls.take() == one_read_one_write
        # a command the rules refuse reads once and writes nothing
        assert centre.refused("ana", "logoff") == "NOT_LOGGED_IN"
        assert calls.take() == Counter({"dynamodb:BatchGetItem": 1})
        # a supervisor's command out of scope is refused after the same one read
        assert centre.refused("sue", "forceStatus", agentId=centre.ids["ana"], status="Available") == "FORBIDDEN"
        assert calls.take() == Counter({"dynamodb:BatchGetItem": 1})
        centre.ack("ana", "getState")  # the caller is checked against the directory read with the state
        assert calls.take() == Counter({"dynamodb:BatchGetItem": 1})
        centre.ack("sam", "getState", agentId=centre.ids["ana"])
        assert calls.take() == Counter({"dynamodb:BatchGetItem": 1})
        board = centre.ack("sam", "listAgentStates")
        assert calls.take() == Counter({"dynamodb:GetItem": 1, "dynamodb:BatchGetItem": 1})
        assert [row["agentId"] for row in board["agents"]] == [centre.ids["ana"]]


def test_a_retry_after_a_concurrent_change_rereads_only_the_state(centre: Centre) -> None:
    centre.ack("ana", "login")
    lost = iter([cancelled("ConditionalCheckFailed", None)])

    def fault(operation: str, _params: dict[str, Any]) -> None:
        if operation == "dynamodb:TransactWriteItems":
            error = next(lost, None)
            if error is not None:
                raise error

    with counted(fault) as calls:
        reply = centre.ack("ana", "setStatus", status="Away", reason="lunch")
    assert reply["state"]["reason"]["code"] == "lunch"
    assert calls.counts() == Counter(
        {"dynamodb:BatchGetItem": 1, "dynamodb:TransactWriteItems": 2, "dynamodb:GetItem": 1}
    )
    [reread] = [c for c in calls.made if c.operation == "dynamodb:GetItem"]
    assert reread.tables == (centre.aws.tables["agents"],)


def test_a_disabled_pause_code_is_refused_by_the_very_next_command(centre: Centre, http_client: HttpClient) -> None:
    centre.ack("ana", "login")
    centre.ack("ana", "setStatus", status="Away", reason="lunch")
    centre.ack("ana", "setStatus", status="Available")
    edit(http_client, "/api/pause-codes/lunch", enabled=False)
    assert centre.refused("ana", "setStatus", status="Away", reason="lunch") != "INTERNAL_ERROR"
    edit(http_client, "/api/pause-codes/lunch", enabled=True, label="Long lunch")
    reply = centre.ack("ana", "setStatus", status="Away", reason="lunch")
    assert reply["state"]["reason"]["label"] == "Long lunch"


def test_moving_an_agent_or_changing_a_supervisor_changes_scope_at_once(
    centre: Centre, http_client: HttpClient
) -> None:
    ana, ben = centre.ids["ana"], centre.ids["ben"]
    centre.ack("ana", "login")
    centre.ack("sam", "forceStatus", agentId=ana, status="Away", reason="break")
    assert centre.refused("sue", "forceStatus", agentId=ana, status="Available") == "FORBIDDEN"

    edit_user(http_client, ana, teamId=team_of(centre, "ben"))  # Ana moves to Sue's team
    assert centre.refused("sam", "forceStatus", agentId=ana, status="Available") == "FORBIDDEN"
    centre.ack("sue", "forceStatus", agentId=ana, status="Available")
    assert {row["agentId"] for row in centre.ack("sue", "listAgentStates")["agents"]} == {ana, ben}

    edit(http_client, f"/api/teams/{team_of(centre, 'ben')}", supervisorIds=[centre.ids["sam"]])  # Sam takes over
    assert centre.refused("sue", "forceStatus", agentId=ana, status="Away", reason="break") == "FORBIDDEN"
    centre.ack("sam", "forceStatus", agentId=ana, status="Away", reason="break")
    assert centre.ack("sue", "listAgentStates")["agents"] == []


def test_a_site_change_reaches_the_next_login(centre: Centre, http_client: HttpClient) -> None:
    ana = centre.ids["ana"]

    def logged_in_site() -> str:
        item = centre.aws.dynamodb.get_item(
            TableName=centre.aws.tables["agents"], Key={"pk": {"S": ana}, "sk": {"S": "state"}}, ConsistentRead=True
        )["Item"]
        return str(item["loggedInSite"]["S"])

    centre.ack("ana", "login")
    first = logged_in_site()
    other = next(site for site in ("site-london", "site-madrid") if site != first)
    centre.ack("ana", "logoff")
    edit_user(http_client, ana, siteId=other)
    centre.ack("ana", "login")
    assert logged_in_site() == other


def test_a_table_that_never_saw_a_config_write_is_never_cached(aws: AwsStack) -> None:
    empty = config_store.ConfigVersion(0, None)
    with counted() as calls:
        directory.at(empty)
        directory.at(empty)
    assert calls.counts() == Counter({"dynamodb:Scan": 2})  # the directory's kinds in one Scan; twice


# --- the publisher ------------------------------------------------------------------------------------------


def agent_events(centre: Centre, agent_id: str) -> list[str]:
    items = centre.aws.scan("events")
    found = [json.loads(i["document"]["S"]) for i in items if i.get("agentId", {}).get("S") == agent_id]
    found = [e for e in found if e["type"] == "agent.state.changed"]
    return [e["eventId"] for e in sorted(found, key=lambda e: e["data"]["state"]["version"])]


def pushed_to(calls: Calls) -> Counter[str]:
    return Counter(c.params["ConnectionId"] for c in calls.made if c.operation.endswith(":PostToConnection"))


def test_the_publisher_reads_the_configuration_once_per_batch(centre: Centre, http_client: HttpClient) -> None:
    ana, sue = centre.ids["ana"], centre.ids["sue"]
    sues_team = team_of(centre, "ben")
    for name, tabs in (("ana", 2), ("sam", 1), ("sue", 1), ("ada", 1)):
        for tab in range(tabs):
            connections.save_connection(f"{name}-{tab}", centre.principal(name), 600)
    centre.ack("ana", "login")
    centre.ack("ana", "setStatus", status="Away", reason="lunch")
    centre.ack("ana", "setStatus", status="Available")
    centre.ack("ana", "logoff")
    events = agent_events(centre, ana)
    assert len(events) == 4
    config_table = centre.aws.tables["config"]

    batch = stream_batch(centre, events[:3])
    with counted() as calls:
        result = publisher_handler(batch, FakeLambdaContext())  # type: ignore[arg-type]
    assert result == {"batchItemFailures": []}
    assert [c.operation for c in calls.on(config_table)] == ["dynamodb:GetItem"]  # the version, once per batch
    per_event = {
        "dynamodb:PutItem": 1,  # the idempotency record ...
        "dynamodb:UpdateItem": 1,  # ... completed
        "kinesis:PutRecord": 1,
        "dynamodb:Query": 1,  # open connections of Ana
        "apigatewaymanagementapi:PostToConnection": 4,  # Ana's two tabs, Sam, Ada
    }
    # once per batch: the configuration's version, the open connections of Sam (her supervisor) and of the admins
    per_batch = Counter({"dynamodb:GetItem": 1, "dynamodb:Query": 2})
    expected = Counter({op: n * 3 for op, n in per_event.items()}) + per_batch
    assert calls.counts() == expected
    assert pushed_to(calls) == Counter({"ana-0": 3, "ana-1": 3, "sam-0": 3, "ada-0": 3})

    # Ana moves to Sue's team before her last event is published: the next batch reads the new version once,
    # loads the directory again, and pushes to Sue instead of Sam
    edit_user(http_client, ana, teamId=sues_team)
    batch = stream_batch(centre, events[3:])
    with counted() as calls:
        publisher_handler(batch, FakeLambdaContext())  # type: ignore[arg-type]
    assert [c.operation for c in calls.on(config_table)] == ["dynamodb:GetItem", "dynamodb:Scan"]
    assert pushed_to(calls) == Counter({"ana-0": 1, "ana-1": 1, "sue-0": 1, "ada-0": 1})
    assert directory.supervisors_of(ana) == {sue}
