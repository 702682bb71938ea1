"""The public chat HTTP routes (no sign-in): the topics a customer may pick (the queues open to web chat), and
opening a chat, which answers the token its WebSocket connects with. Each is limited per source address
before anything is read or written."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from agentdesk.config import directory
from agentdesk.config.contracts import PUBLIC, ROLE_EXTENSION, ErrorResponse
from agentdesk.interactions import routing, service
from agentdesk.interactions.contracts import ChatSession, ChatSessionInput, ChatTopic, ChatTopics
from agentdesk.kernel import customer_tokens
from agentdesk.kernel.errors import rate_limited
from agentdesk.kernel.rate_limit import limiter
from agentdesk.kernel.settings import get_settings

router = Router()

_RESPONSES: dict[int, OpenAPIResponse] = {
    201: {"description": "The chat is open and queued; connect to `websocketUrl?token=<token>`."},
    **{
        status: {"description": text, "content": {"application/json": {"model": ErrorResponse}}}
        for status, text in (
            (400, "BAD_REQUEST: malformed JSON, a wrong type, an unknown field or a value out of range."),
            (404, "NOT_FOUND: no such queue open to web chat (or, without queueId, the general queue is not)."),
            (413, "PAYLOAD_TOO_LARGE: the body is over 64 KB."),
            (429, "RATE_LIMITED: too many chats opened from this address; wait Retry-After seconds."),
        )
    },
}
_RESPONSES[429]["headers"] = {
    "Retry-After": {"description": "Whole seconds to wait before trying again.", "schema": {"type": "integer"}}
}


_TOPIC_RESPONSES: dict[int, OpenAPIResponse] = {
    429: {
        "description": "RATE_LIMITED: the topics were read too often from this address; wait Retry-After seconds.",
        "content": {"application/json": {"model": ErrorResponse}},
        "headers": {
            "Retry-After": {"description": "Whole seconds to wait before trying again.", "schema": {"type": "integer"}}
        },
    },
}


def _source_address() -> str:
    event = router.current_event
    return str(event.request_context.http.source_ip or "unknown")


@router.get(
    "/api/chat/topics",
    summary="The chat topics (customers; no sign-in)",
    description="The queues open to web chat (the queue's webChat), each with the label the chat page shows "
    "(its topicLabel, else its name): the general queue first, then by label. Limited per source address.",
    operation_id="listChatTopics",
    tags=["Chat"],
    responses=_TOPIC_RESPONSES,
    security=[],
    openapi_extensions={ROLE_EXTENSION: PUBLIC},
)
def list_chat_topics() -> ChatTopics:
    wait = limiter("chat-topics", get_settings().chat_topics_limit).take(_source_address())
    if wait is not None:
        raise rate_limited(wait, "Reads of the chat topics from this address")
    topics = [ChatTopic(queueId=q.queue_id, label=q.topic_label or q.name) for q in service.chat_topics()]
    return ChatTopics(topics=topics)


@router.post(
    "/api/chat/sessions",
    status_code=201,
    summary="Open a chat (customers; no sign-in)",
    description="Creates the contact and the chat interaction in its queue (default: the general queue) and "
    "answers a short-lived customer token. On the WebSocket the customer may send getChat (the chat and its messages "
    "so far), sendMessage, typing, endChat and, after the end, rate. Limited per source address.",
    operation_id="openChatSession",
    tags=["Chat"],
    responses=_RESPONSES,
    security=[],
    openapi_extensions={ROLE_EXTENSION: PUBLIC},
)
def open_chat_session(body: ChatSessionInput) -> Response[ChatSession]:
    settings = get_settings()
    wait = limiter("chat-sessions", settings.chat_session_limit).take(_source_address())
    if wait is not None:
        raise rate_limited(wait, "Chats opened from this address")
    config = directory.current()
    opening = service.open_chat(
        name=body.name, email=body.email, queue_id=body.queueId, topic=body.topic, config=config
    )
    interaction = routing.open_and_route(opening, config)
    token, expires_at = customer_tokens.issue(
        interaction.interaction_id, interaction.contact.contact_id, name=interaction.contact.name
    )
    session = ChatSession(
        interactionId=interaction.interaction_id,
        contactId=interaction.contact.contact_id,
        token=token,
        expiresAt=expires_at,
        websocketUrl=settings.websocket_url,
        queueName=interaction.queue_name,
    )
    reply: Any = session
    return Response(status_code=201, content_type="application/json", body=reply)
