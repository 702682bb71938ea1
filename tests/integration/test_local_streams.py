"""The local event source mapping sees DynamoDB's view of the events stream: a transaction cancelled by a
failed condition delivers nothing, and the events after it are all delivered."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from infra.local.seed import DEMO_PASSWORD
from infra.local.stack import LocalStack
from tests.integration.local_stack import running_stack
from tests.support import WorkspaceClient, sign_in

# The in-process local stack runs in its own pytest process (scripts/test.sh): moto's backends and the
# platform's caches are process-global, shared with the tests that use mock_aws.
pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        yield running


def test_a_refused_write_delivers_nothing_and_later_events_all_arrive(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    token = sign_in(stack.aws_endpoint, stack.provisioned.user_pool_client_id, "ada", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {token}"}
    delivered = dict(stack.pollers.delivered)

    async def scenario() -> None:
        client = await WorkspaceClient.connect(f"ws://127.0.0.1:{stack.options.port}/ws", token)
        await client.request("ping")
        for name in ("billing", "BILLING"):  # names are unique: both are refused after checking conditions
            refused = httpx.post(f"{stack.base_url}/api/skills", headers=headers, json={"name": name})
            assert refused.status_code == 409 and refused.json()["error"]["field"] == "name"
        created = httpx.post(f"{stack.base_url}/api/skills", headers=headers, json={"name": "Legal"})
        assert created.status_code == 201
        pushed = await client.push(lambda m: m.get("type") == "config.changed", timeout=15)
        assert pushed["id"] == created.json()["id"] and pushed["change"] == "created"
        await asyncio.sleep(0.5)
        assert not [p for p in client.pushes if p.get("type") == "config.changed"]  # none for the refusals
        await client.close()

    asyncio.run(scenario())
    assert stack.pollers.wait_idle(timeout=15)
    assert stack.pollers.delivered["publisher"] == delivered["publisher"] + 1
    assert stack.pollers.delivered["site-schedules"] == delivered["site-schedules"] + 1
