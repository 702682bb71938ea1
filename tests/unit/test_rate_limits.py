"""Rate limits: the token bucket (domain/rate_limits.py), the keyed limiter (platform/rate_limit.py) and the
sampled warnings of refusals (platform/observability.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentdesk.kernel import clock, rate_limits
from agentdesk.kernel.observability import SampledWarnings
from agentdesk.kernel.rate_limit import KeyedLimiter
from agentdesk.kernel.rate_limits import Bucket, Limit, retry_after_seconds, take
from tests.support import Records

TEN_PER_SECOND = Limit(rate_per_second=10, burst=30)


def test_a_new_bucket_grants_the_burst_at_once_then_refuses_with_the_wait() -> None:
    bucket = None
    for _ in range(30):
        bucket, wait = take(bucket, TEN_PER_SECOND, now=100.0)
        assert wait is None
    refused, wait = take(bucket, TEN_PER_SECOND, now=100.0)
    assert wait == pytest.approx(0.1)
    assert refused == bucket  # a refusal takes nothing


def test_the_bucket_refills_at_the_rate_up_to_the_burst() -> None:
    empty = Bucket(tokens=0, updated_at=100.0)
    half_second, wait = take(empty, TEN_PER_SECOND, now=100.5)
    assert wait is None and half_second.tokens == pytest.approx(4)
    long_idle, _ = take(empty, TEN_PER_SECOND, now=1_000.0)
    assert long_idle.tokens == pytest.approx(29)


def test_a_cost_above_one_waits_for_all_of_it() -> None:
    bucket, wait = take(Bucket(tokens=2, updated_at=0.0), TEN_PER_SECOND, now=0.0, cost=5)
    assert bucket.tokens == 2 and wait == pytest.approx(0.3)


def test_a_clock_that_goes_back_refills_nothing_until_it_catches_up() -> None:
    bucket, _ = take(Bucket(tokens=0, updated_at=100.0), TEN_PER_SECOND, now=90.0)
    assert bucket == Bucket(tokens=0, updated_at=100.0)
    again, wait = take(bucket, TEN_PER_SECOND, now=100.05)
    assert wait is not None and again.tokens == pytest.approx(0.5)


@pytest.mark.parametrize(("wait", "seconds"), [(0.0001, 1), (0.5, 1), (1.0, 1), (1.01, 2), (4.2, 5)])
def test_clients_are_told_whole_seconds_rounded_up_and_at_least_one(wait: float, seconds: int) -> None:
    assert retry_after_seconds(wait) == seconds


@pytest.mark.parametrize("text", ["10", "ten/30", "10/0", "0/30", "-1/5", "nan/5", "inf/5", "10/3.5"])
def test_a_malformed_limit_setting_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Limit.parse(text)


def test_a_limit_setting_reads_per_second_and_burst() -> None:
    assert Limit.parse(" 0.5/20 ") == Limit(0.5, 20)
    assert str(Limit(0.2, 10)) == "0.2/10"


def test_the_named_limits_leave_room_for_what_people_do() -> None:
    # a reconnecting workspace's handful of frames, the console's lists loaded at once, a few tabs
    assert rate_limits.COMMANDS_PER_CONNECTION.burst >= 10
    assert rate_limits.CONFIG_REQUESTS_PER_USER.burst >= 20
    assert rate_limits.CONNECTS_PER_SOURCE_IP.burst >= 5
    # a bad token is rarer than a connect: its limit is the tighter one
    assert rate_limits.REFUSED_TOKENS_PER_SOURCE_IP.rate_per_second < rate_limits.CONNECTS_PER_SOURCE_IP.rate_per_second


@given(
    rate=st.floats(0.1, 50),
    burst=st.integers(1, 50),
    steps=st.lists(st.tuples(st.floats(-2, 5), st.integers(1, 4)), min_size=1, max_size=120),
)
def test_never_more_than_burst_plus_rate_times_elapsed_is_granted(
    rate: float, burst: int, steps: list[tuple[float, int]]
) -> None:
    limit = Limit(rate, burst)
    now = 1_000.0
    first = latest = now + steps[0][0]
    bucket: Bucket | None = None
    granted = 0
    for step, cost in steps:
        now += step  # the clock may also go back
        latest = max(latest, now)
        bucket, wait = take(bucket, limit, now, cost)
        if wait is None:
            granted += cost
        else:
            assert wait > 0
        assert 0 <= bucket.tokens <= burst
        assert granted <= burst + rate * (latest - first) + 1e-6


# --- the keyed limiter --------------------------------------------------------------------------------------


@pytest.fixture
def frozen() -> Iterator[list[datetime]]:
    """The project's clock, stopped; append to move it."""
    moments = [datetime(2026, 11, 25, 10, 0, tzinfo=UTC)]
    clock.set_clock(lambda: moments[-1])
    yield moments
    clock.reset_clock()


def test_each_key_has_its_own_bucket(frozen: list[datetime]) -> None:
    limiter = KeyedLimiter(Limit(1, 2))
    assert [limiter.take("a") for _ in range(3)] == [None, None, 1]
    assert limiter.take("b") is None
    frozen.append(frozen[-1] + timedelta(seconds=1))
    assert limiter.take("a") is None


def test_retry_after_answers_without_taking(frozen: list[datetime]) -> None:
    limiter = KeyedLimiter(Limit(0.2, 1))
    assert limiter.retry_after("ip") is None
    assert limiter.take("ip") is None
    assert limiter.retry_after("ip") == 5
    assert limiter.retry_after("ip") == 5


def test_the_least_recently_used_key_is_forgotten_first(frozen: list[datetime]) -> None:
    limiter = KeyedLimiter(Limit(1, 1), max_keys=3)
    for key in ("a", "b", "c"):
        limiter.take(key)
    limiter.take("a")  # a is used again: b is now the oldest
    limiter.take("d")
    assert len(limiter) == 3
    assert limiter.take("b") is None  # forgotten, so a full bucket again
    assert limiter.take("a") == 1


def test_threads_taking_at_once_never_get_more_than_the_burst(frozen: list[datetime]) -> None:
    limiter = KeyedLimiter(Limit(1, 50))
    start = threading.Barrier(8)
    granted: list[int] = []

    def worker() -> None:
        start.wait()
        granted.extend(1 for _ in range(20) if limiter.take("conn") is None)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 50


# --- sampled warnings ---------------------------------------------------------------------------------------


def test_a_flood_of_one_reason_logs_a_few_lines_then_one_count(frozen: list[datetime]) -> None:
    log = logging.getLogger("test.sampled")
    records = Records()
    log.addHandler(records)
    try:
        sampled = SampledWarnings("connection refused", first=3, window_seconds=60, log=log)
        for _ in range(100):
            sampled.warning("invalid", sourceIp="198.51.100.7")
        sampled.warning("expired", sourceIp="198.51.100.8")
        assert len(records.records) == 4
        frozen.append(frozen[-1] + timedelta(seconds=61))
        sampled.warning("invalid", sourceIp="198.51.100.7")
    finally:
        log.removeHandler(records)
    messages = [r.getMessage() for r in records.records]
    assert messages == ["connection refused"] * 4 + ["connection refused: 97 more not logged", "connection refused"]
    assert all(r.levelno == logging.WARNING for r in records.records)
