"""Warm search latency: one untimed warm-up search, then every query ``repeat`` times.

Usage::

    bench_search(assistant, ["安全帽谁出钱？", "安全生产法第二十一条"], repeat=3, mode="bm25")
    # {"mode": "bm25", "n": 6, "p50_ms": 4.1, "p95_ms": 7.9, "mean_ms": 4.6}
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from evals.harness import Retriever
from evals.metrics import latency_summary


def bench_search(
    assistant: Retriever, queries: Sequence[str], repeat: int = 3, k: int = 10, mode: str = "hybrid"
) -> dict[str, Any]:
    """p50/p95/mean milliseconds of warm searches over ``queries`` repeated ``repeat`` times."""
    if not queries:
        raise ValueError("基准测试需要至少一个查询")
    assistant.search(queries[0], k=k, mode=mode)
    ms = []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            assistant.search(query, k=k, mode=mode)
            ms.append((time.perf_counter() - start) * 1000)
    return {"mode": mode, "n": len(ms), **latency_summary(ms)}
