"""The local stack as a process of its own (`python -m infra.local`) on ports it picks itself: the end-to-end
tests and the simulator start it this way. Ports found free beforehand could be taken by another connection
before the stack binds them; a stack started with port 0 binds first and says which ports it got."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class Ports:
    port: int
    aws_port: int


def start(cwd: Path, env: dict[str, str], log: IO[bytes], **popen: Any) -> tuple[subprocess.Popen[bytes], Path]:
    """Starts the stack on free ports; hand the returned file to `wait_ready`."""
    ready = Path(tempfile.mkdtemp(prefix="local-stack-")) / "ready.json"
    command = [sys.executable, "-m", "infra.local", "--port", "0", "--aws-port", "0", "--ready-file", str(ready)]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, **popen)  # noqa: S603  # this interpreter, fixed arguments
    return process, ready


def wait_ready(process: subprocess.Popen[bytes], ready: Path, timeout: float, log_name: str) -> Ports:
    """The ports of a stack once it serves (it writes the file when ready), or why it did not start."""
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {process.returncode}; see {log_name}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the local stack was not ready within {timeout:.0f} s; see {log_name}")
        time.sleep(0.1)
    ports = json.loads(ready.read_text())
    shutil.rmtree(ready.parent, ignore_errors=True)
    return Ports(int(ports["port"]), int(ports["awsPort"]))
