"""Agent-state commands on the local stack: throughput and latency through the real ws-commands handler,
the AWS calls each command makes, and the time from a command on one WebSocket connection to the
`agent.state` push on another connection of the same agent.

Everything runs in this process on an in-process local stack (moto server, the gateway, the pollers), as
`make dev` runs it. Each figure is measured over several runs; the table shows the median of the runs.

    python -m bench                      # the defaults below
    python -m bench --runs 5 --commands 500 --e2e-commands 200
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import json
import os
import platform
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.client

from infra.local import pollers
from infra.local.events import websocket_context, ws_message_event
from infra.local.seed import DEMO_PASSWORD, DemoUser
from infra.local.stack import LocalStack, in_process

PAUSE_CODES = ("break", "lunch")  # setStatus alternates between the two, so every command is a change
AGENTS = ("alice", "bob", "carol", "dave", "erin")
E2E_AGENT = "alice"

# --- the local stack --------------------------------------------------------------------------------------


def authorizer(user: DemoUser) -> dict[str, str]:
    """The context the $connect authorizer attaches to the user's connections."""
    return {
        "userId": user.user_id,
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "principalId": user.user_id,
    }


class Commands:
    """Sends frames to ws-commands through the local Lambda runtime, as the gateway does for a message."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.users = {u.username: u for u in stack.users}
        self._number = 0
        self._reasons: dict[str, str | None] = {}  # agent id -> the pause code of the last state seen

    def other_code(self, agent_id: str) -> str:
        """The pause code the agent is not on now, so that setting it is always a change."""
        return PAUSE_CODES[1] if self._reasons.get(agent_id) == PAUSE_CODES[0] else PAUSE_CODES[0]

    def send(self, username: str, action: str, **fields: Any) -> dict[str, Any]:
        self._number += 1
        user = self.users[username]
        context = websocket_context(
            route_key=action,
            event_type="MESSAGE",
            connection_id=f"bench-{username}",
            connected_at=int(time.time() * 1000),
            domain="127.0.0.1",
            source_ip="127.0.0.1",
            user_agent="bench",
            authorizer=authorizer(user),
            message_id=f"m{self._number}",
        )
        body = json.dumps({"action": action, "requestId": f"r{self._number}", **fields})
        result = self.stack.runtime.invoke("ws-commands", ws_message_event(context=context, body=body))
        reply: dict[str, Any] = json.loads(result["body"])
        if reply.get("type") != "ack":
            raise RuntimeError(f"{username} {action} {fields}: {reply}")
        if "state" in reply:
            self._reasons[reply["state"]["agentId"]] = (reply["state"]["reason"] or {}).get("code")
        return reply

    def pause(self, username: str) -> dict[str, Any]:
        """setStatus Away with the other of the two pause codes."""
        code = self.other_code(self.users[username].user_id)
        return self.send(username, "setStatus", status="Away", reason=code)

    def ensure_logged_in(self, username: str) -> None:
        state = self.send(username, "getState")["state"]
        if state["status"] == "Offline":
            self.send(username, "login")


# --- counting AWS calls -----------------------------------------------------------------------------------


class CallCounter:
    """Counts botocore API calls by (service, operation), per thread group: the thread running the
    command ("command") and the pollers feeding stream consumers ("poll-<function>")."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.seconds: dict[str, list[float]] = defaultdict(list)  # per operation, command thread only
        self._lock = threading.Lock()
        self._original: Callable[..., Any] | None = None

    def install(self) -> None:
        original = botocore.client.BaseClient._make_api_call
        counter = self

        def counted(client: Any, operation: str, params: Any) -> Any:
            name = threading.current_thread().name
            group = name if name.startswith("poll-") else "command" if name == "MainThread" else "other"
            key = f"{client.meta.service_model.service_name}:{operation}"
            start = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                with counter._lock:
                    counter.counts[group][key] += 1
                    if group == "command":
                        counter.seconds[key].append(time.perf_counter() - start)

        self._original = original
        botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            botocore.client.BaseClient._make_api_call = self._original  # type: ignore[method-assign]

    def take(self, group: str) -> Counter[str]:
        with self._lock:
            return self.counts.pop(group, Counter())

    def take_seconds(self) -> dict[str, list[float]]:
        with self._lock:
            taken, self.seconds = dict(self.seconds), defaultdict(list)
            return taken


# --- statistics -------------------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Figures:
    median_ms: float
    p99_ms: float
    per_second: float


def figures(latencies: list[float], elapsed: float) -> Figures:
    return Figures(statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000, len(latencies) / elapsed)


def median_of(runs: list[Figures]) -> Figures:
    return Figures(
        statistics.median(r.median_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        statistics.median(r.per_second for r in runs),
    )


# --- (a) commands per second --------------------------------------------------------------------------------


def throughput_run(commands: Commands, count: int) -> Figures:
    """`count` setStatus commands, one at a time, round-robin over the agents, each agent alternating
    between two pause codes."""
    latencies = []
    began = time.perf_counter()
    for index in range(count):
        agent = AGENTS[index % len(AGENTS)]
        start = time.perf_counter()
        commands.pause(agent)
        latencies.append(time.perf_counter() - start)
    return figures(latencies, time.perf_counter() - began)


# --- (b) AWS calls per command ------------------------------------------------------------------------------


def calls_per_command(commands: Commands, counter: CallCounter, repeat: int = 10) -> dict[str, Counter[str]]:
    """The AWS calls one command makes, averaged over `repeat` commands of each kind (all are changes)."""
    supervisor = next(u.username for u in commands.stack.users if u.role == "supervisor")
    scope = commands.send(supervisor, "listAgentStates")["agents"]
    agent = next(row["agentId"] for row in scope)
    agent_name = next(u.username for u in commands.stack.users if u.user_id == agent)
    kinds: dict[str, Callable[[int], Any]] = {
        "setStatus": lambda i: commands.pause(agent_name),
        "forceStatus": lambda i: commands.send(
            supervisor, "forceStatus", agentId=agent, status="Away", reason=commands.other_code(agent)
        ),
        "getState": lambda i: commands.send(agent_name, "getState"),
        "logoff + login": lambda i: (commands.send(agent_name, "logoff"), commands.send(agent_name, "login")),
    }
    per_kind = {}
    for kind, run in kinds.items():
        counter.take("command")
        for index in range(repeat):
            run(index)
        total = counter.take("command")
        per_kind[kind] = Counter({op: round(n / repeat, 2) for op, n in total.items()})
    return per_kind


# --- (c) command to push, end to end ------------------------------------------------------------------------


def id_token(stack: LocalStack, username: str) -> str:
    assert stack.provisioned is not None
    cognito = boto3.client("cognito-idp", endpoint_url=stack.aws_endpoint, region_name=stack.options.region)
    result = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=stack.provisioned.user_pool_client_id,
        AuthParameters={"USERNAME": username, "PASSWORD": DEMO_PASSWORD},
    )
    return str(result["AuthenticationResult"]["IdToken"])


@dataclass
class EndToEnd:
    reply: Figures  # command sent on tab 1 → its reply on tab 1
    push: Figures  # command sent on tab 1 → the agent.state push of that version on tab 2


async def end_to_end_run(stack: LocalStack, token: str, count: int) -> EndToEnd:
    import websockets

    url = f"ws://{stack.options.host}:{stack.options.port}/ws?token={token}"
    # no keepalive pings: a slow moment of the machine must show as latency, not as a closed connection
    async with websockets.connect(url, ping_interval=None) as tab1, websockets.connect(url, ping_interval=None) as tab2:
        inbox: dict[str, asyncio.Queue[tuple[float, dict[str, Any]]]] = {
            "tab1": asyncio.Queue(),
            "tab2": asyncio.Queue(),
        }

        async def read(name: str, socket: Any) -> None:
            async for raw in socket:
                await inbox[name].put((time.perf_counter(), json.loads(raw)))

        readers = [asyncio.create_task(read("tab1", tab1)), asyncio.create_task(read("tab2", tab2))]

        async def next_message(name: str) -> tuple[float, dict[str, Any]]:
            try:
                return await asyncio.wait_for(inbox[name].get(), timeout=120)
            except TimeoutError:
                faulthandler.dump_traceback(all_threads=True)  # where the stack is stuck
                raise

        async def first(name: str, wanted: Callable[[dict[str, Any]], bool]) -> float:
            while True:
                at, message = await next_message(name)
                if wanted(message):
                    return at

        async def request(action: str, **fields: Any) -> tuple[float, float, dict[str, Any]]:
            request_id = f"{action}-{time.perf_counter_ns()}"
            sent = time.perf_counter()
            await tab1.send(json.dumps({"action": action, "requestId": request_id, **fields}))
            while True:
                at, message = await next_message("tab1")
                if message.get("requestId") == request_id:
                    return sent, at, message

        _, _, reply = await request("getState")
        if reply["state"]["status"] == "Offline":
            _, _, reply = await request("login")
        current = (reply["state"]["reason"] or {}).get("code")
        replies, pushes = [], []
        began = time.perf_counter()
        for _ in range(count):
            current = PAUSE_CODES[1] if current == PAUSE_CODES[0] else PAUSE_CODES[0]
            sent, replied, reply = await request("setStatus", status="Away", reason=current)
            if reply.get("type") != "ack":
                raise RuntimeError(f"setStatus refused: {reply}")
            version = reply["state"]["version"]
            pushed = await first(
                "tab2",
                lambda m, v=version: m.get("type") == "agent.state" and (m.get("state") or {}).get("version") == v,
            )
            replies.append(replied - sent)
            pushes.append(pushed - sent)
        elapsed = time.perf_counter() - began
        for reader in readers:
            reader.cancel()
    return EndToEnd(figures(replies, elapsed), figures(pushes, elapsed))


# --- (d) what moto's TransactWriteItems costs -------------------------------------------------------------


def moto_scaling(
    tuned: bool, sizes: tuple[int, ...] = (100, 1000, 4000, 20000), repeat: int = 20
) -> list[tuple[int, float, float, float]]:
    """TransactWriteItems, PutItem and a Query of one partition against moto in process, by the number of
    items in the table; `tuned` with the local AWS's tuning (infra/local/moto_tuning.py), else moto as
    shipped, which copies every table a transaction touches and sorts the whole table for every Query."""
    from moto import mock_aws

    from infra.local import moto_tuning

    if tuned:
        moto_tuning.install()
    else:
        moto_tuning.uninstall()
    rows = []
    try:
        with mock_aws():
            dynamodb = boto3.client("dynamodb", region_name="us-east-1")
            dynamodb.create_table(
                TableName="outbox",
                KeySchema=[
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
            )
            document = {"S": "x" * 1500}  # about the size of an agent.state.changed event
            written = 0

            def item(pk: str, sk: str) -> dict[str, Any]:
                return {"pk": {"S": pk}, "sk": {"S": sk}, "document": document}

            for size in sizes:
                while written < size:
                    batch = [
                        {"PutRequest": {"Item": item(f"fill-{written + i}", "e")}}
                        for i in range(min(25, size - written))
                    ]
                    dynamodb.batch_write_item(RequestItems={"outbox": batch})
                    written += len(batch)
                transact, put, query = [], [], []
                for index in range(repeat):
                    start = time.perf_counter()
                    dynamodb.transact_write_items(
                        TransactItems=[{"Put": {"TableName": "outbox", "Item": item("agent", f"t{size}-{index}")}}]
                    )
                    transact.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    dynamodb.put_item(TableName="outbox", Item=item("agent", f"p{size}-{index}"))
                    put.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    dynamodb.query(
                        TableName="outbox",
                        KeyConditionExpression="pk = :pk",
                        ExpressionAttributeValues={":pk": {"S": f"fill-{index}"}},
                    )
                    query.append(time.perf_counter() - start)
                    written += 2
                rows.append((size, *(statistics.median(samples) * 1000 for samples in (transact, put, query))))
    finally:
        moto_tuning.install()
    return rows


# --- the report ---------------------------------------------------------------------------------------------


def outbox_size(stack: LocalStack) -> int:
    """Items in the events table (moto copies the whole table on every transaction that writes to it)."""
    assert stack.provisioned is not None
    table = stack.client("dynamodb").describe_table(TableName=stack.provisioned.table_names["events"])
    return int(table["Table"]["ItemCount"])


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:  # noqa: PTH123 - Linux only, optional
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    load = "n/a"
    if hasattr(os, "getloadavg"):
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs {model or platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average (1/5/15 min): {load}"
    )


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    print("  " + "  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  " + "  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def idle_cpu(seconds: float = 5.0) -> float:
    """Share of one core this process uses while nothing is asked of the stack."""
    wall, cpu = time.perf_counter(), time.process_time()
    time.sleep(seconds)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def where_time_goes(waits: dict[str, list[float]]) -> list[tuple[Any, ...]]:
    return [
        (op, len(times), f"{statistics.median(times) * 1000:.1f} ms", f"{percentile(times, 0.99) * 1000:.1f} ms")
        for op, times in sorted(waits.items())
    ]


@dataclass
class Run:
    """One run on a fresh local stack."""

    stack_seconds: float
    running: Figures  # (a) with the pollers delivering to the publisher meanwhile
    outbox: tuple[int, int]
    waits: dict[str, list[float]]
    per_kind: dict[str, Counter[str]]
    published: Counter[str]
    end_to_end: EndToEnd


def measure_run(args: argparse.Namespace) -> Run:
    counter = CallCounter()
    with in_process() as stack:
        commands = Commands(stack)
        for agent in AGENTS:
            commands.ensure_logged_in(agent)
        throughput_run(commands, 50)  # warm-up: imports, clients, moto's first requests
        stack.pollers.wait_idle(timeout=60)
        counter.install()
        try:
            before = outbox_size(stack)
            counter.take_seconds()
            running = throughput_run(commands, args.commands)
            waits = counter.take_seconds()
            outbox = (before, outbox_size(stack))
            stack.pollers.wait_idle(timeout=120)
            per_kind = calls_per_command(commands, counter)
            stack.pollers.wait_idle(timeout=60)
            counter.take("poll-publisher")
            token = id_token(stack, E2E_AGENT)
            end_to_end = asyncio.run(end_to_end_run(stack, token, args.e2e_commands))
            stack.pollers.wait_idle(timeout=60)
            published = counter.take("poll-publisher")
        finally:
            counter.uninstall()
        return Run(stack.timings["ready"], running, outbox, waits, per_kind, published, end_to_end)


@dataclass
class Alone:
    """The handler without the pollers, on a fresh stack, and what the pollers cost when idle."""

    figures: Figures
    waits: dict[str, list[float]]
    idle_cpu_polling: float
    idle_cpu_stopped: float


def measure_alone(args: argparse.Namespace) -> Alone:
    counter = CallCounter()
    with in_process() as stack:
        idle_polling = idle_cpu()
        stack.pollers.stop()
        idle_stopped = idle_cpu()
        commands = Commands(stack)
        for agent in AGENTS:
            commands.ensure_logged_in(agent)
        throughput_run(commands, 50)
        counter.install()
        try:
            counter.take_seconds()
            alone = throughput_run(commands, args.commands)
            waits = counter.take_seconds()
        finally:
            counter.uninstall()
    return Alone(alone, waits, idle_polling, idle_stopped)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs, each on a fresh local stack (medians shown)")
    parser.add_argument("--commands", type=int, default=500, help="setStatus commands per throughput run")
    parser.add_argument("--e2e-commands", type=int, default=200, help="commands per end-to-end run")
    args = parser.parse_args(argv)
    # One connection per agent sends commands as fast as the stack answers, far faster than a person: lift its
    # limit (each stack below starts from this environment).
    os.environ.setdefault("RATE_LIMIT_COMMANDS", "100000/100000")

    print(f"machine: {machine()}")
    idle_sleep = getattr(pollers, "IDLE_SLEEP_SECONDS", None)  # gone once the readers wake on writes
    if idle_sleep is not None:
        print(f"stream poll interval of the local event source mappings when idle: {idle_sleep * 1000:.0f} ms")
    else:
        print("stream readers of the local event source mappings wake on writes (no idle poll interval)")
    began = time.perf_counter()
    runs = []
    for number in range(1, args.runs + 1):
        runs.append(measure_run(args))
        print(f"  run {number}/{args.runs} done ({time.perf_counter() - began:.0f} s)", flush=True)
    alone = measure_alone(args)

    a = median_of([r.running for r in runs])
    print_table(
        f"(a) setStatus through the ws-commands handler, one at a time, {len(AGENTS)} agents, "
        f"{args.commands} commands per run, a fresh stack per run (median of {args.runs} runs)",
        ("", "median latency", "p99 latency", "commands/s", "commands/s per run", "outbox items"),
        [
            (
                "stack running (pollers on)",
                f"{a.median_ms:.1f} ms",
                f"{a.p99_ms:.1f} ms",
                f"{a.per_second:.1f}",
                ", ".join(f"{r.running.per_second:.1f}" for r in runs),
                f"{runs[0].outbox[0]} -> {runs[0].outbox[1]}",
            ),
            (
                "handler alone (pollers off, 1 run)",
                f"{alone.figures.median_ms:.1f} ms",
                f"{alone.figures.p99_ms:.1f} ms",
                f"{alone.figures.per_second:.1f}",
                f"{alone.figures.per_second:.1f}",
                "",
            ),
        ],
    )
    print_table(
        "    where a command's time goes: the wait for each AWS call (stack running, run 1)",
        ("operation", "calls", "median", "p99"),
        where_time_goes(runs[0].waits),
    )
    print_table(
        "    the same with the pollers off",
        ("operation", "calls", "median", "p99"),
        where_time_goes(alone.waits),
    )
    print(
        f"    CPU of the idle local stack: {alone.idle_cpu_polling:.0%} of a core with the pollers on, "
        f"{alone.idle_cpu_stopped:.0%} with them off"
    )

    rows = []
    for kind, calls in runs[0].per_kind.items():
        writes = sum(n for op, n in calls.items() if op.endswith(("TransactWriteItems", "PutItem", "UpdateItem")))
        rows.append(
            (
                kind,
                f"{sum(calls.values()):g}",
                f"{writes:g}",
                ", ".join(f"{op} {n:g}" for op, n in sorted(calls.items())),
            )
        )
    print_table(
        "(b) AWS calls per command (average of 10 of each)", ("command", "calls", "writes", "by operation"), rows
    )
    published = runs[0].published
    polling = {op: n for op, n in published.items() if op.startswith("dynamodbstreams:")}
    work = {op: round(n / args.e2e_commands, 2) for op, n in published.items() if op not in polling}
    print_table(
        f"    the publisher, per event during (c) ({args.e2e_commands} events, 2 connections of the agent)",
        ("calls/event", "by operation", "stream polling (whole run)"),
        [
            (
                f"{sum(work.values()):g}",
                ", ".join(f"{op} {n:g}" for op, n in sorted(work.items())),
                ", ".join(f"{op} {n}" for op, n in sorted(polling.items())),
            )
        ],
    )
    reply = median_of([r.end_to_end.reply for r in runs])
    push = median_of([r.end_to_end.push for r in runs])
    print_table(
        f"(c) over the WebSocket gateway, {args.e2e_commands} setStatus per run (median of {args.runs} runs)",
        ("measured from sending setStatus on tab 1 to", "median", "p99"),
        [
            ("its reply on tab 1", f"{reply.median_ms:.1f} ms", f"{reply.p99_ms:.1f} ms"),
            ("the agent.state push on tab 2", f"{push.median_ms:.1f} ms", f"{push.p99_ms:.1f} ms"),
        ],
    )
    for tuned in (False, True):
        print_table(
            f"(d) {'the local AWS (tuned moto)' if tuned else 'moto as shipped'}, in process: median time of one "
            "call by the number of items in the table",
            ("items", "TransactWriteItems", "PutItem", "Query (one partition)"),
            [
                (size, f"{transact:.1f} ms", f"{put:.1f} ms", f"{query:.1f} ms")
                for size, transact, put, query in moto_scaling(tuned)
            ],
        )
    print(f"\nlocal stack start: {statistics.median(r.stack_seconds for r in runs):.1f} s (median)")
    print(f"machine at the end: {machine()}")
    print(f"total time {time.perf_counter() - began:.0f} s")
