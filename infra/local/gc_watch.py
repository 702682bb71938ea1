"""Garbage collection pauses of the local stack's process, for `/health` and the benchmarks: how many
collections of each generation ran and how long they stopped every thread (the tail of a command's latency
is made of these pauses when a collection walks many objects)."""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GcWatch:
    collections: list[int] = field(default_factory=lambda: [0, 0, 0])
    longest_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    total_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    _started: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def stop(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        pause = (time.perf_counter() - self._started) * 1000
        generation = int(info.get("generation", 0))
        with self._lock:
            self.collections[generation] += 1
            self.total_ms[generation] += pause
            self.longest_ms[generation] = max(self.longest_ms[generation], pause)

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "collections": list(self.collections),
                "longestPauseMs": [round(v, 2) for v in self.longest_ms],
                "totalPauseMs": [round(v, 1) for v in self.total_ms],
                "frozenObjects": gc.get_freeze_count(),
            }
