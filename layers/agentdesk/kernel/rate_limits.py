"""Rate limits as token buckets: how many requests a client may make, in a burst and over time.

Pure: the caller passes the time in seconds and keeps the buckets. A bucket starts full (`burst` tokens),
refills at `rate_per_second` up to `burst`, and each granted request takes `cost` tokens; a refused
request takes nothing and learns how long to wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    rate_per_second: float
    burst: int

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate_per_second) and self.rate_per_second > 0):
            raise ValueError(f"rate_per_second must be a positive number, not {self.rate_per_second!r}")
        if self.burst < 1:
            raise ValueError(f"burst must be at least 1, not {self.burst!r}")

    @classmethod
    def parse(cls, text: str) -> Limit:
        """`"10/30"`: 10 per second sustained, bursts of up to 30 (the form of the RATE_LIMIT_* settings)."""
        rate, separator, burst = text.strip().partition("/")
        if not separator:
            raise ValueError(f"a limit is '<per second>/<burst>', e.g. '10/30'; got {text!r}")
        return cls(float(rate), int(burst))

    def __str__(self) -> str:
        return f"{self.rate_per_second:g}/{self.burst}"


@dataclass(frozen=True)
class Bucket:
    tokens: float
    updated_at: float  # seconds, on whatever clock the caller keeps


def take(bucket: Bucket | None, limit: Limit, now: float, cost: int = 1) -> tuple[Bucket, float | None]:
    """Take `cost` tokens: (the bucket after, None) when granted, else (the bucket, seconds until it would be).

    A clock that goes back refills nothing until it passes the bucket's time again, so moving time back and
    forth never grants more than `burst + rate * (latest time seen - first time)`.
    """
    if bucket is None:
        tokens, updated_at = float(limit.burst), now
    else:
        elapsed = max(0.0, now - bucket.updated_at)
        tokens = min(float(limit.burst), bucket.tokens + elapsed * limit.rate_per_second)
        updated_at = max(now, bucket.updated_at)
    if tokens >= cost:
        return Bucket(tokens - cost, updated_at), None
    return Bucket(tokens, updated_at), (cost - tokens) / limit.rate_per_second


def retry_after_seconds(wait: float) -> int:
    """The wait as the whole seconds a client is told (Retry-After, retryAfterSeconds): rounded up, at least 1."""
    return max(1, math.ceil(wait))


# --- the limits of Agent Desk (defaults; the RATE_LIMIT_* settings override them) ----------------------

# A person clicks: a few commands a second at most. A workspace that reconnects sends a handful of frames at
# once (whoami, getState, listAgentStates, the pause codes), so the burst leaves room for several of those.
COMMANDS_PER_CONNECTION = Limit(rate_per_second=10, burst=30)

# The admin console loads several lists at once (users, teams, queues, skills, pause codes ...) and pages
# through them; 40 at once and 10 a second keep it instant while a script looping on the API is slowed.
CONFIG_REQUESTS_PER_USER = Limit(rate_per_second=10, burst=40)

# A browser tab connects once and reconnects with backoff; a few tabs (agent, wallboard, console) and a
# reconnect after a network blip fit in the burst. Applied by the local gateway before the authorizer runs;
# in the cloud a per-address limit needs AWS WAF (see docs/architecture.md, Limits).
CONNECTS_PER_SOURCE_IP = Limit(rate_per_second=1, burst=10)

# A person's tab with an expired token is refused once or twice, then signs in again; more than ten bad
# tokens from one address, and then more than one every five seconds, is a script, not a browser.
REFUSED_TOKENS_PER_SOURCE_IP = Limit(rate_per_second=0.2, burst=10)

# A customer opens a chat, maybe a second one after closing the tab; a few at once from one address covers
# a family or an office behind one NAT. Beyond that a script is filling the queues with chats nobody wrote.
CHAT_SESSIONS_PER_SOURCE_IP = Limit(rate_per_second=0.2, burst=10)

# The public chat page reads its topics once per load (and on a reload); a page left open and reloaded now
# and then, or a few people behind one NAT, stay well inside. A script polling the list is slowed.
CHAT_TOPICS_PER_SOURCE_IP = Limit(rate_per_second=1, burst=20)

# An outside system (a telephony system, an email gateway) sends a few requests per call, email or task:
# created, ringing, answered, ended. 20 a second sustained is a large contact centre's peak; the burst covers
# a switch replaying its backlog after a network blip. A loop that never stops is slowed, not everyone.
INGRESS_REQUESTS_PER_INTEGRATION = Limit(rate_per_second=20, burst=100)
