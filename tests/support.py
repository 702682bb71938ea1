"""Helpers shared by the test kinds: free ports, Cognito sign-in, and tokens made with moto's own keys."""

from __future__ import annotations

import gzip
import json
import logging
import time
from pathlib import Path
from typing import Any

import boto3
import jwt
import moto.cognitoidp

from infra.local.stack import free_port  # noqa: F401 - re-exported for the tests

MOTO_PRIVATE_JWKS = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


def sign_in(aws_endpoint: str, client_id: str, username: str, password: str, region: str = "us-east-1") -> str:
    """The IdToken of a USER_PASSWORD_AUTH sign-in, as the web app does it."""
    cognito = boto3.client("cognito-idp", endpoint_url=aws_endpoint, region_name=region)
    result = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def moto_signed_token(claims: dict[str, Any]) -> str:
    """A token signed with the key moto's Cognito signs with: only the claims decide whether it passes."""
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(json.loads(gzip.decompress(MOTO_PRIVATE_JWKS.read_bytes()))))
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})  # type: ignore[arg-type]


def forged_token(claims: dict[str, Any]) -> str:
    """A well-formed token signed with a key nobody trusts."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def shifted(claims: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of the claims with some replaced; `exp_in` sets expiry relative to now (negative = expired)."""
    out = dict(claims)
    if "exp_in" in changes:
        out["exp"] = int(time.time()) + changes.pop("exp_in")
    out.update(changes)
    return out


class WorkspaceClient:
    """A WebSocket client like the web app's: `request` waits for the reply with its requestId; pushes are
    queued and can be awaited with `push`."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.pushes: list[dict[str, Any]] = []
        self._replies: dict[str, dict[str, Any]] = {}
        self._counter = 0

    @classmethod
    async def connect(cls, ws_url: str, token: str) -> WorkspaceClient:
        import websockets

        return cls(await websockets.connect(f"{ws_url}?token={token}"))

    async def close(self) -> None:
        await self.socket.close()

    async def _receive_one(self, timeout: float) -> None:
        import asyncio

        message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        if message.get("type") in ("ack", "error"):
            self._replies[str(message.get("requestId"))] = message
        else:
            self.pushes.append(message)

    async def request(self, action: str, timeout: float = 10, **fields: Any) -> dict[str, Any]:
        self._counter += 1
        request_id = f"{action}-{self._counter}"
        await self.socket.send(json.dumps({"action": action, "requestId": request_id, **fields}))
        deadline = time.monotonic() + timeout
        while request_id not in self._replies:
            await self._receive_one(max(0.01, deadline - time.monotonic()))
        return self._replies.pop(request_id)

    async def push(self, predicate: Any, timeout: float = 10) -> dict[str, Any]:
        """The first queued or arriving push that satisfies the predicate (removed from the queue)."""

        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.pushes):
                if predicate(message):
                    return self.pushes.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching push within {timeout} s; queued: {self.pushes}")
            try:
                await self._receive_one(remaining)
            except TimeoutError:
                continue


def state_push(agent_id: str, status: str, version: int | None = None) -> Any:
    """Predicate: an `agent.state` push of this agent with this status (and version, if given)."""

    def matches(message: dict[str, Any]) -> bool:
        state = message.get("state") or {}
        return (
            message.get("type") == "agent.state"
            and message.get("agentId") == agent_id
            and state.get("status") == status
            and (version is None or state.get("version") == version)
        )

    return matches


class Records(logging.Handler):
    """Keeps every log record it is handed (attach it to a logger to read what was logged)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
