"""Interactions on the local stack: chat opened -> offer, customer -> agent message latency, routed
interactions per second with 100 agents, and the AWS calls per routed interaction and per message.

    python -m bench interactions                   # in-process stack: every figure, AWS calls counted
    python -m bench interactions --subprocess      # `python -m infra.local` in its own process: no AWS counts
    python -m bench interactions --agents 20 --offers 30 --messages 100 --burst 60     # a quick look

On a fresh stack, `--agents` agent users are created through the config API as the demo admin, all serving a
queue "Bench" of their own (offer timeout 600 s), capacity 5 each, signed in through Cognito, connected over
the WebSocket, logged in and set Available. Customers open chats with `POST /api/chat/sessions` on that
queue, each from its own address (X-Forwarded-For), as the traffic simulator (scripts/simulate.py) does. In
order:

1. Open -> offer: `--offers` chats opened one at a time, each once the stack is quiet again (in process: its
   stream consumers idle; `--subprocess`: `--offer-gap` seconds after the last offer); from sending the POST
   to the `interaction.offered` push on the agent's connection (and to the 201). Nobody accepts yet.
2. Accept: every offer accepted, one at a time (ack time).
3. Messages: `--chats` of those customers connect (`websocketUrl?token=`); `--messages` customer messages in turn
   over them, one in flight at a time: from sending `sendMessage` to the agent's `interaction.message` push (and
   to the customer's ack).
4. End and disposition: every chat ended by its agent (`endInteraction`) and dispositioned (`submitDisposition`).
5. Routing throughput: `--burst` chats opened at once (`--concurrency` POSTs in flight); agents accept each
   offer as it arrives. Routed per second = chats / (first POST sent -> last offer pushed); the same to the last
   accept. Then ended and dispositioned.
6. Routing a backlog: every agent goes Away, `--backlog` chats open and wait, then every agent goes Available
   at once. Routed per second = chats / (first `setStatus Available` sent -> last offer pushed): the router's
   own pace, without the POSTs that queue the chats.

In-process (the default), every botocore call of the process is counted by operation (the handlers, the
stream consumers and the local AWS's own clients) between the phases, after the stream consumers have caught
up, and divided by the phase's count: AWS calls per routed interaction (phase 1), per accept, per message, per
end and disposition. The stream reads of the local event source mappings (GetRecords and the like: Lambda's
pollers make them in the cloud) are counted apart; what else runs meanwhile (the local scheduler, presence
checks) is in the figures too, a rounding error over these phases. The client shares the process (and its
interpreter lock) with the stack, which costs the latencies a little; `--subprocess` measures them from
outside, as `bench local-stack` does. Nothing here asserts a time: it prints the figures (docs/performance.md,
"Interactions").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.local_stack import load_average, median, p99
from scripts.simulate import ActionError, Addresses, Options, Socket, Stack, Stats, with_token

ROOT = Path(__file__).resolve().parents[1]


# --- counting AWS calls -----------------------------------------------------------------------------------

# Reads of the streams by the local event source mappings (infra/local/pollers.py): in the cloud Lambda's own
# pollers make these, not the product's code, so they are counted apart.
STREAM_READS = ("dynamodbstreams:", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream",
                "kinesis:ListShards")  # fmt: skip


class Calls:
    """Every botocore API call of this process, by "service:operation"."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._original: Callable[..., Any] | None = None

    def install(self) -> None:
        import botocore.client

        original = botocore.client.BaseClient._make_api_call
        calls = self

        def counted(client: Any, operation: str, params: Any) -> Any:
            with calls._lock:
                calls.counts[f"{client.meta.service_model.service_name}:{operation}"] += 1
            return original(client, operation, params)

        self._original = original
        botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]

    def uninstall(self) -> None:
        import botocore.client

        if self._original is not None:
            botocore.client.BaseClient._make_api_call = self._original  # type: ignore[method-assign]

    def take(self) -> Counter[str]:
        with self._lock:
            taken, self.counts = self.counts, Counter()
            return taken


@dataclass
class Target:
    """The stack measured: its URL; in process, also its call counter and a way to wait for its consumers."""

    url: str
    calls: Calls | None = None
    wait_idle: Callable[[], bool] | None = None
    cpu: Callable[[], dict[str, float]] | None = None  # CPU seconds spent so far by each function (in process)

    async def settle(self) -> None:
        """Until the stream consumers have read everything written so far (in process), else a short pause."""
        if self.wait_idle is not None:
            await asyncio.to_thread(self.wait_idle)
            await asyncio.sleep(0.05)
            await asyncio.to_thread(self.wait_idle)
        else:
            await asyncio.sleep(1.0)


# --- the agents and customers ---------------------------------------------------------------------------


@dataclass
class Seen:
    """When pushes arrived, shared by all connections."""

    offers: dict[str, tuple[float, str, BenchAgent]] = field(default_factory=dict)  # iid -> (at, offerId, agent)
    offer_waiters: dict[str, asyncio.Event] = field(default_factory=dict)
    messages: dict[str, float] = field(default_factory=dict)  # clientMessageId -> at (the agent's push)
    message_waiters: dict[str, asyncio.Event] = field(default_factory=dict)
    accepted: dict[str, float] = field(default_factory=dict)
    auto_accept: bool = False
    accepts: list[asyncio.Task[None]] = field(default_factory=list)

    def waiter(self, table: dict[str, asyncio.Event], key: str) -> asyncio.Event:
        return table.setdefault(key, asyncio.Event())


class BenchAgent:
    def __init__(self, username: str, password: str, seen: Seen, stats: Stats) -> None:
        self.username, self.password, self.seen, self.stats = username, password, seen, stats
        self.socket: Socket | None = None

    async def start(self, stack: Stack, address: str | None) -> None:
        token = await stack.sign_in(self.username, self.password)
        self.socket = await Socket.connect(with_token(stack.ws_url, token), "agent", self.stats, self.on_push, address)
        state = (await self.socket.call("getState"))["state"]
        if state["status"] == "Offline":
            state = (await self.socket.call("login"))["state"]
        if state["status"] != "Available":
            await self.socket.call("setStatus", status="Available")

    def on_push(self, at: float, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "interaction.offered":
            interaction_id = str(message["interaction"]["interactionId"])
            if interaction_id not in self.seen.offers:
                self.seen.offers[interaction_id] = (at, str(message["offer"]["offerId"]), self)
                self.seen.waiter(self.seen.offer_waiters, interaction_id).set()
                if self.seen.auto_accept:
                    self.seen.accepts.append(asyncio.create_task(self.accept(interaction_id)))
        elif kind == "interaction.message":
            pushed = message.get("message") or {}
            key = str(pushed.get("clientMessageId"))
            if pushed.get("from") == "customer" and key not in self.seen.messages:
                self.seen.messages[key] = at
                self.seen.waiter(self.seen.message_waiters, key).set()

    async def accept(self, interaction_id: str) -> None:
        assert self.socket is not None
        with contextlib.suppress(ActionError):
            await self.socket.call("accept", interactionId=interaction_id)
            self.seen.accepted[interaction_id] = time.perf_counter()

    async def finish(self, interaction_id: str, outcomes: dict[str, list[str]] | None) -> tuple[float, float]:
        """endInteraction, then submitDisposition when in wrap-up: (ms to each ack)."""
        assert self.socket is not None
        began = time.perf_counter()
        ended = (await self.socket.call("endInteraction", interactionId=interaction_id))["interaction"]
        end_ms = (time.perf_counter() - began) * 1000
        if ended.get("status") != "wrap_up" or not outcomes:
            return end_ms, float("nan")
        began = time.perf_counter()
        category = next(c for c in ("Success", "Unsure", "Fail") if outcomes.get(c))
        await self.socket.call(
            "submitDisposition", interactionId=interaction_id, category=category, outcome=outcomes[category][0]
        )
        return end_ms, (time.perf_counter() - began) * 1000


@dataclass
class Opened:
    interaction_id: str
    token: str
    websocket_url: str
    address: str | None
    sent: float
    answered: float


class Bench:
    def __init__(self, target: Target, args: argparse.Namespace) -> None:
        self.target, self.args = target, args
        self.stats = Stats()
        self.seen = Seen()
        self.addresses = Addresses(True, random.Random(1))
        self.result: dict[str, Any] = {}
        self.calls: dict[str, dict[str, Any]] = {}
        self.agents: list[BenchAgent] = []

    def phase_calls(self, name: str, count: int) -> None:
        """The AWS calls since the last phase, per item of this one."""
        if self.target.calls is None or count == 0:
            return
        taken = self.target.calls.take()
        product = Counter({op: n for op, n in taken.items() if not op.startswith(STREAM_READS)})
        self.calls[name] = {
            "count": count,
            "perItem": round(sum(product.values()) / count, 2),
            "streamReadsPerItem": round((sum(taken.values()) - sum(product.values())) / count, 2),
            "byOperation": {op: round(n / count, 2) for op, n in product.most_common()},
        }

    async def open_chat(self, http: httpx.AsyncClient, queue_id: str, number: int) -> Opened:
        address = self.addresses.next()
        body = {"name": f"Bench Customer {number}", "queueId": queue_id}
        sent = time.perf_counter()
        answer = await http.post(
            f"{self.stack.api}/chat/sessions", json=body, headers={"X-Forwarded-For": address or ""}
        )
        answered = time.perf_counter()
        if answer.status_code != 201:
            raise RuntimeError(f"POST /api/chat/sessions answered {answer.status_code}: {answer.text}")
        session = answer.json()
        url = str(session.get("websocketUrl") or self.stack.ws_url)
        return Opened(str(session["interactionId"]), str(session["token"]), url, address, sent, answered)

    async def offered(self, interaction_id: str, timeout: float) -> float:
        waiter = self.seen.waiter(self.seen.offer_waiters, interaction_id)
        await asyncio.wait_for(waiter.wait(), timeout)
        return self.seen.offers[interaction_id][0]

    async def run(self) -> dict[str, Any]:
        args = self.args
        self.result["loadStart"] = load_average()
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as http:
            self.stack = stack = Stack(Options(url=self.target.url, agent_prefix=args.agent_prefix), http)
            await stack.load()
            # offers wait for phase 2 to accept them: a long offer timeout keeps them from being re-routed
            queue_id = await stack.simulator_queue("Bench", offerTimeoutSeconds=600)
            stack.options.create_agents = True
            began = time.perf_counter()
            users, _ = await stack.agent_users(args.agents, [queue_id])
            self.agents = [BenchAgent(u.username, u.password, self.seen, self.stats) for u in users]
            for index in range(0, len(self.agents), 20):
                batch = self.agents[index : index + 20]
                await asyncio.gather(*(a.start(stack, self.addresses.next()) for a in batch))
            print(f"  {len(self.agents)} agents Available in {time.perf_counter() - began:.1f} s", flush=True)
            outcomes = await stack.outcomes_for(queue_id)
            await self.target.settle()
            if self.target.calls is not None:
                self.target.calls.take()
            try:
                await self.measure(http, queue_id, outcomes)
            finally:
                for agent in self.agents:
                    if agent.socket is not None:
                        await agent.socket.close()
        self.result["loadEnd"] = load_average()
        self.result["errorsByAction"] = dict(self.stats.error_detail)
        self.result["awsCalls"] = self.calls
        return self.result

    async def measure(self, http: httpx.AsyncClient, queue_id: str, outcomes: dict[str, list[str]] | None) -> None:
        args, seen = self.args, self.seen
        # 1. open -> offer, one at a time
        opened: list[Opened] = []
        offer_ms, created_ms = [], []
        for number in range(args.offers):
            chat = await self.open_chat(http, queue_id, number)
            at = await self.offered(chat.interaction_id, args.timeout)
            offer_ms.append((at - chat.sent) * 1000)
            created_ms.append((chat.answered - chat.sent) * 1000)
            opened.append(chat)
            # the next one on a quiet stack: a latency, not a throughput (phases 5 and 6 load it)
            if self.target.wait_idle is not None:
                await self.target.settle()
            else:
                await asyncio.sleep(args.offer_gap)
        await self.target.settle()
        self.phase_calls("open and route (to the offer)", len(opened))
        self.result |= {
            "offers": len(offer_ms),
            "openToOfferMedianMs": median(offer_ms),
            "openToOfferP99Ms": p99(offer_ms),
            "sessionCreatedMedianMs": median(created_ms),
            "sessionCreatedP99Ms": p99(created_ms),
        }
        print(f"  open -> offer: median {median(offer_ms):.1f} ms, p99 {p99(offer_ms):.1f} ms", flush=True)

        # 2. accept each offer
        accept_ms = []
        for chat in opened:
            agent = seen.offers[chat.interaction_id][2]
            assert agent.socket is not None
            began = time.perf_counter()
            await agent.socket.call("accept", interactionId=chat.interaction_id)
            accept_ms.append((time.perf_counter() - began) * 1000)
        await self.target.settle()
        self.phase_calls("accept", len(opened))
        self.result |= {"acceptMedianMs": median(accept_ms), "acceptP99Ms": p99(accept_ms)}

        # 3. customer -> agent messages, one in flight at a time, round-robin over the chats
        talking = opened[: args.chats]
        customers = []
        for chat in talking:
            socket = await Socket.connect(
                with_token(chat.websocket_url, chat.token), "customer", self.stats, lambda at, m: None, chat.address
            )
            customers.append(socket)
        await self.target.settle()
        if self.target.calls is not None:
            self.target.calls.take()  # connecting is not a message
        push_ms, ack_ms = [], []
        for index in range(args.warmup + args.messages):
            socket = customers[index % len(customers)]
            key = uuid.uuid4().hex
            waiter = seen.waiter(seen.message_waiters, key)
            sent = time.perf_counter()
            await socket.call("sendMessage", text=f"Customer message {index}", clientMessageId=key)
            acked = time.perf_counter()
            await asyncio.wait_for(waiter.wait(), args.timeout)
            if index >= args.warmup:
                push_ms.append((seen.messages[key] - sent) * 1000)
                ack_ms.append((acked - sent) * 1000)
        await self.target.settle()
        self.phase_calls("customer message", args.warmup + args.messages)
        self.result |= {
            "messages": len(push_ms),
            "messageToAgentMedianMs": median(push_ms),
            "messageToAgentP99Ms": p99(push_ms),
            "messageAckMedianMs": median(ack_ms),
            "messageAckP99Ms": p99(ack_ms),
        }
        print(f"  customer -> agent: median {median(push_ms):.1f} ms, p99 {p99(push_ms):.1f} ms", flush=True)
        for socket in customers:
            await socket.close()

        # 4. end and disposition each
        end_ms, disposition_ms = [], []
        for chat in opened:
            agent = seen.offers[chat.interaction_id][2]
            ended, dispositioned = await agent.finish(chat.interaction_id, outcomes)
            end_ms.append(ended)
            disposition_ms.append(dispositioned)
        await self.target.settle()
        self.phase_calls("end and disposition", len(opened))
        self.result |= {
            "endAndDispositionMedianMs": median([a + b for a, b in zip(end_ms, disposition_ms, strict=True)])
        }

        # 5. routing throughput: a burst of chats, accepted as they are offered
        seen.auto_accept = True
        gate = asyncio.Semaphore(args.concurrency)

        async def one(number: int) -> Opened:
            async with gate:
                return await self.open_chat(http, queue_id, 10_000 + number)

        began = time.perf_counter()
        burst = await asyncio.gather(*(one(n) for n in range(args.burst)))
        posted = time.perf_counter()
        offered_at = [await self.offered(c.interaction_id, args.timeout) for c in burst]
        await asyncio.gather(*seen.accepts)
        accepted_at = [seen.accepted[c.interaction_id] for c in burst if c.interaction_id in seen.accepted]
        seconds_to_offers = max(offered_at) - began
        self.result |= {
            "burst": len(burst),
            "burstPostsSeconds": posted - began,
            "routedPerSecond": len(burst) / seconds_to_offers,
            "acceptedPerSecond": len(accepted_at) / (max(accepted_at) - began) if accepted_at else float("nan"),
            "burstOpenToOfferMedianMs": median([(o - c.sent) * 1000 for o, c in zip(offered_at, burst, strict=True)]),
            "burstAccepted": len(accepted_at),
        }
        print(
            f"  burst of {len(burst)}: routed {self.result['routedPerSecond']:.1f}/s, "
            f"accepted {self.result['acceptedPerSecond']:.1f}/s",
            flush=True,
        )
        await self.target.settle()
        self.phase_calls("burst: open, route and accept", len(burst))
        for chat in burst:
            if chat.interaction_id in seen.accepted:
                with contextlib.suppress(ActionError):
                    await seen.offers[chat.interaction_id][2].finish(chat.interaction_id, outcomes)
        if args.backlog:
            await self.backlog(http, queue_id, gate)

    async def backlog(self, http: httpx.AsyncClient, queue_id: str, gate: asyncio.Semaphore) -> None:
        """6. Routing a backlog: every agent goes Away, `--backlog` chats open and wait in the queue, then every
        agent goes Available at once; the router places the waiting chats (oldest first) as the agents' state
        changes reach it. Routed per second = chats / (first setStatus Available sent -> last offer pushed)."""
        args, seen = self.args, self.seen
        seen.auto_accept = False
        sockets = [agent.socket for agent in self.agents if agent.socket is not None]
        await asyncio.gather(*(socket.call("setStatus", status="Away", reason=args.away_reason) for socket in sockets))

        async def one(number: int) -> Opened:
            async with gate:
                return await self.open_chat(http, queue_id, 20_000 + number)

        waiting = await asyncio.gather(*(one(n) for n in range(args.backlog)))
        await self.target.settle()
        if self.target.calls is not None:
            self.target.calls.take()
        cpu_before = self.target.cpu() if self.target.cpu else {}
        began = time.perf_counter()
        await asyncio.gather(*(socket.call("setStatus", status="Available") for socket in sockets))
        offered_at = [await self.offered(c.interaction_id, args.timeout) for c in waiting]
        seconds = max(offered_at) - began
        self.result |= {
            "backlog": len(waiting),
            "backlogSeconds": seconds,
            "backlogRoutedPerSecond": len(waiting) / seconds,
        }
        print(f"  backlog of {len(waiting)}: routed {len(waiting) / seconds:.1f}/s", flush=True)
        await self.target.settle()
        if self.target.cpu is not None:
            spent = {k: v - cpu_before.get(k, 0.0) for k, v in self.target.cpu().items()}
            self.result["backlogCpuMsPerRouted"] = {
                name.removeprefix("agentdesk-"): round(seconds * 1000 / len(waiting), 2)
                for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1])
                if seconds > 0
            }
        self.phase_calls("backlog: routed when agents come back", len(waiting))


# --- the stacks -------------------------------------------------------------------------------------------


BENCH_ENV = {"RATE_LIMIT_COMMANDS": "100000/100000", "RATE_LIMIT_CONFIG_REQUESTS": "100000/100000"}


@contextlib.contextmanager
def in_process_target() -> Iterator[Target]:
    from infra.local.stack import in_process

    saved = {k: os.environ.get(k) for k in BENCH_ENV}
    os.environ.update(BENCH_ENV)
    calls = Calls()
    try:
        with in_process() as stack:
            calls.install()
            try:
                yield Target(
                    stack.base_url,
                    calls,
                    lambda: stack.pollers.wait_idle(timeout=120),
                    lambda: dict(stack.runtime.cpu_seconds),
                )
            finally:
                calls.uninstall()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def subprocess_target() -> Iterator[Target]:
    from scripts.simulate import own_stack

    with own_stack(BENCH_ENV) as url:
        yield Target(url)


# --- the report -------------------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> None:
    def ms(key: str) -> str:
        return f"{result.get(key, float('nan')):.1f} ms"

    rows = [
        ("stack", result["stack"]),
        ("load average at start / end", f"{result['loadStart']} / {result['loadEnd']}"),
        ("agents (Available, capacity 5, one queue)", str(result["agents"])),
        (
            f"chat opened -> offer pushed, median / p99 ({result['offers']} chats)",
            f"{ms('openToOfferMedianMs')} / {ms('openToOfferP99Ms')}",
        ),
        ("chat opened -> 201 answered, median / p99", f"{ms('sessionCreatedMedianMs')} / {ms('sessionCreatedP99Ms')}"),
        ("accept ack, median / p99", f"{ms('acceptMedianMs')} / {ms('acceptP99Ms')}"),
        (
            f"customer -> agent message push, median / p99 ({result['messages']} messages)",
            f"{ms('messageToAgentMedianMs')} / {ms('messageToAgentP99Ms')}",
        ),
        ("customer sendMessage ack, median / p99", f"{ms('messageAckMedianMs')} / {ms('messageAckP99Ms')}"),
        ("endInteraction + submitDisposition acks, median", ms("endAndDispositionMedianMs")),
        (f"burst of {result['burst']} chats: POSTs done in", f"{result['burstPostsSeconds']:.2f} s"),
        ("burst: routed interactions per second (to the last offer)", f"{result['routedPerSecond']:.1f}"),
        ("burst: accepted per second (to the last accept)", f"{result['acceptedPerSecond']:.1f}"),
        ("burst: open -> offer median", ms("burstOpenToOfferMedianMs")),
    ]
    if "backlog" in result:
        rows.append(
            (
                f"backlog of {result['backlog']}: routed per second once agents are back",
                f"{result['backlogRoutedPerSecond']:.1f} ({result['backlogSeconds']:.2f} s)",
            )
        )
    if "backlogCpuMsPerRouted" in result:
        spent = ", ".join(f"{name} {ms:g}" for name, ms in result["backlogCpuMsPerRouted"].items())
        rows.append(("backlog: CPU ms per routed interaction, by function", spent))
    for phase, calls in result["awsCalls"].items():
        top = ", ".join(f"{op} {n:g}" for op, n in list(calls["byOperation"].items())[:8])
        rows.append((f"AWS calls per {phase}", f"{calls['perItem']:g}  ({top})"))
        rows.append(("  + stream reads of the local event source mappings", f"{calls['streamReadsPerItem']:g}"))
    rows += [(f"error: {name}", str(count)) for name, count in sorted(result["errorsByAction"].items())]
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


def parser() -> argparse.ArgumentParser:
    out = argparse.ArgumentParser(prog="python -m bench interactions", description=__doc__.split("\n\n")[0])
    add = out.add_argument
    add("--subprocess", action="store_true", help="run the stack as `python -m infra.local` (no AWS call counts)")
    add("--agents", type=int, default=100, help="agents, all Available on the queue (default %(default)s)")
    add("--offers", type=int, default=100, help="chats opened one at a time for open -> offer")
    add("--chats", type=int, default=50, help="of those, customers who send the messages")
    add("--messages", type=int, default=500, help="customer messages measured")
    add("--warmup", type=int, default=20, help="messages before those, not counted")
    add("--burst", type=int, default=300, help="chats opened at once for the routing throughput")
    add("--concurrency", type=int, default=50, help="POSTs in flight during the burst")
    add("--offer-gap", type=float, default=0.5, help="s between the chats of phase 1 (--subprocess)")
    add("--backlog", type=int, default=300, help="chats waiting while every agent is away (0: skip)")
    add("--away-reason", default="lunch", help="the Away code the agents use while the backlog builds")
    add("--timeout", type=float, default=60, help="s to wait for any push")
    add("--agent-prefix", default="bench-agent", help="usernames of the agents created")
    add("--json", type=Path, default=None, help="write the figures here")
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.chats > args.offers:
        args.chats = args.offers
    if args.burst + args.offers > args.agents * 5:
        print(f"note: {args.burst} + {args.offers} chats exceed {args.agents} agents x 5 slots; some will wait")
    target = subprocess_target() if args.subprocess else in_process_target()
    began = time.perf_counter()
    with target as stack:
        result = asyncio.run(Bench(stack, args).run())
    result |= {
        "stack": "python -m infra.local (subprocess)" if args.subprocess else "in process (client in the same process)",
        "agents": args.agents,
        "seconds": time.perf_counter() - began,
    }
    report(result)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    return result


if __name__ == "__main__":
    main()
