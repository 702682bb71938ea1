"""An in-process local stack for integration tests that need to look inside it (recorded events, the
runtime). The environment it sets for the handlers is restored when it stops, and moto's backends are
reset, so the tests that follow start clean.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.moto_api import _internal

from agentdesk.platform import clock
from agentdesk.platform.settings import reset_settings
from infra.local.stack import LocalStack, StackOptions
from tests.support import free_port


@contextmanager
def running_stack(**options: Any) -> Iterator[LocalStack]:
    saved = dict(os.environ)
    clock.reset_clock()  # a stack runs on real time: its timers and schedules are real
    stack = LocalStack(StackOptions(port=free_port(), aws_port=free_port(), **options))
    try:
        yield stack.start()
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        reset_settings()
        _internal.moto_api_backend.reset()


class RecordingRuntime:
    """Wraps the runtime's invoke to keep every (function name, event) it is handed."""

    def __init__(self, stack: LocalStack) -> None:
        self.calls: list[tuple[str, Any]] = []
        original = stack.runtime.invoke

        def invoke(name: str, event: Any) -> Any:
            self.calls.append((stack.runtime.resolve(name).name, event))
            return original(name, event)

        stack.runtime.invoke = invoke  # type: ignore[method-assign]
