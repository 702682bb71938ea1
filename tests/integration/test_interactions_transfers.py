"""Transfers (blind and attended, to an agent or a queue), transfer targets and queue statistics,
supervisors reading and watching a conversation, the contact's history and the queue's outcomes on the
view, and the customer's getChat — through the real handlers. A refusal has a stable code and changes
nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401
from tests.integration.test_interactions_races import tuned_moto


def snapshot(chats: ChatCentre) -> tuple[int, list[str], list[str]]:
    """What a refused request must leave unchanged: the outbox, the interactions and the agents tables."""
    interactions = sorted(str(item) for item in chats.aws.scan("interactions"))
    agents = sorted(str(item) for item in chats.aws.scan("agents"))
    return len(chats.events()), interactions, agents


def active_with_ana(chats: ChatCentre, *, ben: bool = True) -> str:
    """A chat Ana is on (she was the only one logged in when it came), then Ben logs in."""
    chats.login("ana")
    iid = chats.open_chat(queueId="queue-general")["interactionId"]
    chats.ack("ana", "accept", interactionId=iid)
    if ben:
        chats.login("ben")
    return iid


def committed(chats: ChatCentre, iid: str) -> list[dict[str, Any]]:
    """The interaction's events in the order they were committed (as the stream delivers them)."""
    with chats.lock:
        documents = list(chats.outbox)
    return [
        e
        for e in documents
        if e["type"].startswith("interaction.") and e["data"]["interaction"]["interactionId"] == iid
    ]


def types_of(chats: ChatCentre, iid: str) -> list[str]:
    return [e["type"] for e in committed(chats, iid)]


def test_blind_to_a_queue_frees_the_agent_without_wrap_up_and_routes_it_again(chats: ChatCentre) -> None:
    iid = active_with_ana(chats)
    before = chats.interaction(iid)
    reply = chats.ack(
        "ana", "transfer", interactionId=iid, to={"queueId": "queue-general"}, mode="blind", note="Wants a refund"
    )["interaction"]
    ben = chats.agent("ben").user_id
    assert reply["status"] == "offered" and reply["agentId"] == ben  # routed at once, not back to Ana
    assert reply["times"]["queuedAt"] == before["times"]["queuedAt"] and reply["times"]["transferredAt"]
    assert [n["text"] for n in reply["notes"]] == ["Wants a refund"]
    assert reply["transfer"] is None
    ana = chats.state("ana")
    assert ana["activeInteractions"] == 0 and not ana["inWrapUp"] and ana["status"] == "Available"
    assert chats.state("ben")["activeInteractions"] == 1
    assert types_of(chats, iid)[-2:] == ["interaction.transferred", "interaction.offered"]
    assert chats.refused("ana", "sendMessage", interactionId=iid, text="still mine?") == "NOT_FOUND"
    chats.ack("ben", "accept", interactionId=iid)
    assert chats.ack("ben", "sendMessage", interactionId=iid, text="Hello, Ben here")["message"]["seq"] == 1


def test_blind_to_a_queue_nobody_serves_waits_there_and_the_router_serves_it_later(chats: ChatCentre) -> None:
    iid = active_with_ana(chats, ben=False)
    reply = chats.ack("ana", "transfer", interactionId=iid, to={"queueId": "queue-sales"}, mode="blind")["interaction"]
    assert reply["status"] == "queued" and reply["queueId"] == "queue-sales" and reply["queueName"] == "Sales"
    stats = {q["queueId"]: q for q in chats.ack("sam", "listQueueStats")["queues"]}
    assert stats["queue-sales"]["waiting"] == 1 and stats["queue-sales"]["longestWaitSeconds"] >= 0
    assert chats.state("ana")["activeInteractions"] == 0


def test_blind_to_an_agent_offers_it_to_them(chats: ChatCentre) -> None:
    iid = active_with_ana(chats)
    ben = chats.agent("ben").user_id
    reply = chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="blind", note="VIP")
    assert reply["interaction"]["status"] == "offered" and reply["interaction"]["agentId"] == ben
    assert chats.state("ana")["activeInteractions"] == 0 and chats.state("ben")["activeInteractions"] == 1
    chats.pump()  # the router starts the offer's timer; nothing else moves
    accepted = chats.ack("ben", "accept", interactionId=iid)["interaction"]
    assert accepted["status"] == "active" and accepted["agentName"] == "Ben"
    assert [n["text"] for n in accepted["notes"]] == ["VIP"]
    transferred = [e for e in committed(chats, iid) if e["type"] == "interaction.transferred"]
    assert transferred[0]["data"]["fromAgentId"] == chats.agent("ana").user_id
    assert transferred[0]["data"]["targetAgentId"] == ben and transferred[0]["data"]["mode"] == "blind"


def test_a_transfer_nobody_can_take_is_refused_and_changes_nothing(chats: ChatCentre) -> None:
    iid = active_with_ana(chats, ben=False)
    ana, ben = chats.agent("ana").user_id, chats.agent("ben").user_id
    before = snapshot(chats)
    to_ben = {"agentId": ben}
    assert chats.refused("ana", "transfer", interactionId=iid, to={"agentId": ana}, mode="blind") == "BAD_REQUEST"
    assert chats.refused("ana", "transfer", interactionId=iid, to={"agentId": "nobody"}, mode="blind") == "NOT_FOUND"
    assert chats.refused("ana", "transfer", interactionId=iid, to={"queueId": "nowhere"}, mode="blind") == "NOT_FOUND"
    assert chats.refused("ana", "transfer", interactionId=iid, to=to_ben, mode="blind") == "NOT_LOGGED_IN"
    assert chats.refused("ana", "transfer", interactionId=iid, to=to_ben, mode="attended") == "NOT_LOGGED_IN"
    sam = chats.agent("sam").user_id  # takes no interactions (assigned to no queue)
    assert chats.refused("ana", "transfer", interactionId=iid, to={"agentId": sam}, mode="blind") == "NOT_FOUND"
    attended_queue = {"queueId": "queue-sales"}
    assert chats.refused("ana", "transfer", interactionId=iid, to=attended_queue, mode="attended") == (
        "INVALID_TRANSITION"
    )
    assert chats.refused("ana", "confirmTransfer", interactionId=iid) == "INVALID_TRANSITION"
    assert chats.refused("ana", "cancelTransfer", interactionId=iid) == "INVALID_TRANSITION"
    assert snapshot(chats) == before
    chats.login("ben")
    chats.ack("ben", "setStatus", status="Away", reason="break")
    before = snapshot(chats)
    assert chats.refused("ana", "transfer", interactionId=iid, to=to_ben, mode="blind") == "INVALID_TRANSITION"
    bad = [
        {"to": {"agentId": ben, "queueId": "queue-general"}, "mode": "blind"},
        {"to": {"agentId": ben}, "mode": "warm"},
        {"to": {}, "mode": "blind"},
        {"to": to_ben, "mode": "blind", "note": "n" * 2001},
    ]
    for fields in bad:
        assert chats.refused("ana", "transfer", interactionId=iid, **fields) == "BAD_REQUEST", fields
    assert snapshot(chats) == before


def test_a_full_agent_cannot_be_given_more(chats: ChatCentre) -> None:
    iid = active_with_ana(chats)
    chats.ack("ana", "setStatus", status="Away", reason="break")  # pending: Ana gets nothing more
    chats.pump()
    capacity = next(
        a["capacity"]
        for a in chats.ack("ana", "listTransferTargets", interactionId=iid)["agents"]
        if a["agentId"] == chats.agent("ben").user_id
    )
    for n in range(capacity):
        chats.open_chat(name=f"Customer {n}")
    assert chats.state("ben")["activeInteractions"] == capacity
    before = snapshot(chats)
    to_ben = {"agentId": chats.agent("ben").user_id}
    assert chats.refused("ana", "transfer", interactionId=iid, to=to_ben, mode="blind") == "INVALID_TRANSITION"
    assert snapshot(chats) == before
    targets = chats.ack("ana", "listTransferTargets", interactionId=iid)
    ben = next(a for a in targets["agents"] if a["agentId"] == to_ben["agentId"])
    assert (ben["status"], ben["displayedStatus"], ben["activeInteractions"]) == ("Available", "Busy", capacity)


def test_attended_the_target_is_consulted_then_confirm_hands_it_over(chats: ChatCentre) -> None:
    iid = active_with_ana(chats)
    ben = chats.agent("ben").user_id
    pending = chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="attended", note="Refund")[
        "interaction"
    ]
    assert pending["status"] == "active" and pending["agentId"] == chats.agent("ana").user_id
    assert pending["transfer"]["mode"] == "attended" and pending["transfer"]["to"] == {"agentId": ben}
    assert pending["transfer"]["note"] == "Refund" and pending["transfer"]["targetAgentId"] == ben
    assert chats.state("ben")["activeInteractions"] == 1 and chats.state("ana")["activeInteractions"] == 1
    assert chats.ack("ben", "getInteraction", interactionId=iid)["interaction"]["transfer"] is not None
    chats.ack(chats.customer(iid), "sendMessage", text="Still here")
    assert chats.ack("ana", "sendMessage", interactionId=iid, text="One moment")["message"]["seq"] == 2
    again = {"to": {"agentId": ben}, "mode": "blind"}
    assert chats.refused("ana", "transfer", interactionId=iid, **again) == "INVALID_TRANSITION"
    assert chats.refused("ben", "confirmTransfer", interactionId=iid) == "NOT_FOUND"
    done = chats.ack("ana", "confirmTransfer", interactionId=iid)["interaction"]
    assert done["status"] == "active" and done["agentId"] == ben and done["transfer"] is None
    assert [n["text"] for n in done["notes"]] == ["Refund"] and done["times"]["transferredAt"]
    ana = chats.state("ana")
    assert ana["activeInteractions"] == 0 and not ana["inWrapUp"]
    assert chats.state("ben")["activeInteractions"] == 1
    assert chats.ack("ben", "sendMessage", interactionId=iid, text="Ben here")["message"]["seq"] == 3
    assert chats.refused("ana", "confirmTransfer", interactionId=iid) == "NOT_FOUND"
    assert types_of(chats, iid)[-6:] == [
        "interaction.transfer.requested",
        "interaction.message",
        "interaction.message",
        "interaction.transferred",
        "interaction.assigned",
        "interaction.message",
    ]
    chats.ack("ben", "endInteraction", interactionId=iid)
    closed = chats.ack("ben", "submitDisposition", interactionId=iid, category="Success", outcome="Resolved")
    assert closed["interaction"]["status"] == "closed" and chats.state("ben")["activeInteractions"] == 0


def test_attended_to_a_queue_consults_its_best_agent(chats: ChatCentre) -> None:
    iid = active_with_ana(chats)
    pending = chats.ack("ana", "transfer", interactionId=iid, to={"queueId": "queue-general"}, mode="attended")[
        "interaction"
    ]
    assert pending["transfer"]["targetAgentId"] == chats.agent("ben").user_id
    assert pending["transfer"]["to"] == {"queueId": "queue-general"}
    done = chats.ack("ana", "confirmTransfer", interactionId=iid)["interaction"]
    assert done["agentId"] == chats.agent("ben").user_id and done["queueId"] == "queue-general"


def test_cancel_withdraws_it_and_the_target_slot_is_free(chats: ChatCentre) -> None:
    iid = active_with_ana(chats)
    ben = chats.agent("ben").user_id
    chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="attended")
    kept = chats.ack("ana", "cancelTransfer", interactionId=iid)["interaction"]
    assert kept["transfer"] is None and kept["agentId"] == chats.agent("ana").user_id and kept["notes"] == []
    assert chats.state("ben")["activeInteractions"] == 0 and chats.state("ana")["activeInteractions"] == 1
    assert chats.refused("ana", "cancelTransfer", interactionId=iid) == "INVALID_TRANSITION"
    assert chats.refused("ben", "getInteraction", interactionId=iid) == "NOT_FOUND"
    assert types_of(chats, iid)[-1] == "interaction.transfer.cancelled"
    # ending while a transfer waits frees the consulted agent too
    chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="attended")
    ended = chats.ack("ana", "endInteraction", interactionId=iid)["interaction"]
    assert ended["status"] == "wrap_up" and ended["transfer"] is None
    assert chats.state("ben")["activeInteractions"] == 0 and chats.state("ana")["inWrapUp"] is True


def test_transfer_and_end_at_the_same_moment_only_one_wins(chats: ChatCentre) -> None:
    for _round in range(3):
        iid = active_with_ana(chats)
        answers: list[dict[str, Any]] = []
        barrier = threading.Barrier(2)

        def run(
            action: str,
            fields: dict[str, Any],
            barrier: threading.Barrier = barrier,
            answers: list[dict[str, Any]] = answers,
            iid: str = iid,
        ) -> None:
            barrier.wait()
            answers.append(chats.send("ana", action, interactionId=iid, **fields))

        threads = [
            threading.Thread(target=run, args=("endInteraction", {})),
            threading.Thread(target=run, args=("transfer", {"to": {"queueId": "queue-general"}, "mode": "blind"})),
        ]
        with tuned_moto():  # one DynamoDB request at a time, as DynamoDB is atomic per request
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert sorted(a["type"] for a in answers) == ["ack", "error"], answers
        state = chats.state("ana")
        won = next(a for a in answers if a["type"] == "ack")["interaction"]
        assert state["activeInteractions"] == 0 and state["inWrapUp"] == (won["status"] == "wrap_up")
        if state["inWrapUp"]:
            chats.ack("ana", "submitDisposition", interactionId=iid, category="Success", outcome="Resolved")
        else:
            chats.ack("ben", "accept", interactionId=iid)
            chats.ack("ben", "endInteraction", interactionId=iid)
            chats.ack("ben", "submitDisposition", interactionId=iid, category="Success", outcome="Resolved")
        chats.ack("ana", "logoff")
        chats.ack("ben", "logoff")
        chats.pump()


def test_transfer_targets_and_queue_statistics(chats: ChatCentre) -> None:
    iid = active_with_ana(chats)
    targets = chats.ack("ana", "listTransferTargets", interactionId=iid)
    ids = {a["agentId"]: a for a in targets["agents"]}
    assert chats.agent("ana").user_id not in ids
    ben = ids[chats.agent("ben").user_id]
    assert ben["name"] == "Ben" and ben["status"] == "Available" and ben["displayedStatus"] == "Available"
    assert ben["capacity"] >= 1 and ben["activeInteractions"] == 0
    queues = {q["queueId"]: q for q in targets["queues"]}
    assert queues["queue-general"]["agentsRoutable"] >= 1 and queues["queue-general"]["waiting"] == 0
    assert chats.refused("ben", "listTransferTargets", interactionId=iid) == "NOT_FOUND"
    assert chats.refused("ana", "listQueueStats") == "FORBIDDEN"
    stats = chats.ack("ada", "listQueueStats")["queues"]
    assert {"queueId", "name", "waiting", "longestWaitSeconds", "agentsRoutable"} <= set(stats[0])


def test_supervisors_read_and_watch_a_conversation_of_their_team(
    chats: ChatCentre, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentdesk.kernel import push
    from agentdesk.realtime import connections

    iid = active_with_ana(chats, ben=False)  # Sam leads Ana's team; Sue does not
    assert chats.ack("sam", "getInteraction", interactionId=iid)["interaction"]["interactionId"] == iid
    assert chats.refused("sue", "getInteraction", interactionId=iid) == "NOT_FOUND"
    assert chats.refused("sue", "watchInteraction", interactionId=iid) == "NOT_FOUND"
    assert chats.refused("ana", "watchInteraction", interactionId=iid) == "FORBIDDEN"
    connections.save_connection("conn-sam", chats.agent("sam"), 3600)
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(push, "send", lambda connection_id, message: sent.append((connection_id, message)) or True)
    watched = chats.ack("sam", "watchInteraction", interactionId=iid)
    assert watched["interaction"]["interactionId"] == iid and "messages" in watched
    chats.ack("sam", "watchInteraction", interactionId=iid)  # again: nothing more
    chats.ack(chats.customer(iid), "sendMessage", text="Hello?")
    chats.ack("ana", "sendMessage", interactionId=iid, text="Hi!")
    assert [m["message"]["text"] for c, m in sent if c == "conn-sam"] == ["Hello?", "Hi!"]
    assert chats.refused("sam", "sendMessage", interactionId=iid, text="I am watching") == "NOT_FOUND"
    chats.ack("sam", "unwatchInteraction", interactionId=iid)
    sent.clear()
    chats.ack("ana", "sendMessage", interactionId=iid, text="Anything else?")
    assert not [c for c, _m in sent if c == "conn-sam"]
    assert chats.ack("ada", "watchInteraction", interactionId=iid)["interaction"]["interactionId"] == iid


def test_the_view_carries_the_queue_outcomes_and_the_contact_history(chats: ChatCentre) -> None:
    from agentdesk.interactions import domain, service
    from agentdesk.interactions import events as ev
    from agentdesk.kernel import clock, ids

    iid = active_with_ana(chats, ben=False)
    current = service.store.load(iid)
    assert current is not None
    earlier = domain.open_interaction(
        interaction_id=ids.new_id("int_"),
        queue_id="queue-billing",
        queue_name="Billing",
        skill_id=None,
        contact=current.contact,
        now=clock.now(),
    )
    service.commit(None, service.Change(earlier, [service.event(ev.InteractionQueued, earlier, service.SYSTEM)]))
    reply = chats.ack("ana", "getInteraction", interactionId=iid)
    view = reply["interaction"]
    assert view["dispositionSetId"] == "dispositions-service"
    assert set(view["outcomes"]) == {"Success", "Unsure", "Fail"} and view["outcomes"]["Success"]
    assert [h["interactionId"] for h in reply["contactHistory"]] == [earlier.interaction_id]
    ended = chats.ack("ana", "endInteraction", interactionId=iid)["interaction"]
    assert ended["outcomes"] == view["outcomes"]
    pushed = next(e for e in committed(chats, iid) if e["type"] == "interaction.ended")
    assert pushed["data"]["interaction"]["outcomes"] == view["outcomes"]


def test_a_customer_reads_the_chat_and_hears_the_end_at_once(
    chats: ChatCentre, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentdesk.kernel import push
    from agentdesk.realtime import connections

    chats.login("ana")
    iid = chats.open_chat()["interactionId"]
    customer = chats.customer(iid)
    chats.ack(customer, "sendMessage", text="Anyone there?")
    chats.ack("ana", "accept", interactionId=iid)
    chat = chats.ack(customer, "getChat")
    assert chat["interaction"]["status"] == "active" and chat["interaction"]["agentName"] == "Ana"
    assert "notes" not in chat["interaction"] and [m["text"] for m in chat["messages"]] == ["Anyone there?"]
    assert chats.ack(customer, "getChat", interactionId=iid)["interaction"]["interactionId"] == iid
    assert chats.refused(customer, "getChat", interactionId="int_other") == "FORBIDDEN"
    assert chats.refused("ana", "getChat", interactionId=iid) == "FORBIDDEN"
    for action, fields in [
        ("transfer", {"interactionId": iid, "to": {"queueId": "queue-general"}, "mode": "blind"}),
        ("confirmTransfer", {"interactionId": iid}),
        ("cancelTransfer", {"interactionId": iid}),
        ("listTransferTargets", {"interactionId": iid}),
        ("listQueueStats", {}),
        ("watchInteraction", {"interactionId": iid}),
        ("getInteraction", {"interactionId": iid}),
    ]:
        assert chats.refused(customer, action, **fields) == "FORBIDDEN", action
    connections.save_connection("conn-customer", customer, 3600)
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(push, "send", lambda connection_id, message: sent.append((connection_id, message)) or True)
    ended = chats.ack("ana", "endInteraction", interactionId=iid)["interaction"]
    direct = [m for c, m in sent if c == "conn-customer"]
    assert [m["type"] for m in direct] == ["interaction.ended"]
    assert direct[0]["interaction"]["version"] == ended["version"] and "notes" not in direct[0]["interaction"]


def test_transfer_events_are_pushed_to_both_agents(chats: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentdesk.events import parse_event
    from agentdesk.kernel import push
    from agentdesk.realtime import connections
    from agentdesk.realtime.publisher import deliver

    iid = active_with_ana(chats)
    connections.save_connection("conn-ana", chats.agent("ana"), 3600)
    connections.save_connection("conn-ben", chats.agent("ben"), 3600)
    connections.save_connection("conn-customer", chats.customer(iid), 3600)
    ben = chats.agent("ben").user_id
    chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="attended")
    chats.ack("ana", "cancelTransfer", interactionId=iid)
    chats.ack("ana", "transfer", interactionId=iid, to={"agentId": ben}, mode="attended")
    chats.ack("ana", "confirmTransfer", interactionId=iid)
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(push, "send", lambda connection_id, message: sent.append((connection_id, message)) or True)
    documents = [e for e in committed(chats, iid) if e["type"].startswith("interaction.transfer")]
    for document in documents:
        sent.append(("--", {"type": document["type"]}))
        deliver(parse_event(document))
    assigned = [e for e in committed(chats, iid) if e["type"] == "interaction.assigned"][-1]
    deliver(parse_event(assigned))
    pushed = [(c, m["type"]) for c, m in sent]
    assert pushed[:3] == [
        ("--", "interaction.transfer.requested"),
        ("conn-ana", "interaction.updated"),
        ("conn-ben", "interaction.updated"),
    ]
    assert ("conn-ben", "interaction.assigned") in pushed and ("conn-customer", "interaction.assigned") in pushed
    after_transferred = pushed[pushed.index(("--", "interaction.transferred")) + 1 :]
    assert after_transferred[0] == ("conn-ana", "interaction.updated")
    cancelled = pushed[pushed.index(("--", "interaction.transfer.cancelled")) + 1 :][:2]
    assert sorted(cancelled) == [("conn-ana", "interaction.updated"), ("conn-ben", "interaction.updated")]
