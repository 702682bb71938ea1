"""Agent state and time & attendance in the agents table.

Items (pk = agent id):
- sk `state`: the current AgentState as JSON, its version (the optimistic lock) and, while the agent is
  logged in, `loggedInSite` (a sparse index: who is logged in per site for the midnight logoff, and,
  scanned whole, everyone logged in for the presence sweep);
- sk `session#<start>#<id>`: one login session (open until logoff, then with end and duration);
- sk `pause#<start>#<id>`: one pause interval (code, label, productive; end and duration once closed);
- sk `presence`: the disconnect-grace timer running for the agent, if any.

A command reads the state together with the configuration version in one BatchGetItem (see
`load_state_and_config_version`). A change writes the state (conditioned on the version read), its event
(the outbox) and its time & attendance records in one TransactWriteItems: all or nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection as PynamoConnection
from pynamodb.exceptions import DeleteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from agentdesk.agents import domain
from agentdesk.config import directory
from agentdesk.kernel import clock
from agentdesk.kernel.binding import bind
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import DomainEvent
from agentdesk.kernel.unit_of_work import MAX_OPERATIONS, Cancelled, UnitOfWork

STATE = "state"
PRESENCE = "presence"
NO_SITE = "-"
READ_ATTEMPTS = 5  # of a batch read whose keys DynamoDB left unprocessed (throttling); 0.3 s of back-off in all


class LoggedInBySite(GlobalSecondaryIndex["AgentItem"]):
    class Meta:
        index_name = "loggedInBySite"
        projection = AllProjection()

    logged_in_site = UnicodeAttribute(hash_key=True, attr_name="loggedInSite")
    pk = UnicodeAttribute(range_key=True)


class AgentItem(Model):
    class Meta:
        table_name = "agentdesk-agents"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()  # state | session | pause | presence
    document = UnicodeAttribute()  # JSON: the state, or the session/pause record, or the presence timer
    version = NumberAttribute(null=True)
    logged_in_site = UnicodeAttribute(null=True, attr_name="loggedInSite")
    open = BooleanAttribute(null=True)
    by_site = LoggedInBySite()


def _model() -> type[AgentItem]:
    return bind(AgentItem, "agents_table")


@dataclass(frozen=True)
class StoredState:
    state: domain.AgentState
    exists: bool  # False for an agent never stored (the initial Offline state)


def load_state(agent_id: str) -> StoredState:
    """The agent's current state (strongly consistent), or the initial Offline state."""
    model = _model()
    try:
        item = model.get(agent_id, STATE, consistent_read=True)
    except model.DoesNotExist:
        return StoredState(domain.initial_state(agent_id, now=clock.now()), exists=False)
    return StoredState(domain.AgentState.from_dict(json.loads(item.document)), exists=True)


def load_state_and_config_version(agent_id: str) -> tuple[StoredState, directory.ConfigVersion]:
    """The agent's current state and the configuration version in one round trip: one BatchGetItem over the
    agents and config tables, both strongly consistent (a command's only read on a warm function)."""
    model = _model()
    state_table = model.Meta.table_name
    config_table, version_key = directory.version_key()
    request: dict[str, Any] = {
        state_table: {"Keys": [{"pk": {"S": agent_id}, "sk": {"S": STATE}}], "ConsistentRead": True},
        config_table: {"Keys": [version_key], "ConsistentRead": True},
    }
    found: dict[str, list[dict[str, Any]]] = {state_table: [], config_table: []}
    for attempt in range(READ_ATTEMPTS):
        response = _connection().dispatch("BatchGetItem", {"RequestItems": request})
        for table, items in response.get("Responses", {}).items():
            found[table] += items
        request = response.get("UnprocessedKeys") or {}
        if not request:
            break
        time.sleep(0.02 * 2**attempt)  # keys left unprocessed: DynamoDB is throttling, back off
    else:
        raise RuntimeError(f"DynamoDB left the agent's state unread after {READ_ATTEMPTS} attempts.")
    version = directory.version_of(found[config_table][0] if found[config_table] else None)
    if not found[state_table]:
        return StoredState(domain.initial_state(agent_id, now=clock.now()), exists=False), version
    item = model.from_raw_data(found[state_table][0])
    return StoredState(domain.AgentState.from_dict(json.loads(item.document)), exists=True), version


def load_states(agent_ids: Sequence[str]) -> dict[str, domain.AgentState]:
    """Current states of many agents (one BatchGetItem per 100); agents never stored are absent."""
    model = _model()
    found = {}
    for item in model.batch_get([(agent_id, STATE) for agent_id in agent_ids]):
        found[item.pk] = domain.AgentState.from_dict(json.loads(item.document))
    return found


def logged_in_at_site(site_id: str | None) -> list[str]:
    """Ids of the agents logged in at a site (sparse index: only logged-in agents carry the key)."""
    return [item.pk for item in _model().by_site.query(site_id or NO_SITE)]


def logged_in_states() -> list[domain.AgentState]:
    """The states of every logged-in agent, at any site or none: a scan of the sparse index, which holds
    exactly the logged-in agents (eventually consistent, so a state may be a moment old)."""
    return [domain.AgentState.from_dict(json.loads(item.document)) for item in _model().by_site.scan()]


def _record_item(fact: domain.Fact) -> AgentItem | None:
    model = _model()
    if isinstance(fact, domain.SessionOpened | domain.SessionClosed):
        sk = f"session#{fact.start}#{fact.session_id}"
        return model(
            fact.agent_id,
            sk,
            kind="session",
            document=json.dumps(fact.to_dict()),
            open=isinstance(fact, domain.SessionOpened),
        )
    if isinstance(fact, domain.PauseOpened | domain.PauseClosed):
        sk = f"pause#{fact.start}#{fact.pause_id}"
        return model(
            fact.agent_id,
            sk,
            kind="pause",
            document=json.dumps(fact.to_dict()),
            open=isinstance(fact, domain.PauseOpened),
        )
    return None


def stage_transition(
    work: UnitOfWork,
    previous: StoredState,
    transition: domain.Transition,
    event: DomainEvent[Any],
    site_id: str | None,
    label: str = "state",
) -> None:
    """Add the new state (conditioned on the version read), its event and its records to a unit of work;
    the operations are labelled `label`, `<label>:event` and `<label>:record:<n>` (the state's own label
    alone, so a cancelled unit tells whether the agent's state moved)."""
    model = _model()
    state = transition.state
    item = model(
        state.agent_id,
        STATE,
        kind="state",
        document=json.dumps(state.to_dict()),
        version=state.version,
        logged_in_site=(site_id or NO_SITE) if state.logged_in else None,
    )
    condition = (AgentItem.version == previous.state.version) if previous.exists else AgentItem.pk.does_not_exist()
    work.put(label, item, condition)
    work.event(event, "event" if label == "state" else f"{label}:event")
    for number, record in enumerate(r for r in (_record_item(f) for f in transition.records) if r is not None):
        work.put(f"{label}:record:{number}" if label != "state" else f"record:{number}", record)


def connection() -> PynamoConnection:
    """The connection a unit of work that writes an agent's state is built on."""
    return _connection()


def save_transition(
    previous: StoredState, transition: domain.Transition, event: DomainEvent[Any], site_id: str | None
) -> None:
    """Write the new state, its event and its records atomically; CONFLICT if the state moved meanwhile."""
    work = UnitOfWork(_connection())
    stage_transition(work, previous, transition, event, site_id)
    try:
        work.commit()
    except Cancelled as exc:
        raise AgentDeskError(
            ErrorCode.CONFLICT, "The agent's state changed at the same moment; read it again and retry."
        ) from exc


def save_events(events: Sequence[DomainEvent[Any]]) -> None:
    """Events that change no state (heartbeats) into the outbox, as many per transaction as fit."""
    for start in range(0, len(events), MAX_OPERATIONS):
        work = UnitOfWork(_connection())
        for number, event in enumerate(events[start : start + MAX_OPERATIONS]):
            work.event(event, f"event:{number}")
        work.commit()


def _connection() -> PynamoConnection:
    # The model's own connection (`bind` rebuilds it when the target changes): a new Connection per transaction
    # would build a new botocore session and client, which costs more than the write itself.
    return _model()._get_connection().connection


def history(agent_id: str, kind: str, since_iso: str = "") -> list[dict[str, object]]:
    """Time & attendance records of one kind (`session` or `pause`) starting at or after `since_iso`."""
    items = _model().query(agent_id, AgentItem.sk.between(f"{kind}#{since_iso}", f"{kind}#~"))
    return [json.loads(item.document) for item in items]


def presence_timer(agent_id: str) -> dict[str, str] | None:
    model = _model()
    try:
        return dict(json.loads(model.get(agent_id, PRESENCE, consistent_read=True).document))
    except model.DoesNotExist:
        return None


def set_presence_timer(agent_id: str, timer: dict[str, str]) -> None:
    _model()(agent_id, PRESENCE, kind="presence", document=json.dumps(timer)).save()


def clear_presence_timer(agent_id: str, timer_id: str) -> bool:
    """Remove the agent's grace timer if it is still `timer_id`; True if this call removed it."""
    item = _model()(agent_id, PRESENCE, kind="presence", document="{}")
    try:
        item.delete(condition=AgentItem.document.contains(timer_id))
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
