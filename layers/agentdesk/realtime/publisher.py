"""The publisher: every new event in the outbox goes to the Kinesis stream and becomes WebSocket pushes.

Idempotent on `eventId` (Powertools idempotency, DynamoDB-backed): a redelivered record is acknowledged
without writing to Kinesis or pushing again. A connection that is gone is deleted.

Who supervises an event's agent comes from the directory (store/directory.py), read once per batch of
stream records: one GetItem of the configuration version, and a reload only when it moved. The staff's
connections (supervisors', admins') are looked up once per batch too: most events of a batch reach the same
staff. The connections of the people an event names (its agent, its customer) are read for each event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from agentdesk.agents import presence
from agentdesk.config import directory
from agentdesk.events import Event, parse_event
from agentdesk.kernel import aws, push, stream
from agentdesk.kernel.observability import logger
from agentdesk.kernel.settings import get_settings
from agentdesk.realtime import connections
from agentdesk.realtime import service as realtime
from agentdesk.realtime.domain.audience import CUSTOMER_ROLE, Push, may_hear, pushes_for

# Long enough to cover every redelivery of a stream record (24 h retention on DynamoDB streams).
IDEMPOTENCY_SECONDS = 26 * 3600


Config = Callable[[], directory.Directory]


class StaffConnections:
    """The connections of supervisors and of everyone with a role, each looked up once for the batch; the
    ones found gone are dropped from what is kept."""

    def __init__(self) -> None:
        self._of: dict[str, list[connections.Connection]] = {}
        self._with_role: dict[str, list[connections.Connection]] = {}

    def of(self, user_id: str) -> list[connections.Connection]:
        if user_id not in self._of:
            self._of[user_id] = connections.connections_of(user_id)
        return self._of[user_id]

    def with_role(self, role: str) -> list[connections.Connection]:
        if role not in self._with_role:
            self._with_role[role] = connections.connections_with_role(role)
        return self._with_role[role]

    def forget(self, connection_id: str) -> None:
        for kept in (*self._of.values(), *self._with_role.values()):
            kept[:] = [c for c in kept if c.connection_id != connection_id]


def deliver(event: Event, config: Config = directory.current, staff: StaffConnections | None = None) -> dict[str, Any]:
    """Push one event to the connections that should hear of it, then forward it to Kinesis; `config` gives
    the directory, asked only when the event's push goes to supervisors. Pushes go first, the agent's own
    tabs before anyone else's: people wait for them, the stream's readers do not (a failure after them
    redelivers the event, and clients drop a push they already have by its state version)."""
    staff = staff or StaffConnections()
    outcomes: dict[str, str] = {}  # connection id -> "pushed" | "gone" | "opening"
    for planned in pushes_for(event):
        reached: set[str] = set()  # each push once per connection
        for group in _audience(event, planned, config, staff):
            for connection in group():
                if not may_hear(planned, connection.role):
                    continue  # a customer's connection hears of their own conversation only
                if connection.connection_id in reached or outcomes.get(connection.connection_id) == "gone":
                    continue
                reached.add(connection.connection_id)
                if push.send(connection.connection_id, planned.message):
                    outcomes[connection.connection_id] = "pushed"
                elif _forget(connection):
                    outcomes[connection.connection_id] = "gone"
                    staff.forget(connection.connection_id)
                else:
                    outcomes[connection.connection_id] = "opening"
    sequence = stream.put_event(event)
    counts = Counter(outcomes.values())
    return {"eventId": event.eventId, "sequence": sequence, "pushed": counts["pushed"], "gone": counts["gone"]}


def _audience(
    event: Event, planned: Push, config: Config, staff: StaffConnections
) -> list[Callable[[], list[connections.Connection]]]:
    """Who hears of the event, as lookups in the order they are pushed to: the event's agent, the other
    users named, the supervisors of the agents the push names (the directory is read only when it gets that
    far), the roles."""
    if planned.broadcast:
        return [connections.all_connections]
    agent = event.agentId if event.agentId in planned.user_ids else None
    others = sorted(planned.user_ids - {agent})
    groups: list[Callable[[], list[connections.Connection]]] = []
    if agent is not None:
        groups.append(lambda: connections.connections_of(agent))
    groups += [lambda user=user: connections.connections_of(user) for user in others]
    if planned.supervisors_of:
        groups.append(lambda: [c for user in _supervisors(config(), planned) for c in staff.of(user)])
    groups += [lambda role=role: staff.with_role(role) for role in sorted(planned.roles)]
    return groups


def _supervisors(config: directory.Directory, planned: Push) -> list[str]:
    """The users who supervise any of the agents the push names."""
    return sorted({user for agent in planned.supervisors_of for user in config.supervisors_of(agent)})


def _forget(connection: connections.Connection) -> bool:
    """A connection answered 410 Gone: delete its record and, as its $disconnect may never come (API Gateway
    delivers it on a best-effort basis), start the agent's grace check now. A connection still opening (its
    $connect has not finished, so API Gateway does not know it yet) is kept."""
    if realtime.still_opening(connection):
        return False
    if connections.delete_connection(connection.connection_id) is not None and connection.role != CUSTOMER_ROLE:
        presence.disconnected(connection.user_id)
    return True


@cache
def _config() -> IdempotencyConfig:
    return IdempotencyConfig(event_key_jmespath="eventId", expires_after_seconds=IDEMPOTENCY_SECONDS)


def register_context(context: Any) -> None:
    """Lets the idempotency records expire with the invocation if it times out midway."""
    _config().register_lambda_context(context)


def _idempotent_deliver() -> Any:
    return _deliver_once_for(get_settings().require("idempotency_table"), aws.endpoint())


@cache
def _deliver_once_for(table: str, _endpoint: str | None) -> Any:
    """Built once per table and endpoint: a warm function keeps it; a changed endpoint gets a new one."""
    store = DynamoDBPersistenceLayer(table_name=table, boto3_client=aws.client("dynamodb"))
    config = _config()

    @idempotent_function(data_keyword_argument="document", persistence_store=store, config=config)
    def deliver_once(document: dict[str, Any], directory_of: Config, staff: StaffConnections) -> dict[str, Any]:
        return deliver(parse_event(document), directory_of, staff)

    return deliver_once


def publish(event: Event, config: Config = directory.current, staff: StaffConnections | None = None) -> dict[str, Any]:
    result: dict[str, Any] = _idempotent_deliver()(
        document=event.model_dump(mode="json"), directory_of=config, staff=staff or StaffConnections()
    )
    logger.debug("published", extra=result)
    return result


def batch_publisher() -> Callable[[Event], dict[str, Any]]:
    """Publishes the events of one batch of stream records with one directory: the configuration version is
    read when the first event needs it, and not again for the rest of the batch. Every event of a batch was
    written before the batch was read, so that directory is at least as new as each event. The staff's
    connections are looked up once for the batch as well (a batch takes well under a second)."""
    config = cache(directory.current)
    staff = StaffConnections()
    return lambda event: publish(event, config, staff)
