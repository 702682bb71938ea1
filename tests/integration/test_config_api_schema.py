"""Schemathesis against the OpenAPI document the API serves: every default check and every default phase
(examples — the document has none yet —, coverage, fuzzing, stateful), as an admin. Requests go in-process
through a small WSGI adapter that does what API Gateway does in front of the handler — route (no route: its
own 404), run the JWT authorizer (no or another bearer token: its own 401) — and turns them into HTTP API v2
events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from agentdesk import wiring
from tests.integration.conftest import AwsStack, _route_key, build_http_event, call_http

# The bearer token the adapter's "JWT authorizer" accepts; it stands for the signed-in admin's IdToken.
ADMIN_TOKEN = "schemathesis-admin-id-token"

# Sized for CI on 2 cores: about 2,900 calls (coverage ~1,850, fuzzing ~960, stateful ~100), about 70 s of CPU.
FUZZ_EXAMPLES = 20
STATEFUL_EXAMPLES = 10
STATEFUL_STEPS = 8

# Rules JSON Schema cannot state, so a schema-valid request may break them: (code, field) of each refusal.
BEYOND_SCHEMA = {
    ("BAD_REQUEST", "cursor"),  # an opaque token from nextCursor; a made-up one is refused
    ("BAD_REQUEST", "timeZone"),  # a name in the IANA database
    ("BAD_REQUEST", "defaultTimeZone"),
    ("BAD_REQUEST", "outcomes"),  # an outcome in one category only
    ("BAD_REQUEST", "body"),  # cross-field rules (nothing listed twice...) and a canned message's variables
    ("BAD_REQUEST", "password"),  # Cognito's own checks beyond the documented policy
    ("BAD_REQUEST", ""),  # Cognito refusing an attribute it checks itself (an email it finds malformed)
}


def rejected_only_by_rules_beyond_the_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request may be refused only by a rule JSON Schema cannot state (BEYOND_SCHEMA) or for
    naming an item that does not exist (422 INVALID_REFERENCE); the default positive_data_acceptance check
    is told to let 400 and 422 through, and this check holds those to that."""
    if case.meta is None or any(c.mode is not GenerationMode.POSITIVE for c in case.meta.components.values()):
        return None  # some part of the request breaks the schema on purpose
    if response.status_code not in (400, 422):
        return None
    error = (response.json() or {}).get("error", {})
    refusal = (error.get("code"), error.get("field") or "")
    allowed = refusal in BEYOND_SCHEMA or refusal[0] == "INVALID_REFERENCE"
    assert allowed, f"a schema-valid request was refused: {error}"
    return True


AUTHORIZED = {f"{route.method} {route.path}": route.authorized for route, _ in wiring.http_routes()}


def _gateway_reply(status: int, message: str, start_response: Callable[..., Any], **headers: str) -> list[bytes]:
    """What API Gateway answers itself (routing, authorizer): `{"message": ...}`, not the API's error body."""
    start_response(f"{status} {HTTPStatus(status).phrase}", [("content-type", "application/json"), *headers.items()])
    return [json.dumps({"message": message}).encode()]


def gateway_as_wsgi(claims: Callable[[], dict[str, str] | None]) -> Callable[..., Iterable[bytes]]:
    """A WSGI app that does what API Gateway does: route, authorize, request -> event -> handler -> response."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        body: str | bytes | None
        try:
            body = raw.decode() if raw else None
        except UnicodeDecodeError:
            body = raw
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        route_key, _ = _route_key(method, path)
        if route_key not in AUTHORIZED:
            return _gateway_reply(404, "Not Found", start_response)
        signed_in = None
        if AUTHORIZED[route_key]:
            if headers.get("authorization") != f"Bearer {ADMIN_TOKEN}":
                return _gateway_reply(401, "Unauthorized", start_response, **{"www-authenticate": "Bearer"})
            signed_in = claims()
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        event = build_http_event(method, path, signed_in, body, headers, query or None)
        result = call_http(event)
        text = result.raw.get("body") or ""
        payload = text if isinstance(text, bytes) else text.encode()
        status = f"{result.status} {HTTPStatus(result.status).phrase}"
        start_response(status, [(k, str(v)) for k, v in (result.raw.get("headers") or {}).items()])
        return [payload]

    return app


# The admin whose claims the authorizer passes on: set per test, when the mocked account (and its pool) exists.
SIGNED_IN: dict[str, dict[str, str] | None] = {"claims": None}

# Loaded from the handler itself: the document under test is the one the API serves (a public route).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", gateway_as_wsgi(lambda: SIGNED_IN["claims"]))
# Not fuzzed here: an ingress request is signed (HMAC over the timestamp and the exact body bytes) with the key of
# an integration, and each signature is taken once, so a generated request is refused 401 before its body is read.
# tests/integration/test_ingress_api.py covers those routes (signing, bad input, refusals, nothing changed).
schema = schema.exclude(path_regex=r"^/api/ingress/")
acceptance = schema.config.checks.positive_data_acceptance
acceptance.expected_statuses = [*acceptance.expected_statuses, "400", "422"]
# A PUT without If-Match is 428 Precondition Required (RFC 6585), the status made for exactly that.
missing_header = schema.config.checks.missing_required_header
missing_header.expected_statuses = [*missing_header.expected_statuses, "428"]


@schema.auth()
class AdminToken:
    """Every generated request carries the admin's bearer token (the ignored-auth check also tries none)."""

    def get(self, case: Any, context: Any) -> str:
        return ADMIN_TOKEN

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(autouse=True)
def signed_in_admin(aws_module: AwsStack) -> Iterator[None]:
    # One account for every operation: what one operation creates, the next may read, update or delete.
    SIGNED_IN["claims"] = aws_module.claims("schemathesis-admin", "admins", username="fuzzer")
    yield
    SIGNED_IN["claims"] = None


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_api_honours_its_openapi_document(case: Any) -> None:
    case.call_and_validate(additional_checks=[rejected_only_by_rules_beyond_the_schema])


# The stateful phase: chains of calls along the links schemathesis infers (create -> get/replace/delete).
class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
        checks = [*(additional_checks or []), rejected_only_by_rules_beyond_the_schema]
        super().validate_response(response, case, additional_checks=checks, **kwargs)


Workflow.TestCase.settings = settings(
    max_examples=STATEFUL_EXAMPLES,
    stateful_step_count=STATEFUL_STEPS,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TestWorkflow = Workflow.TestCase
