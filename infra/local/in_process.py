"""Calls this process makes to its own local AWS skip the loopback socket.

The handlers run in the local stack's process, and so does the local AWS. A request from a botocore client
of this process to the local AWS endpoint is still built, signed and serialised by botocore exactly as for
the network, and still answered by the local AWS's WSGI application from a WSGI environ, exactly as the
server does; only the socket, the HTTP parsing on both sides and the hop to a server thread are left out
(they were most of what an AWS call cost here). Clients are pointed at the endpoint by configuration only,
as before; requests from other processes (the browser, tests, benchmarks) reach the same application over
HTTP.

It is a botocore `before-send` handler: registered for every session created from now on, and on the
default boto3 session if one exists.
"""

from __future__ import annotations

import io
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import botocore.handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.botocore_stubber import MockRawResponse

WsgiApp = Any


class InProcessTransport:
    """Answers the requests to `endpoint` by calling `app` in the calling thread."""

    def __init__(self, endpoint: str, app: WsgiApp) -> None:
        self.endpoint = endpoint.rstrip("/")
        parts = urlsplit(self.endpoint)
        self.host = parts.hostname or "127.0.0.1"
        self.port = str(parts.port or 80)
        self.app = app
        self.calls = 0

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        url = request.url or ""
        if url != self.endpoint and not url.startswith(self.endpoint + "/") and not url.startswith(self.endpoint + "?"):
            return None
        self.calls += 1
        status, headers, body = self._call(request)
        return AWSResponse(url, status, headers, MockRawResponse(body))  # type: ignore[arg-type]

    def _call(self, request: AWSPreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = request.body
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            data = body.read()
            if isinstance(data, str):
                data = data.encode("utf-8")
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


def install(transport: InProcessTransport) -> None:
    """Every botocore session created from now on, and the default boto3 session, use the transport."""
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send", transport))
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION._session.register("before-send", transport)


def uninstall(transport: InProcessTransport) -> None:
    if ("before-send", transport) in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.remove(("before-send", transport))
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION._session.unregister("before-send", transport)
