"""In-process rate limiters: one token bucket (domain/rate_limits.py) per key, on the project's clock.

In the cloud a limiter lives in one warm Lambda execution environment, so it limits what one instance sees:
a client whose requests spread over N instances may get up to N times the limit, and a cold start begins
with full buckets. That is an approximation on purpose (no table round trip on every command); the hard
ceilings are API Gateway's stage throttling and the functions' reserved concurrency (infra/cloud), which
hold for the whole API. The local stack runs every function in one process, so there it is exact.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache

from agentdesk.kernel import clock
from agentdesk.kernel.rate_limits import Bucket, Limit, retry_after_seconds, take

# Keys are connection ids, user ids and addresses: an instance sees far fewer than this at once, and a flood
# of new keys evicts the least recently used instead of growing without bound.
MAX_KEYS = 10_000


class KeyedLimiter:
    """A token bucket per key (thread-safe), at most `max_keys` of them, least recently used evicted first.

    An evicted key starts again with a full bucket: eviction errs on the side of letting a request through.
    """

    def __init__(self, limit: Limit, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, cost: int = 1) -> int | None:
        """Take `cost` for `key`: None when granted, else the whole seconds to wait (at least 1)."""
        return self._take(key, cost, keep=True)

    def retry_after(self, key: str, cost: int = 1) -> int | None:
        """What `take` would answer, taking nothing: None when `cost` is available now."""
        return self._take(key, cost, keep=False)

    def __len__(self) -> int:
        return len(self._buckets)

    def _take(self, key: str, cost: int, *, keep: bool) -> int | None:
        now = clock.now().timestamp()
        with self._lock:
            bucket, wait = take(self._buckets.get(key), self.limit, now, cost)
            if keep:
                self._buckets[key] = bucket
                self._buckets.move_to_end(key)
                while len(self._buckets) > self.max_keys:
                    self._buckets.popitem(last=False)
        return None if wait is None else retry_after_seconds(wait)


@cache
def limiter(name: str, limit: Limit) -> KeyedLimiter:
    """The process's limiter of that name and limit (changed settings get a fresh one, with full buckets)."""
    return KeyedLimiter(limit)
