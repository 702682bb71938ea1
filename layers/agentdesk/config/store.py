"""The config table: everything an admin configures, one item per resource (pk = kind, sk = id).

An item keeps the resource's fields as a JSON document, a version for optimistic locking (the HTTP ETag)
and when and by whom it last changed. Every write is one TransactWriteItems holding the item, its
`config.changed` event (the audit record, in the outbox), the claim that keeps its name unique
(pk = "name#<kind>", sk = the name), a check that everything it refers to still exists, and the bump of
the configuration version (pk = "meta", sk = "version"): one counter over the whole table, so a reader
can tell with one key whether anything it cached may have changed (store/directory.py).

Other modules read the configuration through the typed readers at the end of this module
(`pause_code`, `agent_profile`, `teams_supervised_by`, `time_zone_of`, ...).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import random
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal, TypeVar

from pydantic import BaseModel
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from agentdesk.config.contracts import (
    CannedMessage,
    DispositionSet,
    Integration,
    PauseCode,
    Queue,
    Site,
    Skill,
    Tag,
    Team,
    User,
    WorkspaceSettings,
)
from agentdesk.config.domain.rules import (
    LABEL_FIELDS,
    NOUNS,
    REFERRERS,
    SETTINGS_ID,
    UNIQUE_NAMES,
    Entry,
    Kind,
    Reference,
    Usage,
    key_hash,
    key_prefix,
    label_of,
    name_key,
    usages_of,
)
from agentdesk.config.events import ConfigChanged, ConfigChangedData
from agentdesk.kernel import clock
from agentdesk.kernel.binding import bind
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION, Actor, new_event_id
from agentdesk.kernel.ids import new_id
from agentdesk.kernel.outbox import EventRecord, record_of
from agentdesk.kernel.unit_of_work import Cancelled, UnitOfWork

# Deleted users keep their profile here, so reports can still show the names behind old events.
DELETED_USERS = "deletedUser"
# The configuration version's item. One counter for the whole table rather than one per kind: a reader
# checks one key, and a cached directory (pause codes, profiles, teams) spans several kinds anyway. The
# price: two config writes at the same moment conflict on it (TransactionConflict), and `commit` retries.
VERSION_PK, VERSION_SK = "meta", "version"
# How often a write that lost only a transaction conflict (no failed condition) is sent again.
COMMIT_ATTEMPTS = 5

Change = Literal["created", "updated", "deleted"]
M = TypeVar("M", bound=BaseModel)


class ConfigItem(Model):
    class Meta:
        table_name = "agentdesk-config"

    pk = UnicodeAttribute(hash_key=True)  # the kind
    sk = UnicodeAttribute(range_key=True)  # the id
    version = VersionAttribute()
    document = UnicodeAttribute()  # the resource's fields as JSON
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    updated_by = UnicodeAttribute(attr_name="updatedBy")


class NameClaim(Model):
    """Holds a name for one item of a kind; a second item with the same name fails its transaction."""

    class Meta:
        table_name = "agentdesk-config"

    pk = UnicodeAttribute(hash_key=True)  # "name#<kind>"
    sk = UnicodeAttribute(range_key=True)  # name_key(name)
    owner = UnicodeAttribute()  # the id of the item holding the name


class VersionItem(Model):
    """The configuration version: `version` counts the writes, `change_id` names the last one."""

    class Meta:
        table_name = "agentdesk-config"

    pk = UnicodeAttribute(hash_key=True)  # VERSION_PK
    sk = UnicodeAttribute(range_key=True)  # VERSION_SK
    version = NumberAttribute(default=0)
    change_id = UnicodeAttribute(null=True, attr_name="changeId")


def _items() -> type[ConfigItem]:
    return bind(ConfigItem, "config_table")


def _claims() -> type[NameClaim]:
    return bind(NameClaim, "config_table")


def _versions() -> type[VersionItem]:
    return bind(VersionItem, "config_table")


def _connection() -> Connection:
    # The model's own connection: rebuilt by `bind` when the table or region changes, never stale.
    connection: Connection = _items()._get_connection().connection
    return connection


@dataclass(frozen=True)
class Record:
    """One stored resource."""

    kind: Kind
    id: str
    version: int
    document: dict[str, Any]
    created_at: str
    updated_at: str

    @property
    def label(self) -> str:
        return label_of(self.kind, self.document)

    @property
    def entry(self) -> Entry:
        return Entry(self.kind, self.id, self.document)

    def to(self, model: type[M]) -> M:
        """The resource as a contract model; stored-only fields (such as a key hash) are left out."""
        values = {k: v for k, v in self.document.items() if k in model.model_fields}
        meta = {"id": self.id, "version": self.version, "createdAt": self.created_at, "updatedAt": self.updated_at}
        values.update({k: v for k, v in meta.items() if k in model.model_fields})
        return model.model_validate(values)


def _record(item: ConfigItem, kind: Kind | None = None) -> Record:
    return Record(
        kind=kind or Kind(item.pk),
        id=item.sk,
        version=int(item.version or 0),
        document=json.loads(item.document),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


@dataclass(frozen=True)
class ConfigVersion:
    """Which configuration a reader saw. `change_id` is a fresh id per write, never reused: a table that was
    recreated or restored (or a test's fresh account) can never pass for the one a cache was loaded from,
    even when its counter shows the same number."""

    number: int
    change_id: str | None  # None: nothing was ever written through this module (an empty table)


def version_key() -> tuple[str, dict[str, Any]]:
    """The table name and key (wire format) of the version item, for a store that reads it in a batch with
    its own items."""
    return _versions().Meta.table_name, {"pk": {"S": VERSION_PK}, "sk": {"S": VERSION_SK}}


def version_of(raw: dict[str, Any] | None) -> ConfigVersion:
    """The version from the item as DynamoDB returned it (None: not found)."""
    if raw is None:
        return ConfigVersion(0, None)
    item = _versions().from_raw_data(raw)
    return ConfigVersion(int(item.version or 0), item.change_id)


def current_version() -> ConfigVersion:
    """The configuration version now (one strongly consistent GetItem)."""
    model = _versions()
    try:
        item = model.get(VERSION_PK, VERSION_SK, consistent_read=True)
    except model.DoesNotExist:
        return ConfigVersion(0, None)
    return ConfigVersion(int(item.version or 0), item.change_id)


# --- reads -----------------------------------------------------------------------------------------


def get(kind: Kind, item_id: str, *, consistent: bool = True) -> Record | None:
    model = _items()
    try:
        return _record(model.get(kind.value, item_id, consistent_read=consistent))
    except model.DoesNotExist:
        return None


def get_many(keys: Iterable[tuple[Kind, str]]) -> dict[tuple[Kind, str], Record]:
    """The records that exist among the keys (one batch read)."""
    wanted = list(dict.fromkeys((kind.value, item_id) for kind, item_id in keys))
    if not wanted:
        return {}
    found = _items().batch_get(wanted, consistent_read=True)
    return {(r.kind, r.id): r for r in map(_record, found)}


def all_of(kind: Kind) -> list[Record]:
    return [_record(item) for item in _items().query(kind.value, consistent_read=True)]


def page(
    kind: Kind, limit: int, cursor: str | None, only: Collection[str] | None = None
) -> tuple[list[Record], str | None]:
    """One page in id order and the cursor of the next page (None on the last page); with `only`, the
    items with those ids alone."""
    model = _items()
    after = _decode_cursor(kind, cursor) if cursor else None
    condition = model.sk > after if after is not None else None
    if only is None:
        items = list(model.query(kind.value, condition, limit=limit + 1))
    else:
        items = list(islice((i for i in model.query(kind.value, condition) if i.sk in only), limit + 1))
    records = [_record(item) for item in items[:limit]]
    return records, (_encode_cursor(kind, records[-1].id) if len(items) > limit else None)


def _encode_cursor(kind: Kind, last_id: str) -> str:
    raw = json.dumps({"k": kind.value, "after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(kind: Kind, cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if isinstance(data, dict) and data.get("k") == kind.value:
            after = data.get("after")
            if isinstance(after, str) and after:  # DynamoDB refuses an empty key in a condition
                return after
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        pass
    raise AgentDeskError(
        ErrorCode.BAD_REQUEST, "The cursor is not one this list returned; start again without it.", "cursor"
    )


@dataclass(frozen=True)
class Snapshot:
    """Several kinds read together (`snapshot`): each kind's records, and the ids of deleted users."""

    records: Mapping[Kind, list[Record]]
    deleted_user_ids: list[str]

    def of(self, kind: Kind, model: type[M]) -> list[M]:
        return [record.to(model) for record in self.records.get(kind, [])]


def snapshot(kinds: Collection[Kind], *, deleted_users: bool = False) -> Snapshot:
    """Every item of the given kinds (and the deleted users' ids, if asked) in one strongly consistent Scan
    of the table, filtered to those partitions: one round trip where a Query per kind would take one each
    (the table is small; a Scan reads it in pages of 1 MB)."""
    wanted = [kind.value for kind in kinds] + ([DELETED_USERS] if deleted_users else [])
    model = _items()
    records: dict[Kind, list[Record]] = {kind: [] for kind in kinds}
    deleted: list[str] = []
    for item in model.scan(model.pk.is_in(*wanted), consistent_read=True):
        if item.pk == DELETED_USERS:
            deleted.append(item.sk)
        else:
            records[Kind(item.pk)].append(_record(item))
    for found in records.values():
        found.sort(key=lambda record: record.id)  # a Scan keeps no order; a Query's was by id
    return Snapshot(records, sorted(deleted))


def usages(kind: Kind, item_id: str) -> list[Usage]:
    """Every stored item that refers to (kind, item_id)."""
    entries = [record.entry for referrer in REFERRERS[kind] for record in all_of(referrer)]
    return usages_of(kind, item_id, entries)


# --- writes ----------------------------------------------------------------------------------------


@dataclass
class _Transaction:
    """The operations of one TransactWriteItems, labelled so a cancellation can be explained."""

    kind: Kind
    item_id: str
    checks: list[tuple[str, Reference]] = field(default_factory=list)
    deletes: list[tuple[str, Model, Any]] = field(default_factory=list)
    puts: list[tuple[str, Model, Any]] = field(default_factory=list)
    name_field: str = "name"

    def commit(self, change: Change) -> None:
        """Send the transaction with the bump of the configuration version; a cancellation caused only by
        another transaction in flight (every config write updates the version item, so two at once conflict)
        is sent again after a short random pause. A cancelled transaction wrote nothing, and every condition
        is evaluated afresh, so sending it again is safe."""
        for attempt in range(COMMIT_ATTEMPTS):
            try:
                self._unit().commit()
                return
            except Cancelled as exc:
                if exc.only_conflicts and attempt < COMMIT_ATTEMPTS - 1:
                    time.sleep(random.uniform(0.01, 0.05) * 2**attempt)  # noqa: S311 - jitter, not a secret
                    continue
                raise self._explain(exc, change) from exc

    def _unit(self) -> UnitOfWork:
        """The item, its name claim, its reference checks, its event and the bump of the version."""
        work = UnitOfWork(_connection())
        items = _items()
        for label, ref in self.checks:
            work.check(label, items, ref.kind.value, ref.id, condition=items.pk.exists())
        for label, model, condition in self.deletes:
            work.delete(label, model, condition)
        for label, model, condition in self.puts:
            work.put(label, model, condition)
        versions = _versions()
        work.update(
            "version",
            versions(VERSION_PK, VERSION_SK),
            [versions.version.add(1), versions.change_id.set(new_id("cfg_"))],
        )
        return work

    def _explain(self, exc: Cancelled, change: Change) -> Exception:
        noun = NOUNS[self.kind]
        for label, code in exc.reasons.items():
            if code == "TransactionConflict":
                if label == "version":
                    return AgentDeskError(
                        ErrorCode.CONFLICT, "Other configuration changes are being saved at this moment; retry."
                    )
                return AgentDeskError(ErrorCode.CONFLICT, f"The {noun} is being changed by someone else; retry.")
            if code != "ConditionalCheckFailed":
                continue
            if label.startswith("reference:"):
                ref = dict(self.checks)[label]
                return AgentDeskError(
                    ErrorCode.INVALID_REFERENCE,
                    f'{ref.field}: the {NOUNS[ref.kind]} "{ref.id}" was deleted meanwhile.',
                    ref.field,
                )
            if label == "name":
                return AgentDeskError(
                    ErrorCode.CONFLICT, f"Another {noun} already has this {self.name_field}.", self.name_field
                )
            if label == "item" and change == "created":
                return AgentDeskError(ErrorCode.CONFLICT, f'A {noun} with id "{self.item_id}" already exists.')
            return AgentDeskError(
                ErrorCode.CONFLICT, f"The {noun} was changed by someone else since you read it; reload it."
            )
        return exc.cause


def _event(
    kind: Kind, item_id: str, change: Change, version: int, actor: Actor, extra: Mapping[str, Any] | None = None
) -> EventRecord:
    unknown = set(extra or {}) - {"endSessions"}
    if unknown:
        raise ValueError(f"config.changed carries no {', '.join(sorted(unknown))}")
    event = ConfigChanged(
        eventId=new_event_id(),
        type="config.changed",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt=clock.iso(),
        agentId=item_id if kind is Kind.USER else None,
        actor=actor,
        data=ConfigChangedData(
            kind=kind, id=item_id, change=change, version=version, endSessions=(extra or {}).get("endSessions")
        ),
    )
    return record_of(event)


def _claim_key(kind: Kind, document: dict[str, Any]) -> str | None:
    if kind not in UNIQUE_NAMES:
        return None
    return name_key(label_of(kind, document)) or None


def _name_field(kind: Kind) -> str:
    return LABEL_FIELDS[kind] or "name"


def create(
    kind: Kind, item_id: str, document: dict[str, Any], actor: Actor, references: Sequence[Reference] = ()
) -> Record:
    """Store a new item with its `created` event; CONFLICT when the id or the name is taken."""
    now = clock.iso()
    items, claims = _items(), _claims()
    item = items(kind.value, item_id, document=_json(document), created_at=now, updated_at=now, updated_by=actor.userId)
    tx = _Transaction(kind, item_id, name_field=_name_field(kind))
    _add_reference_checks(tx, references)
    tx.puts.append(("item", item, None))  # the version attribute makes this "only if new"
    claim = _claim_key(kind, document)
    if claim:
        tx.puts.append(("name", claims(f"name#{kind.value}", claim, owner=item_id), claims.pk.does_not_exist()))
    tx.puts.append(("event", _event(kind, item_id, "created", 1, actor), EventRecord.event_id.does_not_exist()))
    tx.commit("created")
    return Record(kind, item_id, 1, document, now, now)


def replace(
    previous: Record,
    document: dict[str, Any],
    actor: Actor,
    references: Sequence[Reference] = (),
    *,
    event_data: Mapping[str, Any] | None = None,
) -> Record:
    """Replace an item's fields if it is still at `previous.version`; CONFLICT otherwise. `event_data` adds
    fields to the `config.changed` event written with it."""
    kind, item_id = previous.kind, previous.id
    now = clock.iso()
    items, claims = _items(), _claims()
    item = items(
        kind.value,
        item_id,
        version=previous.version,
        document=_json(document),
        created_at=previous.created_at,
        updated_at=now,
        updated_by=actor.userId,
    )
    version = previous.version + 1
    tx = _Transaction(kind, item_id, name_field=_name_field(kind))
    _add_reference_checks(tx, references)
    old_claim, new_claim = _claim_key(kind, previous.document), _claim_key(kind, document)
    if old_claim != new_claim:
        if old_claim:
            old = claims(f"name#{kind.value}", old_claim)
            tx.deletes.append(("old-name", old, claims.owner == item_id))
        if new_claim:
            new = claims(f"name#{kind.value}", new_claim, owner=item_id)
            tx.puts.append(("name", new, claims.pk.does_not_exist()))
    tx.puts.append(("item", item, None))  # the version attribute adds "only if still at previous.version"
    event = _event(kind, item_id, "updated", version, actor, event_data)
    tx.puts.append(("event", event, EventRecord.event_id.does_not_exist()))
    tx.commit("updated")
    return Record(kind, item_id, version, document, previous.created_at, now)


def delete(
    previous: Record, actor: Actor, *, archive: bool = False, event_data: Mapping[str, Any] | None = None
) -> int:
    """Delete an item if it is still at `previous.version`; returns the version the deletion is recorded as.

    `archive` (users only) keeps the profile under DELETED_USERS for reports.
    """
    kind, item_id = previous.kind, previous.id
    items, claims = _items(), _claims()
    item = items(kind.value, item_id, version=previous.version)
    version = previous.version + 1
    tx = _Transaction(kind, item_id, name_field=_name_field(kind))
    claim = _claim_key(kind, previous.document)
    if claim:
        tx.deletes.append(("old-name", claims(f"name#{kind.value}", claim), claims.owner == item_id))
    tx.deletes.append(("item", item, None))
    if archive and kind is Kind.USER:
        now = clock.iso()
        document = {**previous.document, "deletedAt": now, "deletedBy": actor.userId}
        archived = items(
            DELETED_USERS,
            item_id,
            document=_json(document),
            created_at=previous.created_at,
            updated_at=now,
            updated_by=actor.userId,
        )
        tx.puts.append(("archive", archived, None))
    event = _event(kind, item_id, "deleted", version, actor, event_data)
    tx.puts.append(("event", event, EventRecord.event_id.does_not_exist()))
    tx.commit("deleted")
    return version


def _add_reference_checks(tx: _Transaction, references: Sequence[Reference]) -> None:
    seen: set[tuple[Kind, str]] = set()
    for ref in references:
        if (ref.kind, ref.id) not in seen:
            seen.add((ref.kind, ref.id))
            tx.checks.append((f"reference:{ref.field}", ref))


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


# --- typed readers for the rest of the product ------------------------------------------------------


def _one(kind: Kind, item_id: str, model: type[M]) -> M | None:
    record = get(kind, item_id, consistent=False)
    return record.to(model) if record else None


def _every(kind: Kind, model: type[M]) -> list[M]:
    return [record.to(model) for record in all_of(kind)]


def pause_code(code_id: str) -> PauseCode | None:
    """A pause code by id (enabled or not; check `.enabled` before offering it)."""
    return _one(Kind.PAUSE_CODE, code_id, PauseCode)


def pause_codes() -> list[PauseCode]:
    return _every(Kind.PAUSE_CODE, PauseCode)


def agent_profile(user_id: str, *, include_deleted: bool = False) -> User | None:
    """The profile of a user (agent, supervisor or admin) by Cognito `sub`; deleted users only if asked."""
    found = _one(Kind.USER, user_id, User)
    if found is None and include_deleted:
        model = _items()
        try:
            return _record(model.get(DELETED_USERS, user_id), Kind.USER).to(User)
        except model.DoesNotExist:
            return None
    return found


def agent_profiles() -> list[User]:
    return _every(Kind.USER, User)


def deleted_user_ids() -> list[str]:
    """The ids of every deleted user (their archived profiles' keys; strongly consistent)."""
    model = _items()
    return [item.sk for item in model.query(DELETED_USERS, consistent_read=True, attributes_to_get=["sk"])]


def team(team_id: str) -> Team | None:
    return _one(Kind.TEAM, team_id, Team)


def teams() -> list[Team]:
    return _every(Kind.TEAM, Team)


def teams_supervised_by(user_id: str) -> list[Team]:
    """The teams that list the user among their supervisors."""
    return [t for t in teams() if user_id in t.supervisorIds]


def team_members(team_id: str) -> list[User]:
    return [u for u in agent_profiles() if u.teamId == team_id]


def supervised_agent_ids(user_id: str) -> set[str]:
    """Ids of the users in the teams the user supervises (not the user themself)."""
    team_ids = {t.id for t in teams_supervised_by(user_id)}
    return {u.id for u in agent_profiles() if u.teamId in team_ids and u.id != user_id}


def supervisors_of_agent(agent_id: str) -> list[str]:
    """User ids of the supervisors of the agent's team (empty when the agent has no team)."""
    profile = agent_profile(agent_id)
    found = team(profile.teamId) if profile and profile.teamId else None
    return list(found.supervisorIds) if found else []


def site(site_id: str) -> Site | None:
    return _one(Kind.SITE, site_id, Site)


def sites() -> list[Site]:
    return _every(Kind.SITE, Site)


def time_zone_of(user_id: str) -> str:
    """The IANA zone of the user's site, or the settings' default zone (for the midnight logoff)."""
    profile = agent_profile(user_id)
    found = site(profile.siteId) if profile and profile.siteId else None
    return found.timeZone if found else workspace_settings().defaultTimeZone


def skills() -> list[Skill]:
    return _every(Kind.SKILL, Skill)


def queue(queue_id: str) -> Queue | None:
    return _one(Kind.QUEUE, queue_id, Queue)


def queues() -> list[Queue]:
    return _every(Kind.QUEUE, Queue)


def disposition_set(set_id: str) -> DispositionSet | None:
    return _one(Kind.DISPOSITION_SET, set_id, DispositionSet)


def canned_messages() -> list[CannedMessage]:
    return _every(Kind.CANNED_MESSAGE, CannedMessage)


def tags() -> list[Tag]:
    return _every(Kind.TAG, Tag)


def workspace_settings(*, consistent: bool = False) -> WorkspaceSettings:
    """The product-wide settings; their defaults (version 0) until an admin first saves them."""
    record = get(Kind.SETTINGS, SETTINGS_ID, consistent=consistent)
    return record.to(WorkspaceSettings) if record else WorkspaceSettings(version=0)


def integration_for_key(key: str) -> Integration | None:
    """The enabled integration an API key belongs to, or None (compares hashes in constant time)."""
    wanted = key_hash(key)
    for record in all_of(Kind.INTEGRATION):
        if record.document.get("keyPrefix") == key_prefix(key) and hmac.compare_digest(
            str(record.document.get("keyHash", "")), wanted
        ):
            found = record.to(Integration)
            return found if found.enabled else None
    return None
