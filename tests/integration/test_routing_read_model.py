"""Routing by the interaction's own skill, from the ranked read model kept by the routing-model consumer:
the best holder of the skill gets it, nobody without it does, and an agent's rows follow their profile."""

from __future__ import annotations

from typing import Any

from agentdesk.config.contracts import UserInput
from agentdesk.events import parse_event
from agentdesk.interactions import domain, routing, store
from tests.integration.aws_calls import counted
from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401
from tests.integration.test_ingress_api import Ingress, ingress_fixture  # noqa: F401


def _task(ingress: Ingress, external_id: str, **body: Any) -> str:
    created = ingress.create(channel="task", externalId=external_id, **body)
    ingress.centre.pump()
    return str(created["interactionId"])


def test_an_interaction_goes_to_the_best_holder_of_its_own_skill(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana")
    chats.login("ben")  # ana has been idle longer: with no skill asked, she comes first
    ana, ben = chats.agent("ana").user_id, chats.agent("ben").user_id
    # In the General queue (no skill required): ben holds Technical Support at 5, ana at 3.
    technical = _task(ingress, "t-1", skillId="skill-technical")
    assert chats.interaction(technical)["agentId"] == ben
    assert chats.interaction(technical)["skillId"] == "skill-technical"
    # ana holds Billing at 5, ben at 2.
    billing = _task(ingress, "t-2", skillId="skill-billing")
    assert chats.interaction(billing)["agentId"] == ana
    # With no skill asked: whoever has been idle longest, i.e. took their last work first.
    plain = _task(ingress, "t-3")
    assert chats.interaction(plain)["agentId"] == ben
    # Nobody holds Sales: it waits, even though both agents have free slots.
    sales = _task(ingress, "t-4", skillId="skill-sales")
    assert chats.interaction(sales)["status"] == "queued"


def test_the_ranked_index_holds_only_who_may_take_work_now(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana")
    ana = chats.agent("ana").user_id
    general = domain.partition("queue-general")
    assert [c.agent_id for c in store.ranked(general, 10)] == [ana]
    chats.ack("ana", "setStatus", status="Away", reason="lunch")
    chats.pump()
    assert store.ranked(general, 10) == []
    assert {c.agent_id for c in store.candidates("queue-general")} >= {ana}  # the row stays, unranked


def test_an_agents_rows_follow_their_skills_and_queues(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ben")
    ben = chats.agent("ben").user_id
    technical = domain.partition("queue-general", "skill-technical")
    assert technical in store.partitions_of(ben)
    assert [c.agent_id for c in store.ranked(technical, 10)] == [ben]
    skills = ingress.admin.get(f"/api/users/{ben}").body["skills"]
    _update_user(
        ingress,
        ben,
        skills=[s for s in skills if s["skillId"] != "skill-technical"],
        queueIds=["queue-general", "queue-billing"],
    )
    chats.pump()
    partitions = set(store.partitions_of(ben))
    assert technical not in partitions and domain.partition("queue-technical") not in partitions
    assert domain.partition("queue-billing") in partitions
    assert store.ranked(technical, 10) == []
    # Disabled: no rows at all.
    _update_user(ingress, ben, enabled=False)
    chats.pump()
    assert store.partitions_of(ben) == []


def _update_user(ingress: Ingress, user_id: str, **changes: Any) -> None:
    """Change a user's profile through the config API, as an admin."""
    path = f"/api/users/{user_id}"
    current = ingress.admin.get(path)
    body = {k: v for k, v in dict(current.body).items() if k in UserInput.model_fields} | changes
    result = ingress.admin.put(path, body, etag=current.headers.get("ETag") or current.headers.get("etag"))
    assert result.status == 200, result.body


def test_a_backlog_is_served_oldest_first_from_one_read_of_the_candidates(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana")
    chats.ack("ana", "setStatus", status="Away", reason="lunch")
    chats.pump()
    opened = [chats.open_chat(queueId="queue-general", source_ip=f"198.51.100.{n}")["interactionId"] for n in range(7)]
    chats.pump()
    assert all(chats.interaction(iid)["status"] == "queued" for iid in opened)
    capacity = chats.state("ana").get("maxConcurrent", 5)
    chats.ack("ana", "setStatus", status="Available")
    with counted() as calls:
        chats.pump()
    routing_reads = [c for c in calls.made if c.operation == "dynamodb:Query" and "test-routing" in c.tables]
    offered = [iid for iid in opened if chats.interaction(iid)["status"] == "offered"]
    assert offered == opened[: len(offered)]  # oldest first
    assert len(offered) == min(capacity, len(opened))
    assert chats.state("ana")["activeInteractions"] == len(offered)
    # One read of the ranked index for the backlog (and one more when the agent at capacity leaves it).
    assert len(routing_reads) <= 2, [c.params.get("IndexName") for c in routing_reads]


def test_a_raised_capacity_serves_the_waiting_work_at_once(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana")
    ana = chats.agent("ana").user_id

    def set_capacity(value: int) -> None:
        _update_user(ingress, ana, maxConcurrent=value)

    set_capacity(1)
    chats.pump()
    first = chats.open_chat(queueId="queue-general", source_ip="198.51.100.1")["interactionId"]
    second = chats.open_chat(queueId="queue-general", source_ip="198.51.100.2")["interactionId"]
    chats.pump()
    assert chats.interaction(first)["status"] == "offered"
    assert chats.interaction(second)["status"] == "queued"  # ana is at capacity
    set_capacity(2)
    chats.pump()
    assert chats.interaction(second)["status"] == "offered" and chats.interaction(second)["agentId"] == ana
    assert chats.state("ana")["activeInteractions"] == 2


def test_the_router_serves_an_agent_back_from_a_pause_before_the_read_model_has_them(ingress: Ingress) -> None:
    """The router and the routing-model consumer read the stream apart: when the router sees an agent come
    back first, it routes from the state in the event, not from the agent's older row."""
    chats = ingress.centre
    chats.login("ana")
    chats.ack("ana", "setStatus", status="Away", reason="lunch")
    chats.pump()
    waiting = chats.open_chat(queueId="queue-general", source_ip="198.51.100.9")["interactionId"]
    chats.pump()
    assert chats.interaction(waiting)["status"] == "queued"
    chats.ack("ana", "setStatus", status="Available")
    fresh = chats._fresh()
    assert store.ranked(domain.partition("queue-general"), 10) == []  # the read model has her away still
    for document in fresh:
        routing.on_event(parse_event(document))  # the router only
    assert chats.interaction(waiting)["status"] == "offered"
    assert chats.interaction(waiting)["agentId"] == chats.agent("ana").user_id
