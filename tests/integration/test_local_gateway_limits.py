"""The local stack under a flood of bad-token connects from one client: the gateway answers 429 before the
authorizer runs, the authorizer sees at most its burst, nothing is logged at ERROR, and a valid connect from
this machine still opens fast.

The flooding client is told apart from this machine the way a proxy on this machine would do it: by
X-Forwarded-For, which the gateway's server honours only from a loopback peer (infra/local/stack.py).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import websockets

from agentdesk.kernel.observability import logger
from agentdesk.kernel.rate_limits import CONNECTS_PER_SOURCE_IP
from infra.local.lambda_runtime import physical_name
from infra.local.seed import DEMO_PASSWORD
from infra.local.stack import LocalStack
from tests.integration.local_stack import running_stack
from tests.support import Records, claims_of, forged_token, sign_in

pytestmark = pytest.mark.local_stack

FLOOD = 300  # connects at once, as in the finding this guards against
TRIES = 5


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with running_stack() as running:
        yield running


@pytest.fixture
def logged() -> Iterator[list[logging.LogRecord]]:
    """Records of the gateway's server and of the functions while the test runs."""
    records = Records()
    server = logging.getLogger("uvicorn.error")
    server.addHandler(records)
    functions_log = logging.getLogger(logger.name)  # the Powertools logger's own
    functions_log.addHandler(records)
    yield records.records
    server.removeHandler(records)
    functions_log.removeHandler(records)


async def upgrade(port: int, path: str, forwarded_for: str) -> tuple[int, dict[str, str]]:
    """One WebSocket handshake, written by hand so that the flood costs its client next to nothing:
    the answer's status and headers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: {forwarded_for}\r\n\r\n".encode()
    )
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    writer.close()
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), {k.lower(): v for k, v in headers.items()}


async def timed_connect(url: str) -> float:
    began = time.perf_counter()
    async with websockets.connect(url, open_timeout=30):
        return time.perf_counter() - began


def test_a_flood_of_bad_tokens_from_one_client_gets_429s_and_a_valid_connect_stays_fast(
    stack: LocalStack, logged: list[logging.LogRecord], record_property: Callable[[str, object], None]
) -> None:
    provisioned = stack.provisioned
    assert provisioned is not None
    port = stack.options.port
    token = sign_in(stack.aws_endpoint, provisioned.user_pool_client_id, "bob", DEMO_PASSWORD)
    bad = forged_token(claims_of(token))
    valid_url = f"ws://127.0.0.1:{port}/ws?token={token}"
    authorizer = physical_name(stack.runtime.resolve("ws-authorizer"))

    async def scenario() -> tuple[list[float], list[float], Counter[int], list[int], list[tuple[int, str]]]:
        quiet = []
        for _ in range(TRIES):  # this machine's connects stay within its own limit (1/s, bursts of 10)
            quiet.append(await timed_connect(valid_url))
            await asyncio.sleep(0.2)
        flooded, statuses, authorized, held_back = [], Counter[int](), [], []
        for attempt in range(TRIES):
            client = f"198.51.100.{attempt + 1}"  # a fresh client each try: its burst reaches the authorizer
            before = stack.runtime.invocations[authorizer]
            flood = [asyncio.create_task(upgrade(port, f"/ws?token={bad}", client)) for _ in range(FLOOD)]
            await asyncio.sleep(0.05)  # the flood is under way
            flooded.append(await timed_connect(valid_url))
            statuses.update(status for status, _ in await asyncio.gather(*flood))
            authorized.append(stack.runtime.invocations[authorizer] - before - 1)  # less the valid connect
            # the flooding client itself is held back for now, whatever its token
            status, headers = await upgrade(port, f"/ws?token={token}", client)
            held_back.append((status, headers.get("retry-after", "")))
            await asyncio.sleep(1)
        return quiet, flooded, statuses, authorized, held_back

    quiet, flooded, statuses, authorized, held_back = asyncio.run(scenario())

    quiet_ms, flooded_ms = statistics.median(quiet) * 1000, statistics.median(flooded) * 1000
    record_property("valid_connect_quiet_median_ms", round(quiet_ms, 1))
    record_property("valid_connect_during_flood_median_ms", round(flooded_ms, 1))
    print(f"valid connect: quiet median {quiet_ms:.1f} ms, during a flood of {FLOOD} {flooded_ms:.1f} ms")

    burst = CONNECTS_PER_SOURCE_IP.burst
    assert set(statuses) == {401, 429}, statuses
    # the gateway let through at most a burst (and what refilled while the flood lasted) per flooding client
    assert statuses[429] >= TRIES * (FLOOD - burst - 2), statuses
    assert all(count <= burst + 2 for count in authorized), authorized
    assert all(status == 429 and int(retry_after) >= 1 for status, retry_after in held_back), held_back
    # a generous bound: before the limits, the flood held a valid connect up behind 300 authorizer runs
    # (~40 times its quiet time on a laptop); now it waits for a few hundred cheap refusals at most
    assert flooded_ms < max(20 * quiet_ms, 250), (quiet_ms, flooded_ms)

    assert not [r for r in logged if r.levelno >= logging.ERROR], [r.getMessage() for r in logged]
    refusals = [r for r in logged if r.getMessage().startswith("connection refused")]
    assert refusals and all(r.levelno == logging.WARNING for r in refusals)
    assert len(refusals) <= 5 * 2  # sampled: at most five lines per reason and minute, not one per refusal
