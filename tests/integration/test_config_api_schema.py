"""Schemathesis against the OpenAPI document the API serves: generated requests to every operation, sent
in-process to the real handler (a small WSGI adapter turns them into HTTP API v2 events with an admin's
claims); no response may be a 5xx and every response must match the document (status, content type,
headers, body schema).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.conftest import AwsStack, build_http_event, call_http

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def gateway_as_wsgi(claims: Callable[[], dict[str, str] | None]) -> Callable[..., Iterable[bytes]]:
    """A WSGI app that does what API Gateway does: request -> HTTP API v2 event -> handler -> response."""

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
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        event = build_http_event(environ["REQUEST_METHOD"], path, claims(), body, headers, query or None)
        result = call_http(event)
        text = result.raw.get("body") or ""
        payload = text if isinstance(text, bytes) else text.encode()
        status = f"{result.status} {HTTPStatus(result.status).phrase}"
        start_response(status, [(k, str(v)) for k, v in (result.raw.get("headers") or {}).items()])
        return [payload]

    return app


# The admin whose claims the adapter sends: set per test, when the mocked account (and its pool) exists.
SIGNED_IN: dict[str, dict[str, str] | None] = {"claims": None}

# Loaded from the handler itself: the document under test is the one the API serves (a public route).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", gateway_as_wsgi(lambda: SIGNED_IN["claims"]))


@pytest.fixture(autouse=True)
def signed_in_admin(aws_module: AwsStack) -> Iterator[None]:
    # One account for every operation: what one operation creates, the next may read, update or delete.
    SIGNED_IN["claims"] = aws_module.claims("schemathesis-admin", "admins", username="fuzzer")
    yield
    SIGNED_IN["claims"] = None


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_api_honours_its_openapi_document(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)
