"""Prometheus metrics of a serving process (prometheus-client) and its request log, one JSON line each.

Requests and their latency by route (the route's template, so that /api/provisions/<doc>/<unit> is one
series), answers by intent, refusals, verdicts, feedback, rate-limit refusals, and the live build: its id,
age, size and dense coverage, read when scraped.

Usage::

    metrics = Metrics(assistant)
    app.add_middleware(RequestMetrics, metrics=metrics)
    app.add_api_route("/metrics", metrics.endpoint, include_in_schema=False)
    metrics.observe_answer("web", answer)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.answer import Answer
from assistant.live import LiveAssistant
from assistant.web.health import BuildInfo

PREFIX = "anquan"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
WEB_ROUTE = "/ (网页)"  # everything the web app mounted at / serves: one series

log = logging.getLogger("assistant.web.requests")


class Metrics:
    """The collectors of one server, in a registry of their own."""

    def __init__(self, assistant: LiveAssistant) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            f"{PREFIX}_http_requests",
            "HTTP requests by route, method and status",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "Time to answer a request, by route",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.answers = Counter(
            f"{PREFIX}_answers", "Answers by channel and intent", ["channel", "intent"], registry=r
        )
        self.refusals = Counter(
            f"{PREFIX}_refusals",
            "Answers that found no basis in the collected documents, by intent",
            ["intent"],
            registry=r,
        )
        self.verdicts = Counter(
            f"{PREFIX}_verdicts",
            "Verdicts of yes/no questions (none: the provisions do not decide it)",
            ["verdict"],
            registry=r,
        )
        self.feedback = Counter(
            f"{PREFIX}_feedback",
            "Ratings of answers (up, down) by channel",
            ["channel", "rating"],
            registry=r,
        )
        self.rate_limited = Counter(
            f"{PREFIX}_rate_limited", "Requests refused by the per-client limit", ["route"], registry=r
        )
        r.register(_IndexCollector(assistant))

    def observe_answer(self, channel: str, answer: Answer) -> None:
        self.answers.labels(channel, answer.intent).inc()
        if not answer.supported:
            self.refusals.labels(answer.intent).inc()
        self.verdicts.labels(answer.verdict or "none").inc()

    def endpoint(self) -> Response:
        """GET /metrics: the Prometheus text format."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class _IndexCollector(Collector):
    """The live build, read at each scrape."""

    def __init__(self, assistant: LiveAssistant) -> None:
        self.assistant = assistant

    def collect(self) -> Iterator[Any]:
        try:
            info = BuildInfo.of(self.assistant.index)
        except Exception:
            return
        yield InfoMetricFamily(
            f"{PREFIX}_index_build", "The live index build", {"build": info.build, "embedder": info.embedder}
        )
        for name, doc, value in (
            ("index_age_seconds", "Seconds since the live build was completed", info.age_s),
            ("index_dense_coverage", "Share of passages with a dense vector (0-1)", info.dense),
            ("index_documents", "Documents in the live build", info.documents),
            ("index_provisions", "Provisions in the live build", info.provisions),
            (
                "index_swaps",
                "Builds switched to without a restart since the process started",
                self.assistant.swaps,
            ),
        ):
            yield GaugeMetricFamily(f"{PREFIX}_{name}", doc, value=value)


class RequestMetrics:
    """ASGI middleware: counts and times every HTTP request by its route and logs it as one JSON line
    (method, route, status, milliseconds; never the query string, which holds the question)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - start
            route = route_label(scope)
            method = scope["method"]
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.latency.labels(route).observe(seconds)
            log.info(
                "request",
                extra={"method": method, "route": route, "status": status, "ms": round(seconds * 1000, 1)},
            )


def route_label(scope: Scope) -> str:
    """The template of the route that served a request (/api/provisions/{doc_id}/{unit}); WEB_ROUTE for the
    web app's own paths."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return str(path)
    return WEB_ROUTE


def client_address(request: Request) -> str:
    """The client's address (the real one behind a trusted proxy: uvicorn applies X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"
