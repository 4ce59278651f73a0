"""A per-user sliding-window rate limit that tells the caller when to warn and when to stay silent.

Usage::

    limiter = RateLimiter(5, 60.0)
    verdict = limiter.check("123456789")
    verdict.allowed, verdict.warn, verdict.retry_after
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """Whether a message may be handled; if not, whether to say so (once per refusal streak) and when to retry."""

    allowed: bool
    warn: bool = False
    retry_after: int = 0  # whole seconds until the next message is allowed


class RateLimiter:
    """At most ``limit`` allowed messages per user in any ``window`` seconds; refused ones do not count."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def check(self, user_id: str) -> Verdict:
        """Count the message if it is allowed; the first refusal after an allowed message warns."""
        with self._lock:
            now = self._clock()
            seen = self._seen.setdefault(user_id, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) < self.limit:
                seen.append(now)
                self._warned.discard(user_id)
                return Verdict(True)
            warn = user_id not in self._warned
            self._warned.add(user_id)
            return Verdict(False, warn, max(1, math.ceil(seen[0] + self.window - now)))
