"""An in-process local stack for integration tests that need to look inside it (recorded events, the
runtime). The environment it sets for the handlers is restored when it stops, and moto's backends are
reset, so the tests that follow start clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.moto_api._internal import moto_api_backend

from infra.local.aws import LocalAws
from infra.local.lambda_runtime import LambdaRuntime
from infra.local.stack import LocalStack, free_port
from infra.local.stack import in_process as running_stack

__all__ = ["RecordingRuntime", "local_aws_alone", "running_stack"]


@contextmanager
def local_aws_alone(region: str = "us-east-1") -> Iterator[LocalAws]:
    """The local AWS by itself on a free port (no functions, no gateway); moto is reset when it stops."""
    aws = LocalAws("127.0.0.1", free_port(), LambdaRuntime(region, ()))
    aws.start()
    try:
        yield aws
    finally:
        aws.stop()
        moto_api_backend.reset()


class RecordingRuntime:
    """Wraps the runtime's invoke to keep every (function name, event) it is handed."""

    def __init__(self, stack: LocalStack) -> None:
        self.calls: list[tuple[str, Any]] = []
        original = stack.runtime.invoke

        def invoke(name: str, event: Any) -> Any:
            self.calls.append((stack.runtime.resolve(name).name, event))
            return original(name, event)

        stack.runtime.invoke = invoke  # type: ignore[method-assign]
