"""A customer on the WebSocket, through the real handlers: the $connect authorizer takes a customer token as
well as a Cognito IdToken and tells them apart only by verifying them; a customer's connection is recorded
with role `customer` and has no presence; the dispatcher opens to customers only the actions registered with
`customer=True` — every other action, whatever its fields, is FORBIDDEN and changes nothing, and the
directory is never asked about a customer; agent states and configuration changes never reach customers.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import jwt
import moto.cognitoidp
import pytest

from agentdesk.config import directory
from agentdesk.config.domain.rules import Kind
from agentdesk.config.events import ConfigChanged, ConfigChangedData
from agentdesk.kernel import auth, customer_tokens, push, stream
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION, SYSTEM
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.settings import reset_settings
from agentdesk.realtime import connections, publisher
from agentdesk.realtime import dispatch as dispatcher
from agentdesk.realtime.dispatch import ACTIONS, Action, customer_interaction
from agentdesk.realtime.envelope import ActionRequest
from functions.ws_authorizer import handler as authorizer
from functions.ws_connect import handler as ws_connect
from functions.ws_disconnect import handler as ws_disconnect
from infra.local.events import websocket_context, ws_authorizer_event, ws_connect_event, ws_disconnect_event
from infra.local.lambda_runtime import LocalContext
from tests.integration.centre import send_frame
from tests.integration.conftest import AwsStack
from tests.support import moto_signed_token

MOTO_PUBLIC_KEYS = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-public.json.gz"
CUSTOMER = Principal("ct_7", "ct_7", "Dana", "", Role.CUSTOMER, interaction_id="in_42")


@pytest.fixture(autouse=True)
def fresh(aws_module: AwsStack) -> Iterator[None]:
    customer_tokens.forget_key()
    directory.forget()
    yield
    customer_tokens.forget_key()


@pytest.fixture
def pool_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's published keys are moto's: the authorizer verifies IdTokens for real, without a JWKS server."""
    (public,) = json.loads(gzip.decompress(MOTO_PUBLIC_KEYS.read_bytes()))["keys"]

    class Keys:
        def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
            if jwt.get_unverified_header(token).get("kid") != public["kid"]:
                raise jwt.PyJWKClientError("Unable to find a signing key that matches")
            return jwt.PyJWK(public)

    monkeypatch.setattr(auth, "_jwks_client", lambda _url: Keys())


def connect(token: str | None) -> dict[str, Any] | None:
    """The authorizer's context for the token, or None when it refused (raised Unauthorized)."""
    event = ws_authorizer_event(
        connection_id="c1",
        headers={"host": "ws.example.com"},
        query={"token": token} if token is not None else {},
        domain="ws.example.com",
        source_ip="192.0.2.30",
        user_agent="pytest",
        region="us-east-1",
    )
    context = LocalContext("agentdesk-ws-authorizer", 512, "arn:aws:lambda:::function:ws-authorizer", 10)
    try:
        policy: dict[str, Any] = authorizer.handler(event, context)  # type: ignore[arg-type]
    except PermissionError as exc:
        assert str(exc) == "Unauthorized"
        return None
    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert policy["principalId"] == policy["context"]["userId"]
    # API Gateway takes only strings, numbers and booleans in an authorizer's context
    assert all(isinstance(v, str | int | float | bool) for v in policy["context"].values()), policy
    result: dict[str, Any] = policy["context"]
    return result


def id_token(aws: AwsStack, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": "0000-ana",
        "iss": aws.issuer,
        "aud": aws.client_id,
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
        "cognito:username": "ana",
        "name": "Ana",
        "cognito:groups": ["agents"],
    } | changes
    return moto_signed_token(claims)


def _segments(token: str) -> list[dict[str, Any]]:
    return [json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in token.split(".")[:2]]


def _encode(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


# --- the authorizer -----------------------------------------------------------------------------------------


def test_a_customer_token_opens_a_customer_connection(aws_module: AwsStack) -> None:
    token, _ = customer_tokens.issue("in_42", "ct_7", name="Dana")
    assert connect(token) == {
        "userId": "ct_7",
        "username": "ct_7",
        "name": "Dana",
        "email": "",
        "role": "customer",
        "interactionId": "in_42",
    }
    unnamed, _ = customer_tokens.issue("in_43", "ct_8")
    context = connect(unnamed)
    assert context is not None and context["name"] == "Customer" and context["interactionId"] == "in_43"


def test_a_cognito_id_token_still_opens_a_staff_connection(aws_module: AwsStack, pool_keys: None) -> None:
    context = connect(id_token(aws_module))
    assert context is not None and context["role"] == "agent" and context["userId"] == "0000-ana"
    assert "interactionId" not in context


def test_the_directory_is_not_asked_about_a_customer(aws_module: AwsStack, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_directory() -> Any:
        raise AssertionError("a customer is not in the directory")

    monkeypatch.setattr(directory, "current", no_directory)
    assert connect(customer_tokens.issue("in_42", "ct_7")[0]) is not None


def test_an_expired_customer_token_is_refused(aws_module: AwsStack) -> None:
    token, _ = customer_tokens.issue("in_42", "ct_7", ttl_seconds=1)
    time.sleep(1.1)
    assert connect(token) is None


def test_forged_and_tampered_customer_tokens_are_refused(aws_module: AwsStack, pool_keys: None) -> None:
    now = int(time.time())
    claims = {"sub": "ct_7", "iid": "in_42", "typ": "customer", "iat": now, "exp": now + 600, "jti": "ctk_x"}
    assert connect(jwt.encode(claims, "some-other-key-that-is-long-enough-for-hs256", algorithm="HS256")) is None
    assert connect(jwt.encode(claims, None, algorithm="none")) is None  # type: ignore[arg-type]
    good, _ = customer_tokens.issue("in_42", "ct_7")
    header, payload, signature = good.split(".")
    other = _encode({**_segments(good)[1], "iid": "in_99"})
    assert connect(f"{header}.{other}.{signature}") is None
    assert connect(f"{header}.{payload}.") is None
    # signed with our key but not a customer token: a token of our own making of another kind is no pass
    key = customer_tokens._key()
    assert connect(jwt.encode({**claims, "typ": "agent"}, key, algorithm="HS256")) is None


def test_a_cognito_token_cannot_pass_as_a_customer_token(aws_module: AwsStack, pool_keys: None) -> None:
    """An IdToken relabelled HS256 goes to the customer verifier, which checks it with our key: refused; an
    IdToken carrying every customer claim is still a staff token (and needs a group to be one)."""
    token = id_token(aws_module)
    _header, payload, signature = token.split(".")
    relabelled = f"{_encode({'alg': 'HS256', 'typ': 'JWT'})}.{payload}.{signature}"
    assert connect(relabelled) is None
    dressed_up = id_token(aws_module, typ="customer", iid="in_42", jti="ctk_x", **{"cognito:groups": []})
    assert connect(dressed_up) is None  # verified as an IdToken, and then in none of our groups


def test_a_customer_token_cannot_pass_as_a_cognito_token(aws_module: AwsStack, pool_keys: None) -> None:
    """Relabelled RS256 with the pool's key id, a customer token goes to the Cognito verifier: refused; and the
    pool's public key used as the HMAC secret (algorithm confusion) fails the customer verifier."""
    token, _ = customer_tokens.issue("in_42", "ct_7")
    _header, payload, signature = token.split(".")
    assert connect(f"{_encode({'alg': 'RS256', 'typ': 'JWT', 'kid': 'dummy'})}.{payload}.{signature}") is None
    assert connect(f"{_encode({'alg': 'HS256', 'typ': 'JWT', 'kid': 'dummy'})}.{payload}.{signature}") is None
    with pytest.raises(auth.AuthError):
        auth.verify_id_token(token)  # and the HTTP API's verification of IdTokens refuses it too


def test_refused_customer_tokens_count_against_the_address(
    aws_module: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATE_LIMIT_REFUSED_TOKENS", "0.001/3")
    reset_settings()
    authorizer.limiter.cache_clear()
    try:
        forged = jwt.encode({"typ": "customer"}, "some-other-key-that-is-long-enough-for-hs256", algorithm="HS256")
        assert [connect(forged) for _ in range(3)] == [None] * 3
        assert connect(customer_tokens.issue("in_42", "ct_7")[0]) is None  # the address is over its limit
    finally:
        monkeypatch.undo()  # the suite's lifted limits again, for the tests that follow
        reset_settings()
        authorizer.limiter.cache_clear()


# --- the connection -----------------------------------------------------------------------------------------


def _route_event(kind: Literal["connect", "disconnect"], connection_id: str, context: dict[str, Any]) -> Any:
    route = {"connect": ("$connect", "CONNECT"), "disconnect": ("$disconnect", "DISCONNECT")}[kind]
    request = websocket_context(
        route_key=route[0],
        event_type=route[1],
        connection_id=connection_id,
        connected_at=int(time.time() * 1000),
        domain="ws.example.com",
        source_ip="192.0.2.30",
        user_agent="pytest",
        authorizer={**context, "principalId": context["userId"]},
    )
    if kind == "connect":
        return ws_connect_event(context=request, headers={"host": "ws.example.com"}, query={"token": "t"})
    return ws_disconnect_event(context=request, headers={"host": "ws.example.com"})


def test_a_customer_connection_is_recorded_and_has_no_presence(
    aws_module: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(ws_connect.presence, "connected", lambda p: calls.append(f"connected {p.user_id}"))
    monkeypatch.setattr(ws_disconnect.presence, "disconnected", lambda u: calls.append(f"disconnected {u}"))
    context = connect(customer_tokens.issue("in_42", "ct_7", name="Dana")[0])
    assert context is not None
    lambda_context = LocalContext("agentdesk-ws-connect", 512, "arn:aws:lambda:::function:ws-connect", 10)
    assert ws_connect.handler(_route_event("connect", "cust-conn-1", context), lambda_context)["statusCode"] == 200
    recorded = connections.get_connection("cust-conn-1")
    assert recorded is not None and (recorded.user_id, recorded.role, recorded.name) == ("ct_7", "customer", "Dana")
    assert [c.connection_id for c in connections.connections_with_role("customer")] == ["cust-conn-1"]
    assert [c.connection_id for c in connections.connections_of("ct_7")] == ["cust-conn-1"]

    event = _route_event("disconnect", "cust-conn-1", context)
    assert ws_disconnect.handler(event, lambda_context)["statusCode"] == 200
    assert connections.get_connection("cust-conn-1") is None
    ws_disconnect.handler(event, lambda_context)  # its record already gone: the context says it was a customer
    assert calls == []
    assert aws_module.scan("agents") == []


# --- the dispatcher -----------------------------------------------------------------------------------------

ANY_FIELDS: dict[str, Any] = {
    "agentId": "0000-ana",
    "interactionId": "in_42",
    "status": "Available",
    "text": "hello",
    "scope": "open",
}


def _staff_actions() -> list[str]:
    from agentdesk.actions import ACTIONS as registered  # every action the product registers

    return sorted(name for name, action in registered.items() if not action.customer)


@pytest.mark.parametrize("action", _staff_actions())
@pytest.mark.parametrize("fields", ["none", "any"])
def test_every_staff_action_is_forbidden_to_a_customer_and_changes_nothing(
    aws_module: AwsStack, action: str, fields: str
) -> None:
    before = (aws_module.scan("agents"), aws_module.scan("events"))
    reply = send_frame(CUSTOMER, action, **(ANY_FIELDS if fields == "any" else {}))
    assert (reply["type"], reply["code"]) == ("error", "FORBIDDEN"), reply
    assert "not open to customers" in reply["message"]
    assert (aws_module.scan("agents"), aws_module.scan("events")) == before


def test_nothing_runs_and_the_directory_is_not_read_for_a_refused_customer(
    aws_module: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def no_directory() -> Any:
        raise AssertionError("a customer is not in the directory")

    monkeypatch.setattr(directory, "current", no_directory)
    for name in _staff_actions():
        monkeypatch.setitem(ACTIONS, name, replace(ACTIONS[name], run=lambda _p, _r, n=name: ran.append(n) or {}))
    for name in _staff_actions():
        assert send_frame(CUSTOMER, name, **ANY_FIELDS)["code"] == "FORBIDDEN"
    assert ran == []


def test_an_unknown_action_names_only_what_a_customer_may_call(
    aws_module: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = dispatcher.dispatch(json.dumps({"action": "nope", "requestId": "r1"}), CUSTOMER)
    assert reply["code"] == "UNKNOWN_ACTION"
    known = reply["message"].split("Known actions: ", 1)[1].rstrip(".")
    assert {name for name in known.split(", ") if name} == set(dispatcher.customer_actions())
    assert "forceLogoff" not in reply["message"]


class Echo(ActionRequest):
    action: Literal["customerEcho"]
    interactionId: str | None = None
    text: str


def test_a_customer_action_runs_for_the_customer_on_their_own_interaction(
    aws_module: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def echo(principal: Principal, request: Echo) -> dict[str, Any]:
        interaction = customer_interaction(principal, request.interactionId) if principal.is_customer else None
        return {"who": principal.role.value, "interactionId": interaction, "text": request.text}

    monkeypatch.setitem(ACTIONS, "customerEcho", Action("customerEcho", Echo, echo, Role.AGENT, "echo", customer=True))

    def no_directory() -> Any:
        raise AssertionError("a customer is not in the directory")

    with monkeypatch.context() as patch:
        patch.setattr(directory, "current", no_directory)
        frame = {"action": "customerEcho", "requestId": "r1", "text": "hi"}
        reply = dispatcher.dispatch(json.dumps(frame), CUSTOMER)
        assert reply == {"type": "ack", "requestId": "r1", "who": "customer", "interactionId": "in_42", "text": "hi"}
        same = dispatcher.dispatch(json.dumps({**frame, "interactionId": "in_42"}), CUSTOMER)
        assert same["type"] == "ack"
        other = dispatcher.dispatch(json.dumps({**frame, "interactionId": "in_99"}), CUSTOMER)
        assert (other["code"], other["field"]) == ("FORBIDDEN", "interactionId")
        # the request is still validated for a customer
        assert dispatcher.dispatch(json.dumps({**frame, "extra": 1}), CUSTOMER)["code"] == "BAD_REQUEST"
    # staff may call it too, as the directory has them and with its least role
    agent = Principal("u-nobody", "nobody", "Nobody", "", Role.AGENT)
    reply = dispatcher.dispatch(json.dumps({"action": "customerEcho", "requestId": "r2", "text": "yo"}), agent)
    assert reply["type"] == "ack" and reply["who"] == "agent"
    assert dispatcher.customer_actions() == sorted({"customerEcho", *dispatcher.customer_actions()})


def test_a_connection_claiming_a_customer_without_an_interaction_is_unauthorized(aws_module: AwsStack) -> None:
    broken = {**CUSTOMER.to_dict()}
    del broken["interactionId"]
    with pytest.raises(Exception) as refused:
        dispatcher.principal_of({"requestContext": {"authorizer": broken}})
    assert getattr(refused.value, "code", None) == "UNAUTHORIZED"


# --- pushes ---------------------------------------------------------------------------------------------------


@pytest.fixture
def delivered(aws_module: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Connections of an agent, an admin and a customer; the ids pushes are sent to, in order."""
    sent: list[str] = []
    monkeypatch.setattr(push, "send", lambda connection_id, _message: sent.append(connection_id) or True)
    monkeypatch.setattr(stream, "put_event", lambda _event: "1")
    people = [
        ("staff-agent", Principal("u-ana", "ana", "Ana", "", Role.AGENT)),
        ("staff-admin", Principal("u-ada", "ada", "Ada", "", Role.ADMIN)),
        ("cust-1", CUSTOMER),
    ]
    for connection_id, principal in people:
        connections.save_connection(connection_id, principal, 600)
    yield sent
    for connection_id, _ in people:
        connections.delete_connection(connection_id)


@pytest.mark.parametrize("kind", ["pauseCode", "cannedMessage", "team", "user"])
def test_configuration_changes_do_not_reach_customers(delivered: list[str], kind: str) -> None:
    event = ConfigChanged(
        eventId="ev_1",
        type="config.changed",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt="2026-11-25T10:00:00.000Z",
        agentId="ct_7" if kind == "user" else None,  # even a user change naming the customer's id
        actor=SYSTEM,
        data=ConfigChangedData(kind=Kind(kind), id="ct_7", change="updated", version=2),
    )
    publisher.deliver(event, directory.current)
    assert "staff-admin" in delivered and "cust-1" not in delivered


def test_a_push_for_the_customer_reaches_them_when_it_says_so(
    delivered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    event = ConfigChanged(
        eventId="ev_2",
        type="config.changed",
        schemaVersion=EVENT_SCHEMA_VERSION,
        occurredAt="2026-11-25T10:00:00.000Z",
        actor=SYSTEM,
        data=ConfigChangedData(kind=Kind("team"), id="t1", change="updated", version=2),
    )
    to_customer = publisher.Push({"type": "interaction.typing"}, frozenset({"ct_7"}), customers=True)
    monkeypatch.setattr(publisher, "pushes_for", lambda _event: [to_customer])
    publisher.deliver(event, directory.current)
    assert delivered == ["cust-1"]
    monkeypatch.setattr(publisher, "pushes_for", lambda _event: [replace(to_customer, customers=False)])
    delivered.clear()
    publisher.deliver(event, directory.current)
    assert delivered == []
