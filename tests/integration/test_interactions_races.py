"""Chats under load through the real handlers, from threads, against DynamoDB in moto (one request at a time,
as DynamoDB is atomic per request): many agents and many chats arriving at once with random accepts, rejects
and ends while an admin changes agents' capacity — no agent ever over capacity, no interaction with two agents,
none lost; and submit-versus-timeout races — exactly one disposition each.

The suite runs them at 20 agents, 200 chats and 120 races; `make races` at the issue's scale (RACE_AGENTS,
RACE_CHATS and RACE_DISPOSITIONS set the sizes)."""

from __future__ import annotations

import json
import os
import queue
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import boto3
import pytest

from agentdesk.config import defaults as config_defaults
from agentdesk.config import directory
from agentdesk.config.contracts import UserInput
from agentdesk.interactions import service
from agentdesk.kernel import clock
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.settings import reset_settings
from infra.local import moto_tuning
from tests.integration.centre import Centre
from tests.integration.conftest import REGION, AwsStack, HttpClient
from tests.integration.interactions_centre import ASL, ChatCentre, record_commits

# The suite's scale; `make races` runs the same tests at 200 agents, 2,000 chats and 1,000 races (minutes).
AGENTS = int(os.environ.get("RACE_AGENTS", "20"))
CHATS = int(os.environ.get("RACE_CHATS", "200"))
RACES = int(os.environ.get("RACE_DISPOSITIONS", "120"))


@pytest.fixture
def crowd(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatCentre]:
    people = [config_defaults.DemoUser("u-admin", "ada", "Ada", "ada@example.com", Role.ADMIN)]
    people += [
        config_defaults.DemoUser(f"u-agent-{n:02d}", f"agent{n:02d}", f"Agent {n:02d}", f"a{n}@example.com", Role.AGENT)
        for n in range(AGENTS)
    ]
    config_defaults.seed_demo(people)
    boto3.client("kinesis", region_name=REGION).create_stream(StreamName="test-events", ShardCount=1)
    stepfunctions = boto3.client("stepfunctions", region_name=REGION)
    for key in ("offer-timeout", "wrap-up"):
        arn = stepfunctions.create_state_machine(
            name=f"test-{key}", definition=ASL, roleArn="arn:aws:iam::123456789012:role/test"
        )["stateMachineArn"]
        monkeypatch.setenv(f"{key.upper().replace('-', '_')}_STATE_MACHINE_ARN", arn)
    monkeypatch.setenv("EVENT_STREAM", "test-events")
    monkeypatch.setenv("WS_MANAGEMENT_ENDPOINT", "https://abc123.execute-api.us-east-1.amazonaws.com")
    monkeypatch.setenv("RATE_LIMIT_CHAT_SESSIONS", "100000/100000")
    reset_settings()
    directory.forget()
    ids = {p.username: p.user_id for p in people}
    with tuned_moto():
        centre = ChatCentre(Centre(aws, ids))
        record_commits(centre, monkeypatch)
        yield centre


@contextmanager
def tuned_moto() -> Iterator[None]:
    """moto as the local stack runs it (infra/local/moto_tuning.py): one DynamoDB request at a time, as
    DynamoDB is atomic per request, and transactions that undo by item instead of copying whole tables (a
    cost that grows with the outbox, which would measure moto rather than Agent Desk). Put back after."""
    installed = bool(moto_tuning.ORIGINALS)
    moto_tuning.install()
    try:
        yield
    finally:
        if not installed:
            moto_tuning.uninstall()


def _agent(n: int) -> Principal:
    return Principal(f"u-agent-{n:02d}", f"agent{n:02d}", f"Agent {n:02d}", "", Role.AGENT)


def test_many_agents_and_chats_at_once_never_over_capacity_never_twice_none_lost(crowd: ChatCentre) -> None:
    began = clock.now()
    agents = [_agent(n) for n in range(AGENTS)]
    for agent in agents:
        crowd.ack(agent, "login")
    crowd.pump()
    capacity = {p.agent_id: p.capacity for p in directory.current().profiles.values()}
    with ThreadPoolExecutor(max_workers=16) as pool:
        sessions = list(
            pool.map(lambda n: crowd.open_chat(name=f"Customer {n}", queueId="queue-general"), range(CHATS))
        )
    chat_ids = {s["interactionId"] for s in sessions}
    errors: list[dict[str, Any]] = []
    stop = threading.Event()

    # Each agent hears of its offers as the workspace does, from the pushes (here: the offers committed, read
    # from the outbox by the pump thread), and now and then lists its open interactions for anything left.
    inboxes: dict[str, queue.Queue[str]] = {agent.user_id: queue.Queue() for agent in agents}
    read = 0

    def finish(agent: Principal, rng: random.Random, item: dict[str, Any]) -> None:
        iid, status = item["interactionId"], item["status"]
        if status == "offered":
            if rng.random() < 0.25:
                check(crowd.send(agent, "reject", interactionId=iid))
                return
            if not check(crowd.send(agent, "accept", interactionId=iid)):
                return
            status = "active"
        if status == "active" and not check(crowd.send(agent, "endInteraction", interactionId=iid)):
            return
        outcome = rng.choice([("Success", "Resolved"), ("Fail", "Not resolved"), ("Unsure", "Escalated")])
        check(crowd.send(agent, "submitDisposition", interactionId=iid, category=outcome[0], outcome=outcome[1]))

    def check(reply: dict[str, Any]) -> bool:
        if reply["type"] == "error" and reply["code"] not in ("INVALID_TRANSITION", "NOT_FOUND", "CONFLICT"):
            errors.append(reply)
        return reply["type"] != "error"

    def work(agent: Principal, seed: int) -> None:
        rng = random.Random(seed)
        inbox = inboxes[agent.user_id]
        idle = 0
        while not stop.is_set():
            try:
                iid = inbox.get(timeout=0.25)
            except queue.Empty:
                idle += 1
                if idle % 8 == 0:  # two seconds with nothing new: anything of mine left open?
                    for item in crowd.ack(agent, "listInteractions", scope="open", limit=100)["items"]:
                        finish(agent, rng, item)
                continue
            idle = 0
            finish(agent, rng, {"interactionId": iid, "status": "offered"})

    def pump() -> None:
        nonlocal read
        while not stop.is_set():
            crowd.pump(rounds=1)
            with crowd.lock:
                fresh, read = crowd.outbox[read:], len(crowd.outbox)
            for e in fresh:
                if e["type"] == "interaction.offered" and e["agentId"] in inboxes:
                    inboxes[e["agentId"]].put(e["data"]["interaction"]["interactionId"])
            stop.wait(0.05)

    admin = HttpClient(crowd.aws.claims("u-admin", "admins", username="ada"))
    changes: list[tuple[str, int]] = []

    def change_capacities() -> None:
        """An admin raises and lowers agents' capacity (1-5) through the config API meanwhile."""
        rng = random.Random(99)
        while not stop.is_set():
            agent = rng.choice(agents)
            current = admin.get(f"/api/users/{agent.user_id}")
            body = {k: v for k, v in current.body.items() if k in UserInput.model_fields}
            body["maxConcurrent"] = rng.randint(1, 5)
            result = admin.put(f"/api/users/{agent.user_id}", body, etag=current.headers.get("etag"))
            if result.status == 200:
                changes.append((agent.user_id, body["maxConcurrent"]))
            elif result.status != 412:  # someone else's change in between: fine
                errors.append({"capacity": result.status, "body": result.body})
            stop.wait(0.1)

    threads = [threading.Thread(target=work, args=(agent, n)) for n, agent in enumerate(agents)]
    threads.append(threading.Thread(target=pump))
    threads.append(threading.Thread(target=change_capacities))
    for thread in threads:
        thread.start()
    deadline = threading.Event()
    for _ in range(max(600, CHATS * 2)):  # half-second looks: 5 minutes at the suite's scale
        with crowd.lock:
            closed = {
                e["data"]["interaction"]["interactionId"] for e in crowd.outbox if e["type"] == "interaction.closed"
            }
        if closed >= chat_ids:
            break
        deadline.wait(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors[:5]

    events = crowd.events()
    assert changes, "no capacity changed meanwhile"
    # never over capacity: no agent ever took work beyond the capacity they had when they took it (the
    # profile in the event); a capacity lowered while busy leaves their conversations with them, and
    # never beyond the largest capacity they ever had
    largest = defaultdict(lambda: 0, capacity)
    for agent_id, value in changes:
        largest[agent_id] = max(largest[agent_id], value)
    for e in events:
        if e["type"] == "agent.state.changed":
            state = e["data"]["state"]
            assert state["activeInteractions"] <= largest[e["agentId"]], e
            if e["data"]["change"]["command"] == "startInteraction":
                assert state["activeInteractions"] <= e["data"]["configuration"]["capacity"], e
    # never with two agents: between an offer and its end (accept, reject, expiry), no second offer
    holder: dict[str, str | None] = defaultdict(lambda: None)
    assigned = Counter()
    for e in events:
        if not e["type"].startswith("interaction."):
            continue
        iid = e["data"]["interaction"]["interactionId"]
        if e["type"] == "interaction.offered":
            assert holder[iid] is None, f"{iid} offered to {e['agentId']} while with {holder[iid]}"
            holder[iid] = e["agentId"]
        elif e["type"] in ("interaction.offer.rejected", "interaction.offer.expired", "interaction.closed"):
            holder[iid] = None
        elif e["type"] == "interaction.assigned":
            assigned[iid] += 1
    assert all(count == 1 for count in assigned.values()), assigned.most_common(3)
    # none lost: every chat closed, dispositioned once, and every agent idle again
    final = {iid: service.store.load(iid) for iid in chat_ids}
    assert Counter(i.status.value for i in final.values() if i) == {"closed": CHATS}
    submitted = Counter(
        e["data"]["interaction"]["interactionId"] for e in events if e["type"] == "interaction.disposition.submitted"
    )
    assert set(submitted) == chat_ids and set(submitted.values()) == {1}
    for agent in agents:
        state = crowd.ack(agent, "getState")["state"]
        assert state["activeInteractions"] == 0 and not state["inWrapUp"]
    assert performance_since(agents, began)["interactions"] == CHATS


def test_submit_versus_timeout_exactly_one_disposition_each(crowd: ChatCentre) -> None:
    began = clock.now()
    agents = [_agent(n) for n in range(AGENTS)]
    for agent in agents:
        crowd.ack(agent, "login")
    crowd.pump()
    by_id = {a.user_id: a for a in agents}
    barrier_replies: dict[str, dict[str, Any]] = {}
    owners: dict[str, Principal] = {}
    for batch in range(0, RACES, AGENTS):  # each agent takes one chat a round: in wrap-up it takes no other
        round_owners: dict[str, Principal] = {}
        for n in range(batch, min(RACES, batch + AGENTS)):
            iid = crowd.open_chat(name=f"Racer {n}", queueId="queue-general")["interactionId"]
            agent = by_id[str(service.store.load(iid).agent_id)]  # type: ignore[union-attr]
            crowd.ack(agent, "accept", interactionId=iid)
            crowd.ack(agent, "endInteraction", interactionId=iid)
            crowd.pump()  # the routing model learns the agent is in wrap-up
            round_owners[iid] = agent
        owners.update(round_owners)
        race(crowd, round_owners, barrier_replies)
        crowd.pump()
    events = crowd.events()
    for iid in owners:
        mine = [
            e
            for e in events
            if e["type"].startswith("interaction.") and e["data"]["interaction"]["interactionId"] == iid
        ]
        kinds = Counter(e["type"] for e in mine)
        assert kinds["interaction.disposition.submitted"] == 1, (iid, kinds)
        assert kinds["interaction.closed"] == 1
        assert barrier_replies[iid]["type"] == "ack", barrier_replies[iid]
        final = service.store.load(iid)
        assert final is not None and final.disposition is not None and final.disposition.complete
        # the timeout won: the agent's submit completed it (an event of its own); else the timeout did nothing
        assert kinds["interaction.disposition.completed"] == (
            1
            if any(e["type"] == "interaction.disposition.submitted" and e["data"]["source"] == "timeout" for e in mine)
            else 0
        )
    for agent in agents:
        state = crowd.ack(agent, "getState")["state"]
        assert not state["inWrapUp"] and state["status"] == "Available"
    total = performance_since(agents, began)
    assert total["interactions"] == RACES and total["successful"] == RACES and total["unsure"] == 0
    _ = json  # documents are parsed by the centre


def performance_since(agents: list[Principal], since: datetime) -> Counter[str]:
    """The agents' performance counters over their site-local days from `since` to now: a run can cross an
    agent's local midnight (New York's is 05:00 UTC), and what was done before it counts on the day before."""
    config = directory.current()
    total: Counter[str] = Counter()
    for agent in agents:
        for day in {service.local_date(config, agent.user_id, since), service.local_date(config, agent.user_id)}:
            total.update(service.store.counters(agent.user_id, day))
    return total


def race(crowd: ChatCentre, owners: dict[str, Principal], replies: dict[str, dict[str, Any]]) -> None:
    """The agent's submit and the wrap-up timeout of each interaction, at the same moment."""

    def submit(iid: str) -> None:
        replies[iid] = crowd.send(
            owners[iid], "submitDisposition", interactionId=iid, category="Success", outcome="Resolved"
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = []
        for iid in owners:
            futures.append(pool.submit(submit, iid))
            futures.append(pool.submit(service.time_out_wrap_up, iid))
        for future in futures:
            future.result()
