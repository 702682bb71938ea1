"""However an Available agent's connection dies, the agent ends Away / Disconnected after the grace period:
its $disconnect runs, or (the $disconnect lost, as API Gateway allows) a push finds it gone (410), or
(the $disconnect lost and nothing pushed) its record simply expires — and then only the periodic presence
sweep starts the grace timer, fired here by the local scheduler from the EventBridge rule provisioned from
the wiring. The sweep starts no second timer, and leaves logged-off and connected agents alone.

The scheduler's thread is stopped: the tests tick it at chosen moments, so the sweep runs exactly when they
say. Each agent is used by one test only, so the tests can run in any order.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from agentdesk import wiring
from agentdesk.agents import store as agents
from agentdesk.realtime import connections
from infra.local.provision import rule_name
from infra.local.scheduler import scheduled_event
from infra.local.stack import LocalStack
from tests.integration.local_stack import running_stack
from tests.integration.test_state_machines import (
    assert_marked_away,
    available,
    new_timer,
    put_grace,
    settle,
    token,
    wait_for_execution,
    ws_url,
)
from tests.support import WorkspaceClient, claims_of

# The in-process local stack runs in its own pytest process (scripts/test.sh): moto's backends and the
# platform's caches are process-global, shared with the tests that use mock_aws.
pytestmark = pytest.mark.local_stack

SWEEP = wiring.function("presence-sweep")
(EVERY,) = [t for t in SWEEP.triggers if isinstance(t, wiring.Every)]
RULE = rule_name(SWEEP, EVERY)
# A quarter past noon UTC long ago: no site's midnight falls within a sweep's interval after it.
SWEEP_DUE = datetime(2026, 1, 15, 12, 15, tzinfo=UTC)
GRACE_SECONDS = 1


class Disconnects:
    """Sees every $disconnect the gateway hands the functions. Those of `lost` connections never reach the
    handler, as when API Gateway loses a $disconnect (it delivers them on a best-effort basis)."""

    def __init__(self, stack: LocalStack) -> None:
        self.lost: set[str] = set()
        self._handled: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._runtime = stack.runtime
        self._original = stack.runtime.invoke
        stack.runtime.invoke = self._invoke  # type: ignore[method-assign]

    def _event(self, connection_id: str) -> threading.Event:
        with self._lock:
            return self._handled.setdefault(connection_id, threading.Event())

    def _invoke(self, name: str, event: Any) -> Any:
        if self._runtime.resolve(name).name != "ws-disconnect":
            return self._original(name, event)
        connection_id = event["requestContext"]["connectionId"]
        try:
            return {"statusCode": 200} if connection_id in self.lost else self._original(name, event)
        finally:
            self._event(connection_id).set()

    def handled(self, connection_id: str, timeout: float = 30) -> None:
        """Wait until the gateway has closed the connection and its $disconnect has run (or been lost)."""
        assert self._event(connection_id).wait(timeout), f"no $disconnect for {connection_id} within {timeout} s"

    def restore(self) -> None:
        self._runtime.invoke = self._original  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        running.scheduler.stop()  # the tests tick it themselves
        put_grace(running, GRACE_SECONDS)
        settle(running)
        yield running


@pytest.fixture(scope="module")
def disconnects(stack: LocalStack) -> Iterator[Disconnects]:
    watcher = Disconnects(stack)
    yield watcher
    watcher.restore()


def only_record(agent_id: str) -> str:
    records = connections.connections_of(agent_id)
    assert len(records) == 1, [r.connection_id for r in records]
    return records[0].connection_id


def age_record(stack: LocalStack, connection_id: str, *, connected: int, expires: int) -> None:
    """Set when the connection record says its socket opened and when the record expires (epoch seconds)."""
    assert stack.provisioned is not None
    stack.client("dynamodb").update_item(
        TableName=stack.provisioned.table_names["connections"],
        Key={"connectionId": {"S": connection_id}},
        UpdateExpression="SET connectedEpoch = :connected, expiresAt = :expires",
        ExpressionAttributeValues={":connected": {"N": str(connected)}, ":expires": {"N": str(expires)}},
    )


def run_the_sweep_rule(stack: LocalStack) -> list[tuple[str, str]]:
    """Tick the local scheduler across one of the rule's occurrences; returns what it invoked."""
    before = len(stack.scheduler.invoked)
    stack.scheduler.tick(now=SWEEP_DUE - timedelta(minutes=EVERY.minutes, seconds=30))  # nothing due yet
    assert stack.scheduler.tick(now=SWEEP_DUE + timedelta(seconds=1)) == []  # no site schedule is due
    return stack.scheduler.invoked[before:]


def sweep_now(stack: LocalStack) -> dict[str, int]:
    """Run the sweep function once, with the event its rule sends, and return its counts."""
    rule = stack.client("events").describe_rule(Name=RULE)
    counts: dict[str, int] = stack.runtime.invoke(SWEEP.name, scheduled_event(rule, SWEEP_DUE))
    return counts


def test_the_sweep_rule_is_provisioned_from_the_wiring(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    assert stack.provisioned.rules[RULE] == SWEEP.name
    # every rule the wiring declares, and no other
    assert set(stack.provisioned.rules.values()) == {
        fn.name for fn in wiring.FUNCTIONS if any(isinstance(t, wiring.Every) for t in fn.triggers)
    }
    events = stack.client("events")
    assert events.describe_rule(Name=RULE)["ScheduleExpression"] == EVERY.expression == "rate(5 minutes)"
    (target,) = events.list_targets_by_rule(Rule=RULE)["Targets"]
    assert target["Arn"] == stack.runtime.arn(SWEEP)


@pytest.mark.parametrize(("way", "username"), [("disconnect", "alice"), ("gone on a push", "bob"), ("expiry", "carol")])
def test_an_available_agent_whose_connection_dies_ends_away_after_the_grace(
    stack: LocalStack, disconnects: Disconnects, way: str, username: str
) -> None:
    agent_token = token(stack, username)
    agent_id = claims_of(agent_token)["sub"]

    async def scenario() -> dict[str, str]:
        client = await WorkspaceClient.connect(ws_url(stack), agent_token)
        await available(client)
        settle(stack)  # the change's pushes are out: nothing reaches this connection from here on
        connection_id = only_record(agent_id)
        previous = agents.presence_timer(agent_id)
        if way == "disconnect":
            await client.close()
            return await new_timer(agent_id, previous)

        # The socket dies and its $disconnect is lost: the record stays, the gateway no longer knows the socket.
        disconnects.lost.add(connection_id)
        now = int(time.time())
        if way == "gone on a push":
            age_record(stack, connection_id, connected=now - 120, expires=now + 7080)
        else:
            age_record(stack, connection_id, connected=now - 7300, expires=now - 100)
        await client.close()
        await asyncio.to_thread(disconnects.handled, connection_id)
        # The bug this guards against: the agent stays Available with no timer, and nothing starts one ...
        assert agents.load_state(agent_id).state.status.value == "Available"
        assert agents.presence_timer(agent_id) == previous
        assert connections.get_connection(connection_id) is not None

        if way == "gone on a push":
            # ... until something is pushed to the agent (every agent hears of a new pause code): 410 Gone
            admin = {"Authorization": f"Bearer {token(stack, 'ada')}"}
            created = httpx.post(
                f"{stack.base_url}/api/pause-codes",
                headers=admin,
                json={"label": f"Sweep {username}", "status": "Away"},
            )
            assert created.status_code == 201, created.text
            timer = await new_timer(agent_id, previous)
            assert connections.get_connection(connection_id) is None  # the publisher deleted the gone record
            return timer
        # ... until the sweep runs: nothing else ever looks at an expired record
        invoked = await asyncio.to_thread(run_the_sweep_rule, stack)
        assert invoked == [(RULE, stack.runtime.arn(SWEEP))]
        return await new_timer(agent_id, previous)

    assert_marked_away(stack, agent_id, asyncio.run(scenario()))


def test_the_sweep_leaves_a_running_timer_a_logged_off_agent_and_a_connected_agent_alone(
    stack: LocalStack, disconnects: Disconnects
) -> None:
    assert stack.provisioned is not None
    tokens = {name: token(stack, name) for name in ("dave", "erin")}
    dave, erin = (claims_of(tokens[name])["sub"] for name in ("dave", "erin"))
    sfn = stack.client("stepfunctions")
    presence = stack.provisioned.state_machine_arns["presence"]

    def running_executions() -> set[str]:
        listed = sfn.list_executions(stateMachineArn=presence, statusFilter="RUNNING")["executions"]
        return {e["executionArn"] for e in listed}

    async def scenario() -> None:
        # erin logs off and leaves: logged off, no connection
        leaving = await WorkspaceClient.connect(ws_url(stack), tokens["erin"])
        await available(leaving)
        assert (await leaving.request("logoff"))["type"] == "ack"
        settle(stack)
        erin_connection = only_record(erin)
        await leaving.close()
        await asyncio.to_thread(disconnects.handled, erin_connection)

        # dave stays connected, long enough that the sweep asks the gateway whether his socket is open
        client = await WorkspaceClient.connect(ws_url(stack), tokens["dave"])
        await available(client)
        settle(stack)
        now = int(time.time())
        age_record(stack, only_record(dave), connected=now - 600, expires=now + 6600)

        counts = await asyncio.to_thread(sweep_now, stack)
        assert counts["started"] == 0, counts
        assert counts["checked"] >= 1 and counts["loggedIn"] >= counts["checked"], counts
        assert agents.presence_timer(dave) is None
        assert agents.presence_timer(erin) is None
        assert agents.load_state(dave).state.status.value == "Available"
        assert agents.load_state(erin).state.status.value == "Offline"

        # dave leaves; a long grace keeps his timer running while the sweep looks
        put_grace(stack, 600)
        try:
            await client.close()
            timer = await new_timer(dave, None)
        finally:
            put_grace(stack, GRACE_SECONDS)
        before = running_executions()
        assert timer["executionArn"] in before
        counts = await asyncio.to_thread(sweep_now, stack)
        assert counts["started"] == 0, counts
        assert agents.presence_timer(dave) == timer  # not replaced, so the grace did not start over
        assert running_executions() - before == set()  # and no second execution
        sfn.stop_execution(executionArn=timer["executionArn"])
        assert wait_for_execution(stack, timer["executionArn"])["status"] == "ABORTED"

    asyncio.run(scenario())
