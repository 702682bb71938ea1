"""Agent state over the local stack: commands, errors, live pushes to every tab and to supervisors, forced
changes, time & attendance records and one event per change."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import boto3
import pytest

from tests.support import WorkspaceClient, claims_of, state_push

pytestmark = pytest.mark.e2e


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(scenario())


@pytest.fixture(scope="module")
def ids(stack: Any) -> dict[str, str]:
    return {u["username"]: claims_of(stack.token(u["username"]))["sub"] for role in stack.users.values() for u in role}


@pytest.fixture(scope="module")
def scope(stack: Any) -> dict[str, set[str]]:
    """Which agents each supervisor sees on the wallboard."""

    async def scenario() -> dict[str, set[str]]:
        found = {}
        for supervisor in ("sam", "sue"):
            client = await WorkspaceClient.connect(stack.ws_url, stack.token(supervisor))
            reply = await client.request("listAgentStates")
            await client.close()
            assert reply["type"] == "ack", reply
            found[supervisor] = {row["agentId"] for row in reply["agents"]}
        return found

    return dict(run(scenario))


def table(stack: Any, name: str) -> Any:
    return boto3.resource("dynamodb", endpoint_url=stack.aws_endpoint, region_name="us-east-1").Table(name)


def test_wallboard_scopes_are_disjoint_and_cover_the_agents(scope: dict[str, set[str]], ids: dict[str, str]) -> None:
    agents = {ids[name] for name in ("alice", "bob", "carol", "dave", "erin")}
    assert scope["sam"] and scope["sue"]
    assert scope["sam"] | scope["sue"] == agents
    assert not scope["sam"] & scope["sue"]


def test_login_pause_and_logoff_push_to_every_tab_and_the_supervisor(
    stack: Any, ids: dict[str, str], scope: dict[str, set[str]]
) -> None:
    agent = "alice"
    agent_id = ids[agent]
    supervisor = "sam" if agent_id in scope["sam"] else "sue"
    other_supervisor = "sue" if supervisor == "sam" else "sam"

    async def scenario() -> int:
        tab1 = await WorkspaceClient.connect(stack.ws_url, stack.token(agent))
        tab2 = await WorkspaceClient.connect(stack.ws_url, stack.token(agent))
        boss = await WorkspaceClient.connect(stack.ws_url, stack.token(supervisor))
        stranger = await WorkspaceClient.connect(stack.ws_url, stack.token(other_supervisor))

        not_yet = await tab1.request("setStatus", status="Available")
        assert not_yet["code"] == "NOT_LOGGED_IN"

        login = await tab1.request("login")
        assert login["type"] == "ack" and login["state"]["status"] == "Available"
        version = login["state"]["version"]
        await tab2.push(state_push(agent_id, "Available", version))
        await boss.push(state_push(agent_id, "Available", version))

        again = await tab1.request("login")
        assert again["code"] == "INVALID_TRANSITION" and again["message"]

        missing = await tab1.request("setStatus", status="Away")
        assert missing["code"] == "REASON_REQUIRED" and missing["field"] == "reason"
        unknown = await tab1.request("setStatus", status="Away", reason="nap")
        assert unknown["code"] == "UNKNOWN_REASON"
        mismatched = await tab1.request("setStatus", status="Busy", reason="lunch")
        assert mismatched["code"] == "UNKNOWN_REASON"
        wrong_type = await tab1.request("setStatus", status=5)
        assert wrong_type["code"] == "BAD_REQUEST" and wrong_type["field"] == "status"
        offline = await tab1.request("setStatus", status="Offline")
        assert offline["code"] == "BAD_REQUEST"

        pause = await tab1.request("setStatus", status="Away", reason="lunch")
        assert pause["type"] == "ack"
        assert pause["state"]["status"] == "Away" and pause["state"]["reason"]["label"] == "Lunch"
        assert pause["state"]["reason"]["productive"] is False
        assert pause["state"]["version"] == version + 1
        pushed = await tab2.push(state_push(agent_id, "Away", version + 1))
        assert pushed["state"]["reason"]["code"] == "lunch"
        await boss.push(state_push(agent_id, "Away", version + 1))

        state = await tab2.request("getState")
        assert state["state"]["status"] == "Away" and state["state"]["version"] == version + 1

        off = await tab1.request("logoff")
        assert off["state"]["status"] == "Offline"
        await tab2.push(state_push(agent_id, "Offline", version + 2))
        await boss.push(state_push(agent_id, "Offline", version + 2))

        await asyncio.sleep(0.5)
        assert not [p for p in stranger.pushes if p.get("type") == "agent.state" and p.get("agentId") == agent_id]
        for client in (tab1, tab2, boss, stranger):
            await client.close()
        return int(version)

    version = run(scenario)

    records = table(stack, "agentdesk-agents").query(
        KeyConditionExpression="pk = :a", ExpressionAttributeValues={":a": agent_id}
    )["Items"]
    sessions = [json.loads(r["document"]) for r in records if r["kind"] == "session"]
    pauses = [json.loads(r["document"]) for r in records if r["kind"] == "pause"]
    assert len(sessions) == 1 and sessions[0]["logoffKind"] == "manual" and sessions[0]["durationSeconds"] >= 0
    assert len(pauses) == 1 and pauses[0]["code"] == "lunch" and pauses[0]["productive"] is False
    assert sessions[0]["start"] <= pauses[0]["start"] <= pauses[0]["end"] <= sessions[0]["end"]

    events = table(stack, "agentdesk-events").scan()["Items"]
    mine = [
        json.loads(e["document"]) for e in events if e.get("agentId") == agent_id and e["type"] == "agent.state.changed"
    ]
    assert sorted(e["data"]["state"]["version"] for e in mine) == [version, version + 1, version + 2]


def test_agents_act_only_on_themselves(stack: Any, ids: dict[str, str]) -> None:
    async def scenario() -> None:
        bob = await WorkspaceClient.connect(stack.ws_url, stack.token("bob"))
        other = await bob.request("login", agentId=ids["carol"])
        assert other["code"] == "FORBIDDEN" and other["field"] == "agentId"
        force = await bob.request("forceLogoff", agentId=ids["carol"])
        assert force["code"] == "FORBIDDEN"
        peek = await bob.request("getState", agentId=ids["carol"])
        assert peek["code"] == "FORBIDDEN"
        board = await bob.request("listAgentStates")
        assert board["code"] == "FORBIDDEN"
        itself = await bob.request("getState", agentId=ids["bob"])
        assert itself["type"] == "ack"
        await bob.close()

    run(scenario)


def test_supervisor_forces_status_and_logoff_in_scope_only(
    stack: Any, ids: dict[str, str], scope: dict[str, set[str]]
) -> None:
    supervisor = "sam"
    mine = sorted(scope[supervisor])[0]
    theirs = sorted(scope["sue"])[0]
    name = next(n for n, i in ids.items() if i == mine)

    async def scenario() -> None:
        agent = await WorkspaceClient.connect(stack.ws_url, stack.token(name))
        boss = await WorkspaceClient.connect(stack.ws_url, stack.token(supervisor))
        await agent.request("login")

        refused = await boss.request("forceStatus", agentId=theirs, status="Away", reason="break")
        assert refused["code"] == "FORBIDDEN"
        unknown_agent = await boss.request("forceLogoff", agentId="nobody")
        assert unknown_agent["code"] == "FORBIDDEN"
        missing_reason = await boss.request("forceStatus", agentId=mine, status="Away")
        assert missing_reason["code"] == "REASON_REQUIRED"

        forced = await boss.request("forceStatus", agentId=mine, status="Away", reason="meeting")
        assert forced["type"] == "ack" and forced["state"]["reason"]["code"] == "meeting"
        watched = await agent.push(state_push(mine, "Away"))
        assert watched["change"]["cause"] == "supervisor" and watched["change"]["actorId"] == ids[supervisor]

        logged_off = await boss.request("forceLogoff", agentId=mine)
        assert logged_off["state"]["status"] == "Offline"
        final = await agent.push(state_push(mine, "Offline"))
        assert final["change"]["logoffKind"] == "forced"
        for client in (agent, boss):
            await client.close()

    run(scenario)


def test_admins_hear_every_agent_and_pushes_carry_only_the_change_summary(stack: Any, ids: dict[str, str]) -> None:
    async def scenario() -> None:
        admin = await WorkspaceClient.connect(stack.ws_url, stack.token("ada"))
        agent = await WorkspaceClient.connect(stack.ws_url, stack.token("erin"))
        state = (await agent.request("getState"))["state"]
        if state["status"] == "Offline":
            assert state["since"] is None or state["version"] > 0
            await agent.request("login")
        changed = await agent.request("setStatus", status="Away", reason="training")
        assert changed["type"] == "ack", changed
        pushed = await admin.push(state_push(ids["erin"], "Away", changed["state"]["version"]))
        assert pushed["state"]["reason"]["label"] == "Training" and pushed["state"]["reason"]["productive"] is True
        assert set(pushed["change"]) == {"command", "cause", "actorId", "logoffKind", "logoffReason"}
        assert pushed["change"]["cause"] == "agent" and pushed["change"]["actorId"] == ids["erin"]
        await agent.request("logoff")
        for client in (admin, agent):
            await client.close()

    run(scenario)
