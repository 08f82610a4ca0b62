"""Per-partner request rate limit: a token bucket in each server process.

Each partner may send ``per_minute`` requests a minute on average, in bursts of up to
``per_minute`` requests. The buckets live in the process's memory, so with several worker
processes a partner's effective limit is the per-process limit times the number of
processes that happen to serve it.
"""

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}  # partner id -> (tokens, updated)

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def acquire(self, partner_id: int) -> int | None:
        """Take one token; return None when allowed, else the seconds to wait before retrying."""
        if not self.enabled:
            return None
        rate = self.per_minute / 60.0
        now = self._clock()
        with self._lock:
            tokens, updated = self._buckets.get(partner_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - updated) * rate)
            if tokens >= 1.0:
                self._buckets[partner_id] = (tokens - 1.0, now)
                return None
            self._buckets[partner_id] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))
