"""The unit of work against DynamoDB (moto): several aggregates and an event in one transaction, all or
nothing, with each cancellation reason mapped back to the operation's label."""

from __future__ import annotations

import pytest

from agentdesk.agents.store import AgentItem
from agentdesk.config.domain.rules import Kind
from agentdesk.config.events import ConfigChanged, ConfigChangedData
from agentdesk.kernel.binding import bind
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION, SYSTEM
from agentdesk.kernel.outbox import event_model
from agentdesk.kernel.unit_of_work import MAX_OPERATIONS, Cancelled, UnitOfWork
from tests.integration.conftest import AwsStack


def _items() -> type[AgentItem]:
    return bind(AgentItem, "agents_table")


def _event(event_id: str) -> ConfigChanged:
    return ConfigChanged(
        eventId=event_id,
        type="config.changed",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt="2026-11-25T10:00:00.000Z",
        actor=SYSTEM,
        data=ConfigChangedData(kind=Kind.TEAM, id="team-1", change="created", version=1),
    )


def _unit() -> UnitOfWork:
    return UnitOfWork(_items()._get_connection().connection)


def test_two_aggregates_and_an_event_are_written_together(aws: AwsStack) -> None:
    items = _items()
    work = _unit()
    work.put("first", items("agent-1", "state", kind="state", document="{}", version=1))
    work.put("second", items("agent-2", "state", kind="state", document="{}", version=1))
    work.event(_event("ev_1"))
    work.commit()
    assert items.get("agent-1", "state").version == 1
    assert items.get("agent-2", "state").version == 1
    assert event_model().get("ev_1").type == "config.changed"


def test_a_failed_condition_writes_nothing_and_names_its_operation(aws: AwsStack) -> None:
    items = _items()
    items("agent-1", "state", kind="state", document="{}", version=1).save()
    work = _unit()
    work.check("exists", items, "agent-9", "state", condition=items.pk.exists())
    work.put("first", items("agent-1", "state", kind="state", document="{}", version=2), items.version == 1)
    work.put("second", items("agent-2", "state", kind="state", document="{}", version=1))
    work.event(_event("ev_2"))
    with pytest.raises(Cancelled) as cancelled:
        work.commit()
    assert cancelled.value.failed() == ["exists"]
    assert not cancelled.value.only_conflicts
    assert list(cancelled.value.reasons) == ["exists", "first", "second", "event"]
    assert items.get("agent-1", "state").version == 1  # nothing of the unit was written
    assert items.count("agent-2") == 0
    assert event_model().count("ev_2") == 0


def test_an_event_is_never_written_twice(aws: AwsStack) -> None:
    work = _unit()
    work.event(_event("ev_3"))
    work.commit()
    again = _unit()
    again.put("state", _items()("agent-1", "state", kind="state", document="{}", version=1))
    again.event(_event("ev_3"))
    with pytest.raises(Cancelled) as cancelled:
        again.commit()
    assert cancelled.value.failed() == ["event"]
    assert _items().count("agent-1") == 0


def test_a_unit_holds_at_most_what_dynamodb_accepts(aws: AwsStack) -> None:
    work = _unit()
    for number in range(MAX_OPERATIONS + 1):
        work.put(f"item:{number}", _items()(f"agent-{number}", "state", kind="state", document="{}"))
    with pytest.raises(ValueError, match="at most 100"):
        work.commit()
