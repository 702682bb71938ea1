"""A chat from open to closed through the real handlers: routing, offer, accept, messages, end, wrap-up,
disposition, performance, Most Recent Activity, rating."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401


def test_a_chat_from_open_to_closed(chats: ChatCentre) -> None:
    chats.login("ana")
    session = chats.open_chat(queueId="queue-general", topic="My invoice")
    iid = session["interactionId"]
    assert session["queueName"] == "General" and session["websocketUrl"] == "wss://ws.example.com/prod"
    offered = chats.interaction(iid)
    assert offered["status"] == "offered" and offered["agentId"] == chats.agent("ana").user_id
    assert chats.state("ana")["activeInteractions"] == 1
    accepted = chats.ack("ana", "accept", interactionId=iid)["interaction"]
    assert accepted["status"] == "active"
    customer = chats.customer(iid)
    first = chats.ack(customer, "sendMessage", text="Hello?", clientMessageId="c1")["message"]
    again = chats.ack(customer, "sendMessage", text="Hello?", clientMessageId="c1")["message"]
    assert first == again and first["seq"] == 1
    reply = chats.ack("ana", "sendMessage", interactionId=iid, text="Hi, how can I help?")["message"]
    assert reply["seq"] == 2 and reply["from"] == "agent"
    chats.ack("ana", "addNote", interactionId=iid, text="Asked about an invoice")
    chats.ack("ana", "addTag", interactionId=iid, tag="billing")
    ended = chats.ack("ana", "endInteraction", interactionId=iid)["interaction"]
    assert ended["status"] == "wrap_up" and ended["wrapUpDeadline"]
    assert chats.state("ana")["inWrapUp"] is True
    recent = chats.ack("ana", "listInteractions", scope="recent")
    assert [i["interactionId"] for i in recent["items"]] == [iid]
    done = chats.ack("ana", "submitDisposition", interactionId=iid, category="Success", outcome="Resolved")[
        "interaction"
    ]
    assert done["status"] == "closed" and done["disposition"]["source"] == "agent"
    state = chats.state("ana")
    assert state["status"] == "Available" and not state["inWrapUp"] and state["activeInteractions"] == 0
    today = chats.ack("ana", "getPerformance")["today"]
    assert today["interactions"] == 1 and today["successful"] == 1
    chats.ack(customer, "rate", score=5, comment="Great")
    assert chats.refused(customer, "rate", score=4) == "INVALID_TRANSITION"
    conversation = chats.ack("ana", "getInteraction", interactionId=iid)
    assert [m["seq"] for m in conversation["messages"]] == [1, 2]
    types = [e["type"] for e in chats.events_of(iid)]
    types[8:10] = sorted(types[8:10])  # written together, at the same moment
    assert types == [
        "interaction.queued",
        "interaction.offered",
        "interaction.assigned",
        "interaction.message",
        "interaction.message",
        "interaction.note.added",
        "interaction.tags.changed",
        "interaction.ended",
        "interaction.closed",
        "interaction.disposition.submitted",
        "interaction.rated",
    ]


def test_a_rejected_offer_goes_to_the_next_agent_and_the_slot_is_free_again(chats: ChatCentre) -> None:
    chats.login("ana", "ben")
    iid = chats.open_chat()["interactionId"]
    first = chats.interaction(iid)["agentId"]
    names = {chats.agent("ana").user_id: "ana", chats.agent("ben").user_id: "ben"}
    declined = names[first]
    other = "ben" if declined == "ana" else "ana"
    assert chats.ack(declined, "reject", interactionId=iid, reason="Busy")["interactionId"] == iid
    assert chats.interaction(iid)["agentId"] == chats.agent(other).user_id
    assert chats.state(declined)["activeInteractions"] == 0
    assert chats.refused(declined, "accept", interactionId=iid) == "NOT_FOUND"


def test_an_expired_offer_is_routed_again_and_a_late_accept_is_refused(chats: ChatCentre) -> None:
    from agentdesk.interactions import routing, service

    chats.login("ana")
    iid = chats.open_chat()["interactionId"]
    offer = chats.interaction(iid)
    events = [e for e in chats.events_of(iid) if e["type"] == "interaction.offered"]
    offer_id = events[-1]["data"]["offer"]["offerId"]
    assert service.expire_offer(iid, offer_id) is not None
    assert service.expire_offer(iid, offer_id) is None  # twice: nothing more
    assert chats.interaction(iid)["status"] == "queued"
    assert chats.state("ana")["activeInteractions"] == 0
    assert chats.refused("ana", "accept", interactionId=iid) == "INVALID_TRANSITION"
    routing.route(iid)  # the only agent: asked again, last
    assert chats.interaction(iid)["agentId"] == offer["agentId"]


def test_waiting_chats_are_served_oldest_first_when_an_agent_frees_up(chats: ChatCentre) -> None:
    chats.login("ana")
    chats.ack("ana", "setStatus", status="Away", reason="break")
    chats.pump()
    waiting = [chats.open_chat(name=f"Customer {n}")["interactionId"] for n in range(3)]
    assert all(chats.interaction(i)["status"] == "queued" for i in waiting)
    chats.ack("ana", "setStatus", status="Available")
    chats.pump()
    statuses = [chats.interaction(i)["status"] for i in waiting]
    assert statuses == ["offered", "offered", "offered"]
    offered_at = [chats.interaction(i)["times"]["offeredAt"] for i in waiting]
    assert offered_at == sorted(offered_at)


def test_the_customer_leaves_before_an_answer_abandoned_and_the_slot_is_free(chats: ChatCentre) -> None:
    chats.login("ana")
    iid = chats.open_chat()["interactionId"]
    ended = chats.ack(chats.customer(iid), "endChat")["interaction"]
    assert ended["status"] == "abandoned" and "notes" not in ended
    assert chats.state("ana")["activeInteractions"] == 0
    assert chats.refused(chats.customer(iid), "sendMessage", text="still there?") == "INVALID_TRANSITION"


def test_the_wrap_up_timeout_writes_an_incomplete_disposition_that_the_agent_completes_later(chats: ChatCentre) -> None:
    from agentdesk.interactions import service

    chats.login("ana")
    iid = chats.open_chat()["interactionId"]
    chats.ack("ana", "accept", interactionId=iid)
    chats.ack("ana", "endInteraction", interactionId=iid)
    closed = service.time_out_wrap_up(iid)
    assert closed is not None and closed.disposition is not None
    assert (closed.disposition.outcome, closed.disposition.complete) == ("No agent submission", False)
    assert service.time_out_wrap_up(iid) is None
    assert chats.state("ana")["status"] == "Available"
    recent = chats.ack("ana", "listInteractions", scope="recent")
    assert recent["items"][0]["needsCompletion"] is True and recent["today"]["unsure"] == 1
    completed = chats.ack("ana", "submitDisposition", interactionId=iid, category="Fail", outcome="Not resolved")
    assert completed["interaction"]["disposition"]["complete"] is True
    today = chats.ack("ana", "getPerformance")["today"]
    assert (today["interactions"], today["unsure"], today["failed"]) == (1, 0, 1)
    assert [e["type"] for e in chats.events_of(iid)][-1] == "interaction.disposition.completed"
    assert chats.refused("ana", "submitDisposition", interactionId=iid, category="Fail", outcome="Not resolved") == (
        "INVALID_TRANSITION"
    )


def test_a_pending_status_is_applied_after_wrap_up(chats: ChatCentre) -> None:
    chats.login("ana")
    iid = chats.open_chat()["interactionId"]
    chats.ack("ana", "accept", interactionId=iid)
    chats.ack("ana", "setStatus", status="Away", reason="lunch")
    chats.ack("ana", "endInteraction", interactionId=iid)
    chats.ack("ana", "submitDisposition", interactionId=iid, category="Unsure", outcome="Escalated")
    state = chats.state("ana")
    assert state["status"] == "Away" and state["reason"]["code"] == "lunch" and state["pending"] is None


def test_the_publisher_pushes_each_step_to_the_agent_and_the_customer_and_never_a_message(
    chats: ChatCentre, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentdesk.events import parse_event
    from agentdesk.kernel import push
    from agentdesk.realtime import connections
    from agentdesk.realtime.publisher import deliver

    chats.login("ana")
    session = chats.open_chat()
    iid = session["interactionId"]
    customer = chats.customer(iid)
    connections.save_connection("conn-ana", chats.agent("ana"), 3600)
    connections.save_connection("conn-customer", customer, 3600)
    sent: list[tuple[str, dict[str, Any]]] = []
    original = push.send

    def send(connection_id: str, message: dict[str, Any]) -> bool:
        sent.append((connection_id, message))
        return original(connection_id, message)

    monkeypatch.setattr(push, "send", send)
    chats.ack("ana", "accept", interactionId=iid)
    chats.ack(customer, "sendMessage", text="Hello")
    chats.ack(customer, "typing")
    direct = [(c, m["type"]) for c, m in sent]
    assert direct == [
        ("conn-ana", "interaction.message"),
        ("conn-customer", "interaction.message"),
        ("conn-ana", "interaction.typing"),
    ]
    chats.ack("ana", "endInteraction", interactionId=iid)
    chats.ack("ana", "submitDisposition", interactionId=iid, category="Success", outcome="Resolved")
    sent.clear()
    for document in chats.events_of(iid):
        deliver(parse_event(document))
    pushed = [(c, m["type"]) for c, m in sent]
    assert ("conn-ana", "interaction.offered") in pushed
    assert ("conn-ana", "interaction.assigned") in pushed and ("conn-customer", "interaction.assigned") in pushed
    assert ("conn-ana", "interaction.ended") in pushed and ("conn-customer", "interaction.ended") in pushed
    assert ("conn-ana", "interaction.updated") in pushed
    assert not any(kind == "interaction.message" for _c, kind in pushed)
    to_customer = [m for c, m in sent if c == "conn-customer"]
    assert all("notes" not in m["interaction"] and "contact" not in m["interaction"] for m in to_customer)
    assert {m["interaction"]["agentName"] for m in to_customer} == {"Ana"}


def _pushes_of(chats: ChatCentre, interaction_id: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every push the publisher makes of the interaction's events to the agent ana (in the order written)."""
    from agentdesk.events import parse_event
    from agentdesk.kernel import push
    from agentdesk.realtime import connections
    from agentdesk.realtime.publisher import deliver

    connections.save_connection("conn-ana", chats.agent("ana"), 3600)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(push, "send", lambda connection_id, message: sent.append(message) or True)
    for document in chats.events_of(interaction_id):
        deliver(parse_event(document))
    return sent


SERVICE_OUTCOMES = {
    "Success": ["Resolved", "Information provided"],
    "Unsure": ["Follow-up needed", "Escalated"],
    "Fail": ["Not resolved", "Customer left"],
}


def test_every_push_and_listing_carries_the_disposition_set_and_the_disposition(
    chats: ChatCentre, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats.login("ana")
    iid = chats.open_chat(queueId="queue-general")["interactionId"]
    chats.ack("ana", "accept", interactionId=iid)
    chats.ack("ana", "addNote", interactionId=iid, text="Wants a refund")
    chats.ack("ana", "addTag", interactionId=iid, tag="Refund")
    chats.ack("ana", "endInteraction", interactionId=iid)
    chats.ack("ana", "submitDisposition", interactionId=iid, category="Success", outcome="Resolved", notes="Refunded")
    pushes = _pushes_of(chats, iid, monkeypatch)
    kinds = [p["type"] for p in pushes]
    assert kinds.count("interaction.updated") >= 4 and "interaction.ended" in kinds
    for pushed in pushes:
        interaction = pushed["interaction"]
        assert interaction["dispositionSetId"] == "dispositions-service", pushed["type"]
        assert interaction["outcomes"] == SERVICE_OUTCOMES, pushed["type"]
    last = pushes[-1]["interaction"]
    assert last["status"] == "closed" and last["disposition"] is not None
    assert {k: last["disposition"][k] for k in ("category", "outcome", "notes", "source", "complete")} == {
        "category": "Success",
        "outcome": "Resolved",
        "notes": "Refunded",
        "source": "agent",
        "complete": True,
    }
    row = chats.ack("ana", "listInteractions", scope="recent")["items"][0]
    assert row["interactionId"] == iid and row["needsCompletion"] is False
    assert (row["disposition"]["category"], row["disposition"]["outcome"]) == ("Success", "Resolved")
    assert row["notes"] == "Wants a refund" and row["tags"] == ["Refund"]


def test_the_automatic_disposition_is_pushed_with_its_outcome_and_listed_for_completion(
    chats: ChatCentre, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentdesk.interactions import service

    chats.login("ana")
    iid = chats.open_chat(queueId="queue-sales")["interactionId"]
    chats.ack("ana", "accept", interactionId=iid)
    chats.ack("ana", "addNote", interactionId=iid, text="Asked for a quote")
    chats.ack("ana", "endInteraction", interactionId=iid)
    assert service.time_out_wrap_up(iid) is not None
    pushes = [p for p in _pushes_of(chats, iid, monkeypatch) if p["type"] == "interaction.updated"]
    closed = pushes[-1]["interaction"]
    assert closed["status"] == "closed" and closed["dispositionSetId"] == "dispositions-sales"
    assert closed["outcomes"]["Success"] == ["Sale", "Upgrade"]
    assert (closed["disposition"]["category"], closed["disposition"]["outcome"]) == ("Unsure", "No agent submission")
    assert closed["disposition"]["source"] == "timeout" and closed["disposition"]["complete"] is False
    assert closed["disposition"]["notes"] == "Asked for a quote"
    row = chats.ack("ana", "listInteractions", scope="recent")["items"][0]
    assert row["needsCompletion"] is True
    assert (row["disposition"]["category"], row["disposition"]["outcome"]) == ("Unsure", "No agent submission")
    # completing it later pushes the completed disposition, with the set the form needs
    chats.ack("ana", "submitDisposition", interactionId=iid, category="Success", outcome="Sale")
    completed = [p for p in _pushes_of(chats, iid, monkeypatch) if p["type"] == "interaction.updated"][-1]
    assert completed["interaction"]["disposition"]["outcome"] == "Sale"
    assert completed["interaction"]["outcomes"]["Fail"] == ["Not interested", "Do not contact"]
