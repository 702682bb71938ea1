"""The config use cases: list, get, create, replace and delete an item of any kind, and the settings.

Every kind takes the same path (references checked, one transaction: item + event); what a kind does
beyond it is a row of `HOOKS`: users get a Cognito account, integrations a key shown once, system pause
codes are read-only. Nothing can be deleted while something else refers to it, and a replace must name
the version it edits (If-Match, parsed by the HTTP layer into an `Expected`). No HTTP here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentdesk.config import accounts, store
from agentdesk.config.contracts import (
    Body,
    Integration,
    UserCreate,
    UserUpdate,
    WorkspaceSettings,
    WorkspaceSettingsInput,
)
from agentdesk.config.domain import access
from agentdesk.config.domain.rules import (
    INTEGRATION_KEY_PREFIX,
    NOUNS,
    SETTINGS_ID,
    SYSTEM_PAUSE_CODE_USES,
    Kind,
    Reference,
    in_use_message,
    key_hash,
    key_prefix,
    reference_problem,
    references_of,
    role_change_blockers,
    users_readable_by_supervisor,
)
from agentdesk.config.store import Record
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import Actor
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.ids import new_id

# --- versions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """The versions a writer says it edited (If-Match); `versions=None` is any version ("*")."""

    versions: frozenset[int] | None = None

    def admits(self, version: int) -> bool:
        return self.versions is None or version in self.versions


def _check_version(expected: Expected | None, version: int, noun: str, *, required: bool) -> None:
    if expected is None:
        if required:
            raise AgentDeskError(
                ErrorCode.PRECONDITION_REQUIRED,
                f"Send If-Match with the ETag of the {noun} you edited, so changes by others are not lost.",
                "If-Match",
            )
        return
    if not expected.admits(version):
        raise AgentDeskError(
            ErrorCode.CONFLICT,
            f"The {noun} changed since you read it (it is now at version {version}); reload it.",
            "If-Match",
        )


# --- shared rules ----------------------------------------------------------------------------------


def _actor(principal: Principal) -> Actor:
    return Actor(userId=principal.user_id, role=principal.role.value)


def _not_found(kind: Kind, item_id: str) -> AgentDeskError:
    return AgentDeskError(ErrorCode.NOT_FOUND, f'There is no {NOUNS[kind]} with id "{item_id}".')


def _existing(kind: Kind, item_id: str) -> Record:
    record = store.get(kind, item_id)
    if record is None:
        raise _not_found(kind, item_id)
    return record


def _checked_references(kind: Kind, document: dict[str, Any]) -> list[Reference]:
    """The document's references, after checking each names an item that exists and fits (else 422)."""
    references = references_of(kind, document)
    found = store.get_many((ref.kind, ref.id) for ref in references)
    for ref in references:
        target = found.get((ref.kind, ref.id))
        problem = reference_problem(ref, target.entry if target else None)
        if problem:
            raise AgentDeskError(ErrorCode.INVALID_REFERENCE, problem, ref.field)
    return references


def _refuse_if_used(record: Record) -> None:
    found = store.usages(record.kind, record.id)
    if found:
        raise AgentDeskError(ErrorCode.IN_USE, in_use_message(record.kind, record.label, found))


def new_integration_key() -> str:
    """A fresh integration API key: "adk_" + 8 characters that identify it in lists + a 256-bit secret."""
    return INTEGRATION_KEY_PREFIX + new_id()[-8:] + "_" + secrets.token_urlsafe(32)


# --- the common path -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    """A new item, and what its creator is shown once besides it (an integration's key)."""

    record: Record
    shown_once: dict[str, str] = field(default_factory=dict)


def _create_document(kind: Kind, body: Body, principal: Principal) -> Created:
    document = body.model_dump(mode="json")
    on_create = _hooks(kind).on_create
    shown_once = on_create(document) if on_create else {}
    references = _checked_references(kind, document)
    return Created(store.create(kind, new_id(), document, _actor(principal), references), shown_once)


def _replace_document(current: Record, body: Body, principal: Principal) -> Record:
    document = body.model_dump(mode="json")
    on_replace = _hooks(current.kind).on_replace
    if on_replace:
        on_replace(current, document)
    references = _checked_references(current.kind, document)
    return store.replace(current, document, _actor(principal), references)


def _delete_document(current: Record, principal: Principal) -> None:
    store.delete(current, _actor(principal))


# --- what kinds add --------------------------------------------------------------------------------


def _new_pause_code(document: dict[str, Any]) -> dict[str, str]:
    document["system"] = False
    return {}


def _replace_pause_code(current: Record, document: dict[str, Any]) -> None:
    if current.document.get("system"):
        raise AgentDeskError(ErrorCode.CONFLICT, f'"{current.label}" is a system pause code; it cannot be changed.')
    document["system"] = False


def _keep_system_pause_code(current: Record) -> None:
    if current.document.get("system"):
        raise AgentDeskError(
            ErrorCode.IN_USE,
            f'"{current.label}" is a system pause code used by {SYSTEM_PAUSE_CODE_USES.get(current.id, "the product")}'
            "; it cannot be deleted.",
        )


def _new_integration(document: dict[str, Any]) -> dict[str, str]:
    key = new_integration_key()
    document |= {"keyHash": key_hash(key), "keyPrefix": key_prefix(key)}
    return {"key": key}


def _replace_integration(current: Record, document: dict[str, Any]) -> None:
    # The key stays; only its hash and prefix were ever stored.
    document |= {k: current.document[k] for k in ("keyHash", "keyPrefix")}


def _create_user(kind: Kind, body: Body, principal: Principal) -> Created:
    """Cognito account first (its `sub` is the user id), then the profile; undo the account on failure."""
    assert isinstance(body, UserCreate)  # the HTTP layer validated it with the kind's model
    profile = body.model_dump(mode="json", exclude={"password", "permanentPassword", "sendInvitation"})
    references = _checked_references(Kind.USER, profile)
    user_id = accounts.create_user(
        username=body.username,
        email=body.email,
        name=body.name,
        role=body.role,
        password=body.password,
        permanent_password=body.permanentPassword,
        send_invitation=body.sendInvitation,
    )
    try:
        if not body.enabled:
            accounts.disable_user(body.username)
        return Created(store.create(Kind.USER, user_id, profile, _actor(principal), references))
    except Exception:
        accounts.delete_user(body.username)
        raise


def _replace_user(current: Record, body: Body, principal: Principal) -> Record:
    assert isinstance(body, UserUpdate)  # the HTTP layer validated it with the kind's model
    username = str(current.document["username"])
    old_role, new_role = Role(current.document["role"]), body.role
    if new_role is not old_role:
        if current.id == principal.user_id:
            raise AgentDeskError(ErrorCode.CONFLICT, "You cannot change your own role; ask another admin.", "role")
        blockers = role_change_blockers(current.id, new_role, [t.entry for t in store.all_of(Kind.TEAM)])
        if blockers:
            raise AgentDeskError(ErrorCode.IN_USE, in_use_message(Kind.USER, username, blockers), "role")
    was_enabled = bool(current.document.get("enabled", True))
    if was_enabled and not body.enabled and current.id == principal.user_id:
        raise AgentDeskError(ErrorCode.CONFLICT, "You cannot disable yourself; ask another admin.", "enabled")
    document = body.model_dump(mode="json") | {"username": username}
    references = _checked_references(Kind.USER, document)
    ending = access.session_end(current.document, document)
    old_email, old_name = str(current.document["email"]), str(current.document["name"])
    attributes_changed = (body.email, body.name) != (old_email, old_name)
    if attributes_changed:
        accounts.update_user(username, email=body.email, name=body.name)
    accounts.change_role(username, old_role, new_role)
    if was_enabled != body.enabled:
        (accounts.enable_user if body.enabled else accounts.disable_user)(username)
    try:
        return store.replace(current, document, _actor(principal), references, event_data=_ends(ending))
    except Exception:
        if was_enabled != body.enabled:
            (accounts.enable_user if was_enabled else accounts.disable_user)(username)
        accounts.change_role(username, new_role, old_role)
        if attributes_changed:
            accounts.update_user(username, email=old_email, name=old_name)
        raise


def _ends(ending: access.SessionEnd | None) -> dict[str, str] | None:
    """What the `config.changed` event says of the user's open sessions (the end-sessions function acts)."""
    return {"endSessions": ending.value} if ending else None


def _delete_user(current: Record, principal: Principal) -> None:
    """Disable the Cognito account and archive the profile (reports still resolve the user's name)."""
    if current.id == principal.user_id:
        raise AgentDeskError(ErrorCode.CONFLICT, "You cannot delete yourself; ask another admin.")
    username = str(current.document["username"])
    accounts.disable_user(username)
    try:
        store.delete(current, _actor(principal), archive=True, event_data=_ends(access.SessionEnd.DELETED))
    except Exception:
        accounts.enable_user(username)
        raise


def _supervised_users(principal: Principal) -> set[str] | None:
    """Supervisors read the users of the teams they supervise (and themselves); admins read every user."""
    if principal.role is Role.ADMIN:
        return None
    teams = [t.entry for t in store.all_of(Kind.TEAM)]
    users = [u.entry for u in store.all_of(Kind.USER)]
    return users_readable_by_supervisor(principal.user_id, teams, users)


@dataclass(frozen=True)
class Hooks:
    """What one kind does beyond the common path. A step left None takes the common path."""

    # Whole use cases, for kinds with a second system of record (users: Cognito).
    create: Callable[[Kind, Body, Principal], Created] | None = None
    replace: Callable[[Record, Body, Principal], Record] | None = None
    delete: Callable[[Record, Principal], None] | None = None
    # Steps of the common path: fill server-made fields (and return what is shown once), check a
    # replace and carry server-made fields over, refuse a delete before the in-use check.
    on_create: Callable[[dict[str, Any]], dict[str, str]] | None = None
    on_replace: Callable[[Record, dict[str, Any]], None] | None = None
    on_delete: Callable[[Record], None] | None = None
    # The ids a principal may read; None for all.
    readable: Callable[[Principal], set[str] | None] | None = None


HOOKS: dict[Kind, Hooks] = {
    Kind.USER: Hooks(create=_create_user, replace=_replace_user, delete=_delete_user, readable=_supervised_users),
    Kind.PAUSE_CODE: Hooks(
        on_create=_new_pause_code, on_replace=_replace_pause_code, on_delete=_keep_system_pause_code
    ),
    Kind.INTEGRATION: Hooks(on_create=_new_integration, on_replace=_replace_integration),
}
_COMMON = Hooks()


def _hooks(kind: Kind) -> Hooks:
    return HOOKS.get(kind, _COMMON)


# --- use cases -------------------------------------------------------------------------------------


def _readable(kind: Kind, principal: Principal) -> set[str] | None:
    readable = _hooks(kind).readable
    return readable(principal) if readable else None


def list_items(kind: Kind, limit: int, cursor: str | None, principal: Principal) -> tuple[list[Record], str | None]:
    """One page of the items the principal may read, in id order, and the cursor of the next page."""
    return store.page(kind, limit, cursor, _readable(kind, principal))


def get_item(kind: Kind, item_id: str, principal: Principal) -> Record:
    record = _existing(kind, item_id)
    readable = _readable(kind, principal)
    if readable is not None and record.id not in readable:
        raise _not_found(kind, item_id)
    return record


def create_item(kind: Kind, body: Body, principal: Principal) -> Created:
    create = _hooks(kind).create or _create_document
    return create(kind, body, principal)


def replace_item(kind: Kind, item_id: str, body: Body, expected: Expected | None, principal: Principal) -> Record:
    current = _existing(kind, item_id)
    _check_version(expected, current.version, NOUNS[kind], required=True)
    replace = _hooks(kind).replace or _replace_document
    return replace(current, body, principal)


def delete_item(kind: Kind, item_id: str, expected: Expected | None, principal: Principal) -> None:
    current = _existing(kind, item_id)
    _check_version(expected, current.version, NOUNS[kind], required=False)
    hooks = _hooks(kind)
    if hooks.on_delete:
        hooks.on_delete(current)
    _refuse_if_used(current)
    (hooks.delete or _delete_document)(current, principal)


def get_workspace_settings() -> WorkspaceSettings:
    return store.workspace_settings()


def replace_workspace_settings(
    body: WorkspaceSettingsInput, expected: Expected | None, principal: Principal
) -> WorkspaceSettings:
    current = store.get(Kind.SETTINGS, SETTINGS_ID)
    _check_version(expected, current.version if current else 0, "settings", required=True)
    document = body.model_dump(mode="json")
    references = _checked_references(Kind.SETTINGS, document)
    actor = _actor(principal)
    if current is None:
        record = store.create(Kind.SETTINGS, SETTINGS_ID, document, actor, references)
    else:
        record = store.replace(current, document, actor, references)
    return record.to(WorkspaceSettings)


def integration_for_key(key: str) -> Integration | None:
    """The enabled integration an API key belongs to (found by the key's hash; the key is never stored), or
    None for an unknown, disabled or deleted one: what the ingress API authenticates outside systems with."""
    if not key.startswith(INTEGRATION_KEY_PREFIX):
        return None
    return store.integration_for_key(key)
