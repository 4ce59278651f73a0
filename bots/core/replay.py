"""Refuse replayed callbacks: a signed request is accepted once, and only while its timestamp is recent.

A valid signature proves who sent a request, not when: anyone who captured one could send it again. The
platforms sign the timestamp and a nonce with the body, so a request is refused when its timestamp is
further than ``window`` seconds from now, or when the same timestamp and nonce came before.

Usage::

    guard = ReplayGuard(window=300)
    guard.check("1735660800", "nonce-1")  # FRESH once, then REPEATED; STALE for a timestamp an hour old
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

REPLAY_WINDOW = 300.0  # seconds a signed callback stays acceptable (企业微信 and 飞书 retry within it)
FRESH, REPEATED, STALE = "fresh", "repeated", "stale"


class ReplayGuard:
    """Timestamps (seconds since the epoch, as text) within ``window`` of the clock, each with its nonce
    accepted once."""

    def __init__(self, window: float = REPLAY_WINDOW, clock: Callable[[], float] = time.time) -> None:
        self.window = window
        self._clock = clock
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, timestamp: str, nonce: str) -> str:
        """FRESH (and remembered) for a recent timestamp with a new nonce, REPEATED for one seen before (a
        platform's retry, or a replay: handle it at most once), STALE for a timestamp out of the window."""
        try:
            moment = float(timestamp)
        except ValueError:
            return STALE
        now = self._clock()
        if abs(now - moment) > self.window:
            return STALE
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now - 2 * self.window:
                self._seen.popitem(last=False)
            if (timestamp, nonce) in self._seen:
                return REPEATED
            self._seen[(timestamp, nonce)] = now
            return FRESH
