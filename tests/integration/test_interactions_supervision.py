"""Supervisors watch their teams' conversations: the open interactions of the agents they supervise
(listTeamInteractions), each heard live with watchInteraction; nobody else's."""

from __future__ import annotations

from typing import Any

import botocore.client
import pytest

from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401


def listed(chats: ChatCentre, who: str) -> list[dict[str, Any]]:
    reply = chats.ack(who, "listTeamInteractions")
    assert reply["total"] == len(reply["items"])  # fewer than the 200 a reply lists
    return list(reply["items"])


def test_a_supervisor_lists_the_open_interactions_of_their_teams_only(chats: ChatCentre) -> None:
    ana, ben = chats.agent("ana").user_id, chats.agent("ben").user_id
    chats.login("ana")
    first = chats.open_chat(name="Carla Customer", queueId="queue-general", topic="My invoice")["interactionId"]
    chats.ack("ana", "accept", interactionId=first)
    chats.login("ben")
    chats.ack("ana", "setStatus", status="Away", reason="break")  # applied after her chat: routing skips her
    chats.pump()
    second = chats.open_chat(name="Dan Customer", queueId="queue-general")["interactionId"]
    assert chats.interaction(second)["agentId"] == ben

    sam = listed(chats, "sam")  # Sam leads Ana's team, Sue Ben's
    assert [i["interactionId"] for i in sam] == [first]
    row = sam[0]
    assert (row["agentId"], row["agentName"], row["contactName"]) == (ana, "Ana", "Carla Customer")
    assert row["status"] == "active"
    assert (row["channel"], row["queueName"], row["subject"], row["onHold"]) == ("chat", "General", "My invoice", False)
    assert row["answeredAt"] is not None and row["endedAt"] is None and row["watching"] is False
    sue = listed(chats, "sue")
    assert [(i["interactionId"], i["status"], i["answeredAt"]) for i in sue] == [(second, "offered", None)]
    assert [i["interactionId"] for i in listed(chats, "ada")] == [first, second]  # admins: everyone's, oldest first

    chats.ack("sam", "watchInteraction", interactionId=first)
    assert listed(chats, "sam")[0]["watching"] is True
    chats.ack("ana", "endInteraction", interactionId=first)
    assert [(i["status"], i["endedAt"] is not None) for i in listed(chats, "sam")] == [("wrap_up", True)]
    chats.ack("ana", "submitDisposition", interactionId=first, category="Success", outcome="Resolved")
    assert listed(chats, "sam") == []  # closed: no longer open


@pytest.mark.parametrize("who", ["ana", "ben"])
def test_agents_may_not_list_their_teams_interactions(chats: ChatCentre, who: str) -> None:
    assert chats.refused(who, "listTeamInteractions") == "FORBIDDEN"
    assert chats.send("sam", "listTeamInteractions", extra=1)["code"] == "BAD_REQUEST"


def test_the_list_reads_the_agents_states_and_their_interactions_in_batches(
    chats: ChatCentre, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats.login("ana", "ben")
    opened = [chats.open_chat(name=f"Customer {n}", queueId="queue-general")["interactionId"] for n in range(3)]
    chats.pump()
    calls: list[tuple[str, str | None]] = []
    original = botocore.client.BaseClient._make_api_call

    def counted(client: Any, operation: str, params: Any) -> Any:
        calls.append((operation, params.get("IndexName")))
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
    listed_ids = [i["interactionId"] for i in listed(chats, "ada")]
    monkeypatch.undo()

    assert sorted(listed_ids) == sorted(opened)
    # one batch read of the agents' states, one of the interactions they hold: no query per agent
    assert calls.count(("BatchGetItem", None)) == 2
    assert [c for c in calls if c[1] == "byAgent"] == []
