"""The config API's HTTP transport: routes, parameters, responses and their OpenAPI descriptions (DESIGN §4).

Every collection (users, teams, sites, skills, queues, pause codes, disposition sets, canned messages, tags,
integrations) has the same five operations — list, create, get, replace (PUT with If-Match), delete — and
settings is a singleton (GET, PUT). A collection is a row of `COLLECTIONS` (its path, models and reader
role); what a kind does beyond storing its document is a row of `service.HOOKS`.

The routes are registered on `router`, which http_app.py includes. Before a route runs the HTTP app has
checked the caller against the least role the route declares (its `x-agentdesk-role`) and put the
principal into the request context.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from agentdesk.config import service
from agentdesk.config.contracts import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PATTERN_MESSAGES,
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
    Tag,
    TagInput,
    TagPage,
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
from agentdesk.config.domain.rules import NOUNS, Kind
from agentdesk.config.service import Expected
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.identity import Principal, Role

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
    # Agents read these four in their workspace (pause menu, disposition form, canned messages, tags).
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
    Collection(Kind.TAG, "/api/tags", "Tags", TagInput, TagInput, Tag, Tag, TagPage, Role.AGENT),
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


# --- versions and ETags ----------------------------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


def expected_versions(if_match: str | None) -> Expected | None:
    """The versions an If-Match header names (None when absent); 400 when it is not a list of ETags."""
    if if_match is None:
        return None
    if if_match.strip() == "*":
        return Expected()
    versions: set[int] = set()
    for tag in if_match.split(","):
        value = tag.strip().removeprefix("W/")
        if re.fullmatch(r'"[0-9]{1,18}"', value) is None:  # ASCII digits only: "²" is a digit to str.isdigit
            raise AgentDeskError(
                ErrorCode.BAD_REQUEST, 'If-Match must be the ETag from a GET, such as "3".', "If-Match"
            )
        versions.add(int(value[1:-1]))
    return Expected(frozenset(versions))


# --- routes ----------------------------------------------------------------------------------------

ItemId = Annotated[str, Path(min_length=1, max_length=128, description="The item's id.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(max_length=1024, description="The `nextCursor` of the previous page; omit for the first.")
]
# One or more ETags ("3", W/"3") separated by commas, or "*"; what `expected_versions` reads.
IF_MATCH_PATTERN = r'^[ \t]{0,8}(\*|(W/)?"[0-9]{1,18}"([ \t]{0,8},[ \t]{0,8}(W/)?"[0-9]{1,18}"){0,7})[ \t]{0,8}$'
PATTERN_MESSAGES[IF_MATCH_PATTERN] = 'must be the ETag from a GET, such as "3".'
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        pattern=IF_MATCH_PATTERN,  # at most 8 ETags: under 256 characters
        description='The ETag from the last GET, such as "3" (a list of ETags or "*" also do).',
    ),
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
    "description": "Whole seconds to wait before trying again (sent with RATE_LIMITED, not by API Gateway).",
    "required": False,
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
        records, next_cursor = service.list_items(col.kind, limit, cursor, _principal())
        return col.page.model_validate({"items": [r.to(col.output) for r in records], "nextCursor": next_cursor})

    def create_item(body: Body) -> Response[Any]:
        created = service.create_item(col.kind, body, _principal())
        record = created.record
        reply = col.created.model_validate({**record.to(col.output).model_dump(), **created.shown_once})
        return _json(201, reply, record.version, f"{col.path}/{record.id}")

    def get_item(id: ItemId) -> Response[Any]:
        record = service.get_item(col.kind, id, _principal())
        return _json(200, record.to(col.output), record.version)

    def replace_item(id: ItemId, body: Body, if_match: IfMatch = None) -> Response[Any]:
        record = service.replace_item(col.kind, id, body, expected_versions(if_match), _principal())
        return _json(200, record.to(col.output), record.version)

    def delete_item(id: ItemId, if_match: IfMatch = None) -> Response[None]:
        service.delete_item(col.kind, id, expected_versions(if_match), _principal())
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
    found = service.get_workspace_settings()
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
    saved = service.replace_workspace_settings(body, expected_versions(if_match), _principal())
    return _json(200, saved, saved.version)
