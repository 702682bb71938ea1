"""Who hears of an event (domain/audience.py): agents get only the configuration their workspace reads."""

from __future__ import annotations

import pytest

from agentdesk.kernel.events import SYSTEM, DomainEvent
from agentdesk.realtime.domain.audience import STAFF_ROLES, push_for


def config_changed(kind: str, item_id: str = "x1") -> DomainEvent:
    return DomainEvent(
        eventId="evt_1",
        type="config.changed",
        occurredAt="2026-11-25T10:00:00.000Z",
        agentId=item_id if kind == "user" else None,
        actor=SYSTEM,
        data={"kind": kind, "id": item_id, "change": "updated", "version": 2},
    )


@pytest.mark.parametrize("kind", ["pauseCode", "cannedMessage", "dispositionSet"])
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
