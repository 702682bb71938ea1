"""The HTTP API application (Powertools resolver): who is calling, error mapping, routes, OpenAPI document.

API Gateway's JWT authorizer has verified the token before the handler runs. In depth, the resolver checks
the claims again (issuer = our user pool, audience = our app client), then the caller's rate limit (per user),
then the least role the matched route declares (its `x-agentdesk-role`), then the body size — in that order,
and before a malformed body is reported — and turns every refusal into `{"error": {"code", "message",
"field"?, "retryAfterSeconds"?, "problems"?}}` with a stable code (and a Retry-After header with RATE_LIMITED,
an Allow header with METHOD_NOT_ALLOWED). The OpenAPI document also states what API Gateway answers itself,
in its own shape (GatewayMessage).
"""

from __future__ import annotations

import json
import re
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi import swagger_ui
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError, ResponseValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

from agentdesk import wiring
from agentdesk.config import directory
from agentdesk.config import sessions as access
from agentdesk.config.api import documented_responses
from agentdesk.config.api import router as config_router
from agentdesk.config.contracts import PATTERN_MESSAGES, PUBLIC, ROLE_EXTENSION, GatewayMessage
from agentdesk.interactions import ingress
from agentdesk.interactions.api import router as chat_router
from agentdesk.kernel.errors import AgentDeskError, ErrorCode, rate_limited
from agentdesk.kernel.identity import Principal, Role, at_least, principal_from_claims
from agentdesk.kernel.observability import logger
from agentdesk.kernel.rate_limit import limiter
from agentdesk.kernel.settings import get_settings
from agentdesk.realtime.identity import me
from agentdesk.reporting.api import router as reports_router

MAX_BODY_BYTES = 64 * 1024
SECURITY_SCHEME = "cognitoJwt"

app = APIGatewayHttpResolver(
    enable_validation=True,
    # A response that does not match its model is our bug: 500, never a 400 blamed on the client.
    response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
)
app.configure_openapi(
    title="Agent Desk API",
    version="1",
    description="The config API of Agent Desk and the signed-in user's identity. Every operation needs a "
    "Cognito IdToken (Authorization: Bearer ...) and names the least role that may call it in "
    "`x-agentdesk-role`: agent < supervisor < admin. Errors carry a stable `code` (ErrorCode).",
    security_schemes={
        SECURITY_SCHEME: HTTPBearer(
            bearerFormat="JWT", description="The IdToken of a user of the Agent Desk Cognito user pool."
        ),
        **ingress.SECURITY_SCHEMES,  # the ingress routes: an integration's key and the request's signature
    },
    security=[{SECURITY_SCHEME: []}],
)


def _json_error(err: AgentDeskError) -> Response[dict[str, Any]]:
    headers = {"Retry-After": str(err.retry_after_seconds)} if err.retry_after_seconds is not None else None
    return Response(
        status_code=err.http_status, content_type="application/json", body={"error": err.to_dict()}, headers=headers
    )


# --- who is calling --------------------------------------------------------------------------------


def current_principal() -> Principal:
    """The caller: who the claims the JWT authorizer verified say (401 unless they come from our pool and
    client), as the directory has them now (401 when deleted or disabled; the role is the profile's)."""
    claims = app.current_event.request_context.authorizer.jwt_claim or {}
    if not claims.get("sub"):
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "Sign in: the request carries no verified identity.")
    settings = get_settings()
    if claims.get("iss") != settings.issuer:
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "The token was not issued by the Agent Desk user pool.")
    if settings.require("user_pool_client_id") not in (claims.get("aud"), claims.get("client_id")):
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "The token was not issued to the Agent Desk app.")
    claimed = principal_from_claims(claims)
    if claimed is None:
        raise AgentDeskError(ErrorCode.FORBIDDEN, "Your account has no Agent Desk role.")
    return directory.current().authorize(claimed)


def _limit(principal: Principal) -> None:
    """429 when this user sends more than their share; counted once per request, however often guarded."""
    if app.context.get("rate_counted"):
        return
    app.append_context(rate_counted=True)
    wait = limiter("config-requests", get_settings().config_request_limit).take(principal.user_id)
    if wait is not None:
        raise rate_limited(wait, "Requests from your account")


def _guard() -> None:
    """Authenticate (401), limit the user's request rate (429), authorize against the route's least role
    (403), then limit the body (413)."""
    route = app.context.get("_route")
    required = ((route.openapi_extensions or {}) if route else {}).get(ROLE_EXTENSION, Role.AGENT.value)
    unmatched = route is None or route.rule.pattern in (".*", "^.*$")  # Powertools' stand-in route: not found
    if unmatched and any(pattern.match(app.current_event.path) for pattern in _UNSIGNED_PATHS):
        required = PUBLIC  # a method a route without sign-in does not have: 405 with Allow, as for the others
    if required == ingress.INTEGRATION:
        if not isinstance(app.context.get("integration"), ingress.Caller):  # once: the signature is taken once
            app.append_context(integration=ingress.authenticate(app.current_event))
    elif required != PUBLIC:
        principal = current_principal()
        _limit(principal)
        if not at_least(principal.role, Role(required)):
            raise AgentDeskError(ErrorCode.FORBIDDEN, f"This needs the {required} role; you are {principal.role}.")
        app.append_context(principal=principal)
    body = app.current_event.body or ""
    size = len(body) * 3 // 4 if app.current_event.is_base64_encoded else len(body.encode())
    if size > MAX_BODY_BYTES:
        raise AgentDeskError(
            ErrorCode.PAYLOAD_TOO_LARGE, f"The body is {size} bytes; the limit is {MAX_BODY_BYTES}.", "body"
        )


def _guard_middleware(resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
    _guard()
    resolver.append_context(request_read=True)
    return next_middleware(resolver)


app.use(middlewares=[_guard_middleware])


# --- refusals --------------------------------------------------------------------------------------


@app.exception_handler(AgentDeskError)
def _agentdesk_error(exc: AgentDeskError) -> Response[dict[str, Any]]:
    return _json_error(exc)


def _bad_request(field: str, message: str, problems: list[dict[str, str]] | None = None) -> Response[dict[str, Any]]:
    """A malformed request, unless the caller may not make it at all (those refusals come first)."""
    try:
        _guard()
    except AgentDeskError as refusal:
        return _json_error(refusal)
    return _json_error(AgentDeskError(ErrorCode.BAD_REQUEST, message, field, problems=problems))


def _problem(error: Any) -> dict[str, str]:
    """One validation error as {field, message}: the field as the document names it, the message for people."""
    location = [str(p) for p in error.get("loc", ())]
    field = (".".join(location[1:]) or location[0]) if location else "body"
    if location[:1] == ["header"]:  # named as the document names it: "If-Match", not "if-match"
        field = "-".join(word.capitalize() for word in field.split("-"))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if error.get("type") == "string_pattern_mismatch":
        message = PATTERN_MESSAGES.get(str((error.get("ctx") or {}).get("pattern")), message)
    return {"field": field, "message": message}


@app.exception_handler(RequestValidationError)
def _validation_error(exc: RequestValidationError) -> Response[dict[str, Any]]:
    """Every problem of the request at once (`problems`); `field` and `message` name the first."""
    errors = list(exc.errors()) or [{"loc": ("body",), "msg": "invalid request", "type": ""}]
    if errors[0].get("type") == "json_invalid":
        return _bad_request("body", "The body is not valid JSON.")
    problems = list({(p["field"], p["message"]): p for p in map(_problem, errors)}.values())
    first = problems[0]
    more = f" ({len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return _bad_request(first["field"], f"{first['field']}: {first['message']}{more}", problems)


@app.exception_handler(ResponseValidationError)
def _response_error(exc: ResponseValidationError) -> Response[dict[str, Any]]:
    logger.error("response does not match its model", errors=exc.errors())
    return _json_error(AgentDeskError(ErrorCode.INTERNAL_ERROR, "Something went wrong; try again."))


# (method, path pattern) of every route the HTTP API serves (http-api and reports-api run this same
# application), for the Allow header of a 405.
_ROUTES = [
    (route.method, re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(route.path)) + "$"))
    for route, _function in wiring.http_routes()
    if route.method != "ANY"
]

# Paths of the routes API Gateway lets through without sign-in (chat sessions, ingress, the documents).
_UNSIGNED_PATHS = [
    re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(route.path)) + "$")
    for route, _function in wiring.http_routes()
    if not route.authorized
]


@app.not_found
def _not_found(_exc: NotFoundError) -> Response[dict[str, Any]]:
    """404 for an unknown path; 405 with Allow for a method the path does not have (its ANY route)."""
    path = app.current_event.path
    allowed = sorted({method for method, pattern in _ROUTES if pattern.match(path)})
    if not allowed or app.current_event.http_method in allowed:  # (an id the router cannot read: no such item)
        return _json_error(AgentDeskError(ErrorCode.NOT_FOUND, "There is no such resource or method."))
    refusal = AgentDeskError(
        ErrorCode.METHOD_NOT_ALLOWED, f"{app.current_event.http_method} is not allowed here; use {', '.join(allowed)}."
    )
    return Response(
        status_code=405,
        content_type="application/json",
        body={"error": refusal.to_dict()},
        headers={"Allow": ", ".join(allowed)},
    )


@app.exception_handler(Exception)
def _unexpected(exc: Exception) -> Response[dict[str, Any]]:
    if not app.context.get("request_read"):
        # Failed while reading the request (undecodable body, unsupported content type, absurd nesting).
        return _bad_request("body", "The request body could not be read; send UTF-8 JSON (application/json).")
    logger.exception("request failed")
    return _json_error(AgentDeskError(ErrorCode.INTERNAL_ERROR, "Something went wrong; try again."))


# --- routes ----------------------------------------------------------------------------------------


@app.get(
    "/api/me",
    summary="The signed-in user",
    operation_id="getMe",
    tags=["Me"],
    responses=documented_responses({200: {"description": "The user's id, username, name, email and role."}}),
    openapi_extensions={ROLE_EXTENSION: Role.AGENT.value},
)
def get_me() -> dict[str, Any]:
    """The signed-in user's identity and role (the role as the directory has it). An account made outside
    Agent Desk (the first admin, created with the AWS CLI) gets its profile here, so admins see and manage
    it like any other user; the admin console asks this first."""
    principal = app.context.get("principal")
    principal = principal if isinstance(principal, Principal) else current_principal()
    access.register(principal)
    return me(principal)


app.include_router(config_router)
app.include_router(chat_router)
app.include_router(ingress.router)
app.include_router(reports_router)


# Answers API Gateway gives itself, in its own shape `{"message": ...}` (an HTTP API cannot reshape them).
GATEWAY_ANSWERS = {
    "401": 'Without a valid token API Gateway\'s JWT authorizer answers `{"message": "Unauthorized"}`.',
    "404": 'For a path no route matches (an id holding "/", say) API Gateway answers `{"message": "Not Found"}`.',
    "429": 'Over the whole API\'s stage limit API Gateway answers `{"message": "Too Many Requests"}`.',
    "500": 'When the function fails API Gateway answers `{"message": "Internal Server Error"}`.',
}


@cache
def openapi_document() -> str:
    """The OpenAPI document of every route, as served (routes do not change after import).

    Powertools documents its own validation error (422 HTTPValidationError) and response validation error
    on every operation; this API answers those cases with its ErrorResponse (400, 500) instead.
    """
    document = json.loads(app.get_openapi_json_schema())
    error_ref = {"$ref": "#/components/schemas/ErrorResponse"}
    either = {"oneOf": [error_ref, {"$ref": "#/components/schemas/GatewayMessage"}]}
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if operation.get(ROLE_EXTENSION) == PUBLIC:  # Powertools drops an empty `security`: say "no sign-in"
                operation.setdefault("security", [])
            for parameter in operation.get("parameters", []):
                # An optional parameter is one left out, never a "null" string: drop Optional's null branch.
                schema = parameter.get("schema", {})
                kinds = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
                if len(kinds) == 1 and len(schema["anyOf"]) == 2:
                    parameter["schema"] = {**kinds[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
                    parameter["schema"].pop("default", None)
                if str(parameter.get("name")).lower() == "if-match" and method == "put":  # 428 without it
                    parameter["required"] = True
            responses = operation.get("responses", {})
            for status, response in list(responses.items()):
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("$ref", "").endswith(("/HTTPValidationError", "/ResponseValidationError")):
                    del responses[status]
                if response.get("content") == {}:
                    del response["content"]
            responses.setdefault(
                "500",
                {
                    "description": "INTERNAL_ERROR: something went wrong on our side.",
                    "content": {"application/json": {"schema": error_ref}},
                },
            )
            # What API Gateway may answer itself, before the function runs (see GatewayMessage); its 401 only
            # where its JWT authorizer stands (a route without sign-in, or signed otherwise, has none).
            behind_authorizer = any(SECURITY_SCHEME in s for s in operation.get("security", [{SECURITY_SCHEME: []}]))
            for status, also in GATEWAY_ANSWERS.items():
                if status in responses and (status != "401" or behind_authorizer):
                    responses[status]["content"] = {"application/json": {"schema": either}}
                    responses[status]["description"] += f" {also}"
            operation["responses"] = dict(sorted(responses.items()))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    schemas["GatewayMessage"] = GatewayMessage.model_json_schema()
    return json.dumps(document, indent=2)


@app.get("/api/openapi.json", include_in_schema=False, openapi_extensions={ROLE_EXTENSION: PUBLIC})
def get_openapi() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_document())


@app.get("/api/docs", include_in_schema=False, compress=True, openapi_extensions={ROLE_EXTENSION: PUBLIC})
def get_docs() -> Response[str]:
    """Swagger UI over the same document (Powertools' page, self-contained: no CDN)."""
    if (app.current_event.query_string_parameters or {}).get("format") == "json":
        return get_openapi()
    assets = Path(swagger_ui.__file__).parent
    html = generate_swagger_html(
        openapi_document().replace("</", "<\\/"),
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        "",
        None,
        False,
    )
    return Response(status_code=200, content_type="text/html", body=html)
