"""`python -m bench`: run the benchmarks and print the figures."""

from bench.agent_state import main

if __name__ == "__main__":
    main()
