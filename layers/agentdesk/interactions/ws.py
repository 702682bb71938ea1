"""The interactions context's WebSocket actions (agents, and the four a customer may send). Each parses its
request (contracts.py), calls one service function and answers with the view; messages and typing are
delivered here, at once, to the connections of the people on the conversation."""

from __future__ import annotations

from typing import Any

from agentdesk.config import directory
from agentdesk.interactions import contracts as c
from agentdesk.interactions import routing, service, store
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.identity import Principal, Role
from agentdesk.realtime import service as realtime
from agentdesk.realtime.dispatch import action, customer_interaction


def _interaction(interaction: Any) -> dict[str, Any]:
    rules = service.rules_of(directory.current(), interaction.queue_id)
    return {"interaction": service.view(interaction, rules).model_dump(mode="json")}


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
    ended = service.end(principal, request.interactionId)
    _ended_to_customer(ended)
    return _interaction(ended)


def _ended_to_customer(ended: Any) -> None:
    """The customer hears of the end at once (the publisher pushes the same interaction version again,
    which clients drop)."""
    push = c.InteractionEnded(type="interaction.ended", interaction=service.customer_view(ended))
    realtime.send_to([ended.contact.contact_id], push.model_dump(mode="json"))


@action("endChat", c.EndChat, summary="The customer leaves the chat.", reply=c.CustomerInteractionReply, customer=True)
def end_chat(principal: Principal, request: c.EndChat) -> dict[str, Any]:
    interaction_id = customer_interaction(principal, request.interactionId)
    ended = service.end(principal, interaction_id, "customer left")
    _ended_to_customer(ended)  # the customer's other tabs
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
    return _conversation(principal, request.interactionId)


def _conversation(principal: Principal, interaction_id: str) -> dict[str, Any]:
    interaction = service.readable(principal, interaction_id)
    messages = store.messages(interaction_id)
    history = [
        service.summary(i)
        for i in store.of_contact(interaction.contact.contact_id, HISTORY + 1)
        if i.interaction_id != interaction.interaction_id
    ][:HISTORY]
    reply = c.ConversationReply(
        interaction=service.view(interaction, service.rules_of(directory.current(), interaction.queue_id)),
        messages=[service.message_view(m) for m in messages],
        contactHistory=history,
    )
    return reply.model_dump(mode="json")


HISTORY = 20  # past interactions of the contact shown with one


@action(
    "getChat",
    c.GetChat,
    summary="The customer's chat as it is now and its messages so far (after connecting or reconnecting).",
    reply=c.CustomerConversationReply,
    customer=True,
)
def get_chat(principal: Principal, request: c.GetChat) -> dict[str, Any]:
    interaction_id = customer_interaction(principal, request.interactionId)
    interaction = service.readable(principal, interaction_id)
    messages = store.messages(interaction_id)
    reply = c.CustomerConversationReply(
        interaction=service.customer_view(interaction), messages=[service.message_view(m) for m in messages]
    )
    return reply.model_dump(mode="json")


@action(
    "transfer",
    c.Transfer,
    summary="Transfer the interaction to an agent or a queue: blind (handed over now) or attended (the target is "
    "consulted until confirmTransfer or cancelTransfer), with an optional note for the next agent.",
    reply=c.InteractionReply,
)
def transfer(principal: Principal, request: c.Transfer) -> dict[str, Any]:
    to_agent = request.to.agentId if isinstance(request.to, c.TransferToAgent) else None
    to_queue = request.to.queueId if isinstance(request.to, c.TransferToQueue) else None
    after = service.transfer(
        principal, request.interactionId, to_agent=to_agent, to_queue=to_queue, mode=request.mode, note=request.note
    )
    if after.status.value == "queued":  # blind into a queue: routed now (the agent who gave it up last)
        after = routing.route(request.interactionId, exclude=(principal.user_id,), known=after) or after
    return _interaction(after)


@action(
    "confirmTransfer",
    c.ConfirmTransfer,
    summary="Hand the interaction over to the agent consulted on an attended transfer.",
    reply=c.InteractionReply,
)
def confirm_transfer(principal: Principal, request: c.ConfirmTransfer) -> dict[str, Any]:
    return _interaction(service.confirm_transfer(principal, request.interactionId))


@action(
    "cancelTransfer",
    c.CancelTransfer,
    summary="Withdraw an attended transfer and keep the interaction.",
    reply=c.InteractionReply,
)
def cancel_transfer(principal: Principal, request: c.CancelTransfer) -> dict[str, Any]:
    return _interaction(service.cancel_transfer(principal, request.interactionId))


@action(
    "listTransferTargets",
    c.ListTransferTargets,
    summary="Where the interaction may be transferred: colleagues with their live status, and queues.",
    reply=c.TransferTargetsReply,
)
def list_transfer_targets(principal: Principal, request: c.ListTransferTargets) -> dict[str, Any]:
    agents, queues = service.transfer_targets(principal, request.interactionId)
    reply = c.TransferTargetsReply(
        agents=[
            c.TransferAgent(
                agentId=a.agent_id,
                name=name,
                status=a.status,
                displayedStatus=a.displayed_status,
                activeInteractions=a.active_interactions,
                capacity=a.capacity,
            )
            for name, a in agents
        ],
        queues=[
            c.TransferQueue(queueId=q.queue_id, name=q.name, waiting=q.waiting, agentsRoutable=q.agents_routable)
            for q in queues
        ],
    )
    return reply.model_dump(mode="json")


@action(
    "listQueueStats",
    c.ListQueueStats,
    min_role=Role.SUPERVISOR,
    summary="Every queue now: waiting, the longest wait, agents routable (the wallboard polls it).",
    reply=c.QueueStatsReply,
)
def list_queue_stats(_principal: Principal, _request: c.ListQueueStats) -> dict[str, Any]:
    stats = [
        c.QueueStat(
            queueId=q.queue_id,
            name=q.name,
            waiting=q.waiting,
            longestWaitSeconds=q.longest_wait_seconds,
            agentsRoutable=q.agents_routable,
        )
        for q in service.queue_stats()
    ]
    return c.QueueStatsReply(queues=stats).model_dump(mode="json")


# The longest-running open interactions listed to a supervisor at once: one WebSocket message holds 128 KB.
MAX_TEAM_INTERACTIONS = 200


@action(
    "listTeamInteractions",
    c.ListTeamInteractions,
    min_role=Role.SUPERVISOR,
    summary="The open interactions (offered, active, in wrap-up) of the agents in your teams (admins: every "
    "agent's), oldest first; watchInteraction one to hear it live.",
    reply=c.TeamInteractionsReply,
)
def list_team_interactions(principal: Principal, _request: c.ListTeamInteractions) -> dict[str, Any]:
    found = service.team_interactions(principal)
    items = [
        c.TeamInteraction(**row.model_dump(), watching=principal.user_id in i.watchers)
        for i in found[:MAX_TEAM_INTERACTIONS]
        if (row := c.team_row(service.view(i))) is not None  # the same row the pushes carry
    ]
    return c.TeamInteractionsReply(items=items, total=len(found)).model_dump(mode="json")


@action(
    "watchInteraction",
    c.WatchInteraction,
    min_role=Role.SUPERVISOR,
    summary="Hear a conversation live (interaction.message) as a supervisor of the agent's team, or an admin.",
    reply=c.ConversationReply,
)
def watch_interaction(principal: Principal, request: c.WatchInteraction) -> dict[str, Any]:
    service.watch(principal, request.interactionId, on=True)
    return _conversation(principal, request.interactionId)


@action(
    "unwatchInteraction",
    c.UnwatchInteraction,
    min_role=Role.SUPERVISOR,
    summary="Stop hearing a conversation live.",
    reply=c.InteractionReply,
)
def unwatch_interaction(principal: Principal, request: c.UnwatchInteraction) -> dict[str, Any]:
    return _interaction(service.watch(principal, request.interactionId, on=False))


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
