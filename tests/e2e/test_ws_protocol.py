"""The local stack over real sockets: sign-in, the $connect authorizer, the envelope, errors, /api/me."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import boto3
import httpx
import pytest
import websockets

from agentdesk.kernel.rate_limits import COMMANDS_PER_CONNECTION
from tests.support import claims_of, forged_token, moto_signed_token, shifted

pytestmark = pytest.mark.e2e


async def _exchange(url: str, frames: list[str]) -> list[dict[str, Any]]:
    async with websockets.connect(url) as ws:
        replies = []
        for frame in frames:
            await ws.send(frame)
            while True:  # pushes may arrive between a request and its reply
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message.get("type") in ("ack", "error"):
                    replies.append(message)
                    break
        return replies


def exchange(url: str, *frames: str) -> list[dict[str, Any]]:
    return asyncio.run(_exchange(url, list(frames)))


def refused_status(url: str) -> int:
    async def attempt() -> int:
        try:
            async with websockets.connect(url):
                return 101
        except websockets.InvalidStatus as exc:
            return exc.response.status_code

    return asyncio.run(attempt())


@pytest.fixture(scope="module")
def alice(stack: Any) -> str:
    return str(stack.token("alice"))


def test_health_and_config(stack: Any) -> None:
    health = httpx.get(f"{stack.base_url}/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    collections = health.json()["gc"]  # what start-up built is frozen out of every later collection
    assert collections["frozenObjects"] > 100_000 and len(collections["longestPauseMs"]) == 3
    config = stack.config
    assert config["wsUrl"].startswith("ws://") and config["wsUrl"].endswith("/ws")
    assert config["apiUrl"].endswith("/api")
    assert config["region"] == "us-east-1"
    assert set(config["cognito"]) == {"userPoolId", "clientId", "endpoint"}
    assert config["cognito"]["userPoolId"].startswith("us-east-1_")


def test_every_demo_role_signs_in(stack: Any) -> None:
    for role in ("agent", "supervisor", "admin"):
        user = stack.users[role][0]
        claims = claims_of(stack.token(user["username"]))
        assert f"{role}s" in claims["cognito:groups"]
        assert claims["name"] == user["name"] and claims["token_use"] == "id"


def test_whoami_over_websocket(stack: Any, alice: str) -> None:
    (reply,) = exchange(f"{stack.ws_url}?token={alice}", '{"action":"whoami","requestId":"r1"}')
    assert reply["type"] == "ack" and reply["requestId"] == "r1"
    assert reply["user"]["name"] == "Alice Agent"
    assert reply["user"]["role"] == "agent"
    assert reply["user"]["userId"] == claims_of(alice)["sub"]


@pytest.mark.parametrize(
    ("frame", "code", "field", "request_id"),
    [
        ('{"action":"teleport","requestId":"r2"}', "UNKNOWN_ACTION", "action", "r2"),
        ("this is not json", "BAD_REQUEST", "body", None),
        ('{"action":"whoami"}', "BAD_REQUEST", "requestId", None),
        ('{"requestId":"r3"}', "BAD_REQUEST", "action", "r3"),
        ('{"action":42,"requestId":"r4"}', "BAD_REQUEST", "action", "r4"),
        ('["whoami"]', "BAD_REQUEST", "body", None),
        ('{"action":"whoami","requestId":"r5","surprise":true}', "BAD_REQUEST", "surprise", "r5"),
        (
            json.dumps({"action": "whoami", "requestId": "r6", "pad": "x" * 40_000}),
            "PAYLOAD_TOO_LARGE",
            "body",
            "r6",
        ),
        ('{"action":"whoami","requestId":"r7","x":' + "[" * 5000 + "]" * 5000 + "}", "BAD_REQUEST", "body", None),
        ('{"action":"whoami","requestId":"r8","x":' + "9" * 5001 + "}", "BAD_REQUEST", "body", None),
    ],
)
def test_bad_frames_get_one_error_each(
    stack: Any, alice: str, frame: str, code: str, field: str, request_id: str | None
) -> None:
    error, after = exchange(f"{stack.ws_url}?token={alice}", frame, '{"action":"whoami","requestId":"ok"}')
    assert error["type"] == "error" and error["code"] == code and error["field"] == field
    assert error["requestId"] == request_id
    assert error["message"]
    assert after["type"] == "ack"  # the connection survives bad input


def test_connect_refused_without_a_valid_token(stack: Any, alice: str) -> None:
    claims = claims_of(alice)
    assert refused_status(stack.ws_url) == 401
    assert refused_status(f"{stack.ws_url}?token=") == 401
    assert refused_status(f"{stack.ws_url}?token=not.a.jwt") == 401
    assert refused_status(f"{stack.ws_url}?token={forged_token(claims)}") == 401
    assert refused_status(f"{stack.ws_url}?token={moto_signed_token(shifted(claims, exp_in=-60))}") == 401
    assert refused_status(f"{stack.ws_url}?token={moto_signed_token(shifted(claims, aud='other-client'))}") == 401
    other_pool = claims["iss"].rsplit("/", 1)[0] + "/us-east-1_someoneelse"
    assert refused_status(f"{stack.ws_url}?token={moto_signed_token(shifted(claims, iss=other_pool))}") == 401
    assert refused_status(f"{stack.ws_url}?token={moto_signed_token(shifted(claims, token_use='access'))}") == 401
    no_role = {k: v for k, v in claims.items() if k != "cognito:groups"}
    assert refused_status(f"{stack.ws_url}?token={moto_signed_token(no_role)}") == 401
    # the same claims with a fresh expiry and moto's key pass: the refusals above are for the named reason
    assert refused_status(f"{stack.ws_url}?token={moto_signed_token(shifted(claims, exp_in=300))}") == 101


def test_connections_are_stored_with_ttl_and_removed_on_disconnect(stack: Any, alice: str) -> None:
    table = boto3.resource("dynamodb", endpoint_url=stack.aws_endpoint, region_name="us-east-1").Table(
        "agentdesk-connections"
    )
    user_id = claims_of(alice)["sub"]

    def mine() -> dict[str, dict[str, Any]]:
        result = table.query(
            IndexName="byUser", KeyConditionExpression="userId = :u", ExpressionAttributeValues={":u": user_id}
        )
        return {item["connectionId"]: item for item in result["Items"]}

    before = set(mine())  # other tests' connections of the same user may still be closing

    async def scenario() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        async with (
            websockets.connect(f"{stack.ws_url}?token={alice}") as one,
            websockets.connect(f"{stack.ws_url}?token={alice}") as two,
        ):
            for ws in (one, two):
                await ws.send('{"action":"ping","requestId":"x"}')
                assert json.loads(await ws.recv())["serverTime"]
            during = {k: v for k, v in mine().items() if k not in before}
        for _ in range(50):
            if not set(mine()) & set(during):
                break
            await asyncio.sleep(0.1)
        return during, {k: v for k, v in mine().items() if k in during}

    during, after = asyncio.run(scenario())
    assert len(during) == 2
    assert all(
        item["role"] == "agent" and int(item["expiresAt"]) > int(item["connectedEpoch"]) for item in during.values()
    )
    assert after == {}


def test_http_me_requires_a_valid_token(stack: Any, alice: str) -> None:
    me = f"{stack.base_url}/api/me"
    assert httpx.get(me).status_code == 401
    assert httpx.get(me, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    forged = forged_token(claims_of(alice))
    assert httpx.get(me, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    expired = moto_signed_token(shifted(claims_of(alice), exp_in=-5))
    assert httpx.get(me, headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    ok = httpx.get(me, headers={"Authorization": f"Bearer {alice}"})
    assert ok.status_code == 200
    assert ok.json()["user"]["name"] == "Alice Agent" and ok.json()["user"]["role"] == "agent"


def test_unknown_api_path_is_404(stack: Any, alice: str) -> None:
    response = httpx.get(f"{stack.base_url}/api/nothing-here", headers={"Authorization": f"Bearer {alice}"})
    assert response.status_code == 404


def test_a_pipelined_burst_gets_every_reply_in_order_on_an_open_socket(stack: Any, alice: str) -> None:
    # The gateway keeps reading while handlers work, as API Gateway does: a burst is queued, not dropped,
    # and the protocol's own pings keep being answered meanwhile. Past the connection's rate limit each frame
    # still gets its one reply: RATE_LIMITED, with when to try again.
    count = 200

    async def burst() -> list[dict[str, Any]]:
        async with websockets.connect(f"{stack.ws_url}?token={alice}", ping_interval=0.5, ping_timeout=10) as ws:
            for number in range(count):
                await ws.send(json.dumps({"action": "getState", "requestId": f"b{number}"}))
            replies = []
            while len(replies) < count:
                message = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if message.get("type") in ("ack", "error"):
                    replies.append(message)
            pong = await ws.ping()
            await asyncio.wait_for(pong, 5)
            return replies

    replies = asyncio.run(burst())
    assert [reply["requestId"] for reply in replies] == [f"b{number}" for number in range(count)]
    refused = [reply for reply in replies if reply["type"] == "error"]
    assert all(reply["code"] == "RATE_LIMITED" and reply["retryAfterSeconds"] >= 1 for reply in refused), refused
    assert count - len(refused) >= COMMANDS_PER_CONNECTION.burst
