"""Traffic simulator: customer chats and simulated agents against a running local stack.

    make simulate RATE=12 DURATION=60 AGENTS=5              # against `make dev` (http://127.0.0.1:8080)
    .venv/bin/python -m scripts.simulate --rate 30 --duration 120 --agents 20 --url http://127.0.0.1:9000
    .venv/bin/python -m scripts.simulate --start-stack --agents 3 --duration 20   # its own stack, then stops it

Agents: the demo agents (alice, bob, ...) first; beyond them, or all of them with `--create-agents`, agent users
`<prefix>-001`... are created through the config API as the demo admin (kept for the next run). Each signs in
through Cognito, connects to the WebSocket, logs in and goes Available; on `interaction.offered` it accepts (or,
now and then, rejects), answers each customer message after a short delay, ends the chat after a few replies
(`endInteraction`) and, in wrap-up, submits a disposition: a category and an outcome from the queue's disposition
set (read with GET /api/disposition-sets). Customers arrive at `--rate` chats a minute (Poisson arrivals): each
opens a chat (`POST /api/chat/sessions`, no sign-in), connects to the `websocketUrl` with `?token=`, waits for an
agent (at most `--patience` s, then leaves: abandoned), sends a few messages, waits for each answer, ends with
`endChat` (unless the agent ended first) and rates the chat. Every customer and agent comes from its own address
(X-Forwarded-For, which the local gateway trusts from this machine), as real traffic does, so the per-address
limits apply to each of them and not to the simulator as a whole. `--isolated` creates (or reuses) a queue
"Simulator" that only the simulated agents (then all created) serve, so other agents on the stack are not
offered its chats.

A line every few seconds shows the traffic; at the end, after `--duration` s of arrivals and a drain (customers
still queued leave, chats in progress finish, at most `--drain` s), the summary: chats opened, answered,
abandoned, ended, dispositioned and rated, messages, latencies, and errors by code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python scripts/simulate.py` as well as `python -m scripts.simulate`
    sys.path.insert(0, str(ROOT))

from infra.local import process as local_process  # noqa: E402
from infra.local.seed import DEMO_PASSWORD, DEMO_USERS  # noqa: E402

SIM_PASSWORD = "Simulated-agent-2026!"  # noqa: S105 - local-only password of the agents the simulator creates
SIM_QUEUE_NAME = "Simulator"
ENDED_CODES = ("INVALID_TRANSITION", "CONFLICT")  # acting on an interaction that has just ended
CATEGORIES = (("Success", 0.7), ("Unsure", 0.2), ("Fail", 0.1))
FIRST_NAMES = ("Ana", "Ben", "Chloe", "Dev", "Ema", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kai", "Lena", "Milo")
LAST_NAMES = ("Silva", "Okafor", "Novak", "Tanaka", "Berg", "Costa", "Ivanova", "Murphy", "Haddad", "Larsen")
CUSTOMER_LINES = (
    "Hi, I have a question about my last invoice.",
    "The amount looks higher than usual.",
    "Could you check whether the discount was applied?",
    "I also moved house last month, is my address updated?",
    "And can I pay by bank transfer next time?",
    "Thanks, that helps.",
)
AGENT_LINES = (
    "Thanks for getting in touch, let me have a look.",
    "I can see your account here.",
    "Yes, that has been applied now.",
    "Done, you will get a confirmation by email.",
    "Is there anything else I can help with?",
)


# --- options and figures ------------------------------------------------------------------------------------


@dataclass
class Options:
    url: str = "http://127.0.0.1:8080"
    rate: float = 12.0  # customer chats per minute
    duration: float = 60.0  # seconds of arrivals
    agents: int = 5
    create_agents: bool = False  # only agents created by the simulator (no demo agents)
    agent_prefix: str = "sim-agent"
    isolated: bool = False  # a queue of its own that only the simulated agents serve
    queue: str | None = None  # the queue id customers ask for (default: the queues the agents serve)
    admin: str = "ada"
    password: str = DEMO_PASSWORD
    reject_rate: float = 0.1  # share of offers an agent rejects
    messages: tuple[int, int] = (2, 4)  # customer messages per chat, and agent replies before it ends the chat
    think: tuple[float, float] = (0.5, 2.0)  # s a customer takes to write the next message
    reply_delay: tuple[float, float] = (0.3, 1.5)  # s an agent takes to answer
    wrap_up: tuple[float, float] = (0.3, 1.5)  # s an agent takes to choose the disposition
    patience: float = 60.0  # s a customer waits for an agent before leaving
    answer_timeout: float = 60.0  # s a customer waits for an answer; an agent for the next customer message
    drain: float = 60.0  # s after the arrivals stop for the chats in progress to finish
    report_every: float = 5.0
    forwarded_for: bool = True  # each customer and agent from its own address
    request_timeout: float = 30.0
    seed: int | None = None
    quiet: bool = False
    # how an agent gets its IdToken: (username, password) -> token; default Cognito on the stack's endpoint
    sign_in: Callable[[str, str], Awaitable[str]] | None = None


@dataclass
class Chat:
    """What happened to one customer chat, as the simulator saw it."""

    number: int
    interaction_id: str | None = None
    queue_id: str | None = None
    opened_at: float = 0.0  # the POST sent
    offered_at: float | None = None  # the first offer pushed to an agent
    answered_at: float | None = None  # accepted (or auto-answered)
    ended_at: float | None = None
    ended_by: str | None = None  # agent | customer
    abandoned: bool = False
    disposition: str | None = None  # "<category> / <outcome>" submitted by the agent
    disposition_off: bool = False  # the queue has dispositions off: closed at the end
    rated: int | None = None
    offers: int = 0
    rejects: int = 0
    customer_messages: int = 0
    agent_messages: int = 0
    final_status: str | None = None
    agent_ended_at: float | None = None  # the agent's endInteraction acknowledged
    customer_told_at: float | None = None  # the customer's interaction.ended push


def mark_ended(chat: Chat, by: str) -> None:
    if chat.ended_at is None:
        chat.ended_at = time.perf_counter()
        chat.ended_by = by


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def p99(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


@dataclass
class Stats:
    began: float = field(default_factory=time.perf_counter)
    chats: dict[int, Chat] = field(default_factory=dict)
    by_interaction: dict[str, Chat] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)  # code -> count
    error_detail: Counter[str] = field(default_factory=Counter)  # "<side> <action>: <code>" -> count
    duplicates: int = 0  # message pushes seen twice (same messageId), dropped
    races: Counter[str] = field(default_factory=Counter)  # refused because the other side had just ended or withdrawn
    message_ms: list[float] = field(default_factory=list)  # customer sendMessage sent -> agent's push
    sent_at: dict[str, float] = field(default_factory=dict)  # clientMessageId -> when the customer sent it
    refused_sessions: int = 0

    def error(self, side: str, action: str, code: str) -> None:
        self.errors[code] += 1
        self.error_detail[f"{side} {action}: {code}"] += 1

    def record(self, interaction_id: str) -> Chat:
        """The chat of an interaction; a placeholder the customer adopts when its agent heard of it first (the
        offer can arrive before the customer has the answer to its POST)."""
        if interaction_id not in self.by_interaction:
            self.by_interaction[interaction_id] = Chat(0, interaction_id)
        return self.by_interaction[interaction_id]

    def adopt(self, chat: Chat, interaction_id: str) -> Chat:
        """The customer's chat, registered under its interaction id (merged with what agents saw already)."""
        known = self.by_interaction.get(interaction_id)
        if known is not None:
            known.number, known.opened_at, known.queue_id = chat.number, chat.opened_at, chat.queue_id
            chat = known
        chat.interaction_id = interaction_id
        self.by_interaction[interaction_id] = chat
        self.chats[chat.number] = chat
        return chat

    def told_ms(self) -> list[float]:
        """The agent's endInteraction ack -> the customer's interaction.ended push, per chat."""
        return [
            (c.customer_told_at - c.agent_ended_at) * 1000
            for c in self.chats.values()
            if c.customer_told_at and c.agent_ended_at
        ]

    def offer_ms(self) -> list[float]:
        return [(c.offered_at - c.opened_at) * 1000 for c in self.chats.values() if c.offered_at and c.interaction_id]

    def counts(self) -> dict[str, int]:
        chats = list(self.chats.values())
        opened = [c for c in chats if c.interaction_id]
        return {
            "opened": len(opened),
            "refused": self.refused_sessions,
            "offered": sum(1 for c in opened if c.offered_at is not None),
            "offers": sum(c.offers for c in opened),
            "rejected": sum(c.rejects for c in opened),
            "answered": sum(1 for c in opened if c.answered_at is not None),
            "abandoned": sum(1 for c in opened if c.abandoned),
            "ended": sum(1 for c in opened if c.ended_at is not None and not c.abandoned),
            "endedByAgent": sum(1 for c in opened if c.ended_by == "agent" and not c.abandoned),
            "endedByCustomer": sum(1 for c in opened if c.ended_by == "customer" and not c.abandoned),
            "dispositioned": sum(1 for c in opened if c.disposition),
            "dispositionsOff": sum(1 for c in opened if c.disposition_off),
            "rated": sum(1 for c in opened if c.rated is not None),
            "inProgress": sum(1 for c in opened if c.ended_at is None and not c.abandoned),
            "customerMessages": sum(c.customer_messages for c in opened),
            "agentMessages": sum(c.agent_messages for c in opened),
            "duplicates": self.duplicates,
            "errors": sum(self.errors.values()),
        }

    def problems(self) -> list[str]:
        """Chats that were answered but not ended, or ended in wrap-up without a disposition."""
        out = []
        for chat in self.chats.values():
            if chat.answered_at is None or chat.abandoned:
                continue
            if chat.ended_at is None:
                out.append(f"chat {chat.number} ({chat.interaction_id}) was answered but never ended")
            elif not chat.disposition and not chat.disposition_off:
                out.append(f"chat {chat.number} ({chat.interaction_id}) ended without a disposition")
        return out

    def line(self) -> str:
        c = self.counts()
        return (
            f"[{time.perf_counter() - self.began:6.1f} s] chats opened {c['opened']}, answered {c['answered']}, "
            f"in progress {c['inProgress']}, abandoned {c['abandoned']}, dispositioned {c['dispositioned']}; "
            f"messages {c['customerMessages']}+{c['agentMessages']}; customer->agent median "
            f"{median(self.message_ms[-200:]):.0f} ms; errors {c['errors']}"
        )

    def summary(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "seconds": round(time.perf_counter() - self.began, 1),
            "customerToAgentMedianMs": round(median(self.message_ms), 1),
            "customerToAgentP99Ms": round(p99(self.message_ms), 1),
            "messageSamples": len(self.message_ms),
            "openToOfferMedianMs": round(median(self.offer_ms()), 1),
            "openToOfferP99Ms": round(p99(self.offer_ms()), 1),
            "offerSamples": len(self.offer_ms()),
            "agentEndToCustomerMedianMs": round(median(self.told_ms()), 1),
            "races": dict(self.races),
            "errorsByCode": dict(self.errors),
            "errorsByAction": dict(self.error_detail),
            "problems": self.problems(),
        }


def print_summary(summary: dict[str, Any]) -> None:
    rows = [
        ("chats opened", summary["opened"]),
        ("chat sessions refused", summary["refused"]),
        (
            "offered to an agent (offers in all / rejected)",
            f"{summary['offered']} ({summary['offers']} / {summary['rejected']})",
        ),
        ("answered", summary["answered"]),
        ("abandoned (left while queued)", summary["abandoned"]),
        (
            "ended (by agent / by customer)",
            f"{summary['ended']} ({summary['endedByAgent']} / {summary['endedByCustomer']})",
        ),
        ("dispositioned (+ queue without dispositions)", f"{summary['dispositioned']} (+{summary['dispositionsOff']})"),
        ("rated", summary["rated"]),
        ("still in progress at the end", summary["inProgress"]),
        (
            "messages customer -> agent / agent -> customer",
            f"{summary['customerMessages']} / {summary['agentMessages']}",
        ),
        ("duplicate message pushes dropped", summary["duplicates"]),
        (
            "customer -> agent message, median / p99",
            f"{summary['customerToAgentMedianMs']} / {summary['customerToAgentP99Ms']} ms "
            f"({summary['messageSamples']} messages)",
        ),
        (
            "chat opened -> offer, median / p99",
            f"{summary['openToOfferMedianMs']} / {summary['openToOfferP99Ms']} ms ({summary['offerSamples']} chats)",
        ),
        ("agent's end ack -> customer's interaction.ended, median", f"{summary['agentEndToCustomerMedianMs']} ms"),
        ("one side acted as the other ended or withdrew (refusals expected)", sum(summary["races"].values())),
    ]
    rows += [(f"  {name}", count) for name, count in sorted(summary["races"].items())]
    rows += [("errors", summary["errors"])]
    rows += [(f"  {name}", count) for name, count in sorted(summary["errorsByAction"].items())]
    rows += [("problem", text) for text in summary["problems"]]
    width = max(len(name) for name, _ in rows)
    print(f"\nSummary after {summary['seconds']} s")
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


# --- one WebSocket connection -------------------------------------------------------------------------------


class ActionError(Exception):
    def __init__(self, action: str, code: str, message: str) -> None:
        super().__init__(f"{action}: {code} {message}")
        self.action = action
        self.code = code


class Socket:
    """A WebSocket connection: `call` sends an action and waits for its reply (an ack, else ActionError; errors
    are counted in the stats); every other message goes to `on_push` with its arrival time."""

    def __init__(self, connection: Any, side: str, stats: Stats, on_push: Callable[[float, dict[str, Any]], None]):
        self.connection = connection
        self.side = side
        self.stats = stats
        self.on_push = on_push
        self.closed = False
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(
        cls,
        url: str,
        side: str,
        stats: Stats,
        on_push: Callable[[float, dict[str, Any]], None],
        address: str | None,
        attempts: int = 5,
    ) -> Socket:
        import websockets
        from websockets.exceptions import InvalidStatus

        headers = {"X-Forwarded-For": address} if address else None
        for attempt in range(attempts):
            try:
                connection = await websockets.connect(url, additional_headers=headers, ping_interval=None)
                return cls(connection, side, stats, on_push)
            except InvalidStatus as exc:
                status = exc.response.status_code
                stats.error(side, "connect", f"HTTP_{status}")
                if status != 429 or attempt == attempts - 1:
                    raise
                await asyncio.sleep(float(exc.response.headers.get("Retry-After", "1")))
        raise AssertionError("unreachable")

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.connection:
                at = time.perf_counter()
                message = json.loads(raw)
                future = self._pending.pop(str(message.get("requestId")), None)
                if message.get("type") in ("ack", "error") and future is not None:
                    if not future.done():
                        future.set_result(message)
                else:
                    self.on_push(at, message)
        except ConnectionClosed:
            pass
        finally:
            self.closed = True
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the WebSocket connection closed"))
            self._pending.clear()
            self.on_push(time.perf_counter(), {"type": "_closed"})

    async def call(self, action: str, timeout: float = 30.0, count: bool = True, **fields: Any) -> dict[str, Any]:
        """The ack of the action; ActionError (counted in the stats unless `count` is false) for anything else.
        RATE_LIMITED is waited out and sent again (at most 5 times)."""
        stats = self.stats if count else Stats()
        for _ in range(5):
            if self.closed:
                stats.error(self.side, action, "CONNECTION_CLOSED")
                raise ActionError(action, "CONNECTION_CLOSED", "the connection is closed")
            request_id = f"{action}-{uuid.uuid4().hex[:16]}"
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._pending[request_id] = future
            try:
                await self.connection.send(json.dumps({"action": action, "requestId": request_id, **fields}))
                reply = await asyncio.wait_for(future, timeout)
            except TimeoutError:
                self._pending.pop(request_id, None)
                stats.error(self.side, action, "TIMEOUT")
                raise ActionError(action, "TIMEOUT", f"no reply within {timeout} s") from None
            except (ConnectionError, OSError) as exc:
                stats.error(self.side, action, "CONNECTION_CLOSED")
                raise ActionError(action, "CONNECTION_CLOSED", str(exc)) from None
            if reply.get("type") == "ack":
                return reply
            code = str(reply.get("code"))
            stats.error(self.side, action, code)
            if code != "RATE_LIMITED":
                raise ActionError(action, code, str(reply.get("message")))
            await asyncio.sleep(float(reply.get("retryAfterSeconds") or 1))
        raise ActionError(action, "RATE_LIMITED", "still rate limited after 5 attempts")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.connection.close()
        with contextlib.suppress(Exception):
            await self.reader


def with_token(url: str, token: str) -> str:
    if "token=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}token={token}"


class Addresses:
    """A distinct private address per simulated person (X-Forwarded-For)."""

    def __init__(self, enabled: bool, rng: random.Random) -> None:
        self.enabled = enabled
        self._next = rng.randrange(1 << 16)

    def next(self) -> str | None:
        if not self.enabled:
            return None
        self._next += 1
        n = self._next % (1 << 24)
        return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{max(1, n & 255)}"


# --- the stack's configuration, as the admin reads it -----------------------------------------------------


@dataclass
class AgentUser:
    username: str
    password: str
    name: str


class Stack:
    """The stack the simulator talks to: its web config, the admin's config API, Cognito sign-in."""

    def __init__(self, options: Options, http: httpx.AsyncClient) -> None:
        self.options = options
        self.http = http
        self.config: dict[str, Any] = {}
        self.admin_token = ""
        self.queues: dict[str, dict[str, Any]] = {}
        self.disposition_sets: dict[str, dict[str, list[str]]] = {}
        self.default_set: str | None = None

    @property
    def api(self) -> str:
        return str(self.config.get("apiUrl") or f"{self.options.url.rstrip('/')}/api")

    @property
    def ws_url(self) -> str:
        return str(self.config["wsUrl"])

    async def load(self) -> None:
        answer = await self.http.get(f"{self.options.url.rstrip('/')}/config.json")
        answer.raise_for_status()
        self.config = answer.json()
        self.admin_token = await self.sign_in(self.options.admin, self.options.password)
        await self.reload_dispositions()

    async def sign_in(self, username: str, password: str) -> str:
        if self.options.sign_in is not None:
            return await self.options.sign_in(username, password)
        return await asyncio.to_thread(self._cognito_sign_in, username, password)

    def _cognito_sign_in(self, username: str, password: str) -> str:
        import boto3

        cognito = self.config["cognito"]
        client = boto3.client(
            "cognito-idp",
            endpoint_url=cognito.get("endpoint"),
            region_name=self.config.get("region", "us-east-1"),
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - the local AWS accepts any key
        )
        result = client.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=cognito["clientId"],
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return str(result["AuthenticationResult"]["IdToken"])

    async def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """A config API request as the admin; waits out RATE_LIMITED (the API allows 10 a second)."""
        for _ in range(30):
            answer = await self.http.request(
                method, f"{self.api}{path}", json=body, headers={"Authorization": f"Bearer {self.admin_token}"}
            )
            if answer.status_code != 429:
                return answer
            await asyncio.sleep(float(answer.headers.get("Retry-After", "1")))
        return answer

    async def list_all(self, path: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = f"?limit=100{f'&cursor={cursor}' if cursor else ''}"
            answer = await self.admin("GET", f"{path}{query}")
            answer.raise_for_status()
            page = answer.json()
            items += page["items"]
            cursor = page.get("nextCursor")
            if not cursor:
                return items

    async def reload_dispositions(self) -> None:
        self.queues = {q["id"]: q for q in await self.list_all("/queues")}
        self.disposition_sets = {s["id"]: s["outcomes"] for s in await self.list_all("/disposition-sets")}
        answer = await self.admin("GET", "/settings")
        if answer.status_code == 200:
            self.default_set = answer.json().get("defaultDispositionSetId")

    async def outcomes_for(self, queue_id: str | None) -> dict[str, list[str]] | None:
        """The outcomes by category of the queue's disposition set (None: the queue has dispositions off)."""
        if queue_id and queue_id not in self.queues:
            await self.reload_dispositions()
        queue = self.queues.get(queue_id or "", {})
        if queue.get("dispositionsEnabled") is False:
            return None
        set_id = queue.get("dispositionSetId") or self.default_set
        if set_id and set_id not in self.disposition_sets:
            await self.reload_dispositions()
        return self.disposition_sets.get(set_id or "")

    async def simulator_queue(self, name: str = SIM_QUEUE_NAME, **fields: Any) -> str:
        """The id of the queue `name` (created with the default disposition set, and `fields`, when missing)."""
        for queue in self.queues.values():
            if queue.get("name") == name:
                return str(queue["id"])
        body = {"name": name, "slaTargetSeconds": 30, "dispositionsEnabled": True, "webChat": True, **fields}
        answer = await self.admin("POST", "/queues", body)
        if answer.status_code == 409:  # created meanwhile
            await self.reload_dispositions()
            return await self.simulator_queue(name, **fields)
        answer.raise_for_status()
        queue = answer.json()
        self.queues[queue["id"]] = queue
        return str(queue["id"])

    async def agent_users(self, count: int, queue_ids: list[str] | None) -> tuple[list[AgentUser], list[str]]:
        """`count` agents to sign in, and the queues they serve. Demo agents first unless `create_agents`
        (or a queue of their own); the rest are created, or reused when a previous run created them."""
        users = await self.list_all("/users")
        chosen: list[AgentUser] = []
        served: set[str] = set()
        if not self.options.create_agents and queue_ids is None:
            profiles = {u.get("username"): u for u in users}
            for demo in (u for u in DEMO_USERS if u.role == "agent"):
                if len(chosen) == count:
                    break
                chosen.append(AgentUser(demo.username, self.options.password, demo.name))
                served.update((profiles.get(demo.username) or {}).get("queueIds") or [])
        existing = {u.get("username"): u for u in users}
        skills = [{"skillId": s["id"], "proficiency": 3} for s in await self.list_all("/skills")]
        all_queues = queue_ids if queue_ids is not None else list(self.queues)
        number = 0
        while len(chosen) < count:
            number += 1
            username = f"{self.options.agent_prefix}-{number:03d}"
            name = f"Sim Agent {number:03d}"
            profile = existing.get(username)
            if profile is None:
                body = {
                    "username": username,
                    "name": name,
                    "email": f"{username}@sim.agentdesk.example",
                    "role": "agent",
                    "skills": skills,
                    "queueIds": all_queues,
                    "maxConcurrent": 5,
                    "password": SIM_PASSWORD,
                    "permanentPassword": True,
                    "sendInvitation": False,
                }
                answer = await self.admin("POST", "/users", body)
                if answer.status_code != 201:
                    raise RuntimeError(f"cannot create agent {username}: {answer.status_code} {answer.text}")
                profile = answer.json()
            elif queue_ids is not None and sorted(profile.get("queueIds") or []) != sorted(queue_ids):
                raise RuntimeError(
                    f"{username} exists and serves {profile.get('queueIds')}; use another --agent-prefix"
                )
            served.update(profile.get("queueIds") or [])
            chosen.append(AgentUser(username, SIM_PASSWORD, name))
        return chosen, sorted(served)


# --- the simulated people -----------------------------------------------------------------------------------


class Simulation:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.stats = Stats()
        self.random = random.Random(options.seed)  # noqa: S311 - simulated behaviour, not secrets
        self.addresses = Addresses(options.forwarded_for, self.random)
        self.closing = asyncio.Event()  # arrivals are over: queued customers leave
        self.http: httpx.AsyncClient
        self.stack: Stack
        self.agents: list[Agent] = []
        self.queue_ids: list[str] = []

    def pick(self, bounds: tuple[float, float]) -> float:
        return self.random.uniform(*bounds)

    async def pause(self, bounds: tuple[float, float]) -> None:
        await asyncio.sleep(self.pick(bounds))

    async def run(self) -> dict[str, Any]:
        options = self.options
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(timeout=options.request_timeout, limits=limits) as http:
            self.http = http
            self.stack = Stack(options, http)
            await self.stack.load()
            own_queue = None
            if options.isolated:
                own_queue = await self.stack.simulator_queue()
                options.create_agents = True
            users, served = await self.stack.agent_users(options.agents, [own_queue] if own_queue else None)
            if options.queue:
                self.queue_ids = [options.queue]
            elif own_queue:
                self.queue_ids = [own_queue]
            else:
                self.queue_ids = [q for q in served if q in self.stack.queues] or [""]
            self.agents = [Agent(self, user) for user in users]
            await asyncio.gather(*(agent.start() for agent in self.agents))
            self.log(f"{len(self.agents)} agents Available; customers ask for {', '.join(self.queue_ids)}")
            self.stats.began = time.perf_counter()
            reporter = asyncio.create_task(self.report())
            try:
                await self.arrivals()
            finally:
                reporter.cancel()
                await asyncio.gather(*(agent.stop() for agent in self.agents), return_exceptions=True)
        summary = self.stats.summary()
        if not options.quiet:
            print_summary(summary)
        return summary

    def log(self, text: str) -> None:
        if not self.options.quiet:
            print(text, flush=True)

    async def report(self) -> None:
        while True:
            await asyncio.sleep(self.options.report_every)
            self.log(self.stats.line())

    async def arrivals(self) -> None:
        options = self.options
        customers: list[asyncio.Task[None]] = []
        end = time.perf_counter() + options.duration
        number = 0
        if options.rate > 0:
            while True:
                wait = self.random.expovariate(options.rate / 60.0) if number else 0.0
                if time.perf_counter() + wait >= end:
                    await asyncio.sleep(max(0.0, end - time.perf_counter()))
                    break
                await asyncio.sleep(wait)
                number += 1
                customers.append(asyncio.create_task(Customer(self, number).run()))
        self.closing.set()
        self.log(f"arrivals over ({number} customers); draining for at most {options.drain:.0f} s")
        deadline = time.perf_counter() + options.drain
        if customers:
            await asyncio.wait(customers, timeout=options.drain)
        for task in customers:
            task.cancel()
        await asyncio.gather(*customers, return_exceptions=True)
        for agent in self.agents:
            await agent.finish(max(1.0, deadline - time.perf_counter()))


class Agent:
    def __init__(self, simulation: Simulation, user: AgentUser) -> None:
        self.sim = simulation
        self.user = user
        self.socket: Socket | None = None
        self.inboxes: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.seen: set[str] = set()  # messageIds pushed
        self.offer_ids: set[str] = set()  # offers pushed (each may come twice: at once, then from the stream)

    async def start(self) -> None:
        stats = self.sim.stats
        token = await self.sim.stack.sign_in(self.user.username, self.user.password)
        url = with_token(self.sim.stack.ws_url, token)
        self.socket = await Socket.connect(url, "agent", stats, self.on_push, self.sim.addresses.next())
        state = (await self.socket.call("getState"))["state"]
        if state.get("status") == "Offline":
            state = (await self.socket.call("login"))["state"]
        if state.get("status") != "Available":
            state = (await self.socket.call("setStatus", status="Available"))["state"]

    def on_push(self, at: float, message: dict[str, Any]) -> None:
        kind = message.get("type")
        interaction = message.get("interaction") or {}
        interaction_id = str(message.get("interactionId") or interaction.get("interactionId") or "")
        if kind == "interaction.offered":
            offer_id = str((message.get("offer") or {}).get("offerId"))
            if offer_id in self.offer_ids:
                return  # pushed at once by the router and again from the event stream
            self.offer_ids.add(offer_id)
            chat = self.sim.stats.record(interaction_id)
            chat.offers += 1
            if chat.offered_at is None:
                chat.offered_at = at
            if interaction_id not in self.tasks or self.tasks[interaction_id].done():
                self.inboxes[interaction_id] = asyncio.Queue()
                self.tasks[interaction_id] = asyncio.create_task(self.handle(interaction_id, message))
            return
        if kind == "interaction.assigned" and interaction_id not in self.tasks:  # auto-answered or transferred
            self.inboxes[interaction_id] = asyncio.Queue()
            self.tasks[interaction_id] = asyncio.create_task(self.handle(interaction_id, message))
            return
        if kind == "interaction.message":
            msg = message.get("message") or {}
            if msg.get("messageId") in self.seen:
                self.sim.stats.duplicates += 1
                return
            self.seen.add(str(msg.get("messageId")))
            if msg.get("from") == "customer":
                sent = self.sim.stats.sent_at.pop(str(msg.get("clientMessageId")), None)
                if sent is not None:
                    self.sim.stats.message_ms.append((at - sent) * 1000)
        if interaction_id in self.inboxes:
            self.inboxes[interaction_id].put_nowait(message)

    async def handle(self, interaction_id: str, first: dict[str, Any]) -> None:
        """One interaction: accept or reject the offer, answer the customer, end, disposition."""
        sim, socket, options = self.sim, self.socket, self.sim.options
        assert socket is not None
        chat = sim.stats.record(interaction_id)
        inbox = self.inboxes[interaction_id]
        view = first.get("interaction") or {}
        try:
            if first.get("type") == "interaction.offered" and not (first.get("offer") or {}).get("autoAnswer"):
                if sim.random.random() < options.reject_rate:
                    await socket.call("reject", interactionId=interaction_id, reason="Simulated: busy with another")
                    chat.rejects += 1
                    return
                try:
                    view = (await socket.call("accept", count=False, interactionId=interaction_id))["interaction"]
                except ActionError as exc:
                    await self.refused_accept(inbox, exc)
                    return
            if chat.answered_at is None:
                chat.answered_at = time.perf_counter()
            view = await self.converse(interaction_id, inbox, view, chat)
            await self.disposition(interaction_id, view, chat)
        except ActionError:
            pass  # counted
        finally:
            self.inboxes.pop(interaction_id, None)

    async def refused_accept(self, inbox: asyncio.Queue[dict[str, Any]], exc: ActionError) -> None:
        """An accept refused because the offer was withdrawn meanwhile (the customer left, the offer ran out)
        is a race, and a push says so; anything else is an error."""
        if exc.code in ENDED_CODES:
            with contextlib.suppress(TimeoutError):
                while True:
                    message = await asyncio.wait_for(inbox.get(), 5)
                    if (message.get("interaction") or {}).get("status") not in (None, "offered", "active"):
                        self.sim.stats.races[f"agent accept: {exc.code}"] += 1
                        return
        self.sim.stats.error("agent", "accept", exc.code)

    async def converse(
        self, interaction_id: str, inbox: asyncio.Queue[dict[str, Any]], view: dict[str, Any], chat: Chat
    ) -> dict[str, Any]:
        """Read what the customer wrote while queued (getInteraction, as the workspace does on accept), answer
        each customer message, end the chat after a few answers. The interaction after its end."""
        sim, socket, options = self.sim, self.socket, self.sim.options
        assert socket is not None
        quota = sim.random.randint(*options.messages)
        replies = 0
        conversation = await socket.call("getInteraction", interactionId=interaction_id)
        messages = conversation.get("messages") or []
        read_up_to = max((int(m.get("seq") or 0) for m in messages), default=0)
        for message in messages:
            self.seen.add(str(message.get("messageId")))
            sim.stats.sent_at.pop(str(message.get("clientMessageId")), None)  # read, not pushed: no latency
        unanswered = bool(messages) and messages[-1].get("from") == "customer"
        while True:
            if not unanswered:
                try:
                    message = await asyncio.wait_for(inbox.get(), options.answer_timeout)
                except TimeoutError:
                    sim.stats.error("agent", "wait for the customer", "TIMEOUT")
                    break
                kind = message.get("type")
                if kind == "interaction.ended":
                    mark_ended(chat, "customer")
                    return dict(message.get("interaction") or view)
                if kind == "_closed":
                    raise ActionError("connection", "CONNECTION_CLOSED", "agent connection closed")
                pushed = message.get("message") or {}
                if kind != "interaction.message" or pushed.get("from") != "customer":
                    continue
                if int(pushed.get("seq") or 0) <= read_up_to:
                    continue  # read with the conversation already
                unanswered = True
                continue
            unanswered = False
            await sim.pause(options.reply_delay)
            text = AGENT_LINES[min(replies, len(AGENT_LINES) - 1)]
            try:
                await socket.call(
                    "sendMessage",
                    count=False,
                    interactionId=interaction_id,
                    text=text,
                    clientMessageId=uuid.uuid4().hex,
                )
            except ActionError as exc:
                if exc.code in ENDED_CODES:  # the customer left meanwhile: interaction.ended is on its way
                    sim.stats.races[f"agent sendMessage: {exc.code}"] += 1
                    continue
                sim.stats.error("agent", "sendMessage", exc.code)
                raise
            replies += 1
            chat.agent_messages += 1
            if replies >= quota:
                break
        try:
            ended = (await socket.call("endInteraction", count=False, interactionId=interaction_id))["interaction"]
            chat.agent_ended_at = time.perf_counter()
            mark_ended(chat, "agent")
            return dict(ended)
        except ActionError as exc:
            # the customer may have left at the same moment: then the push says so
            with contextlib.suppress(TimeoutError):
                while True:
                    message = await asyncio.wait_for(inbox.get(), 5)
                    if message.get("type") == "interaction.ended":
                        sim.stats.races[f"agent endInteraction: {exc.code}"] += 1
                        mark_ended(chat, "customer")
                        return dict(message.get("interaction") or view)
            sim.stats.error("agent", "endInteraction", exc.code)
            return view

    async def disposition(self, interaction_id: str, view: dict[str, Any], chat: Chat) -> None:
        sim, socket = self.sim, self.socket
        assert socket is not None
        if view.get("status") == "closed" and not view.get("disposition"):
            chat.disposition_off = True
            return
        outcomes = await sim.stack.outcomes_for(view.get("queueId") or chat.queue_id)
        if outcomes is None:
            chat.disposition_off = True
            return
        await sim.pause(sim.options.wrap_up)
        categories = [c for c, _ in CATEGORIES if outcomes.get(c)]
        weights = [w for c, w in CATEGORIES if outcomes.get(c)]
        category = sim.random.choices(categories, weights)[0]
        outcome = sim.random.choice(outcomes[category])
        await socket.call(
            "submitDisposition",
            interactionId=interaction_id,
            category=category,
            outcome=outcome,
            notes="Simulated chat.",
        )
        chat.disposition = f"{category} / {outcome}"

    async def finish(self, timeout: float) -> None:
        """Wait for the interactions in hand to be dispositioned (at most `timeout` s)."""
        tasks = [t for t in self.tasks.values() if not t.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def stop(self) -> None:
        """Log off (best effort: not counted) and disconnect."""
        if self.socket is None:
            return
        if not self.socket.closed:
            with contextlib.suppress(ActionError):
                await self.socket.call("logoff", timeout=10, count=False)
        await self.socket.close()


class Customer:
    def __init__(self, simulation: Simulation, number: int) -> None:
        self.sim = simulation
        self.number = number
        self.chat = Chat(number)
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.seen: set[str] = set()
        self.socket: Socket | None = None
        self.ended_view: dict[str, Any] | None = None
        self.engaged = False  # an agent has the chat (assigned, or it wrote)

    def on_push(self, at: float, message: dict[str, Any]) -> None:
        if message.get("type") == "interaction.message":
            msg = message.get("message") or {}
            if msg.get("messageId") in self.seen:
                self.sim.stats.duplicates += 1
                return
            self.seen.add(str(msg.get("messageId")))
        if message.get("type") == "interaction.ended" and self.ended_view is None:
            self.ended_view = message.get("interaction") or {}
            self.chat.customer_told_at = at
        self.inbox.put_nowait(message)

    async def wait_reply(self, timeout: float, *, leave_when_closing: bool) -> dict[str, Any] | None:
        """The agent's next message (or interaction.ended, or the connection's end); None after `timeout` s, or
        at once once arrivals are over if `leave_when_closing` (a customer nobody has answered leaves)."""
        deadline = time.perf_counter() + timeout
        while (remaining := deadline - time.perf_counter()) > 0:
            if leave_when_closing and self.sim.closing.is_set() and not self.engaged:
                return None
            try:
                message = await asyncio.wait_for(self.inbox.get(), min(remaining, 0.25))
            except TimeoutError:
                continue
            kind = message.get("type")
            if kind == "interaction.assigned":
                self.engaged = True
            if kind in ("interaction.ended", "_closed"):
                return message
            if kind == "interaction.message" and (message.get("message") or {}).get("from") == "agent":
                self.engaged = True
                return message
        return None

    async def open_session(self) -> dict[str, Any] | None:
        sim = self.sim
        first, last = sim.random.choice(FIRST_NAMES), sim.random.choice(LAST_NAMES)
        body: dict[str, Any] = {"name": f"{first} {last}", "email": f"{first}.{last}{self.number}@example.com".lower()}
        queue_id = sim.random.choice(sim.queue_ids)
        if queue_id:
            body["queueId"] = queue_id
        self.chat.queue_id = queue_id or None
        self.address = sim.addresses.next()
        headers = {"X-Forwarded-For": self.address} if self.address else {}
        self.chat.opened_at = time.perf_counter()
        sim.stats.chats[self.number] = self.chat
        try:
            answer = await sim.http.post(f"{sim.stack.api}/chat/sessions", json=body, headers=headers)
        except httpx.HTTPError as exc:
            sim.stats.error("customer", "POST /api/chat/sessions", type(exc).__name__)
            return None
        if answer.status_code != 201:
            try:
                code = answer.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = f"HTTP_{answer.status_code}"
            sim.stats.error("customer", "POST /api/chat/sessions", code)
            sim.stats.refused_sessions += 1
            return None
        session: dict[str, Any] = answer.json()
        self.chat = sim.stats.adopt(self.chat, str(session["interactionId"]))
        return session

    async def run(self) -> None:
        try:
            await self._run()
        except ActionError:
            pass  # counted
        except Exception as exc:  # one customer's failure is a figure, not the end of the run
            self.sim.stats.error("customer", "chat", type(exc).__name__)
        finally:
            if self.socket is not None:
                await self.socket.close()

    async def _run(self) -> None:
        """Open the chat, write at once (as people do while they wait), then one message per answer; leave if
        nobody answers within `patience`; end the chat unless the agent did; rate it."""
        sim, options = self.sim, self.sim.options
        session = await self.open_session()
        if session is None:
            return
        chat = self.chat
        url = with_token(str(session.get("websocketUrl") or sim.stack.ws_url), str(session["token"]))
        self.socket = socket = await Socket.connect(url, "customer", sim.stats, self.on_push, self.address)
        quota = max(1, sim.random.randint(*options.messages))
        for index in range(quota):
            if index:
                await sim.pause(options.think)
            if self.ended_view is not None:
                break
            text = CUSTOMER_LINES[min(index, len(CUSTOMER_LINES) - 1)]
            client_id = uuid.uuid4().hex
            sim.stats.sent_at[client_id] = time.perf_counter()
            try:
                await socket.call("sendMessage", count=False, text=text, clientMessageId=client_id)
            except ActionError as exc:
                sim.stats.sent_at.pop(client_id, None)
                if exc.code in ENDED_CODES:  # the agent ended meanwhile: interaction.ended is on its way
                    sim.stats.races[f"customer sendMessage: {exc.code}"] += 1
                    break
                sim.stats.error("customer", "sendMessage", exc.code)
                raise
            chat.customer_messages += 1
            engaged = self.engaged
            answer = await self.wait_reply(
                options.answer_timeout if engaged else options.patience, leave_when_closing=not engaged
            )
            if answer is None and not self.engaged:
                await self.leave(chat)
                return
            if answer is None:
                sim.stats.error("customer", "wait for an answer", "TIMEOUT")
                break
            if answer.get("type") != "interaction.message":
                break
        if self.ended_view is None:
            await self.wait_reply(self.sim.pick(options.think), leave_when_closing=False)  # reads the last answer
        if self.ended_view is None:
            try:
                view = (await socket.call("endChat", count=False))["interaction"]
                chat.final_status = view.get("status")
                mark_ended(chat, "customer")
            except ActionError as exc:
                await self.wait_reply(5, leave_when_closing=False)  # the agent may have ended it at that moment
                if self.ended_view is None:
                    sim.stats.error("customer", "endChat", exc.code)
                    raise
                sim.stats.races[f"customer endChat: {exc.code}"] += 1
        if self.ended_view is None:
            await self.wait_reply(5, leave_when_closing=False)  # the interaction.ended push
        await self.rate(chat)

    async def leave(self, chat: Chat) -> None:
        """Nobody answered: the customer leaves. Abandoned, unless an agent accepted it at that very moment
        (then the chat ended by the customer, and the agent dispositions it)."""
        if self.ended_view is None:
            view = (await self.socket.call("endChat"))["interaction"] if self.socket else {}
            chat.final_status = view.get("status")
        else:
            chat.final_status = self.ended_view.get("status")
        chat.abandoned = chat.final_status == "abandoned" or (chat.final_status is None and chat.answered_at is None)
        mark_ended(chat, "customer")
        if not chat.abandoned:
            await self.rate(chat)

    async def rate(self, chat: Chat) -> None:
        assert self.socket is not None
        score = self.sim.random.choices((5, 4, 3, 2, 1), (50, 30, 10, 6, 4))[0]
        fields: dict[str, Any] = {"score": score}
        if self.sim.random.random() < 0.3:
            fields["comment"] = "Quick and helpful." if score >= 4 else "Took a while."
        await self.socket.call("rate", **fields)
        chat.rated = score


# --- a stack of its own -------------------------------------------------------------------------------------


@contextlib.contextmanager
def own_stack(extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`python -m infra.local` on free ports in its own process group; yields its base URL; stops it after."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(name, None)
    with tempfile.NamedTemporaryFile("wb", prefix="simulate-stack-", suffix=".log", delete=False) as log:
        process, ready = local_process.start(ROOT, env, log, start_new_session=True)
    try:
        ports = local_process.wait_ready(process, ready, timeout=120, log_name=log.name)
        url = f"http://127.0.0.1:{ports.port}"
        print(f"started a local stack at {url} (log {log.name})", flush=True)
        yield url
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


# --- the command --------------------------------------------------------------------------------------------


def pair(text: str, kind: type[int] | type[float]) -> tuple[Any, Any]:
    low, _, high = text.partition(",")
    return kind(low), kind(high or low)


def parser() -> argparse.ArgumentParser:
    out = argparse.ArgumentParser(prog="python -m scripts.simulate", description=__doc__.split("\n\n")[0])
    add = out.add_argument
    add("--url", default=Options.url, help="the local stack (default %(default)s)")
    add("--start-stack", action="store_true", help="start a local stack of its own (python -m infra.local)")
    add("--rate", type=float, default=Options.rate, help="customer chats per minute (default %(default)s)")
    add("--duration", type=float, default=Options.duration, help="seconds of arrivals (default %(default)s)")
    add("--agents", type=int, default=Options.agents, help="simulated agents (default %(default)s)")
    add("--create-agents", action="store_true", help="create agent users instead of using the demo agents")
    add("--agent-prefix", default=Options.agent_prefix, help="usernames of created agents: <prefix>-001...")
    add("--isolated", action="store_true", help='a queue "Simulator" that only the simulated agents serve')
    add("--queue", default=None, help="the queue id every customer asks for")
    add("--reject-rate", type=float, default=Options.reject_rate, help="share of offers rejected")
    add("--messages", default="2,4", help="customer messages per chat and agent answers before ending: min,max")
    add("--think", default="0.5,2", help="s a customer takes per message: min,max")
    add("--reply-delay", default="0.3,1.5", help="s an agent takes to answer: min,max")
    add("--wrap-up", default="0.3,1.5", help="s an agent takes to disposition: min,max")
    add("--patience", type=float, default=Options.patience, help="s a customer waits for an agent")
    add("--drain", type=float, default=Options.drain, help="s for chats in progress to finish at the end")
    add("--report-every", type=float, default=Options.report_every, help="s between progress lines")
    add("--no-forwarded-for", action="store_true", help="every connection from this machine's own address")
    add("--seed", type=int, default=None, help="random seed")
    add("--json", type=Path, default=None, help="write the summary here")
    return out


def options_from(args: argparse.Namespace) -> Options:
    return Options(
        url=args.url,
        rate=args.rate,
        duration=args.duration,
        agents=args.agents,
        create_agents=args.create_agents,
        agent_prefix=args.agent_prefix,
        isolated=args.isolated,
        queue=args.queue,
        reject_rate=args.reject_rate,
        messages=pair(args.messages, int),
        think=pair(args.think, float),
        reply_delay=pair(args.reply_delay, float),
        wrap_up=pair(args.wrap_up, float),
        patience=args.patience,
        drain=args.drain,
        report_every=args.report_every,
        forwarded_for=not args.no_forwarded_for,
        seed=args.seed,
    )


def simulate(options: Options) -> dict[str, Any]:
    return asyncio.run(Simulation(options).run())


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = options_from(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with contextlib.ExitStack() as stack:
        if args.start_stack:
            options.url = stack.enter_context(own_stack())
        summary = simulate(options)
    if args.json is not None:
        args.json.write_text(json.dumps(summary, indent=1))
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
