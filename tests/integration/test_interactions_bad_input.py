"""Bad input on every interactions action and on the chat-session route: wrong types, other people's
interactions, a customer on agent actions, oversized text — a stable error code, and nothing changed.

The demo centre (users, configuration) is built once for the module; each test starts from no agent state,
no interactions, no routing rows and no events, and makes its own interactions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agentdesk.config import directory
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.settings import reset_settings
from tests.integration.conftest import AwsStack, build_http_event, call_http
from tests.integration.interactions_centre import ChatCentre, chat_centre, wipe


@pytest.fixture(scope="module")
def module_centre(aws_module: AwsStack) -> Iterator[ChatCentre]:
    with pytest.MonkeyPatch.context() as patch:
        yield chat_centre(aws_module, patch)


@pytest.fixture
def chats(module_centre: ChatCentre) -> ChatCentre:
    """The module's centre with everyone logged off and nothing in the interactions, routing and events tables."""
    wipe(module_centre, "agents", "interactions", "routing", "events")
    reset_settings()  # a test may have changed a limit
    directory.forget()
    return module_centre


AGENT_ACTIONS: dict[str, dict[str, Any]] = {
    "accept": {},
    "reject": {},
    "endInteraction": {},
    "submitDisposition": {"category": "Success", "outcome": "Resolved"},
    "addNote": {"text": "a note"},
    "addTag": {"tag": "vip"},
    "removeTag": {"tag": "vip"},
    "useCannedMessage": {"cannedMessageId": "canned-greeting"},
    "sendMessage": {"text": "hello"},
    "typing": {},
    "getInteraction": {},
    "transfer": {"to": {"queueId": "queue-general"}, "mode": "blind"},
    "confirmTransfer": {},
    "cancelTransfer": {},
    "listTransferTargets": {},
}


def snapshot(chats: ChatCentre) -> tuple[int, list[Any]]:
    """What a refused request must leave unchanged: the outbox and the interactions table."""
    return len(chats.events()), sorted(str(item) for item in chats.aws.scan("interactions"))


@pytest.fixture
def live(chats: ChatCentre) -> tuple[ChatCentre, str]:
    chats.login("ana", "ben")
    iid = chats.open_chat()["interactionId"]
    holder = chats.interaction(iid)["agentId"]
    owner = "ana" if holder == chats.agent("ana").user_id else "ben"
    chats.ack(owner, "accept", interactionId=iid)
    chats.owner = owner  # type: ignore[attr-defined]
    return chats, iid


@pytest.mark.parametrize("action", sorted(AGENT_ACTIONS))
def test_another_agents_interaction_is_not_found_and_nothing_changes(live: tuple[ChatCentre, str], action: str) -> None:
    chats, iid = live
    other = "ben" if chats.owner == "ana" else "ana"  # type: ignore[attr-defined]
    before = snapshot(chats)
    code = chats.refused(other, action, interactionId=iid, **AGENT_ACTIONS[action])
    assert code in ("NOT_FOUND", "INVALID_TRANSITION")
    assert snapshot(chats) == before


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("accept", {"interactionId": 42}),
        ("accept", {}),
        ("reject", {"interactionId": "x", "reason": "r" * 201}),
        ("sendMessage", {"interactionId": "x", "text": ""}),
        ("sendMessage", {"interactionId": "x", "text": "t" * 4001}),
        ("sendMessage", {"interactionId": "x", "text": "hi", "clientMessageId": "c" * 65}),
        ("sendMessage", {"interactionId": "x", "text": ["hi"]}),
        ("submitDisposition", {"interactionId": "x", "category": "Great", "outcome": "Resolved"}),
        ("submitDisposition", {"interactionId": "x", "category": "Success", "outcome": ""}),
        ("addNote", {"interactionId": "x", "text": "n" * 2001}),
        ("addTag", {"interactionId": "x", "tag": "t" * 41}),
        ("addTag", {"interactionId": "x", "tag": "<script>"}),
        ("listInteractions", {"scope": "everything"}),
        ("listInteractions", {"limit": 0}),
        ("listInteractions", {"limit": "10"}),
        ("listInteractions", {"cursor": "not-a-cursor"}),
        ("getInteraction", {"interactionId": "../etc"}),
        ("setAutoAnswer", {"enabled": "yes"}),
        ("accept", {"interactionId": "x", "extra": 1}),
    ],
)
def test_malformed_requests_are_bad_requests(live: tuple[ChatCentre, str], action: str, fields: dict[str, Any]) -> None:
    chats, _iid = live
    before = snapshot(chats)
    assert chats.refused(chats.owner, action, **fields) == "BAD_REQUEST"  # type: ignore[attr-defined]
    assert snapshot(chats) == before


def test_an_unknown_interaction_is_not_found(live: tuple[ChatCentre, str]) -> None:
    chats, _iid = live
    assert chats.refused("ana", "accept", interactionId="int_nothing") == "NOT_FOUND"
    assert chats.refused("ana", "getInteraction", interactionId="int_nothing") == "NOT_FOUND"


@pytest.mark.parametrize(
    "action",
    [
        "accept",
        "reject",
        "endInteraction",
        "submitDisposition",
        "addNote",
        "listInteractions",
        "getInteraction",
        "getPerformance",
        "login",
        "setStatus",
    ],
)
def test_a_customer_may_not_use_agent_actions(live: tuple[ChatCentre, str], action: str) -> None:
    chats, iid = live
    before = snapshot(chats)
    assert chats.refused(chats.customer(iid), action, interactionId=iid) == "FORBIDDEN"
    assert snapshot(chats) == before


def test_a_customer_reaches_only_their_own_conversation(live: tuple[ChatCentre, str]) -> None:
    chats, iid = live
    other = chats.open_chat(name="Someone Else")["interactionId"]
    before = snapshot(chats)
    assert chats.refused(chats.customer(iid), "sendMessage", interactionId=other, text="hi") == "FORBIDDEN"
    assert chats.refused(chats.customer(iid), "endChat", interactionId=other) == "FORBIDDEN"
    assert chats.refused(chats.customer(iid), "sendMessage", text="x" * 4001) == "BAD_REQUEST"
    assert chats.refused(chats.customer(iid), "rate", score=5) == "INVALID_TRANSITION"  # not ended yet
    assert chats.refused(chats.customer(iid), "rate", score="5") == "BAD_REQUEST"
    stranger = Principal("ct_x", "ct_x", "X", "", Role.CUSTOMER, other)
    assert chats.refused(stranger, "typing", interactionId=iid) == "FORBIDDEN"
    assert snapshot(chats) == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "BAD_REQUEST"),
        ({"name": ""}, 400, "BAD_REQUEST"),
        ({"name": "n" * 81}, 400, "BAD_REQUEST"),
        ({"name": "Carla", "email": "not-an-email"}, 400, "BAD_REQUEST"),
        ({"name": "Carla", "queueId": "queue-nowhere"}, 404, "NOT_FOUND"),
        ({"name": "Carla", "extra": True}, 400, "BAD_REQUEST"),
        ({"name": 7}, 400, "BAD_REQUEST"),
    ],
)
def test_chat_sessions_refuse_bad_bodies(chats: ChatCentre, body: dict[str, Any], status: int, code: str) -> None:
    before = snapshot(chats)
    result = call_http(build_http_event("POST", "/api/chat/sessions", None, body))
    assert (result.status, result.error_code) == (status, code)
    assert snapshot(chats) == before


def test_chat_sessions_are_limited_per_address(chats: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentdesk.kernel.settings import reset_settings

    monkeypatch.setenv("RATE_LIMIT_CHAT_SESSIONS", "0.001/2")
    reset_settings()
    chats.open_chat(source_ip="203.0.113.9")
    chats.open_chat(source_ip="203.0.113.9")
    event = build_http_event("POST", "/api/chat/sessions", None, {"name": "Third"})
    event["requestContext"]["http"]["sourceIp"] = "203.0.113.9"
    result = call_http(event)
    assert result.status == 429 and result.error_code == "RATE_LIMITED" and int(result.headers["retry-after"]) >= 1
    chats.open_chat(source_ip="203.0.113.10")  # another address is not held back
