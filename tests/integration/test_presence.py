"""Presence on the local stack: when an agent's last connection closes, the presence state machine waits the
grace period and marks a still-disconnected Available agent Away; a reconnect stops the timer. A fresh stack
of its own, so no other test's connections or timers are around."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from agentdesk.store import agents
from infra.local.stack import LocalStack
from tests.integration.local_stack import running_stack
from tests.integration.test_state_machines import token, wait_for_execution, ws_url
from tests.support import WorkspaceClient, claims_of

pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        yield running


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


def test_presence_marks_a_disconnected_agent_away_and_a_reconnect_cancels_it(stack: LocalStack) -> None:
    put_grace(stack, 1)
    gone, back = "erin", "dave"
    tokens = {name: token(stack, name) for name in (gone, back)}
    ids = {name: claims_of(t)["sub"] for name, t in tokens.items()}
    timers: dict[str, dict[str, str]] = {}

    async def new_timer(name: str, previous: dict[str, str] | None) -> dict[str, str]:
        for _ in range(600):  # the disconnect is handled after the socket closes (slow on a loaded machine)
            timer = agents.presence_timer(ids[name])
            if timer is not None and timer != previous:
                return timer
            await asyncio.sleep(0.05)
        from agentdesk.store import connections

        state = agents.load_state(ids[name]).state
        raise AssertionError(
            f"no grace timer started for {name}: status {state.status}, "
            f"open connections {[c.connection_id for c in connections.connections_of(ids[name])]}"
        )

    async def scenario() -> None:
        for name in (gone, back):
            previous = agents.presence_timer(ids[name])
            client = await WorkspaceClient.connect(ws_url(stack), tokens[name])
            reply = await client.request("getState")
            if reply["state"]["status"] == "Offline":
                await client.request("login")
            else:
                await client.request("setStatus", status="Available")
            await client.close()  # the last connection: the grace timer starts
            timers[name] = await new_timer(name, previous)
        # `back` returns within the grace period: its timer is stopped
        returning = await WorkspaceClient.connect(ws_url(stack), tokens[back])
        await returning.request("whoami")
        await asyncio.sleep(3)
        assert (await returning.request("getState"))["state"]["status"] == "Available"
        await returning.close()

    asyncio.run(scenario())

    away = wait_for_execution(stack, timers[gone]["executionArn"])
    assert away["status"] == "SUCCEEDED", away
    assert json.loads(away["output"]) == {"agentId": ids[gone], "outcome": "away", "status": "Away"}
    state = agents.load_state(ids[gone]).state
    assert state.status.value == "Away"
    assert state.reason is not None and state.reason.label == "Disconnected"

    stopped = wait_for_execution(stack, timers[back]["executionArn"])
    assert stopped["status"] == "ABORTED"  # the returning agent's timer was stopped
