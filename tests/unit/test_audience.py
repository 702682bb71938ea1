"""Who hears of an event (domain/audience.py): agents get only the configuration their workspace reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agentdesk.agents import domain
from agentdesk.agents.contracts import AgentStatePush
from agentdesk.agents.service import _event, heartbeat
from agentdesk.config.directory import AgentProfile
from agentdesk.config.domain.rules import Kind
from agentdesk.config.events import ConfigChanged, ConfigChangedData
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION, SYSTEM
from agentdesk.realtime.domain.audience import STAFF_ROLES, WORKSPACE_KINDS, push_for


def config_changed(kind: str, item_id: str = "x1") -> ConfigChanged:
    return ConfigChanged(
        eventId="ev_1",
        type="config.changed",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt="2026-11-25T10:00:00.000Z",
        agentId=item_id if kind == "user" else None,
        actor=SYSTEM,
        data=ConfigChangedData(kind=Kind(kind), id=item_id, change="updated", version=2),
    )


@pytest.mark.parametrize("kind", ["pauseCode", "cannedMessage", "dispositionSet", "tag"])
def test_what_the_workspace_reads_reaches_everyone(kind: str) -> None:
    push = push_for(config_changed(kind))
    assert push is not None and push.broadcast
    assert push.message == {"type": "config.changed", "kind": kind, "id": "x1", "change": "updated"}


@pytest.mark.parametrize("kind", ["team", "site", "skill", "queue", "integration", "settings"])
def test_the_rest_reaches_supervisors_and_admins_only(kind: str) -> None:
    push = push_for(config_changed(kind))
    assert push is not None and not push.broadcast
    assert push.user_ids == frozenset() and push.roles == STAFF_ROLES == frozenset({"supervisor", "admin"})


def test_a_changed_user_hears_of_it_with_the_staff() -> None:
    push = push_for(config_changed("user", "u-ana"))
    assert push is not None and not push.broadcast
    assert push.user_ids == {"u-ana"} and push.roles == STAFF_ROLES


def test_a_heartbeat_reaches_no_connection() -> None:
    profile = AgentProfile("u-ana", "Ana", "team-1", "site-1", capacity=3, skills=(("billing", 4),))
    state = domain.initial_state("u-ana", now=datetime(2026, 11, 25, 10, tzinfo=UTC))
    assert push_for(heartbeat(state, profile)) is None


def test_an_agent_state_push_is_the_documented_message() -> None:
    now = datetime(2026, 11, 25, 10, tzinfo=UTC)
    before = domain.initial_state("u-ana", now=now)
    transition = domain.login(before, session_id="ses_1", pause_codes=domain.SYSTEM_PAUSE_CODES, now=now)
    event = _event(before, transition, SYSTEM, None)
    push = push_for(event)
    assert push is not None and push.user_ids == {"u-ana"} and push.roles == {"admin"}
    assert push.supervisors_of == {"u-ana"}  # the supervisors of Ana's team
    message = AgentStatePush.model_validate(push.message)
    assert message.state == event.data.state and message.change.command == "login"
    assert event.data.routing.routable and event.data.session and event.data.session.sessionId == "ses_1"


def test_every_kind_of_config_item_has_a_chosen_audience() -> None:
    staff_only = {"team", "site", "skill", "queue", "integration", "settings"}
    assert WORKSPACE_KINDS | staff_only | {"user"} == {kind.value for kind in Kind}
