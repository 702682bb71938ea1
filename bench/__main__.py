"""`python -m bench`: run the benchmarks and print the figures.

Usage:

    python -m bench                          # both: agent-state, then local-stack (defaults)
    python -m bench agent-state [flags]      # only bench/agent_state.py (in-process stack)
    python -m bench local-stack [flags]      # only bench/local_stack.py (`python -m infra.local` as a subprocess)
    python -m bench interactions [flags]     # only bench/interactions.py (chats: offers, messages, routing)
    python -m bench reporting [flags]        # only bench/reporting.py (aggregator events/s, export time)
    python -m bench routing [flags]          # only bench/routing.py (routing decision time, 100-10,000 agents)
    python -m bench --runs 1 --commands 60   # flags without a name go to agent-state, as before; then local-stack
"""

from __future__ import annotations

import sys

BENCHES = ("agent-state", "local-stack", "interactions", "reporting", "routing")


def run(name: str, argv: list[str]) -> None:
    if name == "agent-state":
        from bench import agent_state

        agent_state.main(argv)
    elif name == "reporting":
        from bench import reporting

        reporting.main(argv)
    elif name == "routing":
        from bench import routing

        routing.main(argv)
    elif name == "interactions":
        from bench import interactions

        interactions.main(argv)
    else:
        from bench import local_stack

        local_stack.main(argv)


def main(argv: list[str]) -> None:
    if argv and argv[0] in BENCHES:
        run(argv[0], argv[1:])
        return
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return
    run("agent-state", argv)
    print("\n" + "=" * 100 + "\n")
    run("local-stack", [])


if __name__ == "__main__":
    main(sys.argv[1:])
