"""What other contexts may ask of the realtime context: which of a user's connections can still be open,
ending all of a user's connections with a last message, and delivering a planned push. They never read the
connections table themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agentdesk.events import Event
from agentdesk.kernel import clock, push
from agentdesk.realtime import connections
from agentdesk.realtime.connections import Connection
from agentdesk.realtime.domain.audience import Push, may_hear, pushes_for

# $connect records a connection before API Gateway has finished opening it (the route may take up to its
# 29 s timeout), and until then the management API does not know it: a record this young counts as open.
OPENING_SECONDS = 30


def still_opening(connection: Connection) -> bool:
    """Recorded by $connect so recently that API Gateway may not know the connection yet."""
    return clock.now().timestamp() - float(connection.connected_epoch) < OPENING_SECONDS


def live_connections(user_id: str) -> list[Connection]:
    """The user's connections that can still be open. Not counted: a record past its `expiresAt` (API Gateway
    closes every connection within the connection TTL; DynamoDB deletes expired items only eventually), and a
    record whose socket API Gateway reports gone (its $disconnect never ran or failed)."""
    now = clock.now()
    live = []
    for connection in connections.connections_of(user_id):
        if connection.expires_at is not None and connection.expires_at <= now:
            continue
        if not still_opening(connection) and not push.is_open(connection.connection_id):
            continue
        live.append(connection)
    return live


def close_all(user_id: str, last_message: dict[str, Any]) -> int:
    """Send `last_message` to each of the user's connections, close them (DeleteConnection) and delete their
    records; returns how many there were. Safe to repeat."""
    closed = 0
    for connection in connections.connections_of(user_id):
        if push.send(connection.connection_id, last_message):
            push.close(connection.connection_id)
        connections.delete_connection(connection.connection_id)
        closed += 1
    return closed


def send_to(user_ids: Iterable[str], message: dict[str, Any]) -> int:
    """Send `message` to every recorded connection of these users, now (a conversation's messages do not
    wait for the event stream); returns how many took it. A connection that is gone is left for the
    publisher and $disconnect to clean up."""
    sent = 0
    for user_id in dict.fromkeys(user_ids):
        for connection in connections.connections_of(user_id):
            if push.send(connection.connection_id, message):
                sent += 1
    return sent


def listeners(planned: Push) -> list[Connection]:
    """The recorded connections a planned push would reach: its users' and its roles', each once, never a
    customer's unless the push says so."""
    found: dict[str, Connection] = {}
    groups = [connections.connections_of(user_id) for user_id in sorted(planned.user_ids)]
    groups += [connections.connections_with_role(role) for role in sorted(planned.roles)]
    for group in groups:
        for connection in group:
            if may_hear(planned, connection.role):
                found.setdefault(connection.connection_id, connection)
    return list(found.values())


def deliver(planned: Push, to: list[Connection] | None = None) -> int:
    """Send a planned push to its listeners (or to `to`, listed before); returns how many took it. A
    connection that is gone is left for the publisher and $disconnect to clean up."""
    return sum(1 for c in (listeners(planned) if to is None else to) if push.send(c.connection_id, planned.message))


def announce(events: Iterable[Event]) -> int:
    """Push what these just-committed events become to the people they name, now, instead of when the
    stream brings them (an offer should not wait for it). The publisher pushes them again from the stream,
    the durable path, and clients drop what they have (an offer by its id, an interaction by its version);
    supervisors and roles hear of them from the publisher only. Returns how many connections took one."""
    planned = [p for event in events for p in pushes_for(event)]
    return sum(deliver(Push(p.message, p.user_ids, customers=p.customers)) for p in planned)
