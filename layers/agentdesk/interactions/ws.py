"""The interactions context's WebSocket actions (agents, and the four a customer may send). Each parses its
request (contracts.py), calls one service function and answers with the view; messages and typing are
delivered here, at once, to the connections of the people on the conversation."""

from __future__ import annotations

from typing import Any

from agentdesk.interactions import contracts as c
from agentdesk.interactions import routing, service, store
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.identity import Principal, Role
from agentdesk.realtime import service as realtime
from agentdesk.realtime.dispatch import action, customer_interaction


def _interaction(interaction: Any) -> dict[str, Any]:
    return {"interaction": service.view(interaction).model_dump(mode="json")}


def _target(principal: Principal, requested: str | None) -> str:
    """The interaction a request acts on: a customer's is their token's; an agent must name one."""
    if principal.role is Role.CUSTOMER:
        return customer_interaction(principal, requested)
    if requested is None:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "interactionId: name the interaction.", "interactionId")
    return requested


def _deliver(interaction: Any, push: dict[str, Any], also: list[str] | None = None) -> None:
    realtime.send_to([*service.people_on(interaction), *(also or [])], push)


@action("accept", c.Accept, summary="Take an interaction offered to you.", reply=c.InteractionReply)
def accept(principal: Principal, request: c.Accept) -> dict[str, Any]:
    return _interaction(service.accept(principal, request.interactionId))


@action("reject", c.Reject, summary="Decline an offer; the interaction is routed to someone else.", reply=c.RejectReply)
def reject(principal: Principal, request: c.Reject) -> dict[str, Any]:
    service.reject(principal, request.interactionId, request.reason)
    routing.route(request.interactionId, exclude=(principal.user_id,))
    return {"interactionId": request.interactionId}


@action(
    "sendMessage",
    c.SendMessage,
    summary="Send a message in the conversation (the agent on it, or its customer). Delivered at once to both "
    "sides as interaction.message; a resend with the same clientMessageId is not sent twice.",
    reply=c.MessageReply,
    customer=True,
)
def send_message(principal: Principal, request: c.SendMessage) -> dict[str, Any]:
    interaction_id = _target(principal, request.interactionId)
    interaction, message, new = service.send_message(principal, interaction_id, request.text, request.clientMessageId)
    shown = service.message_view(message)
    if new:
        push = c.InteractionMessage(type="interaction.message", interactionId=interaction_id, message=shown)
        _deliver(interaction, push.model_dump(mode="json"))
    return {"message": shown.model_dump(mode="json")}


@action(
    "useCannedMessage",
    c.UseCannedMessage,
    summary="Send a canned message, its contact variables filled in.",
    reply=c.MessageReply,
)
def use_canned_message(principal: Principal, request: c.UseCannedMessage) -> dict[str, Any]:
    text = service.canned_text(principal, request.interactionId, request.cannedMessageId)
    interaction, message, new = service.send_message(principal, request.interactionId, text, request.clientMessageId)
    shown = service.message_view(message)
    if new:
        push = c.InteractionMessage(type="interaction.message", interactionId=request.interactionId, message=shown)
        _deliver(interaction, push.model_dump(mode="json"))
    return {"message": shown.model_dump(mode="json")}


@action("typing", c.Typing, summary="Tell the other side you are typing.", reply=c.EmptyReply, customer=True)
def typing(principal: Principal, request: c.Typing) -> dict[str, Any]:
    interaction_id = _target(principal, request.interactionId)
    _interaction_now, audience = service.typing_audience(principal, interaction_id)
    side = "customer" if principal.role is Role.CUSTOMER else "agent"
    push = c.InteractionTyping.model_validate(
        {"type": "interaction.typing", "interactionId": interaction_id, "from": side}
    )
    realtime.send_to(audience, push.model_dump(mode="json"))
    return {}


@action("endInteraction", c.EndInteraction, summary="End the conversation; wrap-up follows.", reply=c.InteractionReply)
def end_interaction(principal: Principal, request: c.EndInteraction) -> dict[str, Any]:
    return _interaction(service.end(principal, request.interactionId))


@action("endChat", c.EndChat, summary="The customer leaves the chat.", reply=c.CustomerInteractionReply, customer=True)
def end_chat(principal: Principal, request: c.EndChat) -> dict[str, Any]:
    interaction_id = customer_interaction(principal, request.interactionId)
    ended = service.end(principal, interaction_id, "customer left")
    return {"interaction": service.customer_view(ended).model_dump(mode="json")}


@action("rate", c.Rate, summary="Rate the chat after it ended (1-5), once.", reply=c.EmptyReply, customer=True)
def rate(principal: Principal, request: c.Rate) -> dict[str, Any]:
    interaction_id = customer_interaction(principal, request.interactionId)
    service.rate(principal, interaction_id, request.score, request.comment)
    return {}


@action(
    "submitDisposition",
    c.SubmitDisposition,
    summary="Disposition an interaction in wrap-up (or complete an automatic one later).",
    reply=c.InteractionReply,
)
def submit_disposition(principal: Principal, request: c.SubmitDisposition) -> dict[str, Any]:
    return _interaction(
        service.submit_disposition(
            principal,
            request.interactionId,
            category=request.category,
            outcome=request.outcome,
            notes=request.notes,
            tags=request.tags,
        )
    )


@action("addNote", c.AddNote, summary="Add a note (the disposition form starts with them).", reply=c.InteractionReply)
def add_note(principal: Principal, request: c.AddNote) -> dict[str, Any]:
    return _interaction(service.add_note(principal, request.interactionId, request.text))


@action("addTag", c.AddTag, summary="Tag the interaction (a predefined tag or a free one).", reply=c.InteractionReply)
def add_tag(principal: Principal, request: c.AddTag) -> dict[str, Any]:
    return _interaction(service.set_tag(principal, request.interactionId, request.tag, present=True))


@action("removeTag", c.RemoveTag, summary="Remove a tag.", reply=c.InteractionReply)
def remove_tag(principal: Principal, request: c.RemoveTag) -> dict[str, Any]:
    return _interaction(service.set_tag(principal, request.interactionId, request.tag, present=False))


@action(
    "listInteractions",
    c.ListInteractions,
    summary="Your open interactions, or Most Recent Activity (scope recent, newest first), with today's counters.",
    reply=c.InteractionListReply,
)
def list_interactions(principal: Principal, request: c.ListInteractions) -> dict[str, Any]:
    page = store.by_agent(principal.user_id, request.scope, request.limit, request.cursor)
    reply = c.InteractionListReply(
        items=[service.summary(i) for i in page.items],
        nextCursor=page.next_cursor,
        today=service.performance(principal.user_id) if request.scope == "recent" else None,
    )
    return reply.model_dump(mode="json")


@action(
    "getInteraction",
    c.GetInteraction,
    summary="One interaction and its conversation (the agent on it, a supervisor of the agent's team, admins).",
    reply=c.ConversationReply,
)
def get_interaction(principal: Principal, request: c.GetInteraction) -> dict[str, Any]:
    interaction = service.readable(principal, request.interactionId)
    messages = store.messages(request.interactionId)
    reply = c.ConversationReply(
        interaction=service.view(interaction), messages=[service.message_view(m) for m in messages]
    )
    return reply.model_dump(mode="json")


@action("getPerformance", c.GetPerformance, summary="Your performance today.", reply=c.PerformanceReply)
def get_performance(principal: Principal, _request: c.GetPerformance) -> dict[str, Any]:
    return {"today": service.performance(principal.user_id).model_dump(mode="json")}


@action(
    "setAutoAnswer",
    c.SetAutoAnswer,
    summary="Answer offers at once, or not (when your profile lets you choose).",
    reply=c.AutoAnswerReply,
)
def set_auto_answer(principal: Principal, request: c.SetAutoAnswer) -> dict[str, Any]:
    from agentdesk.config import directory

    profile = directory.current().profile(principal.user_id)
    setting = profile.auto_answer if profile else "off"
    if setting != "agent":
        raise AgentDeskError(ErrorCode.FORBIDDEN, f"Auto-answer is set to {setting} for you by an admin.", "enabled")
    store.set_auto_answer_choice(principal.user_id, request.enabled)
    return {"autoAnswer": request.enabled}
