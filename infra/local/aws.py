"""The local AWS endpoint: moto's server application, with Lambda's Invoke answered by the real handlers.

Everything else (DynamoDB and its streams, Kinesis, Cognito and its JWKS, Step Functions, S3, ...) is
moto, tuned so that no call's cost grows with the history it keeps (`infra/local/moto_tuning.py`).
Step Functions tasks call Lambda on this same port, so state machines reach real handler code.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from typing import Any
from urllib.parse import unquote

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from infra.local import moto_tuning
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


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler without a log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LocalAws:
    """moto in server mode on one port, in a background thread."""

    def __init__(self, host: str, port: int, runtime: LambdaRuntime) -> None:
        self.host = host
        self.port = port
        self.runtime = runtime
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        moto_tuning.install()
        app = LambdaInvokeMiddleware(DomainDispatcherApplication(create_backend_app), self.runtime)
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=QuietRequestHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-aws", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
