"""The state machines of statemachines/ run on the local stack (moto's interpreter) and their Lambda tasks
reach the real handlers: the midnight logoff of a site, and the presence grace after a disconnect.

The tests share one stack, as a deployment is shared: the presence tests run after the logoff test has
left its connections closed, its agents logged in or off and their 60 s grace timers running."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from agentdesk import wiring
from agentdesk.agents import store as agents
from agentdesk.config import directory
from agentdesk.realtime import connections
from infra.local.seed import DEMO_PASSWORD
from infra.local.stack import LocalStack
from tests.integration.local_stack import RecordingRuntime, running_stack
from tests.support import WorkspaceClient, claims_of, sign_in

# The in-process local stack runs in its own pytest process (scripts/test.sh): moto's backends and the
# platform's caches are process-global, shared with the tests that use mock_aws.
pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        yield running


def token(stack: LocalStack, username: str) -> str:
    assert stack.provisioned is not None
    return sign_in(stack.aws_endpoint, stack.provisioned.user_pool_client_id, username, DEMO_PASSWORD)


def ws_url(stack: LocalStack) -> str:
    return f"ws://127.0.0.1:{stack.options.port}/ws"


def wait_for_execution(stack: LocalStack, arn: str, timeout: float = 30) -> dict[str, Any]:
    sfn = stack.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        execution = sfn.describe_execution(executionArn=arn)
        if execution["status"] != "RUNNING":
            return dict(execution)
        time.sleep(0.1)
    raise AssertionError(f"{arn} still running after {timeout} s")


def test_every_state_machine_file_is_deployed(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    machines = stack.client("stepfunctions").list_state_machines()["stateMachines"]
    assert {m["name"] for m in machines} == {f"agentdesk-{key}" for key in stack.provisioned.state_machine_arns}
    assert set(stack.provisioned.state_machine_arns) == set(wiring.STATE_MACHINES)
    assert {"presence", "scheduled-logoff", "offer-timeout", "wrap-up"} <= set(wiring.STATE_MACHINES)


def test_scheduled_logoff_logs_off_everyone_at_the_site(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    recorder = RecordingRuntime(stack)
    users = ("alice", "bob", "carol", "dave", "erin")
    tokens = {name: token(stack, name) for name in users}
    ids = {name: claims_of(t)["sub"] for name, t in tokens.items()}
    sites = {name: directory.agent_profile(ids[name]).site_id for name in users}  # type: ignore[union-attr]
    site = sites["alice"]
    at_site = {name for name in users if sites[name] == site}
    elsewhere = set(users) - at_site
    assert at_site and elsewhere

    async def log_everyone_in() -> None:
        for name in users:
            client = await WorkspaceClient.connect(ws_url(stack), tokens[name])
            reply = await client.request("login")
            assert reply["type"] == "ack", reply
            await client.close()

    asyncio.run(log_everyone_in())

    execution = stack.client("stepfunctions").start_execution(
        stateMachineArn=stack.provisioned.state_machine_arns["scheduled-logoff"],
        input=json.dumps({"siteId": site}),
    )
    result = wait_for_execution(stack, execution["executionArn"])
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert sorted(output["found"]["agentIds"]) == sorted(ids[name] for name in at_site)
    assert {row["agentId"] for row in output["loggedOff"]} == {ids[name] for name in at_site}
    assert all(row["status"] == "Offline" for row in output["loggedOff"])
    assert [name for name, _ in recorder.calls].count("scheduled-logoff") == 1 + len(at_site)

    for name in at_site:
        state = agents.load_state(ids[name]).state
        assert state.status.value == "Offline"
        sessions = agents.history(ids[name], "session")
        assert sessions[-1]["logoffKind"] == "auto" and sessions[-1]["logoffReason"] == "AUTO"
    for name in elsewhere:
        assert agents.load_state(ids[name]).state.status.value == "Available"


# --- presence ---------------------------------------------------------------------------------------------


def put_grace(stack: LocalStack, seconds: int) -> None:
    admin = {"Authorization": f"Bearer {token(stack, 'ada')}"}
    current = httpx.get(f"{stack.base_url}/api/settings", headers=admin)
    assert current.status_code == 200, current.text
    body = {k: v for k, v in current.json().items() if k not in ("version", "updatedAt")}
    body["presenceGraceSeconds"] = seconds
    updated = httpx.put(
        f"{stack.base_url}/api/settings", headers={**admin, "If-Match": current.headers["etag"]}, json=body
    )
    assert updated.status_code == 200, updated.text


def settle(stack: LocalStack) -> None:
    """Wait until the stream consumers (the publisher's pushes among them) have handled every event so far."""
    assert stack.pollers.wait_idle(timeout=30)


async def new_timer(agent_id: str, previous: dict[str, str] | None) -> dict[str, str]:
    """The agent's grace timer once one other than `previous` is running."""
    for _ in range(600):  # the disconnect is handled after the socket closes (slow on a loaded machine)
        timer = agents.presence_timer(agent_id)
        if timer is not None and timer != previous:
            return timer
        await asyncio.sleep(0.05)
    state = agents.load_state(agent_id).state
    raise AssertionError(
        f"no grace timer started for {agent_id}: status {state.status}, "
        f"connection records {[c.connection_id for c in connections.connections_of(agent_id)]}"
    )


async def available(client: WorkspaceClient) -> None:
    """Log in, or go Available if already logged in (an earlier test may have left the agent in any state)."""
    reply = await client.request("getState")
    if reply["state"]["status"] == "Offline":
        reply = await client.request("login")
    else:
        reply = await client.request("setStatus", status="Available")
    assert reply["type"] == "ack" and reply["state"]["status"] == "Available", reply


def assert_marked_away(stack: LocalStack, agent_id: str, timer: dict[str, str]) -> None:
    finished = wait_for_execution(stack, timer["executionArn"])
    assert finished["status"] == "SUCCEEDED", finished
    assert json.loads(finished["output"]) == {"agentId": agent_id, "outcome": "away", "status": "Away"}
    state = agents.load_state(agent_id).state
    assert state.status.value == "Away"
    assert state.reason is not None and state.reason.label == "Disconnected"


def test_presence_marks_a_disconnected_agent_away_and_a_reconnect_cancels_it(stack: LocalStack) -> None:
    put_grace(stack, 1)
    gone, back = "erin", "dave"
    tokens = {name: token(stack, name) for name in (gone, back)}
    ids = {name: claims_of(t)["sub"] for name, t in tokens.items()}
    timers: dict[str, dict[str, str]] = {}

    async def scenario() -> None:
        for name in (gone, back):
            previous = agents.presence_timer(ids[name])
            client = await WorkspaceClient.connect(ws_url(stack), tokens[name])
            await available(client)
            await client.close()  # the last connection: the grace timer starts
            timers[name] = await new_timer(ids[name], previous)
        # `back` returns within the grace period: its timer is stopped
        returning = await WorkspaceClient.connect(ws_url(stack), tokens[back])
        await returning.request("whoami")
        await asyncio.sleep(3)
        assert (await returning.request("getState"))["state"]["status"] == "Available"
        await returning.close()

    asyncio.run(scenario())

    assert_marked_away(stack, ids[gone], timers[gone])
    stopped = wait_for_execution(stack, timers[back]["executionArn"])
    assert stopped["status"] == "ABORTED"  # the returning agent's timer was stopped


def test_the_grace_timer_starts_when_the_connection_record_was_removed_before_disconnect(stack: LocalStack) -> None:
    """A push to a closing socket answers 410 Gone before its $disconnect runs, and the publisher then deletes
    the connection's record: $disconnect must still start the grace timer (it knows the user from the
    authorizer's context)."""
    put_grace(stack, 1)
    agent_token = token(stack, "carol")
    agent_id = claims_of(agent_token)["sub"]

    async def scenario() -> dict[str, str]:
        settle(stack)  # the settings change is pushed to every connection before this one opens
        client = await WorkspaceClient.connect(ws_url(stack), agent_token)
        await available(client)
        settle(stack)
        records = connections.connections_of(agent_id)
        assert len(records) == 1, [r.connection_id for r in records]
        connections.delete_connection(records[0].connection_id)  # as the publisher does after a 410
        previous = agents.presence_timer(agent_id)
        await client.close()
        return await new_timer(agent_id, previous)

    assert_marked_away(stack, agent_id, asyncio.run(scenario()))


def test_leftover_connection_records_do_not_keep_an_agent_connected(stack: LocalStack) -> None:
    """Records whose $disconnect never came: one of a socket the gateway no longer has, one past its
    `expiresAt` (DynamoDB deletes expired items only eventually). Neither stops the grace timer, nor the
    agent turning Away when it fires."""
    assert stack.provisioned is not None
    put_grace(stack, 1)
    agent_token = token(stack, "bob")
    agent_id = claims_of(agent_token)["sub"]
    table = stack.provisioned.table_names["connections"]
    dynamodb = stack.client("dynamodb")
    now = int(time.time())
    # (connected, expires): the socket-gone one is old enough to be asked about; the expired one is young
    # enough not to be (a connection may be recorded before the gateway knows it), so only its expiry counts.
    leftovers = {"leftover-socket-gone": (now - 600, now + 6600), "leftover-expired": (now - 5, now - 1)}

    def leave_leftovers() -> None:
        for connection_id, (connected, expires) in leftovers.items():
            dynamodb.put_item(
                TableName=table,
                Item={
                    "connectionId": {"S": connection_id},
                    "userId": {"S": agent_id},
                    "username": {"S": "bob"},
                    "name": {"S": "Bob"},
                    "role": {"S": "agent"},
                    "connectedAt": {"S": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(connected))},
                    "connectedEpoch": {"N": str(connected)},
                    "expiresAt": {"N": str(expires)},
                },
            )

    def remaining() -> set[str]:
        return {c.connection_id for c in connections.connections_of(agent_id)} & set(leftovers)

    async def scenario() -> dict[str, str]:
        client = await WorkspaceClient.connect(ws_url(stack), agent_token)
        await available(client)
        # Once the pushes of the change are out, nothing pushes to Bob (which would make the publisher delete
        # the leftovers on their 410) until his grace timer runs out.
        settle(stack)
        leave_leftovers()
        previous = agents.presence_timer(agent_id)
        await client.close()
        timer = await new_timer(agent_id, previous)
        assert remaining() == set(leftovers)  # they were there when $disconnect looked
        return timer

    try:
        assert_marked_away(stack, agent_id, asyncio.run(scenario()))
    finally:
        for connection_id in leftovers:
            dynamodb.delete_item(TableName=table, Key={"connectionId": {"S": connection_id}})
