"""The events the local gateway hands to handlers are API Gateway's: they validate against Powertools'
parser models for WebSocket connect/message/disconnect and HTTP API v2, and the REQUEST authorizer event
carries what API Gateway sends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventV2Model,
    APIGatewayWebSocketConnectEventModel,
    APIGatewayWebSocketDisconnectEventModel,
    APIGatewayWebSocketMessageEventModel,
)

from infra.local.seed import DEMO_PASSWORD
from infra.local.stack import LocalStack
from tests.integration.local_stack import RecordingRuntime, running_stack
from tests.support import sign_in

# The in-process local stack runs in its own pytest process (scripts/test.sh): moto's backends and the
# platform's caches are process-global, shared with the tests that use mock_aws.
pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        yield running


@pytest.fixture(scope="module")
def recorded(stack: LocalStack) -> list[tuple[str, Any]]:
    recorder = RecordingRuntime(stack)
    provisioned = stack.provisioned
    assert provisioned is not None
    token = sign_in(stack.aws_endpoint, provisioned.user_pool_client_id, "bob", DEMO_PASSWORD)

    async def session() -> None:
        async with websockets.connect(f"ws://127.0.0.1:{stack.options.port}/ws?token={token}") as ws:
            for frame in ('{"action":"whoami","requestId":"a"}', '{"action":"nope","requestId":"b"}', "{{"):
                await ws.send(frame)
                await ws.recv()
        for _ in range(50):
            if any(name == "ws-disconnect" for name, _ in recorder.calls):
                return
            await asyncio.sleep(0.05)

    asyncio.run(session())
    response = httpx.get(
        f"{stack.base_url}/api/me?verbose=1", headers={"Authorization": f"Bearer {token}", "Cookie": "a=1; b=2"}
    )
    assert response.status_code == 200
    return recorder.calls


def events_of(calls: list[tuple[str, Any]], function: str) -> list[Any]:
    return [event for name, event in calls if name == function]


def test_connect_event_validates(recorded: list[tuple[str, Any]]) -> None:
    (event,) = events_of(recorded, "ws-connect")
    parsed = parse(event=event, model=APIGatewayWebSocketConnectEventModel)
    assert parsed.request_context.route_key == "$connect"
    assert parsed.request_context.event_type == "CONNECT"
    assert event["requestContext"]["authorizer"]["role"] == "agent"


def test_message_events_validate(recorded: list[tuple[str, Any]]) -> None:
    messages = events_of(recorded, "ws-commands")
    assert len(messages) == 3
    routes = []
    for event in messages:
        parsed = parse(event=event, model=APIGatewayWebSocketMessageEventModel)
        assert parsed.request_context.event_type == "MESSAGE"
        routes.append(parsed.request_context.route_key)
    assert routes == ["whoami", "$default", "$default"]


def test_disconnect_event_validates(recorded: list[tuple[str, Any]]) -> None:
    (event,) = events_of(recorded, "ws-disconnect")
    parsed = parse(event=event, model=APIGatewayWebSocketDisconnectEventModel)
    assert parsed.request_context.event_type == "DISCONNECT"


def test_authorizer_event_has_what_api_gateway_sends(recorded: list[tuple[str, Any]]) -> None:
    (event,) = events_of(recorded, "ws-authorizer")
    assert event["type"] == "REQUEST"
    assert event["methodArn"].startswith("arn:aws:execute-api:us-east-1:") and event["methodArn"].endswith("/$connect")
    assert event["queryStringParameters"]["token"]
    assert event["requestContext"]["eventType"] == "CONNECT"


def test_http_event_validates_as_payload_v2(recorded: list[tuple[str, Any]]) -> None:
    (event,) = events_of(recorded, "http-api")
    parsed = parse(event=event, model=APIGatewayProxyEventV2Model)
    assert parsed.routeKey == "GET /api/me"
    assert parsed.rawQueryString == "verbose=1"
    assert parsed.cookies == ["a=1", "b=2"]
    claims = parsed.requestContext.authorizer.jwt.claims  # type: ignore[union-attr]
    assert claims["cognito:groups"] == "[agents]"  # claims are strings, as API Gateway's JWT authorizer sends
