"""The `stack` fixture: the real local stack started by its own command in a subprocess, once per session."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from infra.local import process as local_process
from infra.local.provision import table_name
from infra.local.seed import DEMO_PASSWORD, DEMO_USERS
from tests.contracts import Frames, check_outbox, watching_frames
from tests.e2e.browser import chromium
from tests.support import sign_in

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningStack:
    base_url: str
    aws_endpoint: str
    config: dict[str, object]
    startup_seconds: float
    users: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def client_id(self) -> str:
        return str(self.config["cognito"]["clientId"])  # type: ignore[index]

    @property
    def ws_url(self) -> str:
        return str(self.config["wsUrl"])

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        return sign_in(self.aws_endpoint, self.client_id, username, password)


def _users() -> dict[str, list[dict[str, str]]]:
    users: dict[str, list[dict[str, str]]] = {}
    for user in DEMO_USERS:
        users.setdefault(user.role, []).append(
            {"username": user.username, "password": DEMO_PASSWORD, "name": user.name}
        )
    return users


@pytest.fixture(scope="session")
def stack() -> Iterator[RunningStack]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(name, None)
    # Every test here connects from this one address, like a whole office behind one NAT, and some send bad
    # tokens on purpose: the per-address limits are lifted (their own test: test_local_gateway_limits.py).
    env.update(RATE_LIMIT_CONNECTS="1000/10000", RATE_LIMIT_REFUSED_TOKENS="1000/10000")
    log = (ROOT / "test-results").resolve()
    log.mkdir(exist_ok=True)
    out = (log / "local-stack.log").open("wb")
    began = time.perf_counter()
    process, ready = local_process.start(ROOT, env, out)
    try:
        ports = local_process.wait_ready(process, ready, timeout=60, log_name=out.name)
    except RuntimeError:
        process.kill()
        out.close()
        raise
    base_url = f"http://127.0.0.1:{ports.port}"
    startup = time.perf_counter() - began
    config = httpx.get(f"{base_url}/config.json").json()
    aws_endpoint = f"http://127.0.0.1:{ports.aws_port}"
    try:
        yield RunningStack(base_url, aws_endpoint, config, startup, _users())
        # Every event the session's traffic made the stack write must match docs/events.schema.json.
        checked, problems = check_outbox(aws_endpoint, table_name("events"))
        assert checked and not problems, "events the published schema does not describe:\n" + "\n".join(problems)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        out.close()


@pytest.fixture(autouse=True)
def received_frames() -> Iterator[Frames]:
    """Every WebSocket frame a test receives must match its message in docs/asyncapi.yaml."""
    with watching_frames() as frames:
        yield frames
    assert not frames.violations, "received what docs/asyncapi.yaml does not describe:\n" + "\n".join(frames.violations)


# Module scope, not session: while Playwright's sync API is open, Python treats its event loop as running,
# so the asyncio.run() of the WebSocket tests in other modules would fail; each browser module gets its own.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def new_page(browser: Browser, stack: RunningStack) -> Iterator[Callable[[], Page]]:
    """Opens pages, each in its own browser context (its own session, as another window or person would)."""
    contexts = []
    script_errors: list[str] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not script_errors, f"a page raised: {script_errors}"
