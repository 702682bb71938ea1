"""Shared fixtures of the integration suite: real handlers against AWS in moto's `mock_aws`.

- `aws` (a fresh account per test) and `aws_module` (one account shared by a module's tests; do not mix
  the two in one module: starting a second mock resets the first): start `mock_aws`, create every table of
  `wiring.TABLES` (keys, indexes, TTL and streams read from the wiring), a Cognito user pool with the groups
  agents/supervisors/admins and an app client, set the environment a deployed function gets
  (AWS_REGION=us-east-1, fake credentials, table names, USER_POOL_ID, USER_POOL_CLIENT_ID, and
  CUSTOMER_TOKEN_SECRET_ARN: a Secrets Manager secret holding the customer tokens' key), lift the rate
  limits (RATE_LIMIT_*: test_rate_limits.py restores the product's) and call `reset_settings()`. They yield
  an `AwsStack` with the names, clients and the helpers `claims(...)`, `create_user(...)`,
  `cognito_user(...)` and `scan(...)`.
- `published_contracts` (autouse): every event the test writes to the events table or Kinesis, and every
  WebSocket message it pushes or replies, must match docs/events.schema.json / docs/asyncapi.yaml
  (tests/contracts.py); the test fails at its end with each message that does not.
- `http_event(method, path, claims=None, body=None, headers=None, query=None)`: an API Gateway HTTP API
  (payload v2) event as API Gateway sends it (routeKey and pathParameters from the wiring), with
  `requestContext.authorizer.jwt.claims` the way its JWT authorizer passes them (every value a string,
  groups as "[admins]"). `claims=None` leaves the authorizer out (an unauthenticated request).
- `invoke_http(event)`: calls the http-api function's handler and returns an `HttpResult`;
  `http_client`: an `HttpClient` signed in as an admin (`.get/.post/.put/.delete`, `etag=` for If-Match).

    def test_me(aws, http_event, invoke_http):
        result = invoke_http(http_event("GET", "/api/me", claims=aws.claims("u-1", "admins")))
        assert result.status == 200
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from moto import mock_aws

from agentdesk import wiring
from agentdesk.kernel.settings import reset_settings
from tests.contracts import Checked, watching

REGION = "us-east-1"
GROUPS = ("agents", "supervisors", "admins")
TEST_PASSWORD = "Test-Passw0rd!"
LIFTED_LIMIT = "100000/100000"  # RATE_LIMIT_* for tests that are about something else


def create_tables(client: Any, prefix: str = "test") -> dict[str, str]:
    """Create every table of the wiring; returns {table key: physical name}."""
    names: dict[str, str] = {}
    for key, table in wiring.TABLES.items():
        name = f"{prefix}-{key}"
        attributes = {table.partition_key}
        schema = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
        if table.sort_key:
            attributes.add(table.sort_key)
            schema.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
        request: dict[str, Any] = {"TableName": name, "KeySchema": schema, "BillingMode": "PAY_PER_REQUEST"}
        indexes = []
        for index in table.indexes:
            attributes.add(index.partition_key)
            index_schema = [{"AttributeName": index.partition_key, "KeyType": "HASH"}]
            if index.sort_key:
                attributes.add(index.sort_key)
                index_schema.append({"AttributeName": index.sort_key, "KeyType": "RANGE"})
            indexes.append(
                {"IndexName": index.name, "KeySchema": index_schema, "Projection": {"ProjectionType": "ALL"}}
            )
        if indexes:
            request["GlobalSecondaryIndexes"] = indexes
        if table.stream:
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
        request["AttributeDefinitions"] = [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)]
        client.create_table(**request)
        if table.ttl_attribute:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute}
            )
        names[key] = name
    return names


def jwt_claims(
    user_id: str,
    *groups: str,
    issuer: str,
    client_id: str,
    username: str | None = None,
    name: str | None = None,
    email: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """IdToken claims as API Gateway's JWT authorizer hands them to a handler: every value a string."""
    now = int(time.time())
    claims = {
        "sub": user_id,
        "iss": issuer,
        "aud": client_id,
        "token_use": "id",
        "auth_time": str(now),
        "iat": str(now),
        "exp": str(now + 3600),
        "cognito:username": username or user_id,
        "name": name or (username or user_id).title(),
        "email": email or f"{username or user_id}@example.com",
    }
    if groups:
        claims["cognito:groups"] = "[" + " ".join(groups) + "]"
    claims.update(extra)
    return claims


@dataclass
class AwsStack:
    """The mocked account: table names, the user pool, and clients bound to the mock."""

    region: str
    tables: dict[str, str]
    user_pool_id: str
    client_id: str
    dynamodb: Any
    cognito: Any
    created_users: dict[str, str] = field(default_factory=dict)  # username -> sub
    customer_token_secret_arn: str = ""

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    def claims(self, user_id: str, *groups: str, **extra: str) -> dict[str, str]:
        """Claims of a user of this pool and client (pass iss=/aud= to forge another pool's token)."""
        issuer = extra.pop("iss", self.issuer)
        client_id = extra.pop("aud", self.client_id)
        return jwt_claims(user_id, *groups, issuer=issuer, client_id=client_id, **extra)

    def create_user(self, username: str, *groups: str, name: str | None = None, email: str | None = None) -> str:
        """A confirmed Cognito user (permanent TEST_PASSWORD) in the groups; returns its `sub`."""
        created = self.cognito.admin_create_user(
            UserPoolId=self.user_pool_id,
            Username=username,
            UserAttributes=[
                {"Name": "email", "Value": email or f"{username}@example.com"},
                {"Name": "name", "Value": name or username.title()},
            ],
            MessageAction="SUPPRESS",
        )
        self.cognito.admin_set_user_password(
            UserPoolId=self.user_pool_id, Username=username, Password=TEST_PASSWORD, Permanent=True
        )
        for group in groups:
            self.cognito.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=username, GroupName=group)
        sub = next(a["Value"] for a in created["User"]["Attributes"] if a["Name"] == "sub")
        self.created_users[username] = sub
        return str(sub)

    def cognito_user(self, username: str) -> dict[str, Any]:
        user: dict[str, Any] = self.cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        groups = self.cognito.admin_list_groups_for_user(UserPoolId=self.user_pool_id, Username=username)
        user["Groups"] = [g["GroupName"] for g in groups["Groups"]]
        return user

    def scan(self, key: str) -> list[dict[str, Any]]:
        """Every item of a table (by wiring key), in DynamoDB's wire format."""
        items: list[dict[str, Any]] = self.dynamodb.scan(TableName=self.tables[key], ConsistentRead=True)["Items"]
        return items


@cache
def _clients() -> tuple[Any, Any]:
    # Clients made after moto is imported go through its stubber under every later `mock_aws`, so they are
    # made once: creating them is a good part of a test's set-up time.
    return boto3.client("dynamodb", region_name=REGION), boto3.client("cognito-idp", region_name=REGION)


@cache
def _secrets_client() -> Any:
    return boto3.client("secretsmanager", region_name=REGION)


@contextmanager
def mocked_account() -> Iterator[AwsStack]:
    """The whole mocked account with the environment pointing at it; undone on exit."""
    with pytest.MonkeyPatch.context() as env, mock_aws():
        for variable in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "COGNITO_JWKS_URL"):
            env.delenv(variable, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_REGION", REGION)
        env.setenv("AWS_DEFAULT_REGION", REGION)
        env.setenv("POWERTOOLS_SERVICE_NAME", "agentdesk-test")
        env.setenv("POWERTOOLS_TRACE_DISABLED", "true")
        env.setenv("POWERTOOLS_METRICS_NAMESPACE", "AgentDeskTest")
        env.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
        # These tests send far more commands per connection and requests per user than a person can; the
        # product's limits have their own tests (test_rate_limits.py), which put the real values back.
        env.setenv("RATE_LIMIT_COMMANDS", LIFTED_LIMIT)
        env.setenv("RATE_LIMIT_CONFIG_REQUESTS", LIFTED_LIMIT)
        env.setenv("RATE_LIMIT_REFUSED_TOKENS", LIFTED_LIMIT)
        dynamodb, cognito = _clients()
        pool = cognito.create_user_pool(PoolName="agentdesk-test")["UserPool"]["Id"]
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool,
            ClientName="agentdesk-web",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for group in GROUPS:
            cognito.create_group(UserPoolId=pool, GroupName=group)
        tables = create_tables(dynamodb)
        for key, name in tables.items():
            env.setenv(wiring.TABLES[key].env_var, name)
        env.setenv("USER_POOL_ID", pool)
        env.setenv("USER_POOL_CLIENT_ID", client_id)
        secret_arn = _secrets_client().create_secret(
            Name="agentdesk-customer-token-key", SecretString="test-customer-token-key-" + "k" * 40
        )["ARN"]
        env.setenv("CUSTOMER_TOKEN_SECRET_ARN", secret_arn)
        reset_settings()
        try:
            yield AwsStack(REGION, tables, pool, client_id, dynamodb, cognito, customer_token_secret_arn=secret_arn)
        finally:
            reset_settings()


@pytest.fixture(autouse=True)
def published_contracts() -> Iterator[Checked]:
    with watching() as checked:
        yield checked
    assert not checked.violations, "sent what the published documents do not describe:\n" + "\n".join(
        checked.violations
    )


@pytest.fixture
def aws() -> Iterator[AwsStack]:
    """A fresh mocked account for one test."""
    with mocked_account() as account:
        yield account


@pytest.fixture(scope="module")
def aws_module() -> Iterator[AwsStack]:
    """One mocked account shared by the tests of a module (faster; tests see each other's data)."""
    with mocked_account() as account:
        yield account


# --- HTTP API events --------------------------------------------------------------------------------


def _route_key(method: str, path: str) -> tuple[str, dict[str, str]]:
    """The routeKey and pathParameters API Gateway would use for a request, from the wiring's routes."""
    for route, _function in wiring.http_routes():
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path)) + "$"
        match = re.match(pattern, path)
        if match and route.method in (method, "ANY"):
            return f"{route.method} {route.path}", match.groupdict()
    return "$default", {}


def build_http_event(
    method: str,
    path: str,
    claims: Mapping[str, str] | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    query: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An HTTP API payload v2 event. `body`: dict/list (sent as JSON), str (sent as is) or bytes (base64)."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    encoded = isinstance(body, bytes)
    if isinstance(body, dict | list):
        text: str | None = json.dumps(body)
    elif encoded:
        text = base64.b64encode(body).decode()
    else:
        text = body
    if text is not None:
        lowered.setdefault("content-type", "application/json")
    lowered.setdefault("host", "api.example.com")
    route_key, path_parameters = _route_key(method, path)
    now = time.time()
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "api1234567",
        "domainName": "api.example.com",
        "domainPrefix": "api",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "192.0.2.10",
            "userAgent": lowered.get("user-agent", "pytest"),
        },
        "requestId": f"req-{int(now * 1e6)}",
        "routeKey": route_key,
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": dict(claims), "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": lowered,
        "requestContext": context,
        "isBase64Encoded": encoded,
    }
    if query:
        event["queryStringParameters"] = dict(query)
    if path_parameters:
        event["pathParameters"] = path_parameters
    if text is not None:
        event["body"] = text
    return event


@pytest.fixture
def http_event() -> Callable[..., dict[str, Any]]:
    return build_http_event


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: Any  # parsed JSON when the response is JSON, else the text
    raw: dict[str, Any]

    @property
    def error_code(self) -> str | None:
        return self.body.get("error", {}).get("code") if isinstance(self.body, dict) else None


class FakeLambdaContext:
    function_name = "http-api"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:http-api"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/http-api"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def call_http(event: dict[str, Any]) -> HttpResult:
    from functions.http_api.handler import handler

    raw = handler(event, FakeLambdaContext())  # type: ignore[arg-type]
    headers = {k.lower(): v for k, v in (raw.get("headers") or {}).items()}
    text = raw.get("body") or ""
    if raw.get("isBase64Encoded"):
        text = base64.b64decode(text)
    body: Any = text
    if "json" in headers.get("content-type", "") and text:
        body = json.loads(text)
    return HttpResult(raw["statusCode"], headers, body, raw)


@pytest.fixture
def invoke_http() -> Callable[[dict[str, Any]], HttpResult]:
    return call_http


@dataclass
class HttpClient:
    """Calls the http-api handler with events built like API Gateway's; `claims` default to an admin's."""

    claims: dict[str, str] | None

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        claims: Mapping[str, str] | bool | None = True,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> HttpResult:
        """`claims=True`: the client's default claims; None: no authorizer claims at all."""
        chosen = self.claims if claims is True else claims
        return call_http(build_http_event(method, path, chosen, body, headers, query))  # type: ignore[arg-type]

    def get(self, path: str, **kwargs: Any) -> HttpResult:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> HttpResult:
        return self.call("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, *, etag: str | None = None, **kwargs: Any) -> HttpResult:
        headers = dict(kwargs.pop("headers", None) or {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.call("PUT", path, body, headers=headers, **kwargs)

    def delete(self, path: str, *, etag: str | None = None, **kwargs: Any) -> HttpResult:
        headers = dict(kwargs.pop("headers", None) or {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.call("DELETE", path, headers=headers, **kwargs)

    def create(self, path: str, body: Any) -> dict[str, Any]:
        """POST and insist on 201; returns the created resource."""
        result = self.post(path, body)
        assert result.status == 201, (path, result.status, result.body)
        created: dict[str, Any] = result.body
        return created


@pytest.fixture
def admin_id() -> str:
    return "00000000-0000-4000-8000-00000000ad01"


@pytest.fixture
def http_client(aws: AwsStack, admin_id: str) -> HttpClient:
    """An HTTP client signed in as an admin of the mocked pool (needs `aws`)."""
    return HttpClient(aws.claims(admin_id, "admins", username="root", name="Root Admin"))
