"""Every site has a midnight logoff schedule in its time zone, kept in step with the sites through the
events stream; when the local scheduler reaches a site's midnight, that site's agents are logged off.
Switching the settings' `autoLogoffAtMidnight` off disables every schedule (and the task refuses to act);
switching it on enables them again."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from agentdesk.agents import store as agents
from agentdesk.config import directory
from agentdesk.config import store as config_store
from infra.local.seed import DEMO_PASSWORD
from infra.local.stack import LocalStack
from tests.integration.local_stack import running_stack
from tests.support import WorkspaceClient, claims_of, sign_in

# The in-process local stack runs in its own pytest process (scripts/test.sh): moto's backends and the
# platform's caches are process-global, shared with the tests that use mock_aws.
pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        running.scheduler.stop()  # the test moves the scheduler's clock itself
        yield running


def schedule(stack: LocalStack, name: str) -> dict[str, Any] | None:
    client = stack.client("scheduler")
    try:
        return dict(client.get_schedule(Name=name, GroupName="agentdesk"))
    except client.exceptions.ResourceNotFoundException:
        return None


def eventually(check: Callable[[], Any], timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def admin(stack: LocalStack) -> dict[str, str]:
    assert stack.provisioned is not None
    token = sign_in(stack.aws_endpoint, stack.provisioned.user_pool_client_id, "ada", DEMO_PASSWORD)
    return {"Authorization": f"Bearer {token}"}


def test_each_seeded_site_and_the_siteless_agents_have_a_midnight_schedule(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    expected = {
        "logoff-site-london": "Europe/London",
        "logoff-site-new-york": "America/New_York",
        "logoff-site-madrid": "Europe/Madrid",
        "logoff-no-site": config_store.workspace_settings().defaultTimeZone,
    }
    for name, zone in expected.items():
        found = eventually(lambda name=name: schedule(stack, name))
        assert found is not None, name
        assert found["ScheduleExpression"] == "cron(0 0 * * ? *)"
        assert found["ScheduleExpressionTimezone"] == zone
        assert found["Target"]["Arn"] == stack.provisioned.state_machine_arns["scheduled-logoff"]
        site = None if name == "logoff-no-site" else name.removeprefix("logoff-")
        assert json.loads(found["Target"]["Input"]) == {"siteId": site}


def test_site_changes_move_the_schedule(stack: LocalStack) -> None:
    headers = admin(stack)
    api = f"{stack.base_url}/api/sites"
    created = httpx.post(api, headers=headers, json={"name": "Tokyo", "timeZone": "Asia/Tokyo"})
    assert created.status_code == 201, created.text
    site_id = created.json()["id"]
    name = f"logoff-{site_id}"
    assert eventually(lambda: (schedule(stack, name) or {}).get("ScheduleExpressionTimezone") == "Asia/Tokyo")

    moved = httpx.put(
        f"{api}/{site_id}",
        headers={**headers, "If-Match": created.headers["etag"]},
        json={"name": "Tokyo", "timeZone": "Asia/Seoul"},
    )
    assert moved.status_code == 200, moved.text
    assert eventually(lambda: (schedule(stack, name) or {}).get("ScheduleExpressionTimezone") == "Asia/Seoul")

    gone = httpx.delete(f"{api}/{site_id}", headers={**headers, "If-Match": moved.headers["etag"]})
    assert gone.status_code in (200, 204), gone.text
    assert eventually(lambda: schedule(stack, name) is None)


def test_midnight_in_madrid_logs_off_the_madrid_agents_only(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    client_id = stack.provisioned.user_pool_client_id
    names = ("alice", "bob", "carol", "dave", "erin")
    tokens = {n: sign_in(stack.aws_endpoint, client_id, n, DEMO_PASSWORD) for n in names}
    ids = {n: claims_of(t)["sub"] for n, t in tokens.items()}
    sites = {n: directory.agent_profile(ids[n]).site_id for n in names}  # type: ignore[union-attr]
    madrid = {n for n in names if sites[n] == "site-madrid"}
    assert madrid and madrid != set(names)

    async def log_in_everyone() -> None:
        for name in names:
            client = await WorkspaceClient.connect(f"ws://127.0.0.1:{stack.options.port}/ws", tokens[name])
            assert (await client.request("login"))["type"] == "ack"
            await client.close()

    asyncio.run(log_in_everyone())

    midnight = datetime(2026, 11, 24, tzinfo=ZoneInfo("Europe/Madrid")).astimezone(UTC)
    stack.scheduler.tick(now=midnight - timedelta(seconds=30))  # nothing is due yet
    started = stack.scheduler.tick(now=midnight + timedelta(seconds=30))
    assert [name for name, _ in stack.scheduler.fired] == ["logoff-site-madrid"]
    sfn = stack.client("stepfunctions")
    result = eventually(lambda: sfn.describe_execution(executionArn=started[0])["status"] != "RUNNING")
    assert result
    assert sfn.describe_execution(executionArn=started[0])["status"] == "SUCCEEDED"
    for name in names:
        state = agents.load_state(ids[name]).state
        assert state.status.value == ("Offline" if name in madrid else "Available"), name
    for name in madrid:
        assert agents.history(ids[name], "session")[-1]["logoffReason"] == "AUTO"


SCHEDULES = ("logoff-site-london", "logoff-site-new-york", "logoff-site-madrid", "logoff-no-site")


def put_auto_logoff(stack: LocalStack, on: bool) -> None:
    headers = admin(stack)
    api = f"{stack.base_url}/api/settings"
    current = httpx.get(api, headers=headers)
    assert current.status_code == 200, current.text
    body = {k: v for k, v in current.json().items() if k not in ("version", "updatedAt")}
    saved = httpx.put(
        api, headers={**headers, "If-Match": current.headers["etag"]}, json=body | {"autoLogoffAtMidnight": on}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["autoLogoffAtMidnight"] is on


def states(stack: LocalStack) -> dict[str, str | None]:
    return {name: (schedule(stack, name) or {}).get("State") for name in SCHEDULES}


def test_switching_auto_logoff_off_disables_every_schedule_and_on_enables_them(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    token = sign_in(stack.aws_endpoint, stack.provisioned.user_pool_client_id, "bob", DEMO_PASSWORD)
    bob = claims_of(token)["sub"]

    async def log_in() -> None:
        client = await WorkspaceClient.connect(f"ws://127.0.0.1:{stack.options.port}/ws", token)
        reply = await client.request("login")
        assert reply["type"] == "ack" or reply.get("code") == "INVALID_TRANSITION", reply
        await client.close()

    asyncio.run(log_in())
    site = directory.agent_profile(bob).site_id  # type: ignore[union-attr]
    headers = admin(stack)
    sites = f"{stack.base_url}/api/sites"
    oslo: dict[str, Any] = {}
    try:
        put_auto_logoff(stack, False)
        assert eventually(lambda: set(states(stack).values()) == {"DISABLED"}), states(stack)

        # the scheduler fires no disabled schedule, at any site's midnight
        fired = len(stack.scheduler.fired)
        for zone in ("Europe/London", "America/New_York", "Europe/Madrid"):
            midnight = datetime(2026, 11, 25, tzinfo=ZoneInfo(zone)).astimezone(UTC)
            stack.scheduler.tick(now=midnight - timedelta(seconds=30))
            assert stack.scheduler.tick(now=midnight + timedelta(seconds=30)) == []
        assert len(stack.scheduler.fired) == fired

        # defence in depth: a run that starts anyway (already under way, or by hand) logs nobody off
        sfn = stack.client("stepfunctions")
        execution = sfn.start_execution(
            stateMachineArn=stack.provisioned.state_machine_arns["scheduled-logoff"],
            name=f"switched-off-{uuid.uuid4().hex}",
            input=json.dumps({"siteId": site}),
        )
        arn = execution["executionArn"]
        assert eventually(lambda: sfn.describe_execution(executionArn=arn)["status"] != "RUNNING")
        result = sfn.describe_execution(executionArn=arn)
        assert result["status"] == "SUCCEEDED", result
        assert json.loads(result["output"])["found"]["agentIds"] == []
        assert agents.load_state(bob).state.status.value != "Offline"

        # a site created while it is off gets a disabled schedule
        created = httpx.post(sites, headers=headers, json={"name": "Oslo", "timeZone": "Europe/Oslo"})
        assert created.status_code == 201, created.text
        oslo.update(id=created.json()["id"], etag=created.headers["etag"])
        name = f"logoff-{oslo['id']}"
        assert eventually(lambda: (schedule(stack, name) or {}).get("State") == "DISABLED")
    finally:
        put_auto_logoff(stack, True)
    assert eventually(lambda: set(states(stack).values()) == {"ENABLED"}), states(stack)
    assert eventually(lambda: (schedule(stack, name) or {}).get("State") == "ENABLED")
    gone = httpx.delete(f"{sites}/{oslo['id']}", headers={**headers, "If-Match": oslo["etag"]})
    assert gone.status_code in (200, 204), gone.text
