"""The local AWS endpoint: moto's server application, with Lambda's Invoke answered by the real handlers.

Everything else (DynamoDB and its streams, Kinesis, Cognito and its JWKS, Step Functions, S3, ...) is
moto, tuned so that no call's cost grows with the history it keeps (`infra/local/moto_tuning.py`).
Step Functions tasks call Lambda on this same port, so state machines reach real handler code.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from typing import Any
from urllib.parse import unquote

import uvicorn
from a2wsgi import WSGIMiddleware
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from infra.local import moto_tuning
from infra.local.in_process import InProcessTransport, install_transport, uninstall_transport
from infra.local.lambda_runtime import FunctionError, LambdaRuntime

_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")


class LambdaInvokeMiddleware:
    """WSGI middleware: Lambda Invoke goes to the local runtime, every other request to moto."""

    def __init__(self, moto_app: Any, runtime: LambdaRuntime) -> None:
        self.moto_app = moto_app
        self.runtime = runtime

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        match = _INVOKE.match(unquote(environ.get("PATH_INFO", "")))
        if match is None or environ.get("REQUEST_METHOD") != "POST":
            return self.moto_app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        payload = environ["wsgi.input"].read(length) if length else b""
        event = json.loads(payload) if payload else {}
        invocation_type = environ.get("HTTP_X_AMZ_INVOCATION_TYPE", "RequestResponse")
        name = match.group("name")
        try:
            self.runtime.resolve(name)
        except KeyError as exc:
            return _respond(
                start_response,
                404,
                {"Type": "User", "message": str(exc)},
                {"x-amzn-ErrorType": "ResourceNotFoundException"},
            )
        if invocation_type == "Event":
            threading.Thread(target=self._invoke_quietly, args=(name, event), daemon=True).start()
            return _respond(start_response, 202, None, {})
        try:
            result = self.runtime.invoke(name, event)
        except FunctionError as exc:
            return _respond(start_response, 200, exc.payload, {"X-Amz-Function-Error": "Unhandled"})
        return _respond(start_response, 200, result, {"X-Amz-Executed-Version": "$LATEST"})

    def _invoke_quietly(self, name: str, event: Any) -> None:
        # an asynchronous invocation's failure goes nowhere, as with no destination configured
        with contextlib.suppress(FunctionError):
            self.runtime.invoke(name, event)


def _respond(start_response: Any, status: int, body: Any, headers: dict[str, str]) -> list[bytes]:
    data = b"" if body is None else json.dumps(body).encode()
    reason = {200: "OK", 202: "Accepted", 404: "Not Found"}[status]
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *headers.items()],
    )
    return [data]


# Threads that run requests: Step Functions tasks call Lambda on this endpoint and the handlers they run call
# it again, so a request may wait for others; the pool must outnumber what can wait at once.
REQUEST_THREADS = 256


class LocalAws:
    """moto on one port, served by uvicorn (HTTP/1.1 keep-alive: a client reuses its connection, where
    werkzeug's development server closes every connection after one response), in a background thread."""

    def __init__(self, host: str, port: int, runtime: LambdaRuntime) -> None:
        self.host = host
        self.port = port
        self.runtime = runtime
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.transport: InProcessTransport | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        moto_tuning.install()
        app = LambdaInvokeMiddleware(DomainDispatcherApplication(moto_tuning.backend_app), self.runtime)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        self.port = listener.getsockname()[1]
        # this process's own clients (the handlers, the event source mappings) call the app without a socket
        self.transport = InProcessTransport(self.endpoint, app)
        install_transport(self.transport)
        config = uvicorn.Config(
            WSGIMiddleware(app, workers=REQUEST_THREADS),  # type: ignore[arg-type]
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=60,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [listener]}, name="local-aws", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the local AWS did not start on port {self.port}")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.transport is not None:
            uninstall_transport(self.transport)
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
