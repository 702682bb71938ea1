"""API Gateway emulation: browser WebSocket frames and HTTP requests become API Gateway events for the
real authorizer and handlers; `/@connections/{id}` answers the management API the handlers push through.
It also serves the built web app, `/config.json` and `/health`.

`$connect` is rate limited per client address before anything else (ConnectLimit: HTTP 429 with Retry-After),
so a flood of connects from one client neither runs the authorizer nor queues in front of other clients.
The address is the socket's peer, or the X-Forwarded-For client when the peer is a proxy on this machine
(uvicorn's proxy-header handling, see infra/local/stack.py).
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from agentdesk import wiring
from agentdesk.kernel.rate_limit import KeyedLimiter
from agentdesk.kernel.rate_limits import CONNECTS_PER_SOURCE_IP, Limit
from infra.local import events
from infra.local.lambda_runtime import FunctionError, LambdaRuntime

log = logging.getLogger("agentdesk.local.gateway")

# API Gateway's limit for one WebSocket message (frames are 32 KB; a message may span frames).
MAX_WS_MESSAGE_BYTES = 128 * 1024


@dataclass
class GatewayConfig:
    region: str
    user_pool_id: str
    user_pool_client_id: str
    jwks_url: str
    aws_endpoint: str
    web_dist: Path
    started_at: float = field(default_factory=time.time)
    gc_summary: Callable[[], dict[str, Any]] | None = None  # the process's collection pauses, for /health
    connect_limit: Limit = CONNECTS_PER_SOURCE_IP  # per client address, before anything else (ConnectLimit)


@dataclass
class OpenConnection:
    socket: WebSocket
    context: dict[str, Any]
    headers: dict[str, str]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_active: float = field(default_factory=time.time)


_denied: contextvars.ContextVar[bool] = contextvars.ContextVar("denied", default=False)


class DenialNoise(logging.Filter):
    """Drops the ERROR uvicorn's websockets-sansio protocol logs after every denial response ("ASGI callable
    returned without completing handshake.", Kludex/uvicorn#3138: it never marks a denied handshake done),
    and only for a connection this gateway denied on purpose; any other incomplete handshake still shows."""

    MESSAGE = "ASGI callable returned without completing handshake."

    def filter(self, record: logging.LogRecord) -> bool:
        return not (_denied.get() and record.getMessage() == self.MESSAGE)


DENIAL_NOISE = DenialNoise()  # installed on the "uvicorn.error" logger by the stack


class ConnectLimit:
    """ASGI middleware: a WebSocket handshake over its client's limit gets HTTP 429 with Retry-After before any
    routing, the way API Gateway throttles before it routes; the least work a refusal can cost here."""

    def __init__(self, app: ASGIApp, limiter: KeyedLimiter, path: str = "/ws") -> None:
        self.app = app
        self.limiter = limiter
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == self.path:
            client = scope["client"][0] if scope.get("client") else "127.0.0.1"
            wait = self.limiter.take(client)
            if wait is not None:
                _denied.set(True)
                headers = [(b"content-type", b"application/json"), (b"retry-after", str(wait).encode())]
                await send({"type": "websocket.http.response.start", "status": 429, "headers": headers})
                await send({"type": "websocket.http.response.body", "body": b'{"message":"Too Many Requests"}'})
                return
        await self.app(scope, receive, send)


async def _deny(socket: WebSocket, response: Response) -> None:
    """Refuse the WebSocket handshake with an HTTP response, as API Gateway refuses a $connect."""
    _denied.set(True)  # seen by DenialNoise: uvicorn logs after this task's app returns, in the same context
    await socket.send_denial_response(response)


def _compile(path: str) -> re.Pattern[str]:
    pattern = re.sub(r"\{(\w+)\+?\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", path)
    return re.compile(f"^{pattern}/?$")


class Gateway:
    def __init__(self, runtime: LambdaRuntime, config: GatewayConfig) -> None:
        self.runtime = runtime
        self.config = config
        self.connections: dict[str, OpenConnection] = {}
        self.connects = KeyedLimiter(config.connect_limit)
        self.ws_routes = wiring.websocket_routes()
        self.http_routes = [(route, fn, _compile(route.path)) for route, fn in wiring.http_routes()]
        self._jwks = jwt.PyJWKClient(config.jwks_url, cache_keys=True)
        self.app = Starlette(
            routes=[
                Route("/health", self.health),
                Route("/config.json", self.web_config),
                WebSocketRoute("/ws", self.websocket),
                Route("/@connections/{connection_id}", self.management, methods=["GET", "POST", "DELETE"]),
                Route(
                    "/api/{rest:path}",
                    self.http_api,
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"],
                ),
                Route("/{rest:path}", self.static, methods=["GET", "HEAD"]),
            ],
            middleware=[Middleware(ConnectLimit, limiter=self.connects)],
        )

    async def call(self, function: wiring.Function, event: dict[str, Any]) -> Any:
        return await to_thread.run_sync(self.runtime.invoke, function.name, event)

    # -- plain endpoints ---------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "uptimeSeconds": round(time.time() - self.config.started_at, 1),
                "connections": len(self.connections),
                "functions": len(wiring.FUNCTIONS),
                **({"gc": self.config.gc_summary()} if self.config.gc_summary else {}),
            }
        )

    async def web_config(self, request: Request) -> Response:
        """The web app's runtime configuration: the same document the cloud deployment writes."""
        base = f"{request.url.hostname}:{request.url.port}" if request.url.port else str(request.url.hostname)
        ws_scheme = "wss" if request.url.scheme == "https" else "ws"
        return JSONResponse(
            {
                "wsUrl": f"{ws_scheme}://{base}/ws",
                "apiUrl": f"{request.url.scheme}://{base}/api",
                "region": self.config.region,
                "cognito": {
                    "userPoolId": self.config.user_pool_id,
                    "clientId": self.config.user_pool_client_id,
                    "endpoint": self.config.aws_endpoint.rstrip("/") + "/",
                },
            },
            headers={"Cache-Control": "no-store"},
        )

    async def static(self, request: Request) -> Response:
        root = self.config.web_dist.resolve()
        rest = request.path_params["rest"] or "index.html"
        candidate = (root / rest).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return FileResponse(candidate)
        index = root / "index.html"
        if index.is_file() and "." not in rest.rsplit("/", 1)[-1]:
            return FileResponse(index)  # client-side routes fall back to the app
        if not index.is_file():
            return PlainTextResponse("The web app is not built: run `make web` (npm run build in web/).", 404)
        return PlainTextResponse("Not Found", 404)

    # -- WebSocket API -----------------------------------------------------------------------------

    async def websocket(self, socket: WebSocket) -> None:
        connection_id = base64.urlsafe_b64encode(secrets.token_bytes(12)).decode()  # like "L0SM9cOFvHcCIhw="
        headers = {k.lower(): v for k, v in socket.headers.items()}
        query = dict(socket.query_params)
        client = socket.client.host if socket.client else "127.0.0.1"
        domain = headers.get("host", "127.0.0.1")
        user_agent = headers.get("user-agent", "")

        authorizer_fn = wiring.authorizer()
        auth_event = events.ws_authorizer_event(
            connection_id=connection_id,
            headers=headers,
            query=query,
            domain=domain,
            source_ip=client,
            user_agent=user_agent,
            region=self.config.region,
        )
        try:
            policy = await self.call(authorizer_fn, auth_event)
        except FunctionError:
            await _deny(socket, JSONResponse({"message": "Unauthorized"}, 401))
            return
        statement = (policy.get("policyDocument") or {}).get("Statement") or [{}]
        if statement[0].get("Effect") != "Allow":
            await _deny(socket, JSONResponse({"message": "Forbidden"}, 403))
            return
        authorizer_context = {**(policy.get("context") or {}), "principalId": policy.get("principalId")}

        connected_at = int(time.time() * 1000)

        def context(route_key: str, event_type: str, message_id: str | None = None) -> dict[str, Any]:
            return events.websocket_context(
                route_key=route_key,
                event_type=event_type,
                connection_id=connection_id,
                connected_at=connected_at,
                domain=domain,
                source_ip=client,
                user_agent=user_agent,
                authorizer=authorizer_context,
                message_id=message_id,
            )

        connect_fn = self.ws_routes["$connect"]
        try:
            result = await self.call(
                connect_fn,
                events.ws_connect_event(context=context("$connect", "CONNECT"), headers=headers, query=query),
            )
        except FunctionError:
            result = {"statusCode": 500}
        if int((result or {}).get("statusCode", 200)) >= 300:
            await _deny(socket, JSONResponse({"message": "Internal server error"}, 500))
            return

        await socket.accept()
        connection = OpenConnection(socket, context("$connect", "CONNECT"), headers)
        self.connections[connection_id] = connection
        # The socket is read all the time, as API Gateway does: frames queue for the routes while a handler
        # works, and the protocol's pings and pongs keep flowing (a socket left unread is closed as dead).
        inbox: asyncio.Queue[str | None] = asyncio.Queue()
        worker = asyncio.create_task(self._work(connection, inbox, context))
        try:
            while True:
                message = await socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                body = message.get("text")
                if body is None and message.get("bytes") is not None:
                    body = message["bytes"].decode("utf-8", errors="replace")
                if body is None:
                    continue
                if len(body.encode()) > MAX_WS_MESSAGE_BYTES:
                    await socket.close(code=1009, reason="Message too big")
                    break
                connection.last_active = time.time()
                inbox.put_nowait(body)
        except WebSocketDisconnect:
            pass
        finally:
            self.connections.pop(connection_id, None)
            inbox.put_nowait(None)
            await worker  # what was received is still handled; replies to a closed socket are dropped
            disconnect_fn = self.ws_routes["$disconnect"]
            try:
                await self.call(
                    disconnect_fn,
                    events.ws_disconnect_event(context=context("$disconnect", "DISCONNECT"), headers=headers),
                )
            except FunctionError as exc:  # API Gateway does not retry $disconnect either
                log.warning("$disconnect of %s failed: %s", connection_id, exc.payload)

    async def _work(
        self, connection: OpenConnection, inbox: asyncio.Queue[str | None], context: Callable[..., dict[str, Any]]
    ) -> None:
        """Hands the connection's frames to their routes in the order they came."""
        while (body := await inbox.get()) is not None:
            try:
                await self._route_message(connection, body, context)
            except Exception:  # one frame's failure never stops the ones after it
                log.exception("routing a frame failed")

    async def _route_message(
        self, connection: OpenConnection, body: str, context: Callable[..., dict[str, Any]]
    ) -> None:
        route_key = "$default"
        try:
            parsed = json.loads(body)
            action = parsed.get("action") if isinstance(parsed, dict) else None
            if isinstance(action, str) and action in self.ws_routes and not action.startswith("$"):
                route_key = action
        except (ValueError, RecursionError):  # not JSON, or JSON too deep or long to read: the default route
            pass
        function = self.ws_routes.get(route_key)
        if function is None:
            return
        route = next(t for t in function.triggers if isinstance(t, wiring.WebSocketRoute) and t.route_key == route_key)
        event = events.ws_message_event(
            context=context(route_key, "MESSAGE", message_id=secrets.token_urlsafe(8)), body=body
        )
        try:
            result = await self.call(function, event)
        except FunctionError:
            await self._send(connection, json.dumps({"message": "Internal server error"}))
            return
        if route.two_way and isinstance(result, dict) and result.get("body") is not None:
            await self._send(connection, str(result["body"]))

    async def _send(self, connection: OpenConnection, text: str) -> bool:
        """Send one frame; False when the socket has closed (the frame is dropped, as API Gateway drops it)."""
        async with connection.lock:
            try:
                await connection.socket.send_text(text)
            except (RuntimeError, WebSocketDisconnect, OSError):
                if connection.socket.client_state is WebSocketState.CONNECTED:
                    raise
                return False
        return True

    async def management(self, request: Request) -> Response:
        """`apigatewaymanagementapi` over HTTP: PostToConnection, GetConnection, DeleteConnection."""
        status, headers, body = await self.manage(
            request.method, request.path_params["connection_id"], await request.body()
        )
        return Response(body, status, headers=headers)

    async def manage(self, method: str, connection_id: str, data: bytes) -> tuple[int, dict[str, str], bytes]:
        """The management API's answer (status, headers, body), for HTTP and for this process's own calls."""
        gone = (410, {"content-type": "application/json", "x-amzn-ErrorType": "GoneException"}, b'{"message":"Gone"}')
        connection = self.connections.get(connection_id)
        if connection is None:
            return gone
        if method == "POST":
            try:
                sent = await self._send(connection, data.decode("utf-8"))
            except (RuntimeError, WebSocketDisconnect):
                sent = False
            return (200, {}, b"") if sent else gone
        if method == "DELETE":
            await connection.socket.close(code=1000)
            return 204, {}, b""
        identity = connection.context["identity"]
        found = {
            "ConnectedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(connection.context["connectedAt"] / 1000)),
            "Identity": {"SourceIp": identity["sourceIp"], "UserAgent": identity["userAgent"]},
            "LastActiveAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(connection.last_active)),
        }
        return 200, {"content-type": "application/json"}, json.dumps(found).encode()

    # -- HTTP API ----------------------------------------------------------------------------------

    def verify_bearer(self, authorization: str | None) -> dict[str, Any] | None:
        """API Gateway's JWT authorizer: signature, issuer, audience (or client_id), expiry."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        issuer = f"https://cognito-idp.{self.config.region}.amazonaws.com/{self.config.user_pool_id}"
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token, key.key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False}
            )
        except (jwt.InvalidTokenError, jwt.PyJWKClientError):
            return None
        audience = claims.get("aud") or claims.get("client_id")
        return claims if audience == self.config.user_pool_client_id else None

    def match_route(self, method: str, path: str) -> tuple[wiring.HttpRoute, wiring.Function, dict[str, str]] | None:
        for route, function, pattern in self.http_routes:
            match = pattern.match(path)
            if match and route.method in (method, "ANY"):
                return route, function, match.groupdict()
        return None

    async def http_api(self, request: Request) -> Response:
        path = request.url.path
        method = request.method
        if method == "OPTIONS":  # API Gateway answers CORS preflights itself, before any route (even ANY)
            return Response(status_code=204)
        matched = self.match_route(method, path)
        if matched is None:
            return JSONResponse({"message": "Not Found"}, 404)
        route, function, path_parameters = matched
        headers = {}
        for key, value in request.headers.items():
            headers[key.lower()] = f"{headers[key.lower()]},{value}" if key.lower() in headers else value
        claims = None
        if route.authorized:
            claims = await to_thread.run_sync(self.verify_bearer, request.headers.get("authorization"))
            if claims is None:
                return JSONResponse(
                    {"message": "Unauthorized"},
                    401,
                    headers={"www-authenticate": 'Bearer error="invalid_token"'},
                )
        event = events.http_event(
            method=method,
            path=path,
            route_key=f"{route.method} {route.path}",
            raw_query=request.url.query,
            headers=headers,
            query=dict(request.query_params),
            path_parameters=path_parameters,
            body=await request.body(),
            domain=request.headers.get("host", "127.0.0.1"),
            source_ip=request.client.host if request.client else "127.0.0.1",
            claims=claims,
        )
        try:
            result = await self.call(function, event)
        except FunctionError:
            return JSONResponse({"message": "Internal Server Error"}, 500)
        return _http_response(result)


def _http_response(result: Any) -> Response:
    """Map a Lambda proxy result (payload format 2.0) to an HTTP response."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return JSONResponse(result, 200)
    body = result.get("body") or ""
    content = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    response = Response(content=content, status_code=int(result["statusCode"]))
    for key, value in (result.get("headers") or {}).items():
        response.headers[key] = str(value)
    for key, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            response.headers.append(key, str(value))
    for cookie in result.get("cookies") or []:
        response.headers.append("set-cookie", cookie)
    return response
