"""Local Lambda: runs the real handlers in-process, by the names the wiring gives them.

Every invocation gets a fresh context object and the handler's own return value or exception, exactly
as the Lambda service would hand them to API Gateway, Step Functions or an event source mapping.
"""

from __future__ import annotations

import importlib
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentdesk import wiring

ACCOUNT_ID = "123456789012"
FUNCTION_PREFIX = "agentdesk-"

Handler = Callable[[Any, Any], Any]


@dataclass
class LocalContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionError(Exception):
    """The handler raised: carries Lambda's error payload (errorMessage, errorType, stackTrace)."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload.get("errorMessage", "error"))
        self.payload = payload


class LambdaRuntime:
    def __init__(self, region: str, functions: tuple[wiring.Function, ...] = wiring.FUNCTIONS) -> None:
        self.region = region
        self._functions = {physical_name(fn): fn for fn in functions}
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.invocations: dict[str, int] = dict.fromkeys(self._functions, 0)
        # CPU seconds each function's invocations spent in their own thread: the handler and, in process, the
        # local AWS it called (benchmarks divide it by the work done; wall time would count waiting for the GIL).
        self.cpu_seconds: dict[str, float] = dict.fromkeys(self._functions, 0.0)
        # Lambda runs one request at a time in an execution environment, and handlers rely on it (the
        # HTTP resolver keeps the current event on its app); here each function has one environment.
        self._environments = {fn.name: threading.Lock() for fn in functions}

    def arn(self, fn: wiring.Function) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{physical_name(fn)}"

    def resolve(self, name_or_arn: str) -> wiring.Function:
        """Accept a function name, a logical wiring name, or a (qualified) ARN."""
        name = name_or_arn.split(":function:")[-1].split(":")[0] if ":function:" in name_or_arn else name_or_arn
        fn = self._functions.get(name) or self._functions.get(FUNCTION_PREFIX + name)
        if fn is None:
            raise KeyError(f"Function not found: {name_or_arn}")
        return fn

    def handler(self, fn: wiring.Function) -> Handler:
        with self._lock:
            if fn.name not in self._handlers:
                module = importlib.import_module(fn.module)
                self._handlers[fn.name] = module.handler
            return self._handlers[fn.name]

    def invoke(self, name_or_arn: str, event: Any) -> Any:
        """Call the handler; its exceptions become FunctionError, as Lambda reports them."""
        fn = self.resolve(name_or_arn)
        handler = self.handler(fn)
        context = LocalContext(physical_name(fn), fn.memory_mb, self.arn(fn), fn.timeout_seconds)
        with self._lock:
            self.invocations[physical_name(fn)] += 1
        try:
            with self._environments[fn.name]:
                began = time.thread_time()
                try:
                    return handler(event, context)
                finally:
                    spent = time.thread_time() - began
                    with self._lock:
                        self.cpu_seconds[physical_name(fn)] += spent
        except Exception as exc:
            raise FunctionError(
                {
                    "errorMessage": str(exc),
                    "errorType": type(exc).__name__,
                    "stackTrace": traceback.format_tb(exc.__traceback__),
                }
            ) from exc


def physical_name(fn: wiring.Function) -> str:
    return FUNCTION_PREFIX + fn.name
