"""WebSocket connections: one item per open connection, looked up by user, expired by TTL."""

from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from agentdesk.kernel import clock
from agentdesk.kernel.binding import bind
from agentdesk.kernel.identity import Principal


class ByUserIndex(GlobalSecondaryIndex["Connection"]):
    class Meta:
        index_name = "byUser"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True, attr_name="userId")
    connection_id = UnicodeAttribute(range_key=True, attr_name="connectionId")


class ByRoleIndex(GlobalSecondaryIndex["Connection"]):
    class Meta:
        index_name = "byRole"
        projection = AllProjection()

    role = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True, attr_name="connectionId")


class Connection(Model):
    class Meta:
        table_name = "agentdesk-connections"

    connection_id = UnicodeAttribute(hash_key=True, attr_name="connectionId")
    user_id = UnicodeAttribute(attr_name="userId")
    username = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    connected_at = UnicodeAttribute(attr_name="connectedAt")
    connected_epoch = NumberAttribute(attr_name="connectedEpoch")
    expires_at = TTLAttribute(attr_name="expiresAt")
    by_user = ByUserIndex()
    by_role = ByRoleIndex()


def _model() -> type[Connection]:
    return bind(Connection, "connections_table")


def save_connection(connection_id: str, principal: Principal, ttl_seconds: int) -> Connection:
    moment = clock.now()
    item = _model()(
        connection_id,
        user_id=principal.user_id,
        username=principal.username,
        name=principal.name,
        role=principal.role.value,
        connected_at=clock.iso(moment),
        connected_epoch=clock.epoch_seconds(moment),
        expires_at=moment + timedelta(seconds=ttl_seconds),
    )
    item.save()
    return item


def delete_connection(connection_id: str) -> Connection | None:
    """Delete and return the connection (None if it was already gone)."""
    model = _model()
    try:
        item = model.get(connection_id, consistent_read=True)
    except model.DoesNotExist:
        return None
    item.delete()
    return item


def get_connection(connection_id: str) -> Connection | None:
    model = _model()
    try:
        return model.get(connection_id)
    except model.DoesNotExist:
        return None


def all_connections() -> list[Connection]:
    """Every open connection (for broadcasts, which are rare: configuration changes)."""
    return list(_model().scan())


def connections_with_role(role: str) -> list[Connection]:
    """Open connections of everyone with a role (admins see every agent on their wallboard)."""
    return list(_model().by_role.query(role))


def connections_of(user_id: str) -> list[Connection]:
    return list(_model().by_user.query(user_id))
