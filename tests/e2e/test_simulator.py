"""The traffic simulator (scripts/simulate.py) against the local stack: customers chat with three simulated
agents on a queue of their own for about ten seconds; every chat an agent answered is ended and dispositioned,
as the simulator saw it and as the stack stored it, and nothing failed on the stack's side."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from scripts import simulate
from tests.e2e.conftest import RunningStack
from tests.support import WorkspaceClient

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_simulated_chats_are_answered_ended_and_dispositioned(stack: RunningStack) -> None:
    options = simulate.Options(
        url=stack.base_url,
        rate=30,  # the first customer arrives at once, the rest at random (about five in ten seconds)
        duration=10,
        agents=3,
        isolated=True,  # a queue only these agents serve: other tests' agents are never offered its chats
        agent_prefix="e2e-sim-agent",
        reject_rate=0.2,
        messages=(1, 3),
        think=(0.1, 0.4),
        reply_delay=(0.1, 0.4),
        wrap_up=(0.1, 0.3),
        patience=60,  # generous: a slow machine delays answers, it does not make customers leave
        answer_timeout=60,
        drain=90,
        report_every=5,
        seed=13,
    )
    simulation = simulate.Simulation(options)
    summary, team = asyncio.run(watched(stack, simulation))

    assert summary["opened"] >= 1
    assert summary["answered"] > 0, summary
    assert summary["problems"] == []  # every answered chat ended, and was dispositioned
    assert summary["inProgress"] == 0
    assert summary["dispositioned"] == summary["answered"]
    assert summary["opened"] == summary["answered"] + summary["abandoned"]
    assert "INTERNAL_ERROR" not in summary["errorsByCode"], summary["errorsByAction"]
    assert summary["customerMessages"] >= summary["answered"]
    assert summary["agentMessages"] > 0

    answered = [c.interaction_id for c in simulation.stats.chats.values() if c.answered_at and not c.abandoned]
    stored = asyncio.run(stored_interactions(stack, [i for i in answered if i]))
    assert len(stored) == summary["answered"]
    for interaction_id, interaction in stored.items():
        assert interaction["status"] in ("wrap_up", "closed"), (interaction_id, interaction["status"])
        disposition = interaction["disposition"]
        assert disposition is not None and disposition["source"] == "agent", (interaction_id, disposition)
        assert interaction["times"]["answeredAt"] and interaction["times"]["endedAt"]

    # An admin's wallboard heard each answered chat's row change as it went, and go when it closed.
    for interaction_id, interaction in stored.items():
        rows = sorted(team.get(interaction_id, []), key=lambda push: push["version"])
        statuses = {push["interaction"]["status"] for push in rows if push["interaction"] is not None}
        assert {"active", "wrap_up"} <= statuses, (interaction_id, rows)
        if interaction["status"] == "closed":
            assert rows[-1]["interaction"] is None and rows[-1]["version"] == interaction["version"], rows[-1]


async def watched(stack: RunningStack, simulation: simulate.Simulation) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The simulation's summary, and the `team.interaction` pushes an admin heard meanwhile, by interaction."""
    admin = await WorkspaceClient.connect(stack.ws_url, stack.token("ada"))
    heard: dict[str, list[Any]] = {}
    done = asyncio.Event()

    async def listen() -> None:
        while not done.is_set():
            try:
                message = json.loads(await asyncio.wait_for(admin.socket.recv(), 0.5))
            except TimeoutError:
                continue
            if message.get("type") == "team.interaction":
                heard.setdefault(message["interactionId"], []).append(message)

    listener = asyncio.create_task(listen())
    try:
        summary = await simulation.run()
        await asyncio.sleep(3)  # the publisher's last pushes
    finally:
        done.set()
        await listener
        await admin.close()
    return summary, heard


async def stored_interactions(stack: RunningStack, interaction_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Each interaction as the admin reads it (getInteraction)."""
    admin = await WorkspaceClient.connect(stack.ws_url, stack.token("ada"))
    try:
        out = {}
        for interaction_id in interaction_ids:
            reply = await admin.request("getInteraction", interactionId=interaction_id)
            assert reply["type"] == "ack", reply
            out[interaction_id] = reply["interaction"]
        return out
    finally:
        await admin.close()
