"""An in-process local stack for integration tests that need to look inside it (recorded events, the
runtime). The environment it sets for the handlers is restored when it stops, and moto's backends are
reset, so the tests that follow start clean.
"""

from __future__ import annotations

from typing import Any

from infra.local.stack import LocalStack
from infra.local.stack import in_process as running_stack

__all__ = ["RecordingRuntime", "running_stack"]


class RecordingRuntime:
    """Wraps the runtime's invoke to keep every (function name, event) it is handed."""

    def __init__(self, stack: LocalStack) -> None:
        self.calls: list[tuple[str, Any]] = []
        original = stack.runtime.invoke

        def invoke(name: str, event: Any) -> Any:
            self.calls.append((stack.runtime.resolve(name).name, event))
            return original(name, event)

        stack.runtime.invoke = invoke  # type: ignore[method-assign]
