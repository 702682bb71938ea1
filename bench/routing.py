"""Routing decision time with 100, 1,000 and 10,000 routable agents in a queue.

    python -m bench routing                          # 100, 1,000 and 10,000 agents, 200 decisions each
    python -m bench routing --agents 100 1000 --decisions 50

The decision is what `routing.route` does before it claims an agent: read the candidates of the
interaction's partition of the read model and rank them (interactions/routing.py `ranked`). For each size,
that many agents' rows are written to one partition of the routing table on the local AWS (moto, with the
local stack's tuning: infra/local/moto_tuning.py), all routable with free slots, proficiencies 1-5 and idle
times spread over a day; then it times, one decision at a time:

- **ranked**: what routing does: the first MAX_CLAIMS rows of the partition's `ranked` index (a Query with
  a Limit), then `domain.rank` over them;
- **full read**: what it did before the index: every row of the partition, then `domain.rank` over all;
- **rank only**: `domain.rank` over every agent in memory (no AWS): the ranking's own cost.

Against DynamoDB a Query with a Limit reads only those items, so the ranked decision does not grow with the
agents; moto's query still looks at every item of the partition (its tuned index map gives it the partition's
items, which it sorts), so the local figure grows with the partition even though the rows read and ranked
stay MAX_CLAIMS. Both are printed. Nothing here asserts a time (docs/performance.md, "Interactions").
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto import mock_aws

from bench import reporting
from bench.local_stack import load_average


def environment() -> None:
    reporting.environment()  # moto's credentials, the region, quiet logs
    os.environ["ROUTING_TABLE"] = "agentdesk-routing"


def timed(fn: Callable[[], Any], times: int) -> tuple[float, float, Any]:
    """Median and p99 milliseconds of `times` calls, and the last result."""
    samples = []
    result = None
    for _ in range(times):
        began = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))], result


def bench_size(agents: int, decisions: int, seed: int = 7) -> dict[str, Any]:
    from agentdesk.interactions import domain, store
    from agentdesk.interactions.routing import MAX_CLAIMS

    rng = random.Random(seed)
    queue_id = f"bench-{agents}"
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    rows = []
    for number in range(agents):
        idle = (start + timedelta(seconds=rng.randrange(86_400))).isoformat(timespec="milliseconds")
        candidate = domain.candidate_for(
            f"agent-{number:05d}",
            routable=True,
            capacity=5,
            active_interactions=rng.randrange(5),
            on_voice=False,
            idle_since=idle,
            skills={"skill-bench": rng.randint(1, 5)},
            required_skill_id="skill-bench",
        )
        rows.append(domain.Row(domain.partition(queue_id), candidate, domain.rank_key(candidate, "skill-bench")))
    began = time.perf_counter()
    for chunk in range(0, len(rows), 100):
        store.save_rows(rows[chunk : chunk + 100], 1)
    written = time.perf_counter() - began
    partition = domain.partition(queue_id)
    everyone = [row.candidate for row in rows]
    expected = domain.rank(everyone, "skill-bench")[:MAX_CLAIMS]

    def ranked() -> list[str]:
        return domain.rank(store.ranked(partition, MAX_CLAIMS), "skill-bench")

    def full_read() -> list[str]:
        return domain.rank(store.candidates(queue_id), "skill-bench")[:MAX_CLAIMS]

    def rank_only() -> list[str]:
        return domain.rank(everyone, "skill-bench")[:MAX_CLAIMS]

    ranked_ms, ranked_p99, ranked_order = timed(ranked, decisions)
    full_ms, full_p99, full_order = timed(full_read, max(5, decisions // 10) if agents >= 10_000 else decisions)
    rank_ms, _rank_p99, rank_order = timed(rank_only, decisions)
    assert ranked_order == expected == full_order == rank_order, "the index and the full ranking disagree"
    return {
        "agents": agents,
        "rowsWrittenSeconds": written,
        "rankedMedianMs": ranked_ms,
        "rankedP99Ms": ranked_p99,
        "fullReadMedianMs": full_ms,
        "fullReadP99Ms": full_p99,
        "rankOnlyMedianMs": rank_ms,
    }


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(prog="python -m bench routing", description=__doc__.split("\n\n")[0])
    parsed.add_argument("--agents", type=int, nargs="+", default=[100, 1_000, 10_000])
    parsed.add_argument("--decisions", type=int, default=200)
    return parsed


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parser().parse_args(argv)
    environment()
    from agentdesk.kernel.settings import reset_settings
    from agentdesk.wiring import TABLES
    from infra.local import moto_tuning
    from infra.local.provision import create_table

    moto_tuning.install()
    results = []
    print(f"  load average at start: {load_average()}")
    with mock_aws():
        reset_settings()
        create_table(boto3.client("dynamodb", region_name="us-east-1"), "routing", TABLES["routing"])
        for agents in args.agents:
            result = bench_size(agents, args.decisions)
            results.append(result)
            print(
                f"  {agents:>6} routable agents: ranked index {result['rankedMedianMs']:.2f} ms "
                f"(p99 {result['rankedP99Ms']:.2f}), full read {result['fullReadMedianMs']:.2f} ms "
                f"(p99 {result['fullReadP99Ms']:.2f}), rank only {result['rankOnlyMedianMs']:.3f} ms",
                flush=True,
            )
    print(f"  load average at end: {load_average()}")
    return results


if __name__ == "__main__":
    main()
