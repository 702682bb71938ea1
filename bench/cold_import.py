"""Cold-import time of every Lambda handler: a fresh interpreter imports the handler module (what a Lambda
INIT pays before the first invocation, minus the runtime's own start). Median of several runs each."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from agentdesk import wiring

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
_PROBE = "import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"


def import_ms(module: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin", "POWERTOOLS_TRACE_DISABLED": "true"},
    )
    return float(out.stdout.strip().splitlines()[-1])


def measure(runs: int = RUNS) -> list[tuple[str, float, float]]:
    """(function, median ms, max ms) per function."""
    rows = []
    for fn in wiring.FUNCTIONS:
        import_ms(fn.module)  # warm the file cache and the bytecode cache once
        samples = [import_ms(fn.module) for _ in range(runs)]
        rows.append((fn.name, statistics.median(samples), max(samples)))
    return rows


def main() -> None:
    rows = measure()
    print(f"\nHandler cold import (fresh interpreter, median of {RUNS})")
    print(f"{'function':<18} {'median ms':>10} {'max ms':>8}")
    for name, median, worst in rows:
        print(f"{name:<18} {median:>10.0f} {worst:>8.0f}")


if __name__ == "__main__":
    main()
