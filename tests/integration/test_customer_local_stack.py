"""A customer on the local stack, over a real WebSocket: the stack creates the customer tokens' key in its
local AWS when it starts and gives every function its ARN, so a token issued with it opens a connection
(recorded with role `customer`) on which staff actions are FORBIDDEN; a forged one is refused with 401."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import jwt
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from agentdesk.kernel import customer_tokens
from agentdesk.kernel.settings import get_settings
from agentdesk.realtime import connections
from infra.local.stack import LocalStack
from tests.integration.local_stack import running_stack

# The in-process local stack runs in its own pytest process (scripts/test.sh): moto's backends and the
# platform's caches are process-global, shared with the tests that use mock_aws.
pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    customer_tokens.forget_key()
    with running_stack() as running:
        yield running
    customer_tokens.forget_key()


def test_the_stack_provisions_the_key_and_tells_the_functions(stack: LocalStack) -> None:
    assert stack.provisioned is not None
    arn = stack.provisioned.customer_token_secret_arn
    assert arn and get_settings().customer_token_secret_arn == arn
    value = stack.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    assert len(value) >= customer_tokens.MIN_KEY_BYTES


def test_a_customer_connects_and_may_not_act_as_staff(stack: LocalStack) -> None:
    token, _ = customer_tokens.issue("in_local_1", "ct_local_1", name="Dana")
    url = f"ws://127.0.0.1:{stack.options.port}/ws"

    async def session() -> tuple[dict[str, object], list[str]]:
        async with websockets.connect(f"{url}?token={token}") as socket:
            await socket.send(json.dumps({"action": "whoami", "requestId": "r1"}))
            reply = json.loads(await socket.recv())
            recorded = [(c.role, c.name) for c in connections.connections_of("ct_local_1")]
            return reply, [f"{role}/{name}" for role, name in recorded]

    reply, recorded = asyncio.run(session())
    assert (reply["type"], reply["code"]) == ("error", "FORBIDDEN")
    assert recorded == ["customer/Dana"]


def test_a_forged_customer_token_is_refused_before_the_socket_opens(stack: LocalStack) -> None:
    forged = jwt.encode(
        {"sub": "ct_x", "iid": "in_x", "typ": "customer", "iat": 1, "exp": 4_000_000_000, "jti": "ctk_x"},
        "a-key-that-is-not-the-stacks-but-is-long-enough",
        algorithm="HS256",
    )

    async def attempt() -> int:
        try:
            async with websockets.connect(f"ws://127.0.0.1:{stack.options.port}/ws?token={forged}"):
                return 101
        except InvalidStatus as refused:
            return int(refused.response.status_code)

    assert asyncio.run(attempt()) == 401
