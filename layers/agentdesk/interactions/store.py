"""Interactions, their messages and the performance counters in the interactions table; the routing read
model in the routing table.

interactions (pk, sk):
- `<interactionId>` / `interaction`: the aggregate as JSON, its version (the optimistic lock) and the index
  keys: `agentKey` + `sortKey` (byAgent: `a#<queuedAt>` offered or active, `b#<endedAt>` in wrap-up,
  `c#<endedAt>` closed; the open list reads a and b, Most Recent Activity b and c, newest first),
  `contactId` + `queuedAt` (byContact), `waitingQueue` + `queuedAt` (waiting: only while queued);
- `<interactionId>` / `m#0000000001`: one message per seq (written only if that seq is new);
- `agent#<agentId>` / `today#<date>`: the performance counters of the agent's site-local day (ADD);
- `agent#<agentId>` / `settings`: the agent's own auto-answer choice.

routing (pk a partition: `queue#<queueId>` or `queue#<queueId>#skill#<skillId>`, sk agent id): one row per
agent and partition (domain/routing.py), with the state version it was written from (an older event never
overwrites a newer row). Indexes: `ranked` (pk + `rank`, sparse: only the agents who may be offered work now,
best first) and `byAgent` (sk + pk: an agent's rows, to remove the ones of queues and skills they left).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection as PynamoConnection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from agentdesk.interactions import domain
from agentdesk.kernel.binding import bind
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.unit_of_work import UnitOfWork

AGGREGATE = "interaction"
SETTINGS = "settings"
MESSAGE_PREFIX = "m#"


class ByAgent(GlobalSecondaryIndex["InteractionItem"]):
    class Meta:
        index_name = "byAgent"
        projection = AllProjection()

    agent_key = UnicodeAttribute(hash_key=True, attr_name="agentKey")
    sort_key = UnicodeAttribute(range_key=True, attr_name="sortKey")


class ByContact(GlobalSecondaryIndex["InteractionItem"]):
    class Meta:
        index_name = "byContact"
        projection = AllProjection()

    contact_id = UnicodeAttribute(hash_key=True, attr_name="contactId")
    queued_at = UnicodeAttribute(range_key=True, attr_name="queuedAt")


class Waiting(GlobalSecondaryIndex["InteractionItem"]):
    class Meta:
        index_name = "waiting"
        projection = AllProjection()

    waiting_queue = UnicodeAttribute(hash_key=True, attr_name="waitingQueue")
    queued_at = UnicodeAttribute(range_key=True, attr_name="queuedAt")


class InteractionItem(Model):
    class Meta:
        table_name = "agentdesk-interactions"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute(null=True)  # interaction | message | counters | settings
    document = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    agent_key = UnicodeAttribute(null=True, attr_name="agentKey")
    sort_key = UnicodeAttribute(null=True, attr_name="sortKey")
    contact_id = UnicodeAttribute(null=True, attr_name="contactId")
    queued_at = UnicodeAttribute(null=True, attr_name="queuedAt")
    waiting_queue = UnicodeAttribute(null=True, attr_name="waitingQueue")
    status = UnicodeAttribute(null=True)
    # performance counters
    interactions = NumberAttribute(null=True)
    successful = NumberAttribute(null=True)
    unsure = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    handle_seconds = NumberAttribute(null=True, attr_name="handleSeconds")
    auto_answer = BooleanAttribute(null=True, attr_name="autoAnswer")
    by_agent = ByAgent()
    by_contact = ByContact()
    waiting = Waiting()


class Ranked(GlobalSecondaryIndex["RoutingItem"]):
    class Meta:
        index_name = "ranked"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    rank = UnicodeAttribute(range_key=True)


class RowsOfAgent(GlobalSecondaryIndex["RoutingItem"]):
    class Meta:
        index_name = "byAgent"
        projection = AllProjection()

    sk = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class RoutingItem(Model):
    class Meta:
        table_name = "agentdesk-routing"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    rank = UnicodeAttribute(null=True)
    proficiency = NumberAttribute(default=0)
    free_slots = NumberAttribute(default=0, attr_name="freeSlots")
    idle_since = UnicodeAttribute(default="", attr_name="idleSince")
    routable = BooleanAttribute(default=False)
    on_voice = BooleanAttribute(default=False, attr_name="onVoice")
    state_version = NumberAttribute(default=0, attr_name="stateVersion")
    ranked = Ranked()
    rows_of_agent = RowsOfAgent()


def _model() -> type[InteractionItem]:
    return bind(InteractionItem, "interactions_table")


def _routing() -> type[RoutingItem]:
    return bind(RoutingItem, "routing_table")


def connection() -> PynamoConnection:
    """The connection a unit of work over the interactions table is built on (kept by the model)."""
    return _model()._get_connection().connection


# --- the aggregate ---------------------------------------------------------------------------------------


def load(interaction_id: str) -> domain.Interaction | None:
    """The interaction (strongly consistent), or None."""
    model = _model()
    try:
        item = model.get(interaction_id, AGGREGATE, consistent_read=True)
    except model.DoesNotExist:
        return None
    return domain.Interaction.from_dict(json.loads(item.document or "{}"))


def load_many(interaction_ids: Iterable[str]) -> list[domain.Interaction]:
    """The interactions found among these ids (one BatchGetItem per 100, eventually consistent), in no
    particular order."""
    keys = [(interaction_id, AGGREGATE) for interaction_id in dict.fromkeys(interaction_ids)]
    return [domain.Interaction.from_dict(json.loads(item.document or "{}")) for item in _model().batch_get(keys)]


def sort_key_of(interaction: domain.Interaction) -> str | None:
    status = interaction.status
    if status in (domain.Status.OFFERED, domain.Status.ACTIVE):
        return f"a#{interaction.times.queued_at}"
    if status is domain.Status.WRAP_UP:
        return f"b#{interaction.times.ended_at}"
    if status in domain.FINISHED:
        return f"c#{interaction.times.ended_at}"
    return None


def item_of(interaction: domain.Interaction) -> InteractionItem:
    queued = interaction.status is domain.Status.QUEUED
    return _model()(
        interaction.interaction_id,
        AGGREGATE,
        kind="interaction",
        document=json.dumps(interaction.to_dict(), separators=(",", ":")),
        version=interaction.version,
        agent_key=None if queued else interaction.agent_id,
        sort_key=None if queued or interaction.agent_id is None else sort_key_of(interaction),
        contact_id=interaction.contact.contact_id,
        queued_at=interaction.times.queued_at,
        waiting_queue=interaction.queue_id if queued else None,
        status=interaction.status.value,
    )


def stage(work: UnitOfWork, interaction: domain.Interaction, previous_version: int | None) -> None:
    """The interaction, labelled `interaction`: written only if it is still at `previous_version` (None: new)."""
    model = _model()
    condition = model.pk.does_not_exist() if previous_version is None else model.version == previous_version
    work.put("interaction", item_of(interaction), condition)


def stage_message(work: UnitOfWork, message: domain.Message) -> None:
    model = _model()
    item = model(
        message.interaction_id,
        f"{MESSAGE_PREFIX}{message.seq:010d}",
        kind="message",
        document=json.dumps(message.to_dict(), separators=(",", ":")),
    )
    work.put("message", item, model.pk.does_not_exist())


def message(interaction_id: str, seq: int) -> domain.Message | None:
    model = _model()
    try:
        item = model.get(interaction_id, f"{MESSAGE_PREFIX}{seq:010d}", consistent_read=True)
    except model.DoesNotExist:
        return None
    return domain.Message.from_dict(json.loads(item.document or "{}"))


def messages(interaction_id: str, limit: int = 1000) -> list[domain.Message]:
    """The conversation in order (its first `limit` messages)."""
    items = _model().query(interaction_id, _model().sk.startswith(MESSAGE_PREFIX), consistent_read=True, limit=limit)
    return [domain.Message.from_dict(json.loads(item.document or "{}")) for item in items]


# --- lists -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list[domain.Interaction]
    next_cursor: str | None


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None, agent_id: str) -> dict[str, Any] | None:
    """The key a cursor stands for; BAD_REQUEST for anything this store did not hand out to this agent."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeError):
        key = None
    names = {"pk", "sk", "agentKey", "sortKey"}
    valid = (
        isinstance(key, dict)
        and set(key) == names
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
        and key["agentKey"]["S"] == agent_id
    )
    if not valid:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "cursor: not a cursor of this list.", "cursor")
    return dict(key)


def by_agent(agent_id: str, scope: str, limit: int, cursor: str | None = None) -> Page:
    """The agent's open interactions (offered, active, in wrap-up; oldest first) or recent ones (in wrap-up,
    then closed, newest first)."""
    model = _model()
    start = decode_cursor(cursor, agent_id)
    if scope == "open":
        condition = InteractionItem.sort_key.between("a#", "b#~")
        forward = True
    else:
        condition = InteractionItem.sort_key.between("b#", "c#~")
        forward = False
    result = model.by_agent.query(
        agent_id, condition, scan_index_forward=forward, limit=limit, last_evaluated_key=start, page_size=limit
    )
    items = [domain.Interaction.from_dict(json.loads(item.document or "{}")) for item in result]
    return Page(items, encode_cursor(result.last_evaluated_key) if len(items) >= limit else None)


def of_contact(contact_id: str, limit: int = 20) -> list[domain.Interaction]:
    """The contact's interactions, newest first (the customer info panel)."""
    items = _model().by_contact.query(contact_id, scan_index_forward=False, limit=limit)
    return [domain.Interaction.from_dict(json.loads(item.document or "{}")) for item in items]


def waiting_interactions(queue_id: str, limit: int = 10) -> list[domain.Interaction]:
    """What waits in the queue, oldest first, as the `waiting` index has it (a moment behind: a claim checks
    the version it read)."""
    items = _model().waiting.query(queue_id, limit=limit, page_size=limit)
    return [domain.Interaction.from_dict(json.loads(item.document or "{}")) for item in items]


def waiting_count(queue_id: str) -> tuple[int, str | None]:
    """How many wait in the queue and the oldest one's queuedAt (the `waiting` index, keys only)."""
    model = _model()
    oldest = None
    for item in model.waiting.query(queue_id, limit=1, page_size=1, attributes_to_get=["queuedAt"]):
        oldest = str(item.queued_at)
    if oldest is None:
        return 0, None
    return model.waiting.count(queue_id), oldest


# --- performance counters and the agent's settings ----------------------------------------------------------


def stage_counters(
    work: UnitOfWork,
    agent_id: str,
    date: str,
    *,
    interactions: int = 0,
    category: str | None = None,
    handle_seconds: float = 0.0,
    sign: int = 1,
    label: str = "counters",
) -> None:
    """ADD to the agent's counters of `date`: an interaction, its category, its handle time (`sign` -1 takes
    them back, when a completed disposition changes the category)."""
    model = _model()
    actions: list[Any] = []
    if interactions:
        actions.append(model.interactions.add(sign * interactions))
    field = {"Success": model.successful, "Unsure": model.unsure, "Fail": model.failed}.get(category or "")
    if field is not None:
        actions.append(field.add(sign))
    if handle_seconds:
        actions.append(model.handle_seconds.add(round(sign * handle_seconds, 3)))
    if actions:
        actions.append(model.kind.set("counters"))
        work.update(label, model(f"agent#{agent_id}", f"today#{date}"), actions)


def stage_recount(work: UnitOfWork, agent_id: str, date: str, was: str, now: str) -> None:
    """A completed disposition changed the category counted on `date`: one less of `was`, one more of `now`."""
    model = _model()
    fields = {"Success": model.successful, "Unsure": model.unsure, "Fail": model.failed}
    actions = [fields[was].add(-1), fields[now].add(1)]
    work.update("counters", model(f"agent#{agent_id}", f"today#{date}"), actions)


def counters(agent_id: str, date: str) -> dict[str, float]:
    model = _model()
    try:
        item = model.get(f"agent#{agent_id}", f"today#{date}", consistent_read=True)
    except model.DoesNotExist:
        return {"interactions": 0, "successful": 0, "unsure": 0, "failed": 0, "handleSeconds": 0.0}
    return {
        "interactions": int(item.interactions or 0),
        "successful": int(item.successful or 0),
        "unsure": int(item.unsure or 0),
        "failed": int(item.failed or 0),
        "handleSeconds": float(item.handle_seconds or 0),
    }


def auto_answer_choice(agent_id: str) -> bool | None:
    """The agent's own auto-answer choice (None: never made)."""
    model = _model()
    try:
        item = model.get(f"agent#{agent_id}", SETTINGS)
    except model.DoesNotExist:
        return None
    return item.auto_answer


def set_auto_answer_choice(agent_id: str, enabled: bool) -> None:
    _model()(f"agent#{agent_id}", SETTINGS, kind="settings", auto_answer=enabled).save()


# --- the routing read model ----------------------------------------------------------------------------------


def _candidate(item: RoutingItem) -> domain.Candidate:
    return domain.Candidate(
        agent_id=item.sk,
        proficiency=int(item.proficiency or 0),
        free_slots=int(item.free_slots or 0),
        idle_since=item.idle_since or "",
        routable=bool(item.routable),
        on_voice=bool(item.on_voice),
    )


def candidates(queue_id: str) -> list[domain.Candidate]:
    """Every agent row of the queue's own partition (eventually consistent: routing rechecks each agent
    when claiming)."""
    return [_candidate(item) for item in _routing().query(domain.partition(queue_id))]


def ranked(partition: str, limit: int) -> list[domain.Candidate]:
    """The first `limit` agents of a partition who may be offered work now, best first (the `ranked` index:
    a moment behind the rows; routing rechecks each agent when claiming)."""
    result = _routing().ranked.query(partition, limit=limit, page_size=limit)
    return [_candidate(item) for item in result]


def routable_count(partition: str) -> int:
    """How many agents of a partition may be offered work now (the `ranked` index)."""
    return _routing().ranked.count(partition)


def _row_item(row: domain.Row, state_version: int) -> RoutingItem:
    candidate = row.candidate
    return _routing()(
        row.partition,
        candidate.agent_id,
        rank=row.rank,
        proficiency=candidate.proficiency,
        free_slots=candidate.free_slots,
        idle_since=candidate.idle_since,
        routable=candidate.routable,
        on_voice=candidate.on_voice,
        state_version=state_version,
    )


def save_rows(rows: Sequence[domain.Row], state_version: int) -> int:
    """Write an agent's rows unless rows from a newer state are there; returns how many were written. One
    transaction per 100 rows; when one is refused (an older event than some row), row by row."""
    model = _routing()
    written = 0
    for start in range(0, len(rows), 100):
        chunk = rows[start : start + 100]
        condition = model.sk.does_not_exist() | (model.state_version <= state_version)
        try:
            with TransactWrite(connection=model._get_connection().connection) as transaction:
                for row in chunk:
                    transaction.save(_row_item(row, state_version), condition=condition)
            written += len(chunk)
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            written += sum(_save_row(row, state_version) for row in chunk)
    return written


def _save_row(row: domain.Row, state_version: int) -> bool:
    model = _routing()
    try:
        _row_item(row, state_version).save(condition=model.sk.does_not_exist() | (model.state_version <= state_version))
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def partitions_of(agent_id: str) -> list[str]:
    """The partitions holding a row of the agent (the `byAgent` index)."""
    return [item.pk for item in _routing().rows_of_agent.query(agent_id)]


def remove_rows(agent_id: str, partitions: Iterable[str]) -> None:
    """The agent no longer belongs in these partitions (left a queue, lost a skill)."""
    model = _routing()
    with model.batch_write() as batch:
        for key in partitions:
            batch.delete(model(key, agent_id))
