"""The wallboard's conversations hear of every change (`team.interaction`, domain/audience.py): the supervisors
of the agent an interaction is with and the admins get its row; the supervisors of an agent who just lost it
hear it is gone, before anyone hears the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from agentdesk.config.directory import QueueRules
from agentdesk.interactions import domain, service
from agentdesk.interactions import events as ev
from agentdesk.interactions.contracts import OfferView, TeamInteractionPush
from agentdesk.kernel.events import SYSTEM
from agentdesk.realtime.domain.audience import Push, may_hear, pushes_for

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
RULES = QueueRules("queue-general", "General", None, 20, 120, 30, True, None, {})


def queued() -> domain.Interaction:
    return domain.open_interaction(
        interaction_id="int_1",
        queue_id="queue-general",
        queue_name="General",
        skill_id=None,
        contact=domain.Contact("ct_1", "Carla Customer"),
        now=NOW,
        subject="My invoice",
    )


def offered_to(agent_id: str, interaction: domain.Interaction | None = None) -> domain.Interaction:
    return domain.offer(
        interaction or queued(),
        agent_id=agent_id,
        agent_name=agent_id.title(),
        offer_id="off_1",
        timeout_seconds=30,
        now=NOW + timedelta(seconds=1),
    )


def active_with(agent_id: str) -> domain.Interaction:
    return domain.accept(offered_to(agent_id), agent_id=agent_id, now=NOW + timedelta(seconds=2))


def team_pushes(kind: type[Any], interaction: domain.Interaction, **data: Any) -> list[Push]:
    event = service.event(kind, interaction, SYSTEM, rules=RULES, **data)
    return [p for p in pushes_for(event) if p.message["type"] == "team.interaction"]


def shown(push: Push) -> TeamInteractionPush:
    return TeamInteractionPush.model_validate(push.message)


def test_an_offer_reaches_the_agents_supervisors_and_the_admins_with_its_row() -> None:
    interaction = offered_to("ana")
    offer = OfferView(offerId="off_1", expiresAt="2026-11-25T10:00:31.000Z", autoAnswer=False)
    (push,) = team_pushes(ev.InteractionOffered, interaction, offer=offer)

    assert push.supervisors_of == {"ana"} and push.roles == {"admin"} and push.user_ids == frozenset()
    message = shown(push)
    assert (message.interactionId, message.version) == ("int_1", interaction.version)
    assert message.interaction is not None
    row = message.interaction
    assert (row.agentId, row.agentName, row.status, row.contactName, row.subject) == (
        "ana",
        "Ana",
        "offered",
        "Carla Customer",
        "My invoice",
    )
    assert row.answeredAt is None and row.queuedAt == interaction.times.queued_at
    assert "watching" not in push.message["interaction"]  # each supervisor keeps their own
    assert not may_hear(push, "customer")


def test_after_the_agents_own_pushes() -> None:
    interaction = active_with("ana")
    event = service.event(ev.InteractionAssigned, interaction, SYSTEM, rules=RULES, agentId="ana", autoAnswered=False)
    kinds = [p.message["type"] for p in pushes_for(event)]
    assert kinds == ["interaction.assigned", "interaction.assigned", "team.interaction"]


def test_a_rejected_offer_is_gone_from_the_agents_supervisors_and_the_admins() -> None:
    interaction = domain.reject(offered_to("ana"), agent_id="ana", now=NOW + timedelta(seconds=3))
    (push,) = team_pushes(ev.InteractionOfferRejected, interaction, agentId="ana", offerId="off_1")

    assert push.supervisors_of == {"ana"} and push.roles == {"admin"}
    assert shown(push).interaction is None and shown(push).version == interaction.version


def test_the_end_of_a_conversation_keeps_its_row_until_the_wrap_up_is_done() -> None:
    ended = domain.end(active_with("ana"), by=domain.Party.CUSTOMER, now=NOW + timedelta(seconds=9), wrap_up_seconds=60)
    (push,) = team_pushes(ev.InteractionEnded, ended, endedBy="customer")
    row = shown(push).interaction
    assert row is not None and row.status == "wrap_up" and row.endedAt is not None

    closed, _ = domain.submit_disposition(
        ended, agent_id="ana", category=domain.Category.SUCCESS, outcome="Resolved", now=NOW + timedelta(seconds=20)
    )
    (push,) = team_pushes(ev.InteractionDispositionSubmitted, closed, source="agent", complete=True)
    assert push.supervisors_of == {"ana"} and push.roles == {"admin"} and shown(push).interaction is None


def test_a_transfer_to_another_agent_is_gone_from_the_first_agents_supervisors_before_the_row() -> None:
    interaction = domain.transfer_to_agent(
        active_with("ana"),
        agent_id="ana",
        target_id="ben",
        target_name="Ben",
        offer_id="off_2",
        timeout_seconds=30,
        auto_answer=False,
        note_id="note_1",
        note=None,
        now=NOW + timedelta(seconds=5),
    )
    data = {"mode": "blind", "fromAgentId": "ana", "to": {"agentId": "ben"}, "targetAgentId": "ben"}
    gone, row = team_pushes(ev.InteractionTransferred, interaction, **data)

    assert gone.supervisors_of == {"ana"} and gone.roles == frozenset() and shown(gone).interaction is None
    assert row.supervisors_of == {"ben"} and row.roles == {"admin"}
    message = shown(row).interaction
    assert message is not None and message.agentId == "ben" and message.status == "offered"


def test_a_transfer_to_a_queue_is_gone_for_everyone() -> None:
    interaction = domain.transfer_to_queue(
        active_with("ana"),
        agent_id="ana",
        queue_id="queue-billing",
        queue_name="Billing",
        skill_id=None,
        dispositions_enabled=True,
        note_id="note_1",
        note="over to billing",
        now=NOW + timedelta(seconds=5),
    )
    data = {"mode": "blind", "fromAgentId": "ana", "to": {"queueId": "queue-billing"}}
    (push,) = team_pushes(ev.InteractionTransferred, interaction, **data)
    assert push.supervisors_of == {"ana"} and push.roles == {"admin"} and shown(push).interaction is None


def test_a_new_interaction_and_its_messages_change_no_row() -> None:
    assert team_pushes(ev.InteractionQueued, queued()) == []
