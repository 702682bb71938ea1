"""The local stack as a user runs it: `python -m infra.local` in its own process, measured from outside.

What it measures, in order, on one stack:

1. Start-up: the stack is started as a subprocess (`<python> -m infra.local --port P --aws-port A`, cwd =
   `--repo`, `PYTHONPATH=<repo>/layers:<repo>` so that another checkout, e.g. an older commit in a git
   worktree, is measured with its own code). Time until `/health` answers; the process's RSS (VmRSS) and
   CPU time (utime + stime of /proc/<pid>/stat, which count every thread of the process).
2. Commands on an empty stack: the demo agent `alice` signs in through Cognito on the local AWS endpoint and
   opens two WebSocket connections (tab 1, tab 2) to `/ws?token=<IdToken>`. She is logged in (`login`),
   then `setStatus` Away is sent on tab 1, one at a time, alternating the pause codes `break` and `lunch`
   (so each command is a change). Measured per command: send → its `ack` reply on tab 1, and send → the
   `agent.state` push carrying the new state version on tab 2. 20 commands warm up first (not counted).
3. Idle: all sockets closed, 5 s to settle, then the process's CPU (% of one core) over 30 s.
4. Grown history: written straight into the local AWS with BatchWriteItem from parallel threads —
   20,000 other agents' `state` items in the agents table (logged off: not in the midnight logoff's
   index), 20,000 stale connections in the connections table (other users, role agent or supervisor, so in
   the byUser/byRole indexes; never admin, whose connections every push goes to; expiring tomorrow) and
   20,000 `agent.state.changed` events of other agents in the events table. Each item is a copy of a real
   one the stack wrote during (2), with new ids. The events table's stream feeds the publisher: each old
   event gets its publisher idempotency record first (as it has in a stack that delivered it), so the
   publisher reads the 20,000 stream records but does not forward or push them again. A last, unmarked
   event is the sentinel: once its idempotency record is COMPLETED and the process is back near its idle
   CPU, the stream consumers have caught up (if not within `--catch-up-timeout`, the grown run is skipped:
   its pushes would wait behind the backlog). Then (2) and (3) again, with the ratio to the empty figures.
5. Optionally (`--idle-minutes N`), RSS every 30 s for N minutes with nothing connected, and its slope.

Every wait is bounded (`--timeout` per reply or push; `--run-budget` s of measured commands per run, the
table then says how many were measured); the stack's process group is always terminated. The figures go to
stdout as a table and, with `--json PATH`, as raw numbers (every latency sample) to a JSON file.

    python -m bench local-stack
    python -m bench local-stack --repo /tmp/before --json /tmp/before.json
    python -m bench local-stack --commands 60 --history 2000      # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import copy
import hashlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
AGENT = "alice"
PAUSE_CODES = ("break", "lunch")  # seeded by config_defaults: both Away, enabled
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BATCH = 25  # BatchWriteItem's limit
ULID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


# --- the process --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process: the kernel sums them over all its threads."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) ": field 3 (state) is index 0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def stack_environment(repo: Path) -> dict[str, str]:
    """The user's environment, with the checkout's own packages first on the path (the venv's editable
    install of `agentdesk` points at /work/main; PYTHONPATH wins over it)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": f"{repo / 'layers'}{os.pathsep}{repo}"}
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(name, None)
    # One connection sends commands as fast as the stack answers, far faster than a person: lift its limit
    # (a checkout from before the limits ignores the variable).
    env.setdefault("RATE_LIMIT_COMMANDS", "100000/100000")
    return env


def imported_from(python: str, repo: Path) -> dict[str, str]:
    """Where the stack's process imports its packages from; fails unless they are the checkout's."""
    probe = (
        "import json, agentdesk, infra.local, functions; "
        "print(json.dumps({m.__name__: m.__file__ for m in (agentdesk, infra.local, functions)}))"
    )
    out = subprocess.run(
        [python, "-c", probe], cwd=repo, env=stack_environment(repo), capture_output=True, text=True, timeout=60
    )
    if out.returncode != 0:
        raise RuntimeError(f"cannot import the stack's packages from {repo}: {out.stderr}")
    files: dict[str, str] = json.loads(out.stdout.strip().splitlines()[-1])
    stray = {name: path for name, path in files.items() if not Path(path).resolve().is_relative_to(repo.resolve())}
    if stray:
        raise RuntimeError(f"packages not imported from {repo}: {stray}")
    return files


@dataclass
class Stack:
    process: subprocess.Popen[bytes]
    port: int
    aws_port: int
    log: Path
    ready_seconds: float = 0.0

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def health(self) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(f"{self.base_url}/health", timeout=10).json()
        return answer

    def web_config(self) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(f"{self.base_url}/config.json", timeout=10).json()
        return answer

    def reported_ready_seconds(self) -> float:
        """What the stack prints as its own start-up time ("started in X s"; printed just after /health
        starts answering), or NaN."""
        deadline = time.monotonic() + 5
        while not (found := re.search(r"started in ([0-9.]+) s", self.output())) and time.monotonic() < deadline:
            time.sleep(0.1)
        return float(found.group(1)) if found else float("nan")

    def demo_password(self) -> str:
        """The password the stack prints at start; the current checkout's constant if it printed none."""
        found = re.search(r"\(password (\S+)\)", self.output())
        if found:
            return found.group(1)
        from infra.local.seed import DEMO_PASSWORD

        return DEMO_PASSWORD


def wait_healthy(stack: Stack, began: float, timeout: float) -> float:
    """Seconds from `began` to the first 200 from /health."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError(f"the stack exited with {stack.process.returncode}:\n{stack.output()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{stack.base_url}/health", timeout=1).status_code == 200:
                return time.perf_counter() - began
        time.sleep(0.05)
    raise RuntimeError(f"the stack did not answer /health within {timeout:.0f} s:\n{stack.output()[-3000:]}")


def terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the stack's process group, SIGKILL if it has not ended 15 s later."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def running_stack(python: str, repo: Path, web_dist: Path | None) -> Iterator[Stack]:
    port, aws_port = free_port(), free_port()
    command = [python, "-m", "infra.local", "--port", str(port), "--aws-port", str(aws_port)]
    if web_dist is not None:
        command += ["--web-dist", str(web_dist)]
    with tempfile.NamedTemporaryFile("wb", prefix="local-stack-", suffix=".log", delete=False) as log:
        began = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=repo, env=stack_environment(repo), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            stack = Stack(process, port, aws_port, Path(log.name))
            stack.ready_seconds = wait_healthy(stack, began, timeout=120)
            yield stack
        finally:
            terminate(process)


# --- statistics -----------------------------------------------------------------------------------------------


def p99(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def slope_kb_per_s(samples: list[tuple[float, int]]) -> float:
    if len(samples) < 2:
        return float("nan")
    return statistics.linear_regression([t for t, _ in samples], [kb for _, kb in samples]).slope


# --- signing in and the commands ----------------------------------------------------------------------------


def sign_in(stack: Stack, username: str) -> str:
    config = stack.web_config()
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=stack.aws_endpoint,
        region_name=config["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any key
    )
    result = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=config["cognito"]["clientId"],
        AuthParameters={"USERNAME": username, "PASSWORD": stack.demo_password()},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def subject_of(token: str) -> str:
    """The user id (sub) in the IdToken: the agent id."""
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


class Tab:
    """One WebSocket connection; a reader task timestamps every message as it arrives."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.inbox: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.socket:
                await self.inbox.put((time.perf_counter(), json.loads(raw)))
        except ConnectionClosed:
            pass  # the waiter sees "_closed" below
        finally:
            await self.inbox.put((time.perf_counter(), {"type": "_closed"}))

    async def first(self, wanted: Callable[[dict[str, Any]], bool], timeout: float) -> tuple[float, dict[str, Any]]:
        """The arrival time and body of the first message that is `wanted` (others are dropped)."""
        async with asyncio.timeout(timeout):
            while True:
                at, message = await self.inbox.get()
                if message.get("type") == "_closed":
                    raise RuntimeError("the WebSocket connection closed")
                if wanted(message):
                    return at, message

    async def request(self, action: str, timeout: float, **fields: Any) -> tuple[float, float, dict[str, Any]]:
        """Send an action; (sent, replied, reply). Fails unless the reply is an ack."""
        request_id = f"{action}-{uuid.uuid4().hex[:12]}"
        sent = time.perf_counter()
        await self.socket.send(json.dumps({"action": action, "requestId": request_id, **fields}))
        replied, reply = await self.first(lambda m: m.get("requestId") == request_id, timeout)
        if reply.get("type") != "ack":
            raise RuntimeError(f"{action} {fields} refused: {reply}")
        return sent, replied, reply


@dataclass
class CommandRun:
    """Latencies of one run, in ms; `truncated` if the time budget ended it before `planned` commands."""

    planned: int
    reply_ms: list[float] = field(default_factory=list)
    push_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    truncated: bool = False

    def figures(self) -> dict[str, float]:
        return {
            "commands": len(self.reply_ms),
            "reply_median_ms": median(self.reply_ms),
            "reply_p99_ms": p99(self.reply_ms),
            "push_median_ms": median(self.push_ms),
            "push_p99_ms": p99(self.push_ms),
            "commands_per_s": len(self.reply_ms) / self.seconds if self.seconds else float("nan"),
        }


def reason_code(state: dict[str, Any]) -> str | None:
    return (state.get("reason") or {}).get("code")


async def set_status(tab1: Tab, tab2: Tab, code: str, timeout: float) -> tuple[float, float]:
    """One setStatus Away <code> on tab 1: (ms to its reply on tab 1, ms to the push of its version on tab 2)."""
    sent, replied, reply = await tab1.request("setStatus", timeout, status="Away", reason=code)
    state = reply["state"]
    if state["status"] != "Away" or reason_code(state) != code:
        raise RuntimeError(f"setStatus Away {code} answered {state}")

    def is_push(message: dict[str, Any]) -> bool:
        return message.get("type") == "agent.state" and (message.get("state") or {}).get("version") == state["version"]

    pushed, _ = await tab2.first(is_push, timeout)
    return (replied - sent) * 1000, (pushed - sent) * 1000


async def command_run(
    url: str, count: int, warmup: int, budget: float, timeout: float, while_connected: Callable[[], Any] | None = None
) -> CommandRun:
    """Two tabs of the agent; login if needed, `warmup` + `count` setStatus on tab 1 (at most `budget` s of
    measured commands); `while_connected` is called (in a thread) after them, before the tabs close."""
    import websockets

    def connect() -> Any:
        # no keepalive pings: a slow moment of the stack must show as latency, not as a closed connection
        return websockets.connect(url, ping_interval=None, open_timeout=timeout, close_timeout=5)

    run = CommandRun(planned=count)
    async with connect() as socket1, connect() as socket2:
        tab1, tab2 = Tab(socket1), Tab(socket2)
        state = (await tab1.request("getState", timeout))[2]["state"]
        if state["status"] == "Offline":
            state = (await tab1.request("login", timeout))[2]["state"]
        code = reason_code(state)
        began = time.perf_counter()
        for index in range(warmup + count):
            if index == warmup:
                began = time.perf_counter()
            elif index > warmup and time.perf_counter() - began > budget:
                run.truncated = True
                break
            code = PAUSE_CODES[1] if code == PAUSE_CODES[0] else PAUSE_CODES[0]
            reply_ms, push_ms = await set_status(tab1, tab2, code, timeout)
            if index >= warmup:
                run.reply_ms.append(reply_ms)
                run.push_ms.append(push_ms)
        run.seconds = time.perf_counter() - began
        if while_connected is not None:
            await asyncio.to_thread(while_connected)
        for tab in (tab1, tab2):
            tab.reader.cancel()
    return run


def wait_disconnected(stack: Stack, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while stack.health().get("connections", 0) and time.monotonic() < deadline:
        time.sleep(0.2)


def idle_cpu_percent(stack: Stack, settle: float, seconds: float) -> float:
    """% of one core the process uses with nothing connected, after `settle` s."""
    wait_disconnected(stack)
    time.sleep(settle)
    cpu, wall = cpu_seconds(stack.pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(stack.pid) - cpu) / (time.monotonic() - wall) * 100


# --- grown history ------------------------------------------------------------------------------------------


def dynamodb(stack: Stack) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_endpoint,
        region_name=stack.web_config()["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any key
        config=Config(max_pool_connections=32, retries={"max_attempts": 10}),
    )


def table_names(client: Any) -> dict[str, str]:
    """agents / connections / events / idempotency → the stack's table names (provision names them
    `agentdesk-<key>`; found by the suffix so another naming keeps working)."""
    names = [n for page in client.get_paginator("list_tables").paginate() for n in page["TableNames"]]
    found = {}
    for key in ("agents", "connections", "events", "idempotency", "config"):
        matches = [n for n in names if n == key or n.endswith(f"-{key}")]
        if len(matches) != 1:
            raise RuntimeError(f"no single table for {key!r} in {names}")
        found[key] = matches[0]
    return found


def scan_all(client: Any, table: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [item for page in client.get_paginator("scan").paginate(TableName=table, **kwargs) for item in page["Items"]]


def check_pause_codes(client: Any, tables: dict[str, str]) -> None:
    """Both pause codes the commands alternate must be seeded, enabled and put the agent Away."""
    for code in PAUSE_CODES:
        item = client.get_item(TableName=tables["config"], Key={"pk": {"S": "pauseCode"}, "sk": {"S": code}})
        document = json.loads(item.get("Item", {}).get("document", {}).get("S", "{}"))
        if document.get("status") != "Away" or not document.get("enabled"):
            raise RuntimeError(f"pause code {code!r} is not seeded as an enabled Away code: {document}")


@dataclass
class Templates:
    """Real items the stack wrote for the agent, copied with new ids to grow the tables."""

    agent_id: str
    state: dict[str, Any]
    connection: dict[str, Any]
    event: dict[str, Any]
    idempotency_prefix: str | None  # "<function>.<qualified name>" of the publisher's idempotency records


def capture_templates(client: Any, tables: dict[str, str], agent_id: str) -> Templates:
    """Called while the agent's tabs are open (so that her connections exist)."""
    state = client.get_item(TableName=tables["agents"], Key={"pk": {"S": agent_id}, "sk": {"S": "state"}})["Item"]
    connections = scan_all(
        client, tables["connections"], FilterExpression="userId = :u", ExpressionAttributeValues={":u": {"S": agent_id}}
    )
    events = scan_all(
        client,
        tables["events"],
        FilterExpression="agentId = :a AND #t = :t",
        ExpressionAttributeNames={"#t": "type"},
        ExpressionAttributeValues={":a": {"S": agent_id}, ":t": {"S": "agent.state.changed"}},
    )
    if not connections or not events:
        raise RuntimeError(f"no connection ({len(connections)}) or event ({len(events)}) of {agent_id} to copy")
    event = max(events, key=lambda item: item["occurredAt"]["S"])
    prefix = None
    for item in scan_all(client, tables["idempotency"]):
        key = item["id"]["S"]
        if "publisher" in key and "#" in key:
            prefix = key.rsplit("#", 1)[0]
            break
    return Templates(agent_id, state, connections[0], event, prefix)


def replaced(value: Any, old: str, new: str) -> Any:
    """A copy of a JSON value with every string equal to `old` replaced by `new`."""
    if isinstance(value, dict):
        return {k: replaced(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [replaced(v, old, new) for v in value]
    return new if value == old else value


def event_id(template: str) -> str:
    prefix = template.split("_", 1)[0] + "_" if "_" in template else ""
    return prefix + "".join(random.choices(ULID_ALPHABET, k=26))


def state_items(templates: Templates, count: int) -> list[dict[str, Any]]:
    """Other agents' state items; logged off (no `loggedInSite`: not in the midnight logoff's index)."""
    document = json.loads(templates.state["document"]["S"])
    items = []
    for _ in range(count):
        agent = str(uuid.uuid4())
        item = {k: v for k, v in templates.state.items() if k != "loggedInSite"}
        item["pk"] = {"S": agent}
        item["document"] = {"S": json.dumps(replaced(document, templates.agent_id, agent))}
        items.append(item)
    return items


def connection_items(templates: Templates, count: int) -> list[dict[str, Any]]:
    """Stale connections of other users: role agent (one in ten supervisor) — never admin, whose
    connections every agent.state push goes to — expiring in a day."""
    expires = int(time.time()) + 86400
    items = []
    for index in range(count):
        item = copy.deepcopy(templates.connection)
        item["connectionId"] = {"S": base64.urlsafe_b64encode(random.randbytes(12)).decode()}
        item["userId"] = {"S": str(uuid.uuid4())}
        item["username"] = {"S": f"bench{index:05d}"}
        item["name"] = {"S": f"Bench User {index}"}
        item["role"] = {"S": "supervisor" if index % 10 == 0 else "agent"}
        item["expiresAt"] = {"N": str(expires)}
        items.append(item)
    return items


def event_items(templates: Templates, count: int) -> list[dict[str, Any]]:
    """agent.state.changed events of other agents, expiring in a week."""
    document = json.loads(templates.event["document"]["S"])
    old_id = templates.event["eventId"]["S"]
    expires = int(time.time()) + 7 * 86400
    items = []
    for _ in range(count):
        agent, new_id = str(uuid.uuid4()), event_id(old_id)
        item = copy.deepcopy(templates.event)
        item["eventId"] = {"S": new_id}
        item["agentId"] = {"S": agent}
        item["expiresAt"] = {"N": str(expires)}
        item["document"] = {"S": json.dumps(replaced(replaced(document, templates.agent_id, agent), old_id, new_id))}
        items.append(item)
    return items


def idempotency_key(prefix: str, eventid: str) -> str:
    """Powertools' key: `<prefix>#md5(json of the eventId)` (event_key_jmespath="eventId")."""
    return f"{prefix}#{hashlib.md5(json.dumps(eventid).encode()).hexdigest()}"  # noqa: S324 - Powertools' hash


def delivered_items(prefix: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The publisher's COMPLETED idempotency record of each event, as if it had delivered them."""
    now = int(time.time())
    items = []
    for event in events:
        eventid = event["eventId"]["S"]
        result = {"eventId": eventid, "gone": 0, "pushed": 0, "sequence": "0"}
        items.append(
            {
                "id": {"S": idempotency_key(prefix, eventid)},
                "expiration": {"N": str(now + 26 * 3600)},
                "in_progress_expiration": {"N": str(now * 1000)},
                "status": {"S": "COMPLETED"},
                "data": {"S": json.dumps(result)},
            }
        )
    return items


def batch_write(client: Any, table: str, items: list[dict[str, Any]], threads: int) -> None:
    def write(chunk: list[dict[str, Any]]) -> None:
        requests = {table: [{"PutRequest": {"Item": item}} for item in chunk]}
        for attempt in range(30):
            requests = client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
            if not requests:
                return
            time.sleep(0.05 * (attempt + 1))
        raise RuntimeError(f"{table}: items left unprocessed after 30 attempts")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, [items[i : i + BATCH] for i in range(0, len(items), BATCH)]))


def wait_delivered(client: Any, tables: dict[str, str], key: str, timeout: float) -> bool:
    """Until the publisher's idempotency record `key` is COMPLETED (the stream is read in order)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = client.get_item(TableName=tables["idempotency"], Key={"id": {"S": key}}, ConsistentRead=True)
        if item.get("Item", {}).get("status", {}).get("S") == "COMPLETED":
            return True
        time.sleep(0.5)
    return False


def sentinel_item(templates: Templates) -> dict[str, Any]:
    """A copy of the agent's own last event with a new id, not marked delivered: the publisher delivers it
    (to nobody: her tabs are closed), so its idempotency record shows when the stream has been read."""
    old_id = templates.event["eventId"]["S"]
    new_id = event_id(old_id)
    item = copy.deepcopy(templates.event)
    item["eventId"] = {"S": new_id}
    item["document"] = {"S": json.dumps(replaced(json.loads(item["document"]["S"]), old_id, new_id))}
    return item


def wait_quiet(stack: Stack, quiet_pct: float, timeout: float, window: float = 2.0) -> bool:
    """Until the process uses less than `quiet_pct` % of a core over a `window`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cpu = cpu_seconds(stack.pid)
        time.sleep(window)
        if (cpu_seconds(stack.pid) - cpu) / window * 100 < quiet_pct:
            return True
    return False


def wait_publisher(
    stack: Stack, client: Any, tables: dict[str, str], templates: Templates, quiet_pct: float, timeout: float
) -> bool:
    """Until the stream consumers have read the events written: the sentinel's idempotency record (the
    publisher reads the stream in order), then the process back to its idle CPU (the other consumer of the
    stream, site-schedules). A checkout whose publisher keeps no such records: the idle CPU only."""
    deadline = time.monotonic() + timeout
    sentinel = sentinel_item(templates)
    client.put_item(TableName=tables["events"], Item=sentinel)
    if templates.idempotency_prefix:
        key = idempotency_key(templates.idempotency_prefix, sentinel["eventId"]["S"])
        if not wait_delivered(client, tables, key, timeout):
            return False
    return wait_quiet(stack, quiet_pct, max(5.0, deadline - time.monotonic()))


def grow_history(stack: Stack, templates: Templates, args: argparse.Namespace, quiet_pct: float) -> dict[str, Any]:
    """Writes `--history` items into the agents and connections tables and `--events` into the events
    table (their idempotency records first), then waits for the stream consumers; seconds per step."""
    client = dynamodb(stack)
    tables = table_names(client)
    events = event_items(templates, args.events)
    steps = [
        ("idempotency", delivered_items(templates.idempotency_prefix, events) if templates.idempotency_prefix else []),
        ("agents", state_items(templates, args.history)),
        ("connections", connection_items(templates, args.history)),
        ("events", events),
    ]
    out: dict[str, Any] = {}
    for table, items in steps:
        began = time.perf_counter()
        batch_write(client, tables[table], items, args.threads)
        out[f"load_{table}_s"] = time.perf_counter() - began
        print(f"    wrote {len(items)} items to {tables[table]} in {out[f'load_{table}_s']:.1f} s", flush=True)
    began = time.perf_counter()
    out["caught_up"] = wait_publisher(stack, client, tables, templates, quiet_pct, args.catch_up_timeout)
    out["publisher_catch_up_s"] = time.perf_counter() - began
    print(f"    stream consumers caught up: {out['caught_up']} after {out['publisher_catch_up_s']:.1f} s", flush=True)
    return out


# --- the report ---------------------------------------------------------------------------------------------


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def ratio(grown: float, empty: float) -> str:
    return f"x{grown / empty:.2f}" if empty else "n/a"


def run_rows(label: str, run: dict[str, Any], planned: int, base: dict[str, Any] | None) -> list[tuple[str, str]]:
    done = f"{run['commands']}/{planned}" + (" (time budget reached)" if run["commands"] < planned else "")
    rows = [(f"{label}: commands measured", done), (f"{label}: commands/s", f"{run['commands_per_s']:.1f}")]
    for key, title in (
        ("reply_median_ms", "reply on tab 1, median"),
        ("reply_p99_ms", "reply on tab 1, p99"),
        ("push_median_ms", "push on tab 2, median"),
        ("push_p99_ms", "push on tab 2, p99"),
    ):
        value = ms(run[key]) + (f"  ({ratio(run[key], base[key])} empty)" if base else "")
        rows.append((f"{label}: {title}", value))
    return rows


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"\n  {'figure'.ljust(width)}  value")
    print(f"  {'-' * width}  {'-' * 30}")
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


def report(result: dict[str, Any], args: argparse.Namespace) -> None:
    empty, grown = result["empty"], result.get("grown")
    rows = [
        ("repository", str(result["repo"])),
        ("agentdesk imported from", result["imported_from"]["agentdesk"]),
        ("load average at start (1/5/15 min)", result["load_start"]),
        ("load average at end", result["load_end"]),
        ("start to first /health answer", f"{result['ready_s']:.2f} s"),
        ("start-up as the stack prints it", f"{result['reported_ready_s']:.1f} s"),
        ("CPU time to ready", f"{result['cpu_ready_s']:.2f} s"),
        ("RSS after start", mb(result["rss_start_kb"])),
        *run_rows("empty", empty, args.commands, None),
        ("RSS after the empty run", mb(result["rss_after_empty_kb"])),
        (
            f"idle CPU, empty ({args.idle_seconds:.0f} s, nothing connected)",
            f"{result['idle_cpu_empty_pct']:.1f} % of a core",
        ),
    ]
    history = result.get("history")
    if history is not None:
        written = sum(v for k, v in history.items() if k.startswith("load_") and k != "load_total_s")
        rows += [
            (
                f"history written ({args.history} agents, {args.history} connections, {args.events} events)",
                f"{written:.1f} s",
            ),
            ("stream consumers through the old events", f"{history['publisher_catch_up_s']:.1f} s"),
            ("RSS after writing the history", mb(result["rss_after_load_kb"])),
        ]
    if grown is not None:
        rows += [
            *run_rows("grown", grown, args.commands, empty),
            ("RSS after the grown run", mb(result["rss_after_grown_kb"])),
            ("idle CPU, grown", f"{result['idle_cpu_grown_pct']:.1f} % of a core"),
        ]
    if result.get("grown_error"):
        rows.append(("grown phase NOT measured", result["grown_error"]))
    collections = result.get("gc")
    if collections:
        rows += [
            ("garbage collections by generation (whole run)", " / ".join(map(str, collections["collections"]))),
            ("longest pause by generation", " / ".join(f"{ms:.1f} ms" for ms in collections["longestPauseMs"])),
            ("objects frozen at start-up", f"{collections['frozenObjects']:,}"),
        ]
    if result.get("idle_rss_samples"):
        samples = ", ".join(mb(kb) for _, kb in result["idle_rss_samples"])
        rows += [("idle RSS samples (every 30 s)", samples), ("idle RSS slope", f"{result['idle_rss_slope']:.2f} KB/s")]
    rows.append(("total bench time", f"{result['total_s']:.0f} s"))
    print_table(rows)


# --- the run ------------------------------------------------------------------------------------------------


@dataclass
class Session:
    """The running stack, as the bench reaches it."""

    stack: Stack
    client: Any
    tables: dict[str, str]
    agent_id: str = ""

    def url(self) -> str:
        token = sign_in(self.stack, AGENT)  # a fresh IdToken per run
        self.agent_id = subject_of(token)
        return f"{self.stack.web_config()['wsUrl']}?token={token}"


def command_figures(
    session: Session, args: argparse.Namespace, label: str, hook: Callable[[], Any] | None
) -> dict[str, Any]:
    done = asyncio.run(
        command_run(session.url(), args.commands, args.warmup, args.run_budget, args.timeout, while_connected=hook)
    )
    print(f"  {label} run: " + ", ".join(f"{k} {v:.1f}" for k, v in done.figures().items()), flush=True)
    return done.figures() | {"reply_samples_ms": done.reply_ms, "push_samples_ms": done.push_ms}


def measure_empty(session: Session, args: argparse.Namespace, result: dict[str, Any]) -> Templates:
    """Steps 2 and 3 on the fresh stack; returns the items copied to grow the tables."""
    captured: list[Templates] = []

    def capture() -> None:
        captured.append(capture_templates(session.client, session.tables, session.agent_id))

    result["empty"] = command_figures(session, args, "empty", capture)
    result["rss_after_empty_kb"] = rss_kb(session.stack.pid)
    result["idle_cpu_empty_pct"] = idle_cpu_percent(session.stack, args.settle, args.idle_seconds)
    print(f"  idle CPU {result['idle_cpu_empty_pct']:.1f} %", flush=True)
    return captured[0]


def measure_grown(session: Session, templates: Templates, args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Step 4: the tables grown, then steps 2 and 3 again."""
    began = time.perf_counter()
    quiet_pct = result["idle_cpu_empty_pct"] + 15
    result["history"] = grow_history(session.stack, templates, args, quiet_pct)
    result["history"]["load_total_s"] = time.perf_counter() - began
    result["rss_after_load_kb"] = rss_kb(session.stack.pid)
    if not result["history"]["caught_up"]:
        # pushes would queue behind the unread events: the figures would measure the backlog
        result["grown_error"] = f"the stream consumers did not catch up within {args.catch_up_timeout:.0f} s"
        print(f"  grown run skipped: {result['grown_error']}", flush=True)
        return
    result["grown"] = command_figures(session, args, "grown", None)
    result["rss_after_grown_kb"] = rss_kb(session.stack.pid)
    result["idle_cpu_grown_pct"] = idle_cpu_percent(session.stack, args.settle, args.idle_seconds)
    print(f"  idle CPU {result['idle_cpu_grown_pct']:.1f} %", flush=True)
    result["gc"] = session.stack.health().get("gc")  # absent on a stack that does not report it


def measure(args: argparse.Namespace) -> dict[str, Any]:
    repo = args.repo.resolve()
    began = time.perf_counter()
    result: dict[str, Any] = {"repo": str(repo), "python": args.python, "load_start": load_average()}
    result["imported_from"] = imported_from(args.python, repo)
    print(f"load average at start: {result['load_start']}; stack code: {result['imported_from']}", flush=True)
    with running_stack(args.python, repo, args.web_dist) as stack:
        result["ready_s"] = stack.ready_seconds
        result["reported_ready_s"] = stack.reported_ready_seconds()
        result["cpu_ready_s"] = cpu_seconds(stack.pid)
        result["rss_start_kb"] = rss_kb(stack.pid)
        print(f"  ready in {stack.ready_seconds:.1f} s (pid {stack.pid}, log {stack.log})", flush=True)
        client = dynamodb(stack)
        session = Session(stack, client, table_names(client))
        check_pause_codes(client, session.tables)
        templates = measure_empty(session, args, result)
        if args.history > 0 or args.events > 0:
            try:
                measure_grown(session, templates, args, result)
            except Exception as exc:  # keep the figures measured so far
                result["grown_error"] = repr(exc)
                print(f"  grown phase failed: {exc!r}", flush=True)
        if args.idle_minutes > 0:
            samples = idle_rss(stack, args.idle_minutes)
            result["idle_rss_samples"] = samples
            result["idle_rss_slope"] = slope_kb_per_s(samples)
    result["load_end"] = load_average()
    result["total_s"] = time.perf_counter() - began
    return result


def idle_rss(stack: Stack, minutes: float) -> list[tuple[float, int]]:
    wait_disconnected(stack)
    began = time.monotonic()
    samples = [(0.0, rss_kb(stack.pid))]
    while time.monotonic() - began < minutes * 60:
        time.sleep(30)
        samples.append((time.monotonic() - began, rss_kb(stack.pid)))
        print(f"  idle RSS at {samples[-1][0]:.0f} s: {mb(samples[-1][1])}", flush=True)
    return samples


def parser() -> argparse.ArgumentParser:
    out = argparse.ArgumentParser(prog="python -m bench local-stack", description=__doc__.split("\n\n")[0])
    out.add_argument("--repo", type=Path, default=ROOT, help="checkout to run the stack from (default: this one)")
    out.add_argument("--python", default=sys.executable, help="interpreter for the stack (default: this one)")
    out.add_argument("--web-dist", type=Path, default=None, help="passed on to infra.local (optional)")
    out.add_argument("--commands", type=int, default=300, help="measured setStatus commands per run")
    out.add_argument("--warmup", type=int, default=20, help="setStatus commands before each run, not counted")
    out.add_argument("--run-budget", type=float, default=120, help="at most this many s of measured commands")
    out.add_argument("--timeout", type=float, default=30, help="s to wait for each reply or push")
    out.add_argument("--history", type=int, default=20_000, help="agents' states and connections written")
    out.add_argument("--events", type=int, default=None, help="events written (default: as --history)")
    out.add_argument("--threads", type=int, default=8, help="parallel BatchWriteItem threads")
    out.add_argument("--catch-up-timeout", type=float, default=480, help="s to wait for the publisher to catch up")
    out.add_argument("--settle", type=float, default=5, help="s after the sockets close before idle CPU")
    out.add_argument("--idle-seconds", type=float, default=30, help="s of idle CPU measurement")
    out.add_argument("--idle-minutes", type=float, default=0, help="sample idle RSS every 30 s for N minutes")
    out.add_argument("--json", type=Path, default=None, help="write the raw numbers here")
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parser().parse_args(argv)
    # a SIGTERM to the bench unwinds it like Ctrl+C, so the stack's process group is terminated too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.events is None:
        args.events = args.history
    result = measure(args)
    report(result, args)
    if args.json is not None:
        args.json.write_text(json.dumps(result | {"args": {k: str(v) for k, v in vars(args).items()}}, indent=1))
        print(f"\nraw numbers: {args.json}")
    return result


if __name__ == "__main__":
    main()
