"""`python -m infra.local`: run Agent Desk on this machine until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import threading
from pathlib import Path

from infra.local.seed import DEMO_PASSWORD
from infra.local.stack import LocalStack, StackOptions


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the Agent Desk local stack.")
    parser.add_argument("--host", default=os.environ.get("AGENTDESK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("AGENTDESK_PORT", "8080")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("AGENTDESK_AWS_PORT", "4566")))
    parser.add_argument("--web-dist", type=Path, default=None, help="built web app (default web/dist)")
    parser.add_argument("--no-seed", action="store_true", help="start without demo data")
    parser.add_argument(
        "--ready-file",
        type=Path,
        default=None,
        help="when ready, write the ports in use here as JSON (for --port 0 / --aws-port 0: any free port)",
    )
    args = parser.parse_args()

    options = StackOptions(host=args.host, port=args.port, aws_port=args.aws_port, seed=not args.no_seed)
    if args.web_dist is not None:
        options.web_dist = args.web_dist
    stack = LocalStack(options).start()

    print(f"Agent Desk is running at {stack.base_url}  (started in {stack.timings['ready']:.1f} s)")
    print(f"  local AWS endpoint: {stack.aws_endpoint}")
    if stack.users:
        print(f"  demo users (password {DEMO_PASSWORD}):")
        for user in stack.users:
            print(f"    {user.role:<10} {user.username:<8} {user.name}")
    print("Press Ctrl+C to stop.", flush=True)
    if args.ready_file is not None:
        written = args.ready_file.with_name(args.ready_file.name + ".part")
        written.write_text(json.dumps({"port": stack.options.port, "awsPort": stack.aws.port}))
        written.replace(args.ready_file)  # whoever waits for the file never reads it half written

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    stack.stop()


if __name__ == "__main__":
    main()
