"""Access follows the directory, over real sockets on the local stack: an admin deletes, disables or demotes
a signed-in user; the user's open socket is told why and closed, their still-valid token opens no new
socket (or opens one with the new role), and the HTTP API answers by the directory too."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.support import claims_of

pytestmark = pytest.mark.e2e

PASSWORD = "Access-Test-2026!"


def api(stack: Any, token: str, method: str, path: str, body: Any = None, etag: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-Match"] = etag
    return httpx.request(method, f"{stack.base_url}/api{path}", headers=headers, json=body, timeout=10)


@pytest.fixture
def person(stack: Any) -> Iterator[dict[str, Any]]:
    """A fresh user made by the admin (so the demo users stay as they are), signed in."""
    admin = stack.token("ada")
    username = f"temp-{secrets.token_hex(4)}"
    created = api(
        stack,
        admin,
        "POST",
        "/users",
        {
            "username": username,
            "name": "Temp Person",
            "email": f"{username}@example.com",
            "role": "admin",
            "password": PASSWORD,
            "permanentPassword": True,
            "sendInvitation": False,
        },
    )
    assert created.status_code == 201, created.text
    user = created.json()
    yield {"id": user["id"], "username": username, "token": stack.token(username, PASSWORD), "admin": admin}
    api(stack, admin, "DELETE", f"/users/{user['id']}")


def change(stack: Any, person: dict[str, Any], **changes: Any) -> None:
    current = api(stack, person["admin"], "GET", f"/users/{person['id']}")
    keep = ("name", "email", "role", "teamId", "siteId", "skills", "maxConcurrent", "autoAnswer", "outboundQueueId")
    body = {k: current.json()[k] for k in (*keep, "enabled")} | changes
    result = api(stack, person["admin"], "PUT", f"/users/{person['id']}", body, current.headers["etag"])
    assert result.status_code == 200, result.text


async def _ended_while_open(stack: Any, token: str, act: Any) -> tuple[dict[str, Any], int | None]:
    """Open a socket, run `act` (the admin's change), and return the `session.ended` push and the close code."""
    async with websockets.connect(f"{stack.ws_url}?token={token}") as ws:
        await ws.send(json.dumps({"action": "whoami", "requestId": "w1"}))
        while json.loads(await asyncio.wait_for(ws.recv(), 10)).get("type") != "ack":
            pass
        await asyncio.to_thread(act)
        ended: dict[str, Any] = {}
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message.get("type") == "session.ended":
                    ended = message
        except websockets.ConnectionClosed as closed:
            return ended, closed.rcvd.code if closed.rcvd else None
    raise AssertionError("the socket stayed open")


def ended_while_open(stack: Any, token: str, act: Any) -> tuple[dict[str, Any], int | None]:
    return asyncio.run(_ended_while_open(stack, token, act))


def connect_status(stack: Any, token: str) -> int:
    async def attempt() -> int:
        try:
            async with websockets.connect(f"{stack.ws_url}?token={token}"):
                return 101
        except websockets.InvalidStatus as exc:
            return exc.response.status_code

    return asyncio.run(attempt())


def whoami_role(stack: Any, token: str) -> str:
    async def ask() -> str:
        async with websockets.connect(f"{stack.ws_url}?token={token}") as ws:
            await ws.send(json.dumps({"action": "whoami", "requestId": "w2"}))
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message.get("type") == "ack":
                    return str(message["user"]["role"])

    return asyncio.run(ask())


def test_a_deleted_user_is_told_closed_and_refused(stack: Any, person: dict[str, Any]) -> None:
    token = person["token"]
    assert api(stack, token, "GET", "/me").status_code == 200

    def delete() -> None:
        assert api(stack, person["admin"], "DELETE", f"/users/{person['id']}").status_code == 204

    ended, _code = ended_while_open(stack, token, delete)
    assert ended["reason"] == "deleted" and ended["message"]
    assert claims_of(token)["exp"] > claims_of(token)["iat"]  # the token has not expired...
    assert connect_status(stack, token) == 401  # ...and opens no socket
    assert api(stack, token, "GET", "/me").status_code == 401
    assert api(stack, token, "GET", "/settings").json()["error"]["code"] == "UNAUTHORIZED"


def test_a_disabled_user_is_told_closed_and_refused_until_enabled(stack: Any, person: dict[str, Any]) -> None:
    token = person["token"]
    ended, _code = ended_while_open(stack, token, lambda: change(stack, person, enabled=False))
    assert ended["reason"] == "disabled"
    assert connect_status(stack, token) == 401
    assert api(stack, token, "GET", "/me").status_code == 401
    change(stack, person, enabled=True)
    assert connect_status(stack, token) == 101


def test_a_demoted_admin_reconnects_as_an_agent(stack: Any, person: dict[str, Any]) -> None:
    token = person["token"]
    assert api(stack, token, "GET", "/integrations").status_code == 200
    ended, _code = ended_while_open(stack, token, lambda: change(stack, person, role="agent"))
    assert ended["reason"] == "roleChanged"
    # the token still names the admins group; the directory says agent
    assert whoami_role(stack, token) == "agent"
    assert api(stack, token, "GET", "/integrations").status_code == 403
    settings = api(stack, token, "GET", "/settings")
    assert settings.status_code == 403
    assert api(stack, token, "GET", "/me").json()["user"]["role"] == "agent"
