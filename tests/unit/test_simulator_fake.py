"""A stand-in for the local stack, as far as the traffic simulator uses it (no tests of its own: test_simulator.py
runs the simulator against it): /config.json, the admin's config API (users, skills, queues, disposition sets,
settings), POST /api/chat/sessions and the WebSocket actions and pushes of the interactions protocol. Routing is
first come, first served over Available agents with a free slot. It checks what it is sent as strictly as the
protocol says and answers errors with their codes."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from infra.local.seed import DEMO_USERS

OUTCOMES = {"Success": ["Resolved"], "Unsure": ["Escalated"], "Fail": ["Not resolved"]}
AGENT_ACTIONS = {"getState", "login", "setStatus", "logoff", "accept", "reject", "sendMessage", "endInteraction",
                 "submitDisposition", "getInteraction"}  # fmt: skip
CUSTOMER_ACTIONS = {"sendMessage", "typing", "endChat", "rate"}


class Refused(Exception):
    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


@dataclass
class Interaction:
    interaction_id: str
    queue_id: str
    name: str
    status: str = "queued"
    agent: str | None = None
    offered_to: str | None = None
    disposition: dict[str, str] | None = None
    rating: int | None = None
    seq: int = 0
    version: int = 1
    messages: list[dict[str, Any]] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "interactionId": self.interaction_id,
            "status": self.status,
            "queueId": self.queue_id,
            "agentId": self.agent,
            "contact": {"contactId": f"c-{self.interaction_id}", "name": self.name},
            "disposition": self.disposition,
            "version": self.version,
        }


@dataclass
class Agent:
    username: str
    status: str = "Offline"
    sockets: list[WebSocket] = field(default_factory=list)
    open: set[str] = field(default_factory=set)  # offered or assigned interactions: each takes a slot
    capacity: int = 5


class FakeStack:
    def __init__(self, dispositions_enabled: bool = True, refuse_accepts: str | None = None) -> None:
        self.listener = socket.socket()  # bound now: the port stays this fake's until it stops
        self.listener.bind(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.agents: dict[str, Agent] = {u.username: Agent(u.username) for u in DEMO_USERS if u.role == "agent"}
        self.users: list[dict[str, Any]] = [
            {"id": f"id-{u.username}", "username": u.username, "queueIds": ["queue-general"]}
            for u in DEMO_USERS
            if u.role == "agent"
        ]
        self.queues: dict[str, dict[str, Any]] = {
            "queue-general": {"id": "queue-general", "name": "General", "dispositionsEnabled": dispositions_enabled,
                              "dispositionSetId": None},
        }  # fmt: skip
        self.interactions: dict[str, Interaction] = {}
        self.customers: dict[str, list[WebSocket]] = {}
        self.waiting: list[str] = []
        self.ids = itertools.count(1)
        self.frames: list[tuple[str, dict[str, Any]]] = []  # (who, frame) of every request
        self.refuse_accepts = refuse_accepts  # every accept refused with this code
        self.app = Starlette(
            routes=[
                Route("/config.json", self.config_json),
                Route("/api/chat/sessions", self.chat_session, methods=["POST"]),
                Route("/api/{collection}", self.collection, methods=["GET", "POST"]),
                WebSocketRoute("/ws", self.websocket),
            ]
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- HTTP ----------------------------------------------------------------------------------------------

    async def config_json(self, request: Request) -> JSONResponse:
        return JSONResponse(
            {"wsUrl": f"ws://127.0.0.1:{self.port}/ws", "apiUrl": f"{self.url}/api", "region": "us-east-1",
             "cognito": {"clientId": "fake", "endpoint": "http://127.0.0.1:1/"}}
        )  # fmt: skip

    async def collection(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != "Bearer token:ada":
            return JSONResponse({"error": {"code": "UNAUTHORIZED", "message": "no"}}, 401)
        name = request.path_params["collection"]
        if request.method == "POST":
            body = await request.json()
            if name == "users":
                assert body["password"] and body["permanentPassword"] is True and body["role"] == "agent"
                user = {k: v for k, v in body.items() if k != "password"} | {"id": f"id-{body['username']}"}
                self.users.append(user)
                self.agents[body["username"]] = Agent(body["username"])
                return JSONResponse(user, 201)
            if name == "queues":
                queue = body | {"id": f"queue-{next(self.ids)}", "dispositionSetId": None}
                self.queues[queue["id"]] = queue
                return JSONResponse(queue, 201)
            return JSONResponse({}, 405)
        if name == "settings":
            return JSONResponse({"defaultDispositionSetId": "dispositions-service"})
        items = {
            "users": self.users,
            "skills": [{"id": "skill-billing"}],
            "queues": list(self.queues.values()),
            "disposition-sets": [{"id": "dispositions-service", "outcomes": OUTCOMES}],
        }[name]
        return JSONResponse({"items": items, "nextCursor": None})

    async def chat_session(self, request: Request) -> JSONResponse:
        body = await request.json()
        if set(body) - {"name", "email", "queueId", "topic"} or not 1 <= len(body.get("name", "")) <= 80:
            return JSONResponse({"error": {"code": "BAD_REQUEST", "message": "body"}}, 400)
        queue_id = body.get("queueId") or "queue-general"
        if queue_id not in self.queues:
            return JSONResponse({"error": {"code": "NOT_FOUND", "message": "queue"}}, 404)
        interaction = Interaction(f"int_{next(self.ids)}", queue_id, body["name"])
        self.interactions[interaction.interaction_id] = interaction
        self.waiting.append(interaction.interaction_id)
        await self.route()
        return JSONResponse(
            {"interactionId": interaction.interaction_id, "contactId": f"c-{interaction.interaction_id}",
             "token": f"customer:{interaction.interaction_id}", "expiresAt": "2099-01-01T00:00:00Z",
             "websocketUrl": f"ws://127.0.0.1:{self.port}/ws", "queueName": self.queues[queue_id]["name"]},
            201,
        )  # fmt: skip

    # --- routing and pushes --------------------------------------------------------------------------------

    async def push(self, sockets: list[WebSocket], message: dict[str, Any]) -> None:
        for each in list(sockets):
            with contextlib.suppress(Exception):
                await each.send_text(json.dumps(message))

    async def to_agent(self, username: str | None, message: dict[str, Any]) -> None:
        if username:
            await self.push(self.agents[username].sockets, message)

    async def to_customer(self, interaction: Interaction, message: dict[str, Any]) -> None:
        await self.push(self.customers.get(interaction.interaction_id, []), message)

    async def route(self) -> None:
        for interaction_id in list(self.waiting):
            interaction = self.interactions[interaction_id]
            candidates = [
                a
                for a in self.agents.values()
                if a.status == "Available" and a.sockets and len(a.open) < a.capacity
                if a.username != interaction.offered_to
            ]
            if not candidates:
                continue
            agent = min(candidates, key=lambda a: len(a.open))
            self.waiting.remove(interaction_id)
            interaction.status, interaction.offered_to = "offered", agent.username
            interaction.version += 1
            agent.open.add(interaction_id)
            offer = {"offerId": f"offer-{next(self.ids)}", "expiresAt": "2099-01-01T00:00:00Z", "autoAnswer": False}
            await self.to_agent(
                agent.username, {"type": "interaction.offered", "interaction": interaction.view(), "offer": offer}
            )

    async def end(self, interaction: Interaction, by: str) -> None:
        enabled = self.queues[interaction.queue_id]["dispositionsEnabled"]
        interaction.status = "wrap_up" if enabled else "closed"
        interaction.version += 1
        if not enabled and interaction.agent:
            self.agents[interaction.agent].open.discard(interaction.interaction_id)
        await self.to_agent(interaction.agent, {"type": "interaction.ended", "interaction": interaction.view()})
        await self.to_customer(interaction, {"type": "interaction.ended", "interaction": interaction.view()})
        await self.route()

    async def message(self, interaction: Interaction, sender: str, text: Any, client_id: Any) -> dict[str, Any]:
        if not isinstance(text, str) or not 1 <= len(text) <= 4000:
            raise Refused("BAD_REQUEST", "text")
        live = ("queued", "offered", "active") if sender == "customer" else ("active",)
        if interaction.status not in live:
            raise Refused("INVALID_TRANSITION", f"the interaction is {interaction.status}")
        interaction.seq += 1
        message = {"messageId": f"msg_{next(self.ids)}", "interactionId": interaction.interaction_id,
                   "seq": interaction.seq, "from": sender, "authorName": sender, "text": text,
                   "sentAt": "2026-01-01T00:00:00Z", "clientMessageId": client_id}  # fmt: skip
        interaction.messages.append(message)
        push = {"type": "interaction.message", "interactionId": interaction.interaction_id, "message": message}
        await self.to_agent(interaction.agent, push)
        await self.to_agent(interaction.agent, push)  # delivered twice: clients drop duplicates by messageId
        await self.to_customer(interaction, push)
        return {"message": message}

    # --- WebSocket -----------------------------------------------------------------------------------------

    async def websocket(self, socket: WebSocket) -> None:
        token = socket.query_params.get("token", "")
        kind, _, subject = token.partition(":")
        await socket.accept()
        if kind == "token" and subject in self.agents:
            self.agents[subject].sockets.append(socket)
        elif kind == "customer" and subject in self.interactions:
            self.customers.setdefault(subject, []).append(socket)
        else:
            await socket.close(4401)
            return
        try:
            while True:
                frame = json.loads(await socket.receive_text())
                self.frames.append((token, frame))
                reply: dict[str, Any] = {"type": "ack", "requestId": frame.get("requestId")}
                try:
                    if kind == "token":
                        reply |= await self.agent_action(self.agents[subject], frame)
                    else:
                        reply |= await self.customer_action(self.interactions[subject], frame)
                except Refused as exc:
                    reply = {
                        "type": "error",
                        "requestId": frame.get("requestId"),
                        "code": exc.code,
                        "message": str(exc),
                    }
                await socket.send_text(json.dumps(reply))
        except WebSocketDisconnect:
            pass
        finally:
            if kind == "token":
                self.agents[subject].sockets.remove(socket)
            else:
                self.customers[subject].remove(socket)

    def interaction_of(self, agent: Agent, frame: dict[str, Any], *statuses: str) -> Interaction:
        interaction = self.interactions.get(str(frame.get("interactionId")))
        if interaction is None:
            raise Refused("NOT_FOUND", "no such interaction")
        if agent.username not in (interaction.agent, interaction.offered_to):
            raise Refused("FORBIDDEN", "not yours")
        if interaction.status not in statuses:
            raise Refused("INVALID_TRANSITION", f"the interaction is {interaction.status}")
        return interaction

    async def agent_action(self, agent: Agent, frame: dict[str, Any]) -> dict[str, Any]:
        action = frame.get("action")
        if action not in AGENT_ACTIONS:
            raise Refused("UNKNOWN_ACTION")
        if action == "getState":
            return {"state": {"status": agent.status}}
        if action in ("login", "setStatus", "logoff"):
            agent.status = {"login": "Available", "logoff": "Offline"}.get(action) or frame["status"]
            await self.route()
            return {"state": {"status": agent.status}}
        interaction = None
        if action == "accept":
            interaction = self.interaction_of(agent, frame, "offered")
            if self.refuse_accepts:
                raise Refused(self.refuse_accepts, "refused")
            interaction.status, interaction.agent = "active", agent.username
            interaction.version += 1
            view = interaction.view()
            await self.to_agent(agent.username, {"type": "interaction.assigned", "interaction": view})
            await self.to_customer(interaction, {"type": "interaction.assigned", "interaction": view})
            return {"interaction": view}
        if action == "reject":
            interaction = self.interaction_of(agent, frame, "offered")
            if len(frame.get("reason") or "") > 200:
                raise Refused("BAD_REQUEST", "reason")
            interaction.status = "queued"
            agent.open.discard(interaction.interaction_id)
            self.waiting.insert(0, interaction.interaction_id)
            await self.route()
            return {"interactionId": interaction.interaction_id}
        if action == "getInteraction":
            interaction = self.interaction_of(agent, frame, "active", "wrap_up", "closed")
            return {"interaction": interaction.view(), "messages": list(interaction.messages)}
        if action == "sendMessage":
            interaction = self.interaction_of(agent, frame, "active")
            return await self.message(interaction, "agent", frame.get("text"), frame.get("clientMessageId"))
        if action == "endInteraction":
            interaction = self.interaction_of(agent, frame, "active")
            await self.end(interaction, "agent")
            return {"interaction": interaction.view()}
        interaction = self.interaction_of(agent, frame, "wrap_up")  # submitDisposition
        category, outcome = frame.get("category"), frame.get("outcome")
        if category not in OUTCOMES or outcome not in OUTCOMES[category]:
            raise Refused("BAD_REQUEST", f"{category} / {outcome}")
        interaction.disposition = {"category": category, "outcome": outcome}
        interaction.status = "closed"
        agent.open.discard(interaction.interaction_id)
        await self.route()
        return {"interaction": interaction.view()}

    async def customer_action(self, interaction: Interaction, frame: dict[str, Any]) -> dict[str, Any]:
        action = frame.get("action")
        if action not in CUSTOMER_ACTIONS:
            raise Refused("FORBIDDEN")
        if action == "sendMessage":
            return await self.message(interaction, "customer", frame.get("text"), frame.get("clientMessageId"))
        if action == "typing":
            return {}
        if action == "endChat":
            if interaction.status in ("queued", "offered"):
                if interaction.offered_to:
                    self.agents[interaction.offered_to].open.discard(interaction.interaction_id)
                with contextlib.suppress(ValueError):
                    self.waiting.remove(interaction.interaction_id)
                interaction.status = "abandoned"
                await self.to_agent(
                    interaction.offered_to, {"type": "interaction.updated", "interaction": interaction.view()}
                )
                return {"interaction": interaction.view()}
            if interaction.status != "active":
                raise Refused("INVALID_TRANSITION", "ended")
            await self.end(interaction, "customer")
            return {"interaction": interaction.view()}
        if interaction.status not in ("wrap_up", "closed") or interaction.rating is not None:
            raise Refused("CONFLICT", "not ended or rated already")
        if not (isinstance(frame.get("score"), int) and 1 <= frame["score"] <= 5):
            raise Refused("BAD_REQUEST", "score")
        interaction.rating = frame["score"]
        return {"interaction": interaction.view()}


@contextlib.asynccontextmanager
async def running(fake: FakeStack) -> AsyncIterator[FakeStack]:
    server = uvicorn.Server(uvicorn.Config(fake.app, host="127.0.0.1", port=fake.port, log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[fake.listener]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield fake
    finally:
        server.should_exit = True
        await task


async def fake_sign_in(username: str, password: str) -> str:
    return f"token:{username}"
