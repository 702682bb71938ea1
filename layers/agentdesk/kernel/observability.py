"""Powertools Logger and Metrics shared by every function (service name from the environment).

Lambda's active X-Ray tracing (set by the CDK app) traces every invocation; the Powertools Tracer, which
would add a subsegment per AWS call, is left out because importing the X-Ray SDK adds about 0.3 s to
every cold start (see docs/performance.md). `SampledWarnings` keeps a flood of one kind of refusal to a few
lines a minute.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger, Metrics

from agentdesk.kernel import clock

logger = Logger()
metrics = Metrics(namespace="AgentDesk")


@dataclass
class _Window:
    started: float
    logged: int = 0
    not_logged: int = 0


class SampledWarnings:
    """WARNING lines for refusals that can come in floods (bad tokens): per reason, the first `first` of each
    `window_seconds`, then only a count, logged as one summary line with the first refusal after the window.

    `reason` must come from a small fixed set (it keys the windows); never pass what a client sent.
    """

    def __init__(
        self, message: str, *, first: int = 5, window_seconds: float = 60, log: Logger | logging.Logger = logger
    ) -> None:
        self.message = message
        self.first = first
        self.window_seconds = window_seconds
        self.log = log
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def warning(self, reason: str, **fields: Any) -> None:
        now = clock.now().timestamp()
        with self._lock:
            window = self._windows.get(reason)
            closed = None
            if window is None or now - window.started >= self.window_seconds:
                closed = window
                window = self._windows[reason] = _Window(started=now)
            write = window.logged < self.first
            if write:
                window.logged += 1
            else:
                window.not_logged += 1
        if closed is not None and closed.not_logged:
            self.log.warning(
                f"{self.message}: {closed.not_logged} more not logged",
                extra={"reason": reason, "notLogged": closed.not_logged, "windowSeconds": self.window_seconds},
                stacklevel=3,  # with Powertools: the line that called warning(), not this one
            )
        if write:
            self.log.warning(self.message, extra={"reason": reason, **fields}, stacklevel=3)

    def reset(self) -> None:
        """Forget every window (tests)."""
        with self._lock:
            self._windows.clear()
