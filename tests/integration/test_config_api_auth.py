"""Who may call what: every config route for every kind of caller, against the real handler.

API Gateway's JWT authorizer rejects tokens of other pools and clients before the handler; the handler
checks again (issuer and audience), so a misconfigured authorizer cannot open the API.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model

from agentdesk import wiring
from agentdesk.config.api import route_table
from agentdesk.kernel.identity import Role, at_least
from tests.integration.conftest import AwsStack, HttpClient, build_http_event, call_http

ROUTES = route_table()
VALID_BODIES: dict[str, Any] = {
    "/api/users": {"username": "zed", "name": "Zed", "email": "zed@example.com", "role": "agent"},
    "/api/teams": {"name": "Team"},
    "/api/sites": {"name": "Site", "timeZone": "UTC"},
    "/api/skills": {"name": "Skill"},
    "/api/queues": {"name": "Queue"},
    "/api/pause-codes": {"label": "Code", "status": "Away"},
    "/api/disposition-sets": {"name": "Set", "outcomes": {"Success": ["a"], "Unsure": ["b"], "Fail": ["c"]}},
    "/api/canned-messages": {"title": "Title", "body": "Body"},
    "/api/tags": {"label": "Tag"},
    "/api/integrations": {"name": "Integration"},
    "/api/settings": {},
}


def request(api_path: str, method: str, claims: dict[str, str] | None) -> tuple[int, str | None]:
    """Call a route of the table (ids filled in with an id that does not exist) as the given caller."""
    collection = api_path.removesuffix("/{id}")
    path = api_path.replace("{id}", "unknown-id")
    body = VALID_BODIES[collection] if method in ("POST", "PUT") else None
    result = call_http(build_http_event(method, path, claims, body, {"If-Match": '"0"'} if method == "PUT" else None))
    return result.status, result.error_code


CALLERS = {
    "agent": ("agents",),
    "supervisor": ("supervisors",),
    "admin": ("admins",),
    "agent and admin": ("agents", "admins"),  # the strongest group wins
}


@pytest.mark.parametrize("caller", list(CALLERS))
def test_each_role_reaches_exactly_its_routes(aws: AwsStack, caller: str) -> None:
    claims = aws.claims("caller-1", *CALLERS[caller])
    role = Role.ADMIN if "admins" in CALLERS[caller] else Role(caller)
    wrong = []
    for method, path, least in ROUTES:
        status, code = request(path, method, claims)
        allowed = at_least(role, least)
        if allowed and status in (401, 403):
            wrong.append(f"{method} {path}: {status} {code}, expected access")
        if not allowed and (status, code) != (403, "FORBIDDEN"):
            wrong.append(f"{method} {path}: {status} {code}, expected 403 FORBIDDEN")
    assert wrong == []


def test_the_agent_reads_only_its_workspace_config(aws: AwsStack) -> None:
    readable = {path for method, path, least in ROUTES if method == "GET" and least is Role.AGENT}
    assert readable == {
        "/api/pause-codes",
        "/api/pause-codes/{id}",
        "/api/disposition-sets",
        "/api/disposition-sets/{id}",
        "/api/canned-messages",
        "/api/canned-messages/{id}",
        "/api/tags",  # agents pick tags in the conversation
        "/api/tags/{id}",
    }
    assert all(least is Role.ADMIN for method, _path, least in ROUTES if method != "GET")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("no group", (403, "FORBIDDEN")),
        ("unknown group", (403, "FORBIDDEN")),
        ("missing claims", (401, "UNAUTHORIZED")),
        ("claims without sub", (401, "UNAUTHORIZED")),
        ("another user pool", (401, "UNAUTHORIZED")),
        ("another app client", (401, "UNAUTHORIZED")),
        ("no issuer", (401, "UNAUTHORIZED")),
    ],
)
def test_callers_without_a_valid_identity_reach_nothing(aws: AwsStack, who: str, expected: tuple[int, str]) -> None:
    admins = aws.claims("caller-1", "admins")
    claims: dict[str, str] | None = {
        "no group": aws.claims("caller-1"),
        "unknown group": aws.claims("caller-1", "everyone"),
        "missing claims": None,
        "claims without sub": {k: v for k, v in admins.items() if k != "sub"},
        "another user pool": aws.claims(
            "caller-1", "admins", iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"
        ),
        "another app client": aws.claims("caller-1", "admins", aud="someone-elses-client"),
        "no issuer": {k: v for k, v in admins.items() if k != "iss"},
    }[who]
    wrong = [
        f"{method} {path}: {got}"
        for method, path, _least in [*ROUTES, ("GET", "/api/me", Role.AGENT)]
        if (got := request(path, method, claims)) != expected
    ]
    assert wrong == []


def test_an_access_token_of_our_client_is_accepted(aws: AwsStack) -> None:
    claims = {k: v for k, v in aws.claims("caller-1", "admins").items() if k != "aud"}
    claims |= {"client_id": aws.client_id, "token_use": "access"}
    assert request("/api/skills", "GET", claims)[0] == 200


def test_refusals_come_before_body_validation(aws: AwsStack) -> None:
    agent = aws.claims("caller-1", "agents")
    for body in ("{not json", {"unknown": 1}, "x" * 70_000):
        result = call_http(build_http_event("POST", "/api/skills", agent, body))
        assert (result.status, result.error_code) == (403, "FORBIDDEN")
    anonymous = call_http(build_http_event("POST", "/api/skills", None, "{not json"))
    assert anonymous.status == 401
    too_big = call_http(build_http_event("POST", "/api/skills", aws.claims("a", "admins"), "{" * 70_000))
    assert too_big.status == 413


def test_the_openapi_document_and_docs_are_public(aws: AwsStack) -> None:
    document = call_http(build_http_event("GET", "/api/openapi.json", None))
    assert document.status == 200
    assert document.body["openapi"].startswith("3.1")
    docs = call_http(build_http_event("GET", "/api/docs", None))
    assert docs.status == 200 and docs.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in docs.body and "Agent Desk API" in docs.body
    assert call_http(build_http_event("GET", "/api/docs", None, query={"format": "json"})).body == document.body


def test_me_answers_any_role(aws: AwsStack) -> None:
    api = HttpClient(aws.claims("caller-1", "agents", username="ann", name="Ann"))
    assert api.get("/api/me").body == {
        "user": {"userId": "caller-1", "username": "ann", "name": "Ann", "email": "ann@example.com", "role": "agent"}
    }


# --- the declaration agrees with itself: wiring, routes, OpenAPI document -------------------------------


def test_the_wiring_declares_exactly_the_routes_the_app_serves(aws: AwsStack) -> None:
    function = wiring.function("http-api")
    declared = {(r.method, r.path) for r in function.triggers if isinstance(r, wiring.HttpRoute)}
    reports = {(r.method, r.path) for r in wiring.function("reports-api").triggers if isinstance(r, wiring.HttpRoute)}
    # The same app serves the reports API from a function of its own (it reads the lake, nothing else).
    served = {(method, path) for method, path, _least in ROUTES} - reports
    assert {(method, path) for method, path, _least in ROUTES} <= declared | reports
    # Without sign-in: a customer reads the chat topics and opens a chat; outside systems call the ingress API.
    unsigned = {
        ("POST", "/api/chat/sessions"),
        ("GET", "/api/chat/topics"),
        ("POST", "/api/ingress/interactions"),
        ("POST", "/api/ingress/interactions/{id}/events"),
    }
    unsigned_others = {("ANY", path) for _method, path in unsigned}
    others = {("ANY", path) for _method, path in served | {("GET", "/api/me")}}  # answered 405 with Allow
    assert (
        declared - served
        == {
            ("GET", "/api/me"),
            ("GET", "/api/openapi.json"),
            ("GET", "/api/docs"),
        }
        | others
        | unsigned
        | unsigned_others
    )
    public = {(r.method, r.path) for r in function.triggers if isinstance(r, wiring.HttpRoute) and not r.authorized}
    assert public == {("GET", "/api/openapi.json"), ("GET", "/api/docs")} | unsigned | unsigned_others
    assert function.manages_users
    assert function.tables["config"] == wiring.Access.WRITE and function.tables["events"] == wiring.Access.WRITE

    document = call_http(build_http_event("GET", "/api/openapi.json", None)).body
    documented = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    reads = {(method, path) for method, path in reports if method != "ANY"}
    assert documented == served | reads | {("GET", "/api/me")} | unsigned
    roles = {
        (method.upper(), path): operation["x-agentdesk-role"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert all(roles[(method, path)] == least.value for method, path, least in ROUTES)


def test_the_openapi_document_lists_every_error_code_and_status_used(aws: AwsStack) -> None:
    from agentdesk.kernel.errors import ErrorCode

    document = call_http(build_http_event("GET", "/api/openapi.json", None)).body
    assert document["components"]["schemas"]["ErrorCode"]["enum"] == [code.value for code in ErrorCode]
    assert document["components"]["securitySchemes"]["cognitoJwt"]["scheme"] == "bearer"
    assert document["security"] == [{"cognitoJwt": []}]
    assert "HTTPValidationError" not in json.dumps(document)
    put_skill = document["paths"]["/api/skills/{id}"]["put"]["responses"]
    assert set(put_skill) == {"200", "400", "401", "403", "404", "409", "413", "422", "428", "429", "500"}
    create_skill = document["paths"]["/api/skills"]["post"]["responses"]
    assert set(create_skill["201"]["headers"]) == {"Location", "ETag"}


def test_built_events_are_valid_http_api_v2_events(aws: AwsStack) -> None:
    event = build_http_event(
        "PUT", "/api/skills/abc", aws.claims("u", "admins"), {"name": "x"}, {"If-Match": '"1"'}, {"a": "b"}
    )
    parsed = parse(event=event, model=APIGatewayProxyEventV2Model)
    assert parsed.routeKey == "PUT /api/skills/{id}"
    assert parsed.pathParameters == {"id": "abc"}
    assert parsed.requestContext.authorizer.jwt.claims["cognito:groups"] == "[admins]"
