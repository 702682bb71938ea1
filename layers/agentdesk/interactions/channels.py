"""Work from other channels (voice, email, tasks): what an authenticated outside system may do through the
ingress API — create an interaction (once per external id) and report its lifecycle (ringing, answered,
held, resumed, ended).

A new interaction is queued and routed exactly like a chat (a voice call takes the agent's whole capacity:
the agents context refuses anything more while it lasts); an outbound one naming its agent goes to that agent
at once, in the same transaction, or not at all. Updates map onto the lifecycle through the pure rules
(`domain/ingress.py`) and write the interaction, the link and the event in one transaction, like every
other command of this context. An integration acts as the system (`actor.role` "system", `actor.userId` the
integration's id) and reaches only the interactions it created.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agentdesk.agents import service as agents
from agentdesk.config import directory
from agentdesk.config.directory import Directory
from agentdesk.interactions import domain, ingress_store, routing, service, store
from agentdesk.interactions import events as ev
from agentdesk.interactions.contracts import (
    IngressInteraction,
    IngressInteractionInput,
    OfferView,
    ingress_view_of,
)
from agentdesk.interactions.domain import ingress as rules
from agentdesk.interactions.domain.lifecycle import hold, moment, resume
from agentdesk.interactions.ingress_store import Link
from agentdesk.kernel import clock, ids
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import Actor, DomainEvent
from agentdesk.kernel.identity import Role
from agentdesk.kernel.timestamps import iso
from agentdesk.kernel.unit_of_work import Cancelled, UnitOfWork

ATTEMPTS = 4
_RECORDED: dict[rules.Update, type[DomainEvent[Any]]] = {
    rules.Update.RINGING: ev.InteractionRinging,
    rules.Update.HELD: ev.InteractionHeld,
    rules.Update.RESUMED: ev.InteractionResumed,
}


def actor_of(integration_id: str) -> Actor:
    return Actor(userId=integration_id, role="system")


def ingress_view(interaction: domain.Interaction, link: Link) -> IngressInteraction:
    """The interaction as the system that created it sees it (a part of the staff's view)."""
    return ingress_view_of(service.view(interaction), link.external_id)


def _existing(integration_id: str, interaction_id: str) -> tuple[domain.Interaction, Link]:
    """The interaction if this integration created it; NOT_FOUND alike for another's and for none at all."""
    link = ingress_store.link(interaction_id)
    interaction = store.load(interaction_id) if link is not None else None
    if link is None or interaction is None or link.integration_id != integration_id:
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"There is no interaction {interaction_id} of this integration.", "id"
        )
    return interaction, link


# --- creating -------------------------------------------------------------------------------------------------


def create(integration_id: str, body: IngressInteractionInput) -> tuple[IngressInteraction, bool]:
    """The interaction for the body's external id: (it, True) when created now, (it, False) when the
    integration created it before (the body of a repeat is not compared)."""
    for _attempt in range(ATTEMPTS):
        earlier = ingress_store.claimed(integration_id, body.externalId)
        if earlier is not None:
            return ingress_view(*_existing(integration_id, earlier)), False
        config = directory.current()
        interaction, work = _new(integration_id, body, config)
        try:
            work.commit()
        except Cancelled as exc:
            at_fault = exc.failed() + exc.failed("TransactionConflict")
            if ingress_store.CLAIM_LABEL in at_fault or any(label.startswith("agent:") for label in at_fault):
                continue  # the same external id at the same moment, or the agent's state moved: read again
            raise
        if interaction.status is domain.Status.QUEUED:
            interaction = routing.route(interaction.interaction_id, config=config) or interaction
        link = Link(interaction.interaction_id, integration_id, body.externalId)
        return ingress_view(interaction, link), True
    raise AgentDeskError(ErrorCode.CONFLICT, "The interaction could not be created just now; send it again.")


def _new(
    integration_id: str, body: IngressInteractionInput, config: Directory
) -> tuple[domain.Interaction, UnitOfWork]:
    """The new interaction and the unit of work that creates it (and, outbound to a named agent, assigns it)."""
    queue = config.queue(body.queueId)
    if queue is None:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no queue {body.queueId}.", "queueId")
    if body.skillId is not None and body.skillId not in config.skill_names:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no skill {body.skillId}.", "skillId")
    direction = domain.Direction(body.direction)
    rules.check_direction(direction, body.agentId)
    profile = config.profile(body.agentId) if body.agentId else None
    if body.agentId is not None and (profile is None or not profile.enabled or profile.role is not Role.AGENT):
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no agent {body.agentId}.", "agentId")
    contact = body.contact
    now = clock.now()
    queued = domain.open_interaction(
        interaction_id=ids.new_id("int_"),
        queue_id=queue.queue_id,
        queue_name=queue.name,
        skill_id=body.skillId or queue.required_skill_id,
        contact=domain.Contact(ids.new_id("ct_"), contact.name, contact.email, contact.phone),
        now=now,
        dispositions_enabled=queue.dispositions_enabled,
        channel=domain.Channel(body.channel),
        direction=direction,
        subject=body.subject or None,
    )
    actor = actor_of(integration_id)
    work = UnitOfWork(store.connection())
    work.event(service.event(ev.InteractionQueued, queued, actor, rules=queue), "interaction:event:0")
    after = queued
    if profile is not None:
        # The agent placing it takes it now, or the request is refused and nothing is written.
        agents.stage_start_interaction(
            work, profile.agent_id, queued.interaction_id, voice=queued.channel is domain.Channel.VOICE, config=config
        )
        after = domain.offer(
            queued,
            agent_id=profile.agent_id,
            agent_name=profile.name,
            offer_id=ids.new_id("ofr_"),
            timeout_seconds=queue.offer_timeout_seconds,
            now=now,
            auto_answer=True,
        )
        offer = OfferView(offerId=ids.new_id("ofr_"), expiresAt=after.updated_at, autoAnswer=True)
        work.event(service.event(ev.InteractionOffered, after, actor, rules=queue, offer=offer), "interaction:event:1")
        assigned = service.event(
            ev.InteractionAssigned, after, actor, rules=queue, agentId=profile.agent_id, autoAnswered=True
        )
        work.event(assigned, "interaction:event:2")
    store.stage(work, after, None)
    link = Link(queued.interaction_id, integration_id, body.externalId)
    ingress_store.stage_claim(work, link)
    ingress_store.stage_link(work, link)
    return after, work


# --- lifecycle updates ----------------------------------------------------------------------------------------


def touched(interaction: domain.Interaction, now_at: str) -> domain.Interaction:
    """The interaction, unchanged but for a new version (the event that records an update carries it)."""
    at = max(now_at, interaction.updated_at)
    return replace(interaction, version=interaction.version + 1, updated_at=at)


def update(
    integration_id: str, interaction_id: str, kind: rules.Update, at: str | None
) -> tuple[IngressInteraction, bool]:
    """Apply an outside system's lifecycle update; (the interaction after, whether anything changed). Held and
    resumed put the customer on hold and back on the interaction itself (its view shows it to the agent)."""
    current, link = _existing(integration_id, interaction_id)
    decision = rules.decide(kind, current.status, current.on_hold)
    if decision.effect is rules.Effect.NOTHING:
        return ingress_view(current, link), False
    if decision.effect is rules.Effect.END:
        try:
            ended = service.end(None, interaction_id, reason=f"Ended by the channel (integration {integration_id}).")
        except AgentDeskError as exc:
            if exc.code is not ErrorCode.INVALID_TRANSITION:
                raise
            after, link = _existing(integration_id, interaction_id)  # ended at the same moment by someone else
            return ingress_view(after, link), False
        return ingress_view(ended, link), True

    actor = actor_of(integration_id)

    def decide(now: domain.Interaction, config: Directory) -> service.Change | None:
        step = rules.decide(kind, now.status, now.on_hold)
        if step.effect is rules.Effect.NOTHING:
            return None
        queue = service.rules_of(config, now.queue_id)
        if step.effect is rules.Effect.ANSWER:
            offer = now.offer
            assert offer is not None
            after = domain.accept(now, agent_id=offer.agent_id, now=clock.now())
            assigned = service.event(
                ev.InteractionAssigned, after, actor, rules=queue, agentId=offer.agent_id, autoAnswered=False
            )
            return service.Change(after, [assigned])
        if kind is rules.Update.HELD:
            after = hold(now, now=clock.now())
        elif kind is rules.Update.RESUMED:
            after = resume(now, now=clock.now())
        else:
            after = touched(now, iso(moment(clock.now())))
        recorded = service.event(_RECORDED[kind], after, actor, rules=queue, integrationId=integration_id, at=at)
        return service.Change(after, [recorded])

    after, change = service.run(interaction_id, decide)
    return ingress_view(after, link), change is not None
