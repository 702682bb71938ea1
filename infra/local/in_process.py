"""Calls this process makes to its own local AWS (and to its own API Gateway management API) skip the
loopback socket.

The handlers run in the local stack's process, and so does the local AWS. A request from a botocore client
of this process to the local AWS endpoint is still built, signed and serialised by botocore exactly as for
the network, and still answered by the local AWS's WSGI application from a WSGI environ, exactly as the
server does; only the socket, the HTTP parsing on both sides and the hop to a server thread are left out
(they were most of what an AWS call cost here). Clients are pointed at the endpoint by configuration only,
as before; requests from other processes (the browser, tests, benchmarks) reach the same application over
HTTP.

The same holds for the handlers' pushes: `PostToConnection` and its siblings to the local gateway's
`/@connections/{id}` are handed to the gateway's own code on its event loop.

Each transport is a botocore `before-send` handler: registered for every session created from now on, and
on the default boto3 session if one exists.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import botocore.handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.botocore_stubber import MockRawResponse

WsgiApp = Any


Answer = tuple[int, dict[str, str], bytes]  # status, headers, body


def _body(request: AWSPreparedRequest) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    data = body.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


class Transport:
    """Answers the requests to `endpoint` in this process; every other request goes to the network."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.calls = 0

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        url = request.url or ""
        if url != self.endpoint and not url.startswith(self.endpoint + "/") and not url.startswith(self.endpoint + "?"):
            return None
        self.calls += 1
        status, headers, body = self.answer(request)
        return AWSResponse(url, status, headers, MockRawResponse(body))  # type: ignore[arg-type]

    def answer(self, request: AWSPreparedRequest) -> Answer:
        raise NotImplementedError


class InProcessTransport(Transport):
    """Answers the requests to `endpoint` by calling the WSGI application `app` in the calling thread."""

    def __init__(self, endpoint: str, app: WsgiApp) -> None:
        super().__init__(endpoint)
        parts = urlsplit(self.endpoint)
        self.host = parts.hostname or "127.0.0.1"
        self.port = str(parts.port or 80)
        self.app = app

    def answer(self, request: AWSPreparedRequest) -> Answer:
        data = _body(request)
        parts = urlsplit(request.url or "")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(parts.path) or "/",
            "RAW_URI": parts.path + (f"?{parts.query}" if parts.query else ""),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": self.host,
            "SERVER_PORT": self.port,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": parts.scheme or "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "HTTP_HOST": parts.netloc,
        }
        for name, value in request.headers.items():
            text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = text
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = text
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda chunk: None

        chunks = self.app(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = started
        return int(status.split(" ", 1)[0]), dict(headers), content


class GatewayTransport(Transport):
    """Answers the API Gateway management API (`/@connections/{id}`) by running the gateway's own code on
    its event loop, where the sockets live."""

    def __init__(self, endpoint: str, manage: Callable[[str, str, bytes], Awaitable[Answer]], loop: Any) -> None:
        super().__init__(endpoint)
        self.manage = manage
        self.loop = loop

    def answer(self, request: AWSPreparedRequest) -> Answer:
        path = urlsplit(request.url or "").path
        prefix = "/@connections/"
        if not path.startswith(prefix):
            return 404, {"content-type": "application/json"}, b'{"message":"Not Found"}'
        connection_id = unquote(path[len(prefix) :])
        call = self.manage(request.method, connection_id, _body(request))
        return asyncio.run_coroutine_threadsafe(call, self.loop).result(timeout=30)  # type: ignore[arg-type]


def install_transport(transport: Transport) -> None:
    """Every botocore session created from now on, and the default boto3 session, use the transport."""
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send", transport))
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION._session.register("before-send", transport)


def uninstall_transport(transport: Transport) -> None:
    if ("before-send", transport) in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.remove(("before-send", transport))
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION._session.unregister("before-send", transport)
