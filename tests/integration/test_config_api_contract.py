"""What the config API's document says of its edges, and that the handler does it: every problem of a malformed
request at once, 405 with Allow for a method a path does not have, the user pool's password policy, integers
as JSON Schema means them, and API Gateway's own answers (401, 404) documented in API Gateway's shape.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import HttpClient, build_http_event, call_http


def _document() -> dict[str, Any]:
    body: dict[str, Any] = call_http(build_http_event("GET", "/api/openapi.json", None)).body
    return body


def test_a_malformed_body_reports_every_problem_at_once(http_client: HttpClient) -> None:
    body = {"name": "", "email": "nope", "role": "boss", "maxConcurrent": "5", "username": "ann"}
    result = http_client.post("/api/users", body)
    error = result.body["error"]
    assert (result.status, error["code"]) == (400, "BAD_REQUEST")
    fields = [problem["field"] for problem in error["problems"]]
    assert set(fields) >= {"name", "email", "role", "maxConcurrent"}
    assert error["field"] == fields[0]  # `field` and `message` still name the first
    assert error["message"].startswith(f"{fields[0]}: ") and f"({len(fields) - 1} more problems)" in error["message"]
    single = http_client.post("/api/skills", {"name": "ok", "description": 5})
    assert single.body["error"]["problems"] == [{"field": "description", "message": "Input should be a valid string"}]


def test_a_refusal_that_is_not_about_the_request_shape_carries_no_problems(http_client: HttpClient) -> None:
    result = http_client.get("/api/skills/nope")
    assert result.status == 404
    assert "problems" not in result.body["error"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/users", "GET, POST"),
        ("POST", "/api/skills/k1", "DELETE, GET, PUT"),
        ("DELETE", "/api/me", "GET"),
    ],
)
def test_a_method_the_path_does_not_have_is_405_with_allow(
    http_client: HttpClient, method: str, path: str, allow: str
) -> None:
    result = http_client.call(method, path)
    assert (result.status, result.error_code, result.headers["allow"]) == (405, "METHOD_NOT_ALLOWED", allow)


def test_an_unknown_path_is_404(http_client: HttpClient) -> None:
    result = http_client.get("/api/nothing-here")
    assert (result.status, result.error_code) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    "password",
    ["Short-1a", "alllowercase-42", "ALLUPPERCASE-42", "NoDigitsHere-at-all", "NoSymbols42here", " Leading-space-42"],
)
def test_a_password_the_user_pool_would_refuse_is_400_before_cognito(http_client: HttpClient, password: str) -> None:
    result = http_client.post("/api/users", {**_user(), "password": password})
    assert (result.status, result.error_code, result.body["error"]["field"]) == (400, "BAD_REQUEST", "password")


def test_a_password_of_the_pool_policy_is_accepted(http_client: HttpClient) -> None:
    created = http_client.create("/api/users", {**_user(), "password": "Correct horse 42", "permanentPassword": True})
    assert created["username"] == "ann"


def test_an_integer_is_what_json_schema_calls_one(http_client: HttpClient) -> None:
    assert http_client.create("/api/queues", {"name": "Q", "slaTargetSeconds": 30.0})["slaTargetSeconds"] == 30
    for wrong in ("30", True, 30.5):
        result = http_client.post("/api/queues", {"name": "R", "slaTargetSeconds": wrong})
        assert (result.status, result.body["error"]["field"]) == (400, "slaTargetSeconds")


def test_the_document_states_what_api_gateway_answers_itself() -> None:
    document = _document()
    assert set(document["components"]["schemas"]["GatewayMessage"]["required"]) == {"message"}
    either = {"$ref": "#/components/schemas/ErrorResponse"}, {"$ref": "#/components/schemas/GatewayMessage"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            # API Gateway's own 401 only where its JWT authorizer stands (not on routes without sign-in or
            # signed otherwise, such as the ingress routes).
            signed_in = any("cognitoJwt" in s for s in operation.get("security", document["security"]))
            for status in (("401",) if signed_in else ()) + ("429", "500") + (("404",) if "404" in responses else ()):
                schema = responses[status]["content"]["application/json"]["schema"]
                assert tuple(schema["oneOf"]) == either, (method, path, status)


def test_the_document_states_the_pool_password_policy_and_the_if_match_format() -> None:
    document = _document()
    user_create = document["components"]["schemas"]["UserCreate"]["properties"]["password"]
    password = next(s for s in user_create["anyOf"] if s.get("type") == "string")
    assert (password["minLength"], password["maxLength"]) == (12, 256)
    assert "(?=.*[A-Z])" in password["pattern"]
    put = document["paths"]["/api/skills/{id}"]["put"]
    if_match = next(p for p in put["parameters"] if p["name"].lower() == "if-match")
    assert if_match["required"] is True and "pattern" in if_match["schema"]
    assert "anyOf" not in if_match["schema"]  # an optional header is left out, never "null"


def _user() -> dict[str, Any]:
    return {"username": "ann", "name": "Ann Agent", "email": "ann@example.com", "role": "agent"}
