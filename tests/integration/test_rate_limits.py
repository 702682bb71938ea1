"""Rate limits through the real handlers, at the product's own values (the suite's conftest lifts them for
the tests that are about something else): commands per WebSocket connection, config API requests per user,
and bad tokens per address at the $connect authorizer, whose refusals are logged as sampled warnings.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import moto.cognitoidp
import pytest

from agentdesk.config import defaults as config_defaults
from agentdesk.config import directory
from agentdesk.kernel import auth, clock, rate_limits
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.observability import logger
from agentdesk.kernel.rate_limit import limiter
from agentdesk.kernel.settings import reset_settings
from functions.ws_authorizer import handler as authorizer
from functions.ws_commands.handler import handler as ws_handler
from infra.local.events import websocket_context, ws_authorizer_event, ws_message_event
from infra.local.lambda_runtime import LocalContext
from tests.integration.conftest import AwsStack, HttpClient
from tests.support import Records, moto_signed_token

LIMIT_VARIABLES = ("RATE_LIMIT_COMMANDS", "RATE_LIMIT_CONFIG_REQUESTS", "RATE_LIMIT_REFUSED_TOKENS")
COMMANDS = rate_limits.COMMANDS_PER_CONNECTION
CONFIG_REQUESTS = rate_limits.CONFIG_REQUESTS_PER_USER
REFUSED_TOKENS = rate_limits.REFUSED_TOKENS_PER_SOURCE_IP


@pytest.fixture
def product_limits(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The limits the product ships with (the suite's lifted ones removed from the environment), with full
    buckets: the limiters are the process's, and another test may have emptied one for the same user."""
    for variable in LIMIT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    reset_settings()
    limiter.cache_clear()
    yield
    limiter.cache_clear()
    reset_settings()


@pytest.fixture
def moments() -> Iterator[list[datetime]]:
    """The project's clock, held still from now on; append a moment to move it (buckets refill only then)."""
    held = [datetime.now(UTC).replace(microsecond=0)]  # whole seconds: refills are exact in floating point
    clock.set_clock(lambda: held[-1])
    yield held
    clock.reset_clock()


def later(moments: list[datetime], seconds: float) -> None:
    moments.append(moments[-1] + timedelta(seconds=seconds))


# --- commands per connection --------------------------------------------------------------------------------


def frame(principal: Principal, connection_id: str, request_id: str, action: str, **fields: Any) -> dict[str, Any]:
    """One frame through the real ws-commands handler, as API Gateway hands it over; returns the reply."""
    context = websocket_context(
        route_key=action,
        event_type="MESSAGE",
        connection_id=connection_id,
        connected_at=1_700_000_000_000,
        domain="ws.example.com",
        source_ip="192.0.2.20",
        user_agent="pytest",
        authorizer={**principal.to_dict(), "principalId": principal.user_id},
        message_id=f"msg-{request_id}",
    )
    body = json.dumps({"action": action, "requestId": request_id, **fields})
    lambda_context = LocalContext("agentdesk-ws-commands", 512, "arn:aws:lambda:::function:ws-commands", 10)
    response = ws_handler(ws_message_event(context=context, body=body), lambda_context)  # type: ignore[arg-type]
    assert response["statusCode"] == 200, response
    reply: dict[str, Any] = json.loads(response["body"])
    assert reply["requestId"] == request_id, reply  # exactly one reply, to this frame
    return reply


@pytest.fixture
def ana(aws: AwsStack) -> Principal:
    """An agent of the demo centre, with her profile in the directory."""
    user_id = aws.create_user("ana", "agents")
    config_defaults.seed_demo([config_defaults.DemoUser(user_id, "ana", "Ana", "ana@example.com", Role.AGENT)])
    directory.forget()
    return Principal(user_id, "ana", "Ana", "ana@example.com", Role.AGENT)


def test_a_burst_of_commands_on_one_connection_is_refused_after_the_burst_and_changes_nothing(
    aws: AwsStack, product_limits: None, moments: list[datetime], ana: Principal
) -> None:
    replies = [frame(ana, "conn-1", f"s{n}", "getState") for n in range(COMMANDS.burst)]
    assert all(reply["type"] == "ack" for reply in replies)
    events_before = aws.scan("events")

    refused = frame(ana, "conn-1", "login-1", "login")
    assert refused == {
        "type": "error",
        "requestId": "login-1",
        "code": "RATE_LIMITED",
        "message": "Commands on this connection are coming too fast; try again in 1 second.",
        "retryAfterSeconds": 1,
    }
    assert frame(ana, "conn-1", "bad", "nope")["code"] == "RATE_LIMITED"  # refused before it is even read
    assert aws.scan("events") == events_before
    # nothing changed: another connection of hers (a limit of its own) still finds her Offline, and logs her in
    assert frame(ana, "conn-2", "s-other", "getState")["state"]["status"] == "Offline"
    assert frame(ana, "conn-2", "login-2", "login")["type"] == "ack"

    later(moments, 1)  # a second later: the sustained rate's worth again, and no more
    refilled = [frame(ana, "conn-1", f"r{n}", "getState")["type"] for n in range(int(COMMANDS.rate_per_second) + 1)]
    assert refilled == ["ack"] * int(COMMANDS.rate_per_second) + ["error"]


# --- config API requests per user ---------------------------------------------------------------------------


def test_a_user_over_their_config_request_limit_gets_429_with_retry_after(
    aws: AwsStack, product_limits: None, moments: list[datetime], http_client: HttpClient
) -> None:
    statuses = [http_client.get("/api/skills").status for _ in range(CONFIG_REQUESTS.burst)]
    assert statuses == [200] * CONFIG_REQUESTS.burst

    refused = http_client.post("/api/skills", {"name": "Billing"})
    assert refused.status == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.body == {
        "error": {
            "code": "RATE_LIMITED",
            "message": "Requests from your account are coming too fast; try again in 1 second.",
            "retryAfterSeconds": 1,
        }
    }
    # another admin is not held back by this one
    other = HttpClient(aws.claims("00000000-0000-4000-8000-00000000ad02", "admins", username="root2"))
    assert other.get("/api/skills").body["items"] == []  # and the refused create created nothing

    later(moments, 1)
    assert [http_client.get("/api/skills").status for _ in range(11)] == [200] * 10 + [429]


def test_public_documents_are_not_counted_against_anyone(
    aws: AwsStack, product_limits: None, http_client: HttpClient
) -> None:
    for _ in range(CONFIG_REQUESTS.burst + 5):
        assert http_client.get("/api/openapi.json", claims=None).status == 200
    assert http_client.get("/api/skills").status == 200


# --- bad tokens per address at $connect ---------------------------------------------------------------------


@pytest.fixture
def jwks_url(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's Cognito public keys served on localhost: the authorizer verifies tokens for real."""
    keys = gzip.decompress((Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-public.json.gz").read_bytes())

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(keys)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    monkeypatch.setenv("COGNITO_JWKS_URL", url)
    reset_settings()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        reset_settings()


@pytest.fixture
def refusal_log() -> Iterator[list[logging.LogRecord]]:
    """The functions' log records, from a fresh sampling window on."""
    authorizer.REFUSALS.reset()
    records = Records()
    functions_log = logging.getLogger(logger.name)  # the Powertools logger's own
    functions_log.addHandler(records)
    yield records.records
    functions_log.removeHandler(records)


def connect(token: str | None, source_ip: str) -> dict[str, Any] | None:
    """The $connect authorizer's answer: its policy, or None when it refused (raised Unauthorized)."""
    event = ws_authorizer_event(
        connection_id="c1",
        headers={"host": "ws.example.com"},
        query={"token": token} if token is not None else {},
        domain="ws.example.com",
        source_ip=source_ip,
        user_agent="pytest",
        region="us-east-1",
    )
    context = LocalContext("agentdesk-ws-authorizer", 512, "arn:aws:lambda:::function:ws-authorizer", 10)
    try:
        policy: dict[str, Any] = authorizer.handler(event, context)  # type: ignore[arg-type]
    except PermissionError as exc:
        assert str(exc) == "Unauthorized"
        return None
    return policy


def test_a_flood_of_bad_tokens_from_one_address_is_refused_cheaply_and_logged_sampled(
    aws: AwsStack,
    product_limits: None,
    moments: list[datetime],
    jwks_url: str,
    refusal_log: list[logging.LogRecord],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = int(time.time())
    claims = {
        "sub": "0000-ana",
        "iss": aws.issuer,
        "aud": aws.client_id,
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
        "cognito:username": "ana",
        "cognito:groups": ["agents"],
    }
    good = moto_signed_token(claims)
    forged = moto_signed_token({**claims, "aud": "another-client"})
    verified: list[str] = []
    real_authenticate = auth.authenticate_connection

    def counted(token: str | None) -> Any:
        verified.append(str(token))
        return real_authenticate(token)

    monkeypatch.setattr(authorizer, "authenticate_connection", counted)

    flood = [connect(forged if n % 2 else "not.a.jwt", "198.51.100.7") for n in range(300)]
    assert flood == [None] * 300
    assert len(verified) == REFUSED_TOKENS.burst  # the rest were refused before their token was read
    # while the address is over its limit even a good token from it is refused, unread; other addresses are not
    assert connect(good, "198.51.100.7") is None
    assert len(verified) == REFUSED_TOKENS.burst
    allowed = connect(good, "203.0.113.9")
    assert allowed is not None and allowed["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert allowed["context"]["role"] == "agent"

    refusals = [r for r in refusal_log if r.getMessage().startswith("connection refused")]
    assert all(r.levelno == logging.WARNING for r in refusal_log)
    # five lines a minute per reason, however many refusals: "invalid" (a token read and refused) and the flood
    assert sorted(r.__dict__["reason"] for r in refusals) == ["invalid"] * 5 + ["too-many-bad-tokens"] * 5
    assert all(r.__dict__["sourceIp"] == "198.51.100.7" for r in refusals)

    later(moments, 61)  # a new window; the address has earned 12 more tries since
    assert connect("not.a.jwt", "198.51.100.7") is None
    assert len(verified) == REFUSED_TOKENS.burst + 2
    summaries = [r for r in refusal_log if "more not logged" in r.getMessage()]
    assert [(r.__dict__["reason"], r.__dict__["notLogged"]) for r in summaries] == [("invalid", 5)]
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in refusal_log)
    assert forged not in logged and good not in logged and "not.a.jwt" not in logged
