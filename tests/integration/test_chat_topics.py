"""The public chat page's topics from the configuration: GET /api/chat/topics answers the queues open to web
chat (no sign-in, limited per address), and POST /api/chat/sessions takes no other queue."""

from __future__ import annotations

from typing import Any

import pytest

from agentdesk.config import directory
from tests.integration.conftest import HttpClient, HttpResult, build_http_event, call_http
from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401

DEMO_TOPICS = [
    {"queueId": "queue-general", "label": "General question"},
    {"queueId": "queue-billing", "label": "Billing and payments"},
    {"queueId": "queue-spanish", "label": "En español"},
    {"queueId": "queue-sales", "label": "Sales"},
    {"queueId": "queue-technical", "label": "Technical support"},
]


def topics(source_ip: str = "198.51.100.20") -> HttpResult:
    event = build_http_event("GET", "/api/chat/topics")  # no authorizer claims: a customer's browser
    event["requestContext"]["http"]["sourceIp"] = source_ip
    return call_http(event)


def admin(chats: ChatCentre) -> HttpClient:
    return HttpClient(chats.aws.claims(chats.centre.ids["ada"], "admins", username="ada"))


def snapshot(chats: ChatCentre) -> tuple[int, list[Any]]:
    return len(chats.events()), sorted(str(item) for item in chats.aws.scan("interactions"))


def test_the_topics_are_the_queues_open_to_web_chat_general_first(chats: ChatCentre) -> None:
    result = topics()
    assert result.status == 200, result.body
    assert result.body == {"topics": DEMO_TOPICS}


def test_an_admin_opens_and_closes_a_queue_to_web_chat(chats: ChatCentre) -> None:
    console = admin(chats)
    returns = {"name": "Returns", "webChat": True, "topicLabel": "  Returns and refunds "}
    created = console.create("/api/queues", returns)
    assert (created["webChat"], created["topicLabel"]) == (True, "Returns and refunds")
    plain = console.create("/api/queues", {"name": "Back office"})
    assert (plain["webChat"], plain["topicLabel"]) == (False, None)
    directory.forget()
    listed = topics().body["topics"]
    assert {"queueId": created["id"], "label": "Returns and refunds"} in listed
    assert plain["id"] not in [t["queueId"] for t in listed]
    session = chats.open_chat(queueId=created["id"])
    assert session["queueName"] == "Returns"

    # closed to web chat: no longer listed, and no chat opens there
    current = console.get(f"/api/queues/{created['id']}")
    body = {k: v for k, v in current.body.items() if k not in ("id", "version", "createdAt", "updatedAt")}
    changed = console.put(f"/api/queues/{created['id']}", {**body, "webChat": False}, etag=current.headers["etag"])
    assert changed.status == 200, changed.body
    directory.forget()
    assert created["id"] not in [t["queueId"] for t in topics().body["topics"]]
    before = snapshot(chats)
    wanted = {"name": "Carla", "queueId": created["id"]}
    refused = call_http(build_http_event("POST", "/api/chat/sessions", None, wanted))
    assert (refused.status, refused.error_code, refused.body["error"]["field"]) == (404, "NOT_FOUND", "queueId")
    assert snapshot(chats) == before


@pytest.mark.parametrize(
    "body",
    [{"name": "Carla", "queueId": "queue-general"}, {"name": "Carla"}],
    ids=["named", "the general queue by default"],
)
def test_a_chat_is_refused_in_a_queue_closed_to_web_chat(chats: ChatCentre, body: dict[str, Any]) -> None:
    console = admin(chats)
    general = console.get("/api/queues/queue-general")
    fields = {k: v for k, v in general.body.items() if k not in ("id", "version", "createdAt", "updatedAt")}
    closed = console.put("/api/queues/queue-general", {**fields, "webChat": False}, etag=general.headers["etag"])
    assert closed.status == 200, closed.body
    directory.forget()
    before = snapshot(chats)
    result = call_http(build_http_event("POST", "/api/chat/sessions", None, body))
    assert (result.status, result.error_code) == (404, "NOT_FOUND")
    assert snapshot(chats) == before
    offered = [t["queueId"] for t in topics().body["topics"]]
    assert "queue-general" not in offered and offered[0] == "queue-billing"


def test_the_topics_are_limited_per_address(chats: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentdesk.kernel.settings import reset_settings

    monkeypatch.setenv("RATE_LIMIT_CHAT_TOPICS", "0.001/2")
    reset_settings()
    assert topics("203.0.113.30").status == 200
    assert topics("203.0.113.30").status == 200
    limited = topics("203.0.113.30")
    assert limited.status == 429 and limited.error_code == "RATE_LIMITED" and int(limited.headers["retry-after"]) >= 1
    assert topics("203.0.113.31").status == 200  # another address is not held back
