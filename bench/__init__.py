"""Benchmarks of Agent Desk on the local stack: `python -m bench` (or `make bench`) prints the figures.
docs/performance.md describes the method and the measured results."""
