"""A per-client rate limit for the HTTP API: a token bucket per client address, refusing with 429 and a
Chinese sentence that says when to try again.

Usage::

    limiter = TokenBuckets.parse("120/60")           # 120 requests per 60 s per client; None for "0"
    app.add_middleware(ApiRateLimit, limiter=limiter, metrics=metrics)
    # over the limit: 429 {"detail": "请求太频繁：…请 3 秒后再试。"} with Retry-After: 3
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.web.metrics import Metrics, client_address

PREFIX = "/api/"
MAX_CLIENTS = 100_000  # buckets kept; the least recently seen client is forgotten first (it had a full one)
TOO_MANY = "请求太频繁：每个客户端每 {window} 秒最多 {limit} 次。请 {seconds} 秒后再试。"


class RateError(ValueError):
    """A rate setting that cannot be read."""


class TokenBuckets:
    """``limit`` requests per ``window`` seconds per key, as a bucket of ``limit`` tokens that refills
    steadily: a burst of ``limit`` passes, then one request every ``window / limit`` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._rate = limit / window
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, at)
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, text: str) -> TokenBuckets | None:
        """``"120/60"`` → 120 per 60 seconds; ``"0"`` or empty → None (no limit)."""
        text = text.strip()
        if text in ("", "0"):
            return None
        try:
            limit, window = (float(part) for part in text.split("/"))
        except ValueError as exc:
            raise RateError(f"限速应写作 次数/秒数，例如 120/60：{text}") from exc
        if limit < 1 or window <= 0:
            raise RateError(f"限速的次数和秒数都应为正数：{text}")
        return cls(int(limit), window)

    def take(self, key: str) -> int:
        """Take a token for ``key``: 0 when the request may pass, else the whole seconds to wait."""
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.pop(key, (float(self.limit), now))
            tokens = min(float(self.limit), tokens + (now - at) * self._rate)
            wait = 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / self._rate))
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return wait


class ApiRateLimit:
    """ASGI middleware: requests under /api/ beyond the client's limit get 429 and a Retry-After header."""

    def __init__(self, app: ASGIApp, limiter: TokenBuckets, metrics: Metrics | None = None) -> None:
        self.app = app
        self.limiter = limiter
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            wait = self.limiter.take(client_address(Request(scope)))
            if wait:
                if self.metrics is not None:
                    self.metrics.rate_limited.labels(PREFIX).inc()
                limit, window = self.limiter.limit, f"{self.limiter.window:g}"
                detail = TOO_MANY.format(window=window, limit=limit, seconds=wait)
                response = JSONResponse(
                    {"detail": detail}, status_code=429, headers={"Retry-After": str(wait)}
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
