"""The state machines of statemachines/ run on the local stack (moto's interpreter) and their Lambda tasks
reach the real handlers: the midnight logoff of a site, and the presence grace after a disconnect."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from agentdesk.store import agents, directory
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
    assert set(stack.provisioned.state_machine_arns) == {"presence", "scheduled-logoff"}


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
