"""The config API: the use cases and routes behind everything an admin configures (DESIGN §4).

Every collection (users, teams, sites, skills, queues, pause codes, disposition sets, canned messages,
integrations) has the same five operations — list, create, get, replace (PUT with If-Match), delete — and
settings is a singleton (GET, PUT). What differs per kind lives in the use cases: users get a Cognito
account, integrations a key shown once, system pause codes are read-only, and nothing can be deleted while
something else refers to it.

The routes are registered on `router`, which services/http_app.py includes. Before a route runs the HTTP
app has checked the caller against the least role the route declares (its `x-agentdesk-role`) and put the
principal into the request context.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from agentdesk.config import accounts, store
from agentdesk.config.contracts import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ROLE_EXTENSION,
    Body,
    CannedMessage,
    CannedMessageInput,
    CannedMessagePage,
    DispositionSet,
    DispositionSetInput,
    DispositionSetPage,
    Document,
    ErrorResponse,
    Integration,
    IntegrationCreated,
    IntegrationInput,
    IntegrationPage,
    PauseCode,
    PauseCodeInput,
    PauseCodePage,
    Queue,
    QueueInput,
    QueuePage,
    Site,
    SiteInput,
    SitePage,
    Skill,
    SkillInput,
    SkillPage,
    Stored,
    Team,
    TeamInput,
    TeamPage,
    User,
    UserCreate,
    UserPage,
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

router = Router()

WRITER = Role.ADMIN  # only admins change configuration


@dataclass(frozen=True)
class Collection:
    """One collection of the config API and the models of its operations."""

    kind: Kind
    path: str
    tag: str
    create_body: type[Body]
    update_body: type[Body]
    output: type[Stored]
    created: type[Stored]  # the 201 body (integrations add their key)
    page: type[Document]
    reader: Role  # the least role that may read it

    @property
    def noun(self) -> str:
        return NOUNS[self.kind]

    @property
    def item_path(self) -> str:
        return f"{self.path}/{{id}}"


COLLECTIONS: tuple[Collection, ...] = (
    Collection(Kind.USER, "/api/users", "Users", UserCreate, UserUpdate, User, User, UserPage, Role.SUPERVISOR),
    Collection(Kind.TEAM, "/api/teams", "Teams", TeamInput, TeamInput, Team, Team, TeamPage, Role.SUPERVISOR),
    Collection(Kind.SITE, "/api/sites", "Sites", SiteInput, SiteInput, Site, Site, SitePage, Role.SUPERVISOR),
    Collection(Kind.SKILL, "/api/skills", "Skills", SkillInput, SkillInput, Skill, Skill, SkillPage, Role.SUPERVISOR),
    Collection(Kind.QUEUE, "/api/queues", "Queues", QueueInput, QueueInput, Queue, Queue, QueuePage, Role.SUPERVISOR),
    # Agents read these three in their workspace (pause menu, disposition form, canned messages).
    Collection(
        Kind.PAUSE_CODE,
        "/api/pause-codes",
        "Pause codes",
        PauseCodeInput,
        PauseCodeInput,
        PauseCode,
        PauseCode,
        PauseCodePage,
        Role.AGENT,
    ),
    Collection(
        Kind.DISPOSITION_SET,
        "/api/disposition-sets",
        "Disposition sets",
        DispositionSetInput,
        DispositionSetInput,
        DispositionSet,
        DispositionSet,
        DispositionSetPage,
        Role.AGENT,
    ),
    Collection(
        Kind.CANNED_MESSAGE,
        "/api/canned-messages",
        "Canned messages",
        CannedMessageInput,
        CannedMessageInput,
        CannedMessage,
        CannedMessage,
        CannedMessagePage,
        Role.AGENT,
    ),
    Collection(
        Kind.INTEGRATION,
        "/api/integrations",
        "Integrations",
        IntegrationInput,
        IntegrationInput,
        Integration,
        IntegrationCreated,
        IntegrationPage,
        Role.ADMIN,  # what other systems may call the API with is no business of a supervisor
    ),
)
SETTINGS_PATH = "/api/settings"
SETTINGS_READER = Role.SUPERVISOR


def route_table() -> list[tuple[str, str, Role]]:
    """(method, API Gateway path, least role) of every config route, for the wiring and the tests."""
    table: list[tuple[str, str, Role]] = []
    for col in COLLECTIONS:
        table += [("GET", col.path, col.reader), ("POST", col.path, WRITER)]
        table += [("GET", col.item_path, col.reader), ("PUT", col.item_path, WRITER)]
        table += [("DELETE", col.item_path, WRITER)]
    table += [("GET", SETTINGS_PATH, SETTINGS_READER), ("PUT", SETTINGS_PATH, WRITER)]
    return table


# --- the caller ------------------------------------------------------------------------------------


def _principal() -> Principal:
    principal = router.context.get("principal")
    if not isinstance(principal, Principal):  # the HTTP app's guard always sets it; never trust its absence
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "The request carries no verified identity.")
    return principal


def _actor(principal: Principal) -> Actor:
    return Actor(userId=principal.user_id, role=principal.role.value)


# --- versions and ETags ----------------------------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


def _matches(if_match: str, version: int) -> bool:
    """Whether an If-Match header names the version; 400 when it is not a list of ETags."""
    if if_match.strip() == "*":
        return True
    for tag in if_match.split(","):
        value = tag.strip().removeprefix("W/")
        if re.fullmatch(r'"[0-9]{1,18}"', value) is None:  # ASCII digits only: "²" is a digit to str.isdigit
            raise AgentDeskError(
                ErrorCode.BAD_REQUEST, 'If-Match must be the ETag from a GET, such as "3".', "If-Match"
            )
        if int(value[1:-1]) == version:
            return True
    return False


def _check_if_match(if_match: str | None, record_version: int, noun: str, *, required: bool) -> None:
    if if_match is None:
        if required:
            raise AgentDeskError(
                ErrorCode.PRECONDITION_REQUIRED,
                f"Send If-Match with the ETag of the {noun} you edited, so changes by others are not lost.",
                "If-Match",
            )
        return
    if not _matches(if_match, record_version):
        raise AgentDeskError(
            ErrorCode.CONFLICT,
            f"The {noun} changed since you read it (it is now at version {record_version}); reload it.",
            "If-Match",
        )


# --- shared rules ----------------------------------------------------------------------------------


def _existing(kind: Kind, item_id: str) -> Record:
    record = store.get(kind, item_id)
    if record is None:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f'There is no {NOUNS[kind]} with id "{item_id}".')
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


# --- use cases -------------------------------------------------------------------------------------


def _readable(col: Collection, principal: Principal) -> set[str] | None:
    """The ids of this collection the principal may read; None for all. Supervisors read the users of
    the teams they supervise (and themselves); admins read everything."""
    if col.kind is not Kind.USER or principal.role is Role.ADMIN:
        return None
    teams = [t.entry for t in store.all_of(Kind.TEAM)]
    users = [u.entry for u in store.all_of(Kind.USER)]
    return users_readable_by_supervisor(principal.user_id, teams, users)


def list_resources(col: Collection, limit: int, cursor: str | None, principal: Principal) -> BaseModel:
    records, next_cursor = store.page(col.kind, limit, cursor, _readable(col, principal))
    return col.page.model_validate({"items": [r.to(col.output) for r in records], "nextCursor": next_cursor})


def get_resource(col: Collection, item_id: str, principal: Principal) -> tuple[Record, BaseModel]:
    record = _existing(col.kind, item_id)
    readable = _readable(col, principal)
    if readable is not None and record.id not in readable:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f'There is no {NOUNS[col.kind]} with id "{item_id}".')
    return record, record.to(col.output)


def create_resource(col: Collection, body: Body, principal: Principal) -> tuple[Record, BaseModel]:
    """Create an item; returns the record and the 201 body."""
    if isinstance(body, UserCreate):
        record = _create_user(body, principal)
        return record, record.to(User)
    document = body.model_dump(mode="json")
    key = None
    if col.kind is Kind.INTEGRATION:
        key = new_integration_key()
        document |= {"keyHash": key_hash(key), "keyPrefix": key_prefix(key)}
    if col.kind is Kind.PAUSE_CODE:
        document["system"] = False
    references = _checked_references(col.kind, document)
    record = store.create(col.kind, new_id(), document, _actor(principal), references)
    if key is not None:
        return record, IntegrationCreated.model_validate({**record.to(Integration).model_dump(), "key": key})
    return record, record.to(col.created)


def replace_resource(
    col: Collection, item_id: str, body: Body, if_match: str | None, principal: Principal
) -> tuple[Record, BaseModel]:
    current = _existing(col.kind, item_id)
    _check_if_match(if_match, current.version, col.noun, required=True)
    if isinstance(body, UserUpdate):
        record = _replace_user(current, body, principal)
        return record, record.to(User)
    document = body.model_dump(mode="json")
    if col.kind is Kind.PAUSE_CODE:
        if current.document.get("system"):
            raise AgentDeskError(ErrorCode.CONFLICT, f'"{current.label}" is a system pause code; it cannot be changed.')
        document["system"] = False
    if col.kind is Kind.INTEGRATION:  # the key stays; only its hash and prefix were ever stored
        document |= {k: current.document[k] for k in ("keyHash", "keyPrefix")}
    references = _checked_references(col.kind, document)
    record = store.replace(current, document, _actor(principal), references)
    return record, record.to(col.output)


def delete_resource(col: Collection, item_id: str, if_match: str | None, principal: Principal) -> None:
    current = _existing(col.kind, item_id)
    _check_if_match(if_match, current.version, col.noun, required=False)
    if col.kind is Kind.PAUSE_CODE and current.document.get("system"):
        raise AgentDeskError(
            ErrorCode.IN_USE,
            f'"{current.label}" is a system pause code used by {SYSTEM_PAUSE_CODE_USES.get(current.id, "the product")}'
            "; it cannot be deleted.",
        )
    _refuse_if_used(current)
    if col.kind is Kind.USER:
        _delete_user(current, principal)
    else:
        store.delete(current, _actor(principal))


def _create_user(body: UserCreate, principal: Principal) -> Record:
    """Cognito account first (its `sub` is the user id), then the profile; undo the account on failure."""
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
        return store.create(Kind.USER, user_id, profile, _actor(principal), references)
    except Exception:
        accounts.delete_user(body.username)
        raise


def _replace_user(current: Record, body: UserUpdate, principal: Principal) -> Record:
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


def get_workspace_settings() -> WorkspaceSettings:
    return store.workspace_settings()


def replace_workspace_settings(
    body: WorkspaceSettingsInput, if_match: str | None, principal: Principal
) -> WorkspaceSettings:
    current = store.get(Kind.SETTINGS, SETTINGS_ID)
    _check_if_match(if_match, current.version if current else 0, "settings", required=True)
    document = body.model_dump(mode="json")
    references = _checked_references(Kind.SETTINGS, document)
    actor = _actor(principal)
    if current is None:
        record = store.create(Kind.SETTINGS, SETTINGS_ID, document, actor, references)
    else:
        record = store.replace(current, document, actor, references)
    return record.to(WorkspaceSettings)


# --- routes ----------------------------------------------------------------------------------------

ItemId = Annotated[str, Path(min_length=1, max_length=128, description="The item's id.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(max_length=1024, description="The `nextCursor` of the previous page; omit for the first.")
]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", max_length=256, description='The ETag from the last GET, such as "3".'),
]

_ERROR_DESCRIPTIONS = {
    400: "BAD_REQUEST: malformed JSON, a wrong type, an unknown field or a value out of range.",
    401: "UNAUTHORIZED: no valid token of this user pool and app client.",
    403: "FORBIDDEN: the caller's role may not do this.",
    404: "NOT_FOUND: no item with this id.",
    409: "CONFLICT (stale If-Match, name or username taken) or IN_USE (something still refers to the item).",
    413: "PAYLOAD_TOO_LARGE: the body is over 64 KB.",
    422: "INVALID_REFERENCE: a field names an item that does not exist or cannot be used there.",
    428: "PRECONDITION_REQUIRED: If-Match is missing.",
    429: "RATE_LIMITED: too many requests from this user; wait Retry-After seconds (also retryAfterSeconds).",
}
# OpenAPI header objects ("required" is valid OpenAPI; Powertools' TypedDict just does not list it).
ETAG_HEADER: Any = {
    "description": "The version of the item; send it back as If-Match.",
    "required": True,
    "schema": {"type": "string"},
}
LOCATION_HEADER: Any = {
    "description": "The URL of the new item.",
    "required": True,
    "schema": {"type": "string"},
}
RETRY_AFTER_HEADER: Any = {
    "description": "Whole seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def documented_responses(success: dict[int, OpenAPIResponse], *errors: int) -> dict[int, OpenAPIResponse]:
    """The OpenAPI responses of an operation: its success, and 401, 403, 429 and `errors` as ErrorResponse."""
    documented: dict[int, OpenAPIResponse] = dict(success)
    for code in (401, 403, 429, *errors):
        documented[code] = {
            "description": _ERROR_DESCRIPTIONS[code],
            "content": {"application/json": {"model": ErrorResponse}},
        }
    documented[429]["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
    return documented


def _with(fn: Callable[..., Any], **annotations: Any) -> Callable[..., Any]:
    """Give a generated route function its collection's models, which Powertools reads for validation
    and for the OpenAPI document."""
    fn.__annotations__ = {**fn.__annotations__, **annotations}
    return fn


def _response_of(model: type[BaseModel]) -> Any:
    """`Response[model]` for a model chosen at run time."""
    return Response[model]  # type: ignore[valid-type]


def _json(status: int, body: BaseModel, version: int | None, location: str | None = None) -> Response[Any]:
    headers = {"ETag": etag(version)} if version is not None else {}
    if location:
        headers["Location"] = location
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


def _register(col: Collection) -> None:
    name = col.kind.value[:1].upper() + col.kind.value[1:]  # pauseCode -> PauseCode
    plural = f"{col.noun}s"
    rule = f"{col.path}/<id>"
    read = {ROLE_EXTENSION: col.reader.value}
    write = {ROLE_EXTENSION: WRITER.value}
    tags = [col.tag]

    def list_items(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Any:
        return list_resources(col, limit, cursor, _principal())

    def create_item(body: Body) -> Response[Any]:
        record, created = create_resource(col, body, _principal())
        return _json(201, created, record.version, f"{col.path}/{record.id}")

    def get_item(id: ItemId) -> Response[Any]:
        record, found = get_resource(col, id, _principal())
        return _json(200, found, record.version)

    def replace_item(id: ItemId, body: Body, if_match: IfMatch = None) -> Response[Any]:
        record, replaced = replace_resource(col, id, body, if_match, _principal())
        return _json(200, replaced, record.version)

    def delete_item(id: ItemId, if_match: IfMatch = None) -> Response[None]:
        delete_resource(col, id, if_match, _principal())
        return Response(status_code=204, content_type=None, body=None)

    router.get(
        col.path,
        summary=f"List {plural}",
        description=f"One page of {plural}, in id order. Readable by: {col.reader.value} and above.",
        operation_id=f"list{name}s",
        tags=tags,
        responses=documented_responses({200: {"description": f"A page of {plural}."}}, 400),
        openapi_extensions=read,
    )(_with(list_items, **{"return": col.page}))
    router.post(
        col.path,
        status_code=201,
        summary=f"Create a {col.noun}",
        operation_id=f"create{name}",
        tags=tags,
        responses=documented_responses(
            {201: {"description": "Created.", "headers": {"Location": LOCATION_HEADER, "ETag": ETAG_HEADER}}},
            400,
            409,
            413,
            422,
        ),
        openapi_extensions=write,
    )(_with(create_item, body=col.create_body, **{"return": _response_of(col.created)}))
    router.get(
        rule,
        summary=f"Get a {col.noun}",
        operation_id=f"get{name}",
        tags=tags,
        responses=documented_responses(
            {200: {"description": f"The {col.noun}.", "headers": {"ETag": ETAG_HEADER}}}, 400, 404
        ),
        openapi_extensions=read,
    )(_with(get_item, **{"return": _response_of(col.output)}))
    router.put(
        rule,
        summary=f"Replace a {col.noun}",
        description="Send every field (omitted optional fields take their defaults) and If-Match.",
        operation_id=f"replace{name}",
        tags=tags,
        responses=documented_responses(
            {200: {"description": "Replaced.", "headers": {"ETag": ETAG_HEADER}}}, 400, 404, 409, 413, 422, 428
        ),
        openapi_extensions=write,
    )(_with(replace_item, body=col.update_body, **{"return": _response_of(col.output)}))
    router.delete(
        rule,
        status_code=204,
        summary=f"Delete a {col.noun}",
        description="If-Match is optional here; when sent, a stale ETag is refused. Refused while in use.",
        operation_id=f"delete{name}",
        tags=tags,
        responses=documented_responses({204: {"description": "Deleted.", "content": {}}}, 400, 404, 409),
        openapi_extensions=write,
    )(delete_item)


for _collection in COLLECTIONS:
    _register(_collection)


@router.get(
    SETTINGS_PATH,
    summary="Get the settings",
    operation_id="getSettings",
    tags=["Settings"],
    responses=documented_responses({200: {"description": "The settings.", "headers": {"ETag": ETAG_HEADER}}}),
    openapi_extensions={ROLE_EXTENSION: SETTINGS_READER.value},
)
def get_settings_route() -> Response[WorkspaceSettings]:
    found = get_workspace_settings()
    return _json(200, found, found.version)


@router.put(
    SETTINGS_PATH,
    summary="Replace the settings",
    description='If-Match is required; before the first save the ETag is "0".',
    operation_id="replaceSettings",
    tags=["Settings"],
    responses=documented_responses(
        {200: {"description": "Replaced.", "headers": {"ETag": ETAG_HEADER}}}, 400, 409, 413, 422, 428
    ),
    openapi_extensions={ROLE_EXTENSION: WRITER.value},
)
def replace_settings_route(body: WorkspaceSettingsInput, if_match: IfMatch = None) -> Response[WorkspaceSettings]:
    saved = replace_workspace_settings(body, if_match, _principal())
    return _json(200, saved, saved.version)
