"""Interaction commands: open a chat, offer and claim (routing.py decides who), accept, reject, expire an
offer, messages and typing, notes and tags, end, dispositions (agent and wrap-up timeout), rating, and the
reads (lists, one interaction, today's performance).

Every change reads the interaction (strongly consistent), decides through the pure domain, and writes the
interaction (conditioned on the version read), its event and, where the agent's state moves with it, the
agent's state and agent.state.changed (staged by the agents context) in one transaction. A concurrent change
cancels the transaction; the command reads again and decides again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from agentdesk.agents import service as agents
from agentdesk.config import directory
from agentdesk.config.directory import AgentProfile, Directory, QueueRules
from agentdesk.interactions import domain, store
from agentdesk.interactions import events as ev
from agentdesk.interactions.contracts import (
    ContactView,
    CustomerInteractionView,
    DispositionView,
    InteractionSummary,
    InteractionView,
    MessageView,
    NoteView,
    OfferView,
    Performance,
    RatingView,
    TimesView,
    TransferView,
    customer_view_of,
)
from agentdesk.kernel import clock, ids
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION, SYSTEM, Actor, DomainEvent, new_event_id
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.observability import logger
from agentdesk.kernel.unit_of_work import Cancelled, UnitOfWork

ATTEMPTS = 8
MESSAGE_ID_PREFIX = "msg_"


# --- views -------------------------------------------------------------------------------------------------


CATEGORIES = ("Success", "Unsure", "Fail")


def view(interaction: domain.Interaction, rules: QueueRules | None = None) -> InteractionView:
    """The interaction as staff see it; with its queue's `rules`, the disposition set and its outcomes too
    (the disposition form needs no configuration read)."""
    d = interaction.disposition
    set_id = rules.disposition_set_id if rules is not None and interaction.dispositions_enabled else None
    outcomes = (
        {category: list(rules.outcomes.get(category, ())) for category in CATEGORIES}
        if rules is not None and set_id is not None
        else None
    )
    pending = interaction.transfer
    transfer = (
        TransferView(
            mode=pending.mode.value,
            to={f"{pending.to_kind}Id": pending.to_id},
            note=pending.note,
            requestedAt=pending.requested_at,
            targetAgentId=pending.target_agent_id,
        )
        if pending is not None
        else None
    )
    return InteractionView(
        interactionId=interaction.interaction_id,
        channel=interaction.channel.value,
        direction=interaction.direction.value,
        status=interaction.status.value,
        queueId=interaction.queue_id,
        queueName=interaction.queue_name,
        skillId=interaction.skill_id,
        agentId=interaction.agent_id,
        agentName=interaction.agent_name,
        contact=ContactView.model_validate(interaction.contact.to_dict()),
        subject=interaction.subject,
        tags=list(interaction.tags),
        notes=[NoteView.model_validate(n.to_dict()) for n in interaction.notes],
        disposition=_disposition(d),
        times=TimesView.model_validate(interaction.times.to_dict()),
        wrapUpDeadline=interaction.wrap_up_deadline,
        rating=RatingView.model_validate(interaction.rating.to_dict()) if interaction.rating else None,
        onHold=interaction.on_hold,
        heldSince=interaction.held_since,
        holdSeconds=interaction.hold_seconds,
        transfer=transfer,
        dispositionSetId=set_id,
        outcomes=outcomes,  # type: ignore[arg-type]
        version=interaction.version,
    )


def _disposition(d: domain.Disposition | None) -> DispositionView | None:
    if d is None:
        return None
    return DispositionView(
        category=d.category.value,
        outcome=d.outcome,
        notes=d.notes,
        source=d.source.value,
        complete=d.complete,
        submittedAt=d.submitted_at,
        submittedBy=d.submitted_by,
    )


def customer_view(interaction: domain.Interaction) -> CustomerInteractionView:
    """What the customer sees: the agent's name, never notes, tags or the disposition."""
    return customer_view_of(view(interaction))


def message_view(message: domain.Message) -> MessageView:
    return MessageView.model_validate(message.to_dict())


def summary(interaction: domain.Interaction) -> InteractionSummary:
    return InteractionSummary(
        interactionId=interaction.interaction_id,
        channel=interaction.channel.value,
        direction=interaction.direction.value,
        status=interaction.status.value,
        contactName=interaction.contact.name,
        queueName=interaction.queue_name,
        startedAt=interaction.times.queued_at,
        endedAt=interaction.times.ended_at,
        disposition=_disposition(interaction.disposition),
        notes="\n".join(n.text for n in interaction.notes),
        tags=list(interaction.tags),
        needsCompletion=interaction.needs_completion,
        wrapUpDeadline=interaction.wrap_up_deadline,
    )


# --- events and the write path -------------------------------------------------------------------------------


def actor_of(principal: Principal) -> Actor:
    return Actor(userId=principal.user_id, role=principal.role.value)


def event(
    kind: type[DomainEvent[Any]],
    interaction: domain.Interaction,
    actor: Actor,
    *,
    rules: QueueRules | None = None,
    config: Directory | None = None,
    **data: Any,
) -> DomainEvent[Any]:
    """An event of this context: `data.interaction` is the interaction after the change, always with its
    queue's disposition set and outcomes (the pushes an agent dispositions from carry them): from `rules`,
    else from `config` (else the current directory)."""
    if rules is None:
        rules = rules_of(config or directory.current(), interaction.queue_id)
    data_model = kind.model_fields["data"].annotation
    assert data_model is not None
    return kind(
        eventId=new_event_id(),
        type=kind.model_fields["type"].annotation.__args__[0],  # type: ignore[union-attr]
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt=interaction.updated_at,
        agentId=interaction.agent_id,
        actor=actor,
        data=data_model(interaction=view(interaction, rules), **data),
    )


@dataclass
class Change:
    """One decided change: the interaction after it, its events, and what else the transaction holds."""

    after: domain.Interaction
    events: list[DomainEvent[Any]] = field(default_factory=list)
    stage: Callable[[UnitOfWork], None] | None = None  # the agent's part, counters, a message
    result: Any = None


class Retry(Exception):
    """The transaction was cancelled because something moved meanwhile: read and decide again."""


def commit(previous: domain.Interaction | None, change: Change) -> None:
    """Write the change in one transaction: the interaction (at the version read), its events, the rest."""
    work = UnitOfWork(store.connection())
    store.stage(work, change.after, previous.version if previous else None)
    for number, item in enumerate(change.events):
        work.event(item, f"interaction:event:{number}")
    if change.stage is not None:
        change.stage(work)
    try:
        work.commit()
    except Cancelled as exc:
        raise Retry(str(exc)) from exc


def run(
    interaction_id: str, decide: Callable[[domain.Interaction, Directory], Change | None]
) -> tuple[domain.Interaction, Change | None]:
    """Read, decide, write; again on a concurrent change. `decide` returns None when nothing changes."""
    for attempt in range(ATTEMPTS):
        current = store.load(interaction_id)
        if current is None:
            raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no interaction {interaction_id}.", "interactionId")
        config = directory.current()
        change = decide(current, config)
        if change is None:
            return current, None
        try:
            commit(current, change)
        except Retry:
            if attempt == ATTEMPTS - 1:
                raise AgentDeskError(
                    ErrorCode.CONFLICT, "The interaction changed at the same moment; try again."
                ) from None
            continue
        return change.after, change
    raise AssertionError("unreachable")


def rules_of(config: Directory, queue_id: str) -> QueueRules:
    """The queue's rules; a queue deleted meanwhile keeps working with the settings' defaults."""
    rules = config.queue(queue_id)
    if rules is not None:
        return rules
    return QueueRules(queue_id, queue_id, None, 20, 120, 30, True, None, {})


# --- opening ---------------------------------------------------------------------------------------------------


def open_chat(
    *, name: str, email: str | None, queue_id: str | None, topic: str | None, config: Directory | None = None
) -> Change:
    """A customer opens a chat: a new contact and interaction, queued. Not written: the caller writes it
    together with its first offer (routing.open_and_route), or alone when nobody may take it now."""
    config = config or directory.current()
    chosen = queue_id or config.general_queue_id
    rules = config.queue(chosen) if chosen else None
    if rules is None or not rules.web_chat:  # a queue closed to web chat is not told apart from none at all
        raise AgentDeskError(
            ErrorCode.NOT_FOUND,
            f"There is no queue {chosen} open to web chat." if chosen else "No queue takes chats: name one (queueId).",
            "queueId",
        )
    interaction = domain.open_interaction(
        interaction_id=ids.new_id("int_"),
        queue_id=rules.queue_id,
        queue_name=rules.name,
        skill_id=rules.required_skill_id,
        contact=domain.Contact(ids.new_id("ct_"), name.strip(), email),
        now=clock.now(),
        dispositions_enabled=rules.dispositions_enabled,
        subject=topic or None,
    )
    actor = Actor(userId=interaction.contact.contact_id, role="customer")
    return Change(interaction, [event(ev.InteractionQueued, interaction, actor, rules=rules)])


def chat_topics(config: Directory | None = None) -> list[QueueRules]:
    """The queues open to web chat: the general queue first (the page's default), then by the label shown."""
    config = config or directory.current()
    general = config.general_queue_id
    open_to_chat = [q for q in config.queues.values() if q.web_chat]
    return sorted(open_to_chat, key=lambda q: (q.queue_id != general, (q.topic_label or q.name).casefold(), q.queue_id))


# --- offers --------------------------------------------------------------------------------------------------


def offer_to(
    interaction: domain.Interaction,
    agent_id: str,
    config: Directory,
    *,
    auto_answer: bool,
    opening: Change | None = None,
) -> tuple[domain.Interaction, UnitOfWork]:
    """The unit of work that offers the interaction to the agent and takes one of the agent's slots (the
    agents context refuses, with AgentDeskError, an agent who may not take it now). Not committed.
    `opening`: the interaction is new, not written yet: the unit creates it and writes its first events."""
    work = UnitOfWork(store.connection())
    for number, item in enumerate(opening.events if opening else ()):
        work.event(item, f"interaction:opened:{number}")
    agents.stage_start_interaction(
        work, agent_id, interaction.interaction_id, voice=interaction.channel is domain.Channel.VOICE, config=config
    )
    profile = config.profile(agent_id)
    rules = rules_of(config, interaction.queue_id)
    after = domain.offer(
        interaction,
        agent_id=agent_id,
        agent_name=profile.name if profile else agent_id,
        offer_id=ids.new_id("ofr_"),
        timeout_seconds=rules.offer_timeout_seconds,
        now=clock.now(),
        auto_answer=auto_answer,
    )
    store.stage(work, after, None if opening else interaction.version)
    if auto_answer:
        offer = OfferView(offerId=ids.new_id("ofr_"), expiresAt=after.updated_at, autoAnswer=True)
        work.event(event(ev.InteractionOffered, after, SYSTEM, rules=rules, offer=offer), "interaction:event:0")
        assigned = event(ev.InteractionAssigned, after, SYSTEM, rules=rules, agentId=agent_id, autoAnswered=True)
        work.event(assigned, "interaction:event:1")
    else:
        assert after.offer is not None
        offer = OfferView(offerId=after.offer.offer_id, expiresAt=after.offer.expires_at, autoAnswer=False)
        work.event(event(ev.InteractionOffered, after, SYSTEM, rules=rules, offer=offer), "interaction:event:0")
    return after, work


def answers_automatically(config: Directory, agent_id: str) -> bool:
    """The agent's profile says on; or says the agent chooses, and the agent chose on."""
    profile = config.profile(agent_id)
    setting = profile.auto_answer if profile else "off"
    if setting == "agent":
        return bool(store.auto_answer_choice(agent_id))
    return setting == "on"


def accept(principal: Principal, interaction_id: str) -> domain.Interaction:
    def decide(current: domain.Interaction, config: Directory) -> Change:
        after = domain.accept(current, agent_id=principal.user_id, now=clock.now())
        assigned = event(
            ev.InteractionAssigned,
            after,
            actor_of(principal),
            rules=rules_of(config, after.queue_id),
            agentId=principal.user_id,
            autoAnswered=False,
        )
        return Change(after, [assigned])

    return run(interaction_id, decide)[0]


def reject(principal: Principal, interaction_id: str, reason: str | None) -> domain.Interaction:
    """The agent declines: back to the queue and the agent's slot free again (routing follows)."""

    def decide(current: domain.Interaction, config: Directory) -> Change:
        offer = current.offer
        after = domain.reject(current, agent_id=principal.user_id, now=clock.now())
        assert offer is not None
        rejected = event(
            ev.InteractionOfferRejected,
            after,
            actor_of(principal),
            config=config,
            agentId=offer.agent_id,
            offerId=offer.offer_id,
            reason=reason,
        )
        return Change(after, [rejected], _release(offer.agent_id, interaction_id, config))

    return run(interaction_id, decide)[0]


def expire_offer(interaction_id: str, offer_id: str) -> domain.Interaction | None:
    """The offer's time is up: withdrawn if still open (None: it was answered meanwhile)."""

    def decide(current: domain.Interaction, config: Directory) -> Change | None:
        offer = current.offer
        after = domain.expire_offer(current, offer_id=offer_id, now=clock.now())
        if after is None or offer is None:
            return None
        expired = event(
            ev.InteractionOfferExpired,
            after,
            SYSTEM,
            config=config,
            agentId=offer.agent_id,
            offerId=offer.offer_id,
            reason=None,
        )
        return Change(after, [expired], _release(offer.agent_id, interaction_id, config))

    after, change = run(interaction_id, decide)
    return after if change is not None else None


def _release(agent_id: str, interaction_id: str, config: Directory) -> Callable[[UnitOfWork], None]:
    """The agent's slot, held by an offer, is free again (an agent who no longer holds it: nothing to free)."""

    def stage(work: UnitOfWork) -> None:
        try:
            agents.stage_end_interaction(work, agent_id, interaction_id, wrap_up=False, config=config)
        except AgentDeskError as exc:
            logger.warning(
                "no slot to release", extra={"agentId": agent_id, "interactionId": interaction_id, "error": exc.message}
            )

    return stage


# --- the conversation ------------------------------------------------------------------------------------------


def _party(principal: Principal) -> domain.Party:
    return domain.Party.CUSTOMER if principal.role is Role.CUSTOMER else domain.Party.AGENT


def send_message(
    principal: Principal, interaction_id: str, text: str, client_message_id: str | None = None
) -> tuple[domain.Interaction, domain.Message, bool]:
    """A message from the agent on the interaction or its customer; returns (interaction, message, new). A
    resend with the same clientMessageId returns the message sent the first time, and sends nothing."""
    sender = _party(principal)
    config = directory.current()
    for _attempt in range(ATTEMPTS):
        current = _load(interaction_id)
        _may_write(principal, current)
        seq = domain.sent_before(current, sender, client_message_id)
        if seq is not None:
            sent = store.message(interaction_id, seq)
            if sent is not None:
                return current, sent, False
        after, message = domain.send_message(
            current,
            sender=sender,
            author_id=principal.user_id,
            author_name=principal.name or ("Customer" if sender is domain.Party.CUSTOMER else principal.user_id),
            text=text,
            message_id=ids.new_id(MESSAGE_ID_PREFIX),
            now=clock.now(),
            client_message_id=client_message_id,
        )
        change = Change(
            after,
            [
                event(
                    ev.InteractionMessageSent, after, actor_of(principal), config=config, message=message_view(message)
                )
            ],
            lambda work, m=message: store.stage_message(work, m),
        )
        try:
            commit(current, change)
        except Retry:
            continue
        return after, message, True
    raise AgentDeskError(ErrorCode.CONFLICT, "The conversation is busy; send the message again.")


def _load(interaction_id: str) -> domain.Interaction:
    current = store.load(interaction_id)
    if current is None:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no interaction {interaction_id}.", "interactionId")
    return current


def _may_write(principal: Principal, interaction: domain.Interaction) -> None:
    """A customer writes in their own interaction (the dispatcher matched it to the token); an agent in one
    that is theirs."""
    if principal.role is Role.CUSTOMER:
        if principal.interaction_id != interaction.interaction_id:
            raise AgentDeskError(ErrorCode.FORBIDDEN, "This chat may act on its own interaction only.", "interactionId")
        return
    if interaction.agent_id != principal.user_id:
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"Interaction {interaction.interaction_id} is not yours.", "interactionId"
        )


def typing_audience(principal: Principal, interaction_id: str) -> tuple[domain.Interaction, list[str]]:
    """Who hears that the caller is typing: the other side of a live conversation."""
    current = _load(interaction_id)
    _may_write(principal, current)
    if current.status not in domain.LIVE:
        raise AgentDeskError(ErrorCode.INVALID_TRANSITION, "The conversation has ended.", "interactionId")
    if principal.role is Role.CUSTOMER:
        answered = current.status is domain.Status.ACTIVE and current.agent_id is not None
        return current, [current.agent_id] if answered and current.agent_id else []
    if current.status is not domain.Status.ACTIVE:
        raise AgentDeskError(ErrorCode.INVALID_TRANSITION, "Accept the interaction first.", "interactionId")
    return current, [current.contact.contact_id]


def add_note(principal: Principal, interaction_id: str, text: str) -> domain.Interaction:
    def decide(current: domain.Interaction, config: Directory) -> Change:
        after = domain.add_note(
            current, agent_id=principal.user_id, note_id=ids.new_id("note_"), text=text, now=clock.now()
        )
        note = NoteView.model_validate(after.notes[-1].to_dict())
        return Change(after, [event(ev.InteractionNoteAdded, after, actor_of(principal), config=config, note=note)])

    return run(interaction_id, decide)[0]


def set_tag(principal: Principal, interaction_id: str, tag: str, *, present: bool) -> domain.Interaction:
    """Add or remove a tag: a predefined one (written as configured) or a free one."""

    def decide(current: domain.Interaction, config: Directory) -> Change | None:
        predefined = config.tag_labelled(tag)
        label = predefined.label if predefined is not None else tag.strip()
        if present and predefined is not None and not predefined.enabled:
            raise AgentDeskError(ErrorCode.INVALID_REFERENCE, f"The tag {label!r} is switched off.", "tag")
        after = domain.set_tag(current, agent_id=principal.user_id, tag=label, present=present, now=clock.now())
        if after is current:
            return None
        changed = event(
            ev.InteractionTagsChanged,
            after,
            actor_of(principal),
            config=config,
            added=[label] if present else [],
            removed=[] if present else [label],
        )
        return Change(after, [changed])

    return run(interaction_id, decide)[0]


def canned_text(principal: Principal, interaction_id: str, canned_message_id: str) -> str:
    """The canned message as it would be sent on this interaction, its variables filled."""
    from agentdesk.config.domain.rules import fill_variables

    current = _load(interaction_id)
    _may_write(principal, current)
    config = directory.current()
    canned = config.canned_messages.get(canned_message_id)
    if canned is None or (canned.queue_id is not None and canned.queue_id != current.queue_id):
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"There is no canned message {canned_message_id} for this queue.", "cannedMessageId"
        )
    profile = config.profile(principal.user_id)
    return fill_variables(
        canned.body,
        current.contact.to_dict(),
        agent_name=profile.name if profile else principal.name,
        queue_name=current.queue_name,
    )


# --- the end -----------------------------------------------------------------------------------------------------


def end(principal: Principal | None, interaction_id: str, reason: str | None = None) -> domain.Interaction:
    """The agent ends it (endInteraction), the customer leaves (endChat), or the system ends it (None)."""
    by = domain.Party.SYSTEM if principal is None else _party(principal)
    actor = SYSTEM if principal is None else actor_of(principal)

    def decide(current: domain.Interaction, config: Directory) -> Change:
        if principal is not None:
            _may_write(principal, current)
        rules = rules_of(config, current.queue_id)
        after = domain.end(
            current,
            by=by,
            now=clock.now(),
            wrap_up_seconds=rules.wrap_up_timeout_seconds,
            agent_id=principal.user_id if by is domain.Party.AGENT and principal else None,
            reason=reason,
        )
        if after.status is domain.Status.ABANDONED:
            abandoned = event(ev.InteractionAbandoned, after, actor, rules=rules, endedBy=by.value, reason=reason)
            offer = current.offer
            return Change(after, [abandoned], _release(offer.agent_id, interaction_id, config) if offer else None)
        ended = event(ev.InteractionEnded, after, actor, rules=rules, endedBy=by.value, reason=reason)
        agent_id = current.agent_id
        assert agent_id is not None
        wrap_up = after.status is domain.Status.WRAP_UP
        extra: list[DomainEvent[Any]] = [] if wrap_up else [event(ev.InteractionClosed, after, actor, rules=rules)]
        waiting = current.transfer
        if waiting is not None:
            extra.append(_transfer_event(ev.InteractionTransferCancelled, after, actor, waiting, rules))

        def stage(work: UnitOfWork) -> None:
            if waiting is not None:  # the consulted agent's slot is free again
                _release(waiting.target_agent_id, interaction_id, config)(work)
            try:
                agents.stage_end_interaction(work, agent_id, interaction_id, wrap_up=wrap_up, config=config)
            except AgentDeskError as exc:  # the agent no longer holds it (logged off by an admin): end it all the same
                logger.warning("interaction not with the agent", extra={"agentId": agent_id, "error": exc.message})
            if not wrap_up:
                store.stage_counters(
                    work,
                    agent_id,
                    local_date(config, agent_id),
                    interactions=1,
                    handle_seconds=domain.handle_seconds(after),
                )

        return Change(after, [ended, *extra], stage)

    return run(interaction_id, decide)[0]


def local_date(config: Directory, agent_id: str, at: datetime | None = None) -> str:
    """The agent's site-local date (the day the performance toolbar shows)."""
    site_id = config.site_of(agent_id)
    zone = (directory.site_time_zone(site_id) if site_id else None) or directory.default_time_zone()
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return (at or clock.now()).astimezone(tz).date().isoformat()


def submit_disposition(
    principal: Principal,
    interaction_id: str,
    *,
    category: str,
    outcome: str,
    notes: str | None,
    tags: list[str] | None,
) -> domain.Interaction:
    """The agent's disposition: closes the wrap-up (with the agent's finish_wrap_up and the counters, in one
    transaction), or completes an automatic or incomplete one later."""

    def decide(current: domain.Interaction, config: Directory) -> Change:
        rules = rules_of(config, current.queue_id)
        if current.agent_id != principal.user_id:
            raise AgentDeskError(ErrorCode.NOT_FOUND, f"Interaction {interaction_id} is not yours.", "interactionId")
        if not current.dispositions_enabled:
            raise AgentDeskError(ErrorCode.INVALID_TRANSITION, f"Queue {current.queue_name} takes no dispositions.")
        chosen, label = domain.check_outcome(category, outcome, {})
        if not rules.accepts(chosen.value, label):
            offered = ", ".join(rules.outcomes.get(chosen.value, ()))
            raise AgentDeskError(
                ErrorCode.BAD_REQUEST,
                f"outcome: {label!r} is not an outcome of {chosen.value} in {rules.name}; choose one of {offered}.",
                "outcome",
            )
        today = local_date(config, principal.user_id)
        after, completed = domain.submit_disposition(
            current,
            agent_id=principal.user_id,
            category=chosen,
            outcome=label,
            notes=notes,
            tags=tags,
            now=clock.now(),
            counted_on=today,
        )
        actor = actor_of(principal)
        if completed:
            done = event(ev.InteractionDispositionCompleted, after, actor, rules=rules, source="agent", complete=True)
            before = current.disposition
            assert before is not None

            def recount(work: UnitOfWork) -> None:
                counted = before.counted_as
                if before.counted_on and counted is not None and counted is not chosen:
                    store.stage_recount(work, principal.user_id, before.counted_on, counted.value, chosen.value)

            return Change(after, [done], recount)
        submitted = event(ev.InteractionDispositionSubmitted, after, actor, rules=rules, source="agent", complete=True)
        closed = event(ev.InteractionClosed, after, actor, rules=rules)

        def stage(work: UnitOfWork) -> None:
            _finish_wrap_up(work, principal.user_id, interaction_id, actor, config)
            store.stage_counters(
                work,
                principal.user_id,
                today,
                interactions=1,
                category=chosen.value,
                handle_seconds=domain.handle_seconds(after),
            )

        return Change(after, [submitted, closed], stage)

    return run(interaction_id, decide)[0]


def _finish_wrap_up(work: UnitOfWork, agent_id: str, interaction_id: str, actor: Actor, config: Directory) -> None:
    try:
        agents.stage_finish_wrap_up(work, agent_id, interaction_id, actor=actor, config=config)
    except AgentDeskError as exc:  # no open wrap-up (the agent was logged off meanwhile): the disposition stands
        logger.warning("no wrap-up to finish", extra={"agentId": agent_id, "error": exc.message})


def time_out_wrap_up(interaction_id: str) -> domain.Interaction | None:
    """The wrap-up's time is up: "Unsure - No agent submission" unless the agent submitted (None then)."""

    def decide(current: domain.Interaction, config: Directory) -> Change | None:
        agent_id = current.agent_id
        if agent_id is None:
            return None
        today = local_date(config, agent_id)
        after = domain.time_out_wrap_up(current, now=clock.now(), counted_on=today)
        if after is None:
            return None
        rules = rules_of(config, after.queue_id)
        submitted = event(
            ev.InteractionDispositionSubmitted, after, SYSTEM, rules=rules, source="timeout", complete=False
        )
        closed = event(ev.InteractionClosed, after, SYSTEM, rules=rules)

        def stage(work: UnitOfWork) -> None:
            _finish_wrap_up(work, agent_id, interaction_id, SYSTEM, config)
            store.stage_counters(
                work,
                agent_id,
                today,
                interactions=1,
                category=domain.Category.UNSURE.value,
                handle_seconds=domain.handle_seconds(after),
            )

        return Change(after, [submitted, closed], stage)

    after, change = run(interaction_id, decide)
    return after if change is not None else None


def rate(principal: Principal, interaction_id: str, score: int, comment: str | None) -> domain.Interaction:
    def decide(current: domain.Interaction, config: Directory) -> Change:
        _may_write(principal, current)
        after = domain.rate(current, score=score, comment=comment, now=clock.now())
        rated = event(
            ev.InteractionRated, after, actor_of(principal), config=config, score=score, comment=comment or None
        )
        return Change(after, [rated])

    return run(interaction_id, decide)[0]


# --- reads -------------------------------------------------------------------------------------------------------


def readable(principal: Principal, interaction_id: str) -> domain.Interaction:
    """The interaction, if the caller may read it: the agent on it (or offered it), a supervisor of that
    agent's team, an admin; its customer."""
    current = _load(interaction_id)
    if principal.role is Role.CUSTOMER:
        if principal.interaction_id != interaction_id:
            raise AgentDeskError(ErrorCode.FORBIDDEN, "This chat may act on its own interaction only.", "interactionId")
        return current
    if current.agent_id == principal.user_id or principal.role is Role.ADMIN:
        return current
    if current.transfer is not None and current.transfer.target_agent_id == principal.user_id:
        return current  # consulted on an attended transfer
    config = directory.current()
    if principal.role is Role.SUPERVISOR and current.agent_id and config.can_supervise(principal, current.agent_id):
        return current
    raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no interaction {interaction_id} of yours.", "interactionId")


def performance(agent_id: str, config: Directory | None = None) -> Performance:
    config = config or directory.current()
    date = local_date(config, agent_id)
    counts = store.counters(agent_id, date)
    return Performance(
        date=date,
        interactions=int(counts["interactions"]),
        successful=int(counts["successful"]),
        unsure=int(counts["unsure"]),
        failed=int(counts["failed"]),
        handleSeconds=float(counts["handleSeconds"]),
    )


def people_on(interaction: domain.Interaction) -> Iterable[str]:
    """Whose connections hear the conversation: the agent on it (once answered), the agent consulted on an
    attended transfer, the customer, and the supervisors watching it."""
    if interaction.agent_id and interaction.status not in (domain.Status.QUEUED, domain.Status.OFFERED):
        yield interaction.agent_id
    if interaction.transfer is not None:
        yield interaction.transfer.target_agent_id
    yield interaction.contact.contact_id
    yield from interaction.watchers


# --- transfers -----------------------------------------------------------------------------------------------


def _transfer_event(
    kind: type[DomainEvent[Any]],
    after: domain.Interaction,
    actor: Actor,
    transfer: domain.Transfer,
    rules: QueueRules | None = None,
    config: Directory | None = None,
) -> DomainEvent[Any]:
    return event(
        kind,
        after,
        actor,
        rules=rules,
        config=config,
        mode=transfer.mode.value,
        fromAgentId=transfer.from_agent_id,
        to={f"{transfer.to_kind}Id": transfer.to_id},
        targetAgentId=transfer.target_agent_id or None,
        note=transfer.note,
    )


def transfer_target(config: Directory, agent_id: str) -> AgentProfile:
    """An agent an interaction may be transferred to: an enabled user who takes interactions (assigned to a
    queue); anyone else NOT_FOUND."""
    profile = config.profile(agent_id)
    if profile is None or not profile.enabled or not profile.queue_ids:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no agent {agent_id} to transfer to.", "to")
    return profile


def _queue_for_transfer(config: Directory, queue_id: str) -> QueueRules:
    rules = config.queue(queue_id)
    if rules is None:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no queue {queue_id}.", "to")
    return rules


def _take_slot(interaction: domain.Interaction, agent_id: str, config: Directory) -> Callable[[UnitOfWork], None]:
    """Stage: the agent takes a slot for the interaction (refused, with the agents context's error, when they
    may not take it now: not logged in, paused, at capacity, on a call)."""

    def stage(work: UnitOfWork) -> None:
        agents.stage_start_interaction(
            work, agent_id, interaction.interaction_id, voice=interaction.channel is domain.Channel.VOICE, config=config
        )

    return stage


def _both(*stages: Callable[[UnitOfWork], None]) -> Callable[[UnitOfWork], None]:
    def stage(work: UnitOfWork) -> None:
        for part in stages:
            part(work)

    return stage


def _reachable_in_queue(interaction: domain.Interaction, rules: QueueRules, exclude: str, config: Directory) -> str:
    """The best agent of the queue who may take the interaction now (an attended transfer to a queue
    consults them); INVALID_TRANSITION when nobody may."""
    order = domain.plan(store.candidates(rules.queue_id), rules.required_skill_id)
    for agent_id in [a for a in order if a != exclude][:10]:
        try:
            _take_slot(interaction, agent_id, config)(UnitOfWork(store.connection()))  # a probe, never committed
        except AgentDeskError:
            continue
        return agent_id
    raise AgentDeskError(
        ErrorCode.INVALID_TRANSITION, f"Nobody in {rules.name} can take it now; transfer it blind to wait there.", "to"
    )


def transfer(
    principal: Principal,
    interaction_id: str,
    *,
    to_agent: str | None,
    to_queue: str | None,
    mode: str,
    note: str | None,
) -> domain.Interaction:
    """Hand the interaction on. Blind to a queue: it leaves the agent (their slot free, no wrap-up) and waits
    there (routed by the caller); blind to an agent: offered to them now (they must be able to take it);
    attended: the target (named, or the best agent of the queue) is consulted, holding a slot, until
    confirmTransfer or cancelTransfer."""
    actor = actor_of(principal)
    me = principal.user_id

    def decide(current: domain.Interaction, config: Directory) -> Change:
        if current.agent_id != me:
            raise AgentDeskError(ErrorCode.NOT_FOUND, f"Interaction {interaction_id} is not yours.", "interactionId")
        now = clock.now()
        release_me = _release(me, interaction_id, config)
        if mode == "blind" and to_queue is not None:
            rules = _queue_for_transfer(config, to_queue)
            after = domain.transfer_to_queue(
                current,
                agent_id=me,
                queue_id=rules.queue_id,
                queue_name=rules.name,
                skill_id=rules.required_skill_id,
                dispositions_enabled=rules.dispositions_enabled,
                note_id=ids.new_id("note_"),
                note=note,
                now=now,
            )
            done = domain.Transfer(domain.TransferMode.BLIND, "queue", to_queue, me, "", after.updated_at, note)
            return Change(after, [_transfer_event(ev.InteractionTransferred, after, actor, done, rules)], release_me)
        if to_agent is not None:
            domain.check_transfer_target(current, agent_id=me, target_id=to_agent)
            profile = transfer_target(config, to_agent)
            target, to_kind, to_id = to_agent, "agent", to_agent
        else:
            assert to_queue is not None
            domain.check_transfer_target(current, agent_id=me, target_id="")
            rules = _queue_for_transfer(config, to_queue)
            target, to_kind, to_id = _reachable_in_queue(current, rules, me, config), "queue", to_queue
            profile = transfer_target(config, target)
        if mode == "attended":
            after = domain.request_transfer(
                current, agent_id=me, to_kind=to_kind, to_id=to_id, target_id=target, note=note, now=now
            )
            assert after.transfer is not None
            requested = _transfer_event(ev.InteractionTransferRequested, after, actor, after.transfer, config=config)
            return Change(after, [requested], _take_slot(current, target, config))
        rules = rules_of(config, current.queue_id)
        auto = answers_automatically(config, target)
        after = domain.transfer_to_agent(
            current,
            agent_id=me,
            target_id=target,
            target_name=profile.name,
            offer_id=ids.new_id("ofr_"),
            timeout_seconds=rules.offer_timeout_seconds,
            auto_answer=auto,
            note_id=ids.new_id("note_"),
            note=note,
            now=now,
        )
        done = domain.Transfer(domain.TransferMode.BLIND, "agent", target, me, target, after.updated_at, note)
        events = [_transfer_event(ev.InteractionTransferred, after, actor, done, rules)]
        if after.offer is not None:
            offer = OfferView(offerId=after.offer.offer_id, expiresAt=after.offer.expires_at, autoAnswer=False)
        else:
            offer = OfferView(offerId=ids.new_id("ofr_"), expiresAt=after.updated_at, autoAnswer=True)
        events.append(event(ev.InteractionOffered, after, SYSTEM, rules=rules, offer=offer))
        if auto:
            events.append(event(ev.InteractionAssigned, after, SYSTEM, rules=rules, agentId=target, autoAnswered=True))
        return Change(after, events, _both(release_me, _take_slot(current, target, config)))

    return run(interaction_id, decide)[0]


def confirm_transfer(principal: Principal, interaction_id: str) -> domain.Interaction:
    """The agent hands the interaction over to the consulted agent, and is free of it (no wrap-up)."""
    actor = actor_of(principal)

    def decide(current: domain.Interaction, config: Directory) -> Change:
        if current.agent_id != principal.user_id:
            raise AgentDeskError(ErrorCode.NOT_FOUND, f"Interaction {interaction_id} is not yours.", "interactionId")
        pending = current.transfer
        if pending is None:
            raise AgentDeskError(
                ErrorCode.INVALID_TRANSITION, f"Interaction {interaction_id} has no transfer waiting.", "interactionId"
            )
        profile = config.profile(pending.target_agent_id)
        queue = config.queue(pending.to_id) if pending.to_kind == "queue" else None
        after = domain.confirm_transfer(
            current,
            agent_id=principal.user_id,
            target_name=profile.name if profile else pending.target_agent_id,
            note_id=ids.new_id("note_"),
            now=clock.now(),
            queue=(queue.queue_id, queue.name, queue.required_skill_id, queue.dispositions_enabled) if queue else None,
        )
        rules = rules_of(config, after.queue_id)
        events = [
            _transfer_event(ev.InteractionTransferred, after, actor, pending, rules),
            event(
                ev.InteractionAssigned, after, actor, rules=rules, agentId=pending.target_agent_id, autoAnswered=False
            ),
        ]
        return Change(after, events, _release(principal.user_id, interaction_id, config))

    return run(interaction_id, decide)[0]


def cancel_transfer(principal: Principal, interaction_id: str) -> domain.Interaction:
    """The agent withdraws the waiting transfer; the consulted agent's slot is free again."""
    actor = actor_of(principal)

    def decide(current: domain.Interaction, config: Directory) -> Change:
        if current.agent_id != principal.user_id:
            raise AgentDeskError(ErrorCode.NOT_FOUND, f"Interaction {interaction_id} is not yours.", "interactionId")
        pending = current.transfer
        after = domain.cancel_transfer(current, agent_id=principal.user_id, now=clock.now())
        assert pending is not None
        cancelled = _transfer_event(ev.InteractionTransferCancelled, after, actor, pending, config=config)
        return Change(after, [cancelled], _release(pending.target_agent_id, interaction_id, config))

    return run(interaction_id, decide)[0]


@dataclass(frozen=True)
class QueueNow:
    queue_id: str
    name: str
    waiting: int
    longest_wait_seconds: int
    agents_routable: int


def queue_now(rules: QueueRules, now: datetime | None = None) -> QueueNow:
    """A queue at this moment: what waits (the `waiting` index), the oldest wait, and how many of its agents
    routing may offer work to now (the routing read model)."""
    count, oldest = store.waiting_count(rules.queue_id)
    longest = 0
    if oldest is not None:
        delta = (now or clock.now()) - datetime.fromisoformat(oldest)
        longest = max(0, int(delta.total_seconds()))
    routable = sum(1 for c in store.candidates(rules.queue_id) if domain.eligible(c, rules.required_skill_id))
    return QueueNow(rules.queue_id, rules.name, count, longest, routable)


def transfer_targets(
    principal: Principal, interaction_id: str
) -> tuple[list[tuple[str, agents.LiveState]], list[QueueNow]]:
    """Where the agent on an interaction may transfer it: the colleagues who take interactions (their name
    and live status) and the queues."""
    current = _load(interaction_id)
    _may_write(principal, current)
    config = directory.current()
    colleagues = sorted(
        (p for p in config.profiles.values() if p.enabled and p.queue_ids and p.agent_id != principal.user_id),
        key=lambda p: (p.name.casefold(), p.agent_id),
    )
    queues = sorted(config.queues.values(), key=lambda q: (q.name.casefold(), q.queue_id))
    now = clock.now()
    live = agents.live_states(colleagues)
    return [(p.name, state) for p, state in zip(colleagues, live, strict=True)], [queue_now(q, now) for q in queues]


def queue_stats() -> list[QueueNow]:
    config = directory.current()
    now = clock.now()
    return [queue_now(q, now) for q in sorted(config.queues.values(), key=lambda q: (q.name.casefold(), q.queue_id))]


# --- supervisors ---------------------------------------------------------------------------------------------


def team_interactions(principal: Principal, config: Directory | None = None) -> list[domain.Interaction]:
    """The open interactions (offered, active, in wrap-up) of the agents the principal supervises (an admin:
    every agent), oldest first. The agents' states name the interactions each holds (one batch read per 100
    agents), which are then read together (one per 100 interactions): a few reads for hundreds of agents."""
    config = config or directory.current()
    visible = {p.agent_id for p in config.agents_visible_to(principal)}
    held = agents.open_work(visible)
    found = [
        interaction
        for interaction in store.load_many(i for ids in held.values() for i in ids)
        if interaction.status in domain.HELD and interaction.agent_id in visible  # not moved on meanwhile
    ]
    return sorted(found, key=lambda i: (i.times.queued_at, i.interaction_id))


def watch(principal: Principal, interaction_id: str, *, on: bool) -> domain.Interaction:
    """A supervisor of the agent's team (or an admin) starts or stops hearing the conversation live."""
    readable(principal, interaction_id)

    def decide(current: domain.Interaction, _config: Directory) -> Change | None:
        after = domain.watch(current, supervisor_id=principal.user_id, on=on, now=clock.now())
        return None if after is current else Change(after)

    return run(interaction_id, decide)[0]
