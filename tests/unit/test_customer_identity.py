"""The customer as a principal: a role below every staff role that no Cognito group or profile can grant,
carried through the $connect authorizer's context with the interaction it may act on; never looked up in
the directory; and never the audience of agent states or configuration changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from agentdesk.agents import domain
from agentdesk.agents.service import _event
from agentdesk.config.contracts import UserInput
from agentdesk.config.domain import access
from agentdesk.config.domain.rules import Kind
from agentdesk.config.events import ConfigChanged, ConfigChangedData
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION, SYSTEM, Actor
from agentdesk.kernel.identity import GROUP_ROLES, Principal, Role, at_least, principal_from_claims, role_from_groups
from agentdesk.realtime.domain.audience import Push, may_hear, push_for

CUSTOMER = Principal("ct_7", "ct_7", "Dana", "", Role.CUSTOMER, interaction_id="in_42")


def test_a_customer_ranks_below_every_staff_role() -> None:
    for staff in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN):
        assert not at_least(Role.CUSTOMER, staff)
        assert at_least(staff, Role.CUSTOMER)
    assert at_least(Role.CUSTOMER, Role.CUSTOMER)


@pytest.mark.parametrize("groups", [["customer"], ["customers"], ["customers", "Customer"], []])
def test_no_cognito_group_makes_a_customer(groups: list[str]) -> None:
    assert role_from_groups(groups) is None
    claims = {"sub": "u-1", "cognito:username": "u1", "cognito:groups": groups}
    assert principal_from_claims(claims) is None
    assert Role.CUSTOMER not in GROUP_ROLES.values()


def test_a_user_cannot_be_given_the_customer_role() -> None:
    body = {"name": "Dana", "email": "dana@example.com"}
    assert UserInput.model_validate({**body, "role": "agent"}).role is Role.AGENT
    with pytest.raises(ValidationError) as refused:
        UserInput.model_validate({**body, "role": "customer"})
    assert [error["loc"] for error in refused.value.errors()] == [("role",)]


def test_the_principal_travels_through_the_authorizer_context() -> None:
    context = CUSTOMER.to_dict()
    assert context == {
        "userId": "ct_7",
        "username": "ct_7",
        "name": "Dana",
        "email": "",
        "role": "customer",
        "interactionId": "in_42",
    }
    # API Gateway takes strings, numbers and booleans only in an authorizer's context
    assert all(isinstance(value, str | int | float | bool) for value in context.values())
    assert Principal.from_dict({**context, "principalId": "ct_7"}) == CUSTOMER
    assert CUSTOMER.is_customer


def test_a_staff_principal_carries_no_interaction() -> None:
    agent = Principal("u-ana", "ana", "Ana", "ana@example.com", Role.AGENT)
    assert "interactionId" not in agent.to_dict()
    assert Principal.from_dict(agent.to_dict()) == agent
    assert not agent.is_customer


def test_a_customer_context_without_its_interaction_is_no_principal() -> None:
    context = CUSTOMER.to_dict()
    del context["interactionId"]
    with pytest.raises(ValueError, match="names its interaction"):
        Principal.from_dict(context)
    with pytest.raises(ValueError, match="names its interaction"):
        Principal.from_dict({**context, "interactionId": ""})


def test_the_directory_never_admits_a_customer() -> None:
    with pytest.raises(AgentDeskError) as refused:
        access.authorize(CUSTOMER, None, deleted=False)
    assert refused.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(AgentDeskError):
        access.authorize(CUSTOMER, access.Standing(Role.ADMIN, "Dana"), deleted=False)


def test_a_customer_may_be_the_actor_of_an_event() -> None:
    assert Actor(userId="ct_7", role="customer").role == "customer"


# --- pushes ---------------------------------------------------------------------------------------------------


def _config_changed(kind: str) -> ConfigChanged:
    return ConfigChanged(
        eventId="ev_1",
        type="config.changed",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt="2026-11-25T10:00:00.000Z",
        agentId="x1" if kind == "user" else None,
        actor=SYSTEM,
        data=ConfigChangedData(kind=Kind(kind), id="x1", change="updated", version=2),
    )


@pytest.mark.parametrize("kind", [kind.value for kind in Kind])
def test_configuration_changes_never_reach_customers(kind: str) -> None:
    push = push_for(_config_changed(kind))
    assert push is not None and not push.customers
    assert not may_hear(push, "customer")
    assert may_hear(push, "agent") and may_hear(push, "admin")


def test_agent_states_never_reach_customers() -> None:
    now = datetime(2026, 11, 25, 10, tzinfo=UTC)
    before = domain.initial_state("u-ana", now=now)
    transition = domain.login(before, session_id="ses_1", pause_codes=domain.SYSTEM_PAUSE_CODES, now=now)
    push = push_for(_event(before, transition, SYSTEM, None))
    assert push is not None and not may_hear(push, "customer")


def test_a_push_about_the_customers_own_conversation_says_so() -> None:
    push = Push({"type": "interaction.message"}, frozenset({"ct_7"}), customers=True)
    assert may_hear(push, "customer") and may_hear(push, "agent")
