"""Who hears about an event: the push a domain event becomes and the users it goes to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

import agentdesk.interactions.contracts as chat
import agentdesk.interactions.events as interaction_events
from agentdesk.agents.contracts import AgentStatePush, ChangeSummary
from agentdesk.agents.events import AgentStateChanged
from agentdesk.config.events import ConfigChanged
from agentdesk.events import Event
from agentdesk.realtime.pushes import ConfigChanged as ConfigChangedPush


@dataclass(frozen=True)
class Push:
    """A message for WebSocket connections: to everyone at work (`broadcast`), or to the listed users and to
    everyone holding one of the listed roles. Customers' connections hear it only when `customers` is set
    (a push about their own conversation): agent states and configuration never reach them."""

    message: dict[str, Any]
    user_ids: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    broadcast: bool = False
    customers: bool = False
    # agents whose supervisors hear it too (looked up in the directory by whoever sends it)
    supervisors_of: frozenset[str] = field(default_factory=frozenset)


CUSTOMER_ROLE = "customer"


def may_hear(push: Push, role: str) -> bool:
    """Whether a connection of someone with `role` may receive the push."""
    return push.customers or role != CUSTOMER_ROLE


# Configuration an agent's workspace reads: a change to these reaches everyone. A change to a user reaches
# that user and the staff; any other change only the staff (supervisors and admins), who read it all.
WORKSPACE_KINDS = frozenset({"pauseCode", "cannedMessage", "dispositionSet", "tag"})
STAFF_ROLES = frozenset({"supervisor", "admin"})
ADMINS = frozenset({"admin"})


def push_for(event: Event) -> Push | None:
    """The push an event becomes: an agent's state reaches the agent, the supervisors of the agent's team and
    the admins (who see every agent). A heartbeat becomes none: it is for the stream."""
    if isinstance(event, AgentStateChanged):
        change = event.data.change
        message = AgentStatePush(
            type="agent.state",
            agentId=event.agentId,
            eventId=event.eventId,
            state=event.data.state,
            change=ChangeSummary(
                command=change.command,
                cause=change.cause,
                actorId=change.actorId,
                logoffKind=change.logoffKind,
                logoffReason=change.logoffReason,
            ),
        )
        return Push(_json(message), frozenset({event.agentId}), roles=ADMINS, supervisors_of=frozenset({event.agentId}))
    if isinstance(event, ConfigChanged):
        data = event.data
        notice = ConfigChangedPush(type="config.changed", kind=data.kind.value, id=data.id, change=data.change)
        if data.kind.value in WORKSPACE_KINDS:
            return Push(_json(notice), broadcast=True)
        own = frozenset({data.id}) if data.kind.value == "user" else frozenset()
        return Push(_json(notice), own, roles=STAFF_ROLES)
    return None


def _json(message: BaseModel) -> dict[str, Any]:
    return message.model_dump(mode="json")


def pushes_for(event: Event) -> list[Push]:
    """Every push an event becomes. An interaction's event becomes the agent's (the whole interaction), its
    customer's (what a customer may see) and the wallboard's (`team.interaction`, after the others: people
    at work wait for theirs). Messages are not pushed from here: the handler that stored one delivered it."""
    if isinstance(event, interaction_events.InteractionEvent):
        return [*_interaction_pushes(event), *_team_pushes(event)]
    planned = push_for(event)
    return [planned] if planned is not None else []


def _interaction_pushes(event: interaction_events.InteractionEvent[Any]) -> list[Push]:
    if isinstance(event, interaction_events.InteractionOffered):
        offered = chat.InteractionOffered(
            type="interaction.offered", interaction=event.data.interaction, offer=event.data.offer
        )
        return _to_agent(event.agentId, offered)
    if isinstance(event, interaction_events.InteractionAssigned):
        interaction = event.data.interaction
        agent = chat.InteractionAssigned(type="interaction.assigned", interaction=interaction)
        customer = chat.InteractionAssigned(type="interaction.assigned", interaction=chat.customer_view_of(interaction))
        return [*_to_agent(event.agentId, agent), _to_customer(interaction, customer)]
    if isinstance(event, interaction_events.InteractionEnded | interaction_events.InteractionAbandoned):
        interaction = event.data.interaction
        agent_ended = chat.InteractionEnded(type="interaction.ended", interaction=interaction)
        customer_ended = chat.InteractionEnded(type="interaction.ended", interaction=chat.customer_view_of(interaction))
        return [*_to_agent(interaction.agentId, agent_ended), _to_customer(interaction, customer_ended)]
    if isinstance(event, interaction_events.InteractionOfferRejected | interaction_events.InteractionOfferExpired):
        withdrawn = chat.InteractionUpdated(type="interaction.updated", interaction=event.data.interaction)
        return _to_agent(event.data.agentId, withdrawn)
    if isinstance(
        event,
        interaction_events.InteractionNoteAdded
        | interaction_events.InteractionTagsChanged
        | interaction_events.InteractionDispositionSubmitted
        | interaction_events.InteractionDispositionCompleted
        | interaction_events.InteractionClosed
        | interaction_events.InteractionRated
        | interaction_events.InteractionHeld
        | interaction_events.InteractionResumed,
    ):
        updated = chat.InteractionUpdated(type="interaction.updated", interaction=event.data.interaction)
        return _to_agent(event.data.interaction.agentId, updated)
    if isinstance(
        event,
        interaction_events.InteractionTransferRequested
        | interaction_events.InteractionTransferred
        | interaction_events.InteractionTransferCancelled,
    ):
        # The agent who had it and the agent consulted; a transfer that reached an agent also writes the
        # offer or the assignment, which push to that agent (and the customer) as always.
        updated = chat.InteractionUpdated(type="interaction.updated", interaction=event.data.interaction)
        told = {event.data.fromAgentId}
        if not isinstance(event, interaction_events.InteractionTransferred) and event.data.targetAgentId:
            told.add(event.data.targetAgentId)
        return [Push(_json(updated), frozenset(told))]
    return []  # queued (nobody to tell yet), a message (its handler delivered it), ringing


def _team_pushes(event: interaction_events.InteractionEvent[Any]) -> list[Push]:
    """`team.interaction` for the supervisors of the agent the interaction is with and the admins. The
    supervisors of an agent who just lost it (an offer declined or run out, a transfer) hear it is gone
    first: a supervisor of both agents ends with the row."""
    if isinstance(event, interaction_events.InteractionQueued | interaction_events.InteractionMessageSent):
        return []  # queued: with nobody yet; a message changes no row
    data = event.data
    interaction = data.interaction
    row = chat.team_row(interaction)
    holder = interaction.agentId if row is not None else None
    lost: set[str | None] = {interaction.agentId} if row is None else set()
    if isinstance(data, interaction_events.OfferClosedData):
        lost.add(data.agentId)
    if isinstance(data, interaction_events.TransferData):
        lost |= {data.fromAgentId, data.targetAgentId}
    former = frozenset(agent for agent in lost if agent and agent != holder)

    def push(shown: chat.TeamInteractionRow | None) -> dict[str, Any]:
        return _json(
            chat.TeamInteractionPush(
                type="team.interaction",
                interactionId=interaction.interactionId,
                version=interaction.version,
                interaction=shown,
            )
        )

    pushes = []
    if former:  # admins hear the row instead, when there is one
        pushes.append(Push(push(None), roles=ADMINS if holder is None else frozenset(), supervisors_of=former))
    if holder is not None:
        pushes.append(Push(push(row), roles=ADMINS, supervisors_of=frozenset({holder})))
    return pushes


def _to_agent(agent_id: str | None, message: BaseModel) -> list[Push]:
    return [Push(_json(message), frozenset({agent_id}))] if agent_id else []


def _to_customer(interaction: chat.InteractionView, message: BaseModel) -> Push:
    return Push(_json(message), frozenset({interaction.contact.contactId}), customers=True)


def metrics_audience(message: dict[str, Any], agent_id: str | None, supervisors: Iterable[str] = ()) -> Push:
    """Who hears `metrics.today`: an agent's figures reach the agent, the supervisors of the agent's team and
    the admins (as the agent's state does); a queue's figures every supervisor and admin (the wallboard shows
    every queue, as listQueueStats does)."""
    if agent_id is None:
        return Push(message, roles=STAFF_ROLES)
    return Push(message, frozenset({agent_id, *supervisors}), roles=ADMINS)
