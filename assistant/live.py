"""Hot swap: an Assistant that follows the live build, so a running server or bot takes up a new index
without a restart and without a failed request.

When ``index`` switches ``data/index/CURRENT`` to a new build, ``refresh`` opens that build in a fresh
Assistant, warms it with one question (index read, models loaded, vector store connected), and only then
replaces the reference that calls go through. A call already running finishes on the build it started
on; no call mixes two builds.

Usage::

    assistant = LiveAssistant(Settings.from_env())
    assistant.warm_up()
    assistant.watch()                 # a daemon thread that calls refresh() every second
    assistant.ask("发生事故后多长时间内要上报？")   # any Assistant method, on the live build
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from assistant.settings import Settings
from indexers.layout import IndexLayout

WARM_UP_QUESTION = "安全生产责任制"
CHECK_EVERY_S = 1.0  # how often the watcher looks at CURRENT (one small file read)

log = logging.getLogger(__name__)


def warm(assistant: Assistant) -> float:
    """Open the index and load the models of ``assistant`` with one question (the user's model, if any, is
    set up, not asked); the seconds it took."""
    start = time.perf_counter()
    assistant.extractive_answer(WARM_UP_QUESTION)
    assistant.writer  # noqa: B018
    return time.perf_counter() - start


class LiveAssistant:
    """Every Assistant attribute, taken from the generation over the live build (see the module)."""

    def __init__(
        self,
        settings: Settings,
        factory: Callable[[Settings], Assistant] = Assistant,
        warmer: Callable[[Assistant], float] = warm,
    ) -> None:
        self.settings = settings
        self._factory = factory
        self._warm = warmer
        self._layout = IndexLayout(settings.data_dir, settings.cache_dir)
        self._current = factory(settings)
        self._refreshing = threading.Lock()
        self._failed: Path | None = None  # a build that could not be opened: not tried again
        self.swaps = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current, name)

    @property
    def current(self) -> Assistant:
        """The generation that new calls go to."""
        return self._current

    @property
    def build(self) -> Path:
        """The build the current generation serves (opens it on first use)."""
        return self._current.index.build

    def warm_up(self) -> float:
        """Warm the current generation (see ``warm``); the seconds it took."""
        return self._warm(self._current)

    def refresh(self) -> bool:
        """Switch to the live build when it is not the one served; True when switched. A build that fails
        to open is logged and skipped, and the current one keeps serving."""
        live = self._layout.current()
        if live is None or live == self._failed or not self._refreshing.acquire(blocking=False):
            return False
        try:
            previous = self._served()
            if live == previous:
                return False
            start = time.perf_counter()
            fresh = self._open()
            seconds = time.perf_counter() - start
            self._current = fresh
            self.swaps += 1
        except Exception:
            log.exception("could not open the new build %s; still serving the previous one", live.name)
            self._failed = live
            return False
        finally:
            self._refreshing.release()
        log.info(
            "switched to build %s (from %s, warmed in %.1f s)",
            fresh.index.build.name,
            previous.name if previous else "none",
            seconds,
        )
        return True

    def _open(self) -> Assistant:
        """A new generation over the live build, warmed; a subclass prepares here whatever else must be
        ready before the switch (its workers)."""
        fresh = self._factory(self.settings)
        self._warm(fresh)
        return fresh

    def _served(self) -> Path | None:
        """The build served now; None when the current generation could not open one."""
        try:
            return self.build
        except Exception:
            return None

    def watch(self, every: float = CHECK_EVERY_S) -> threading.Thread:
        """Call ``refresh`` every ``every`` seconds in a daemon thread, for the life of the process."""

        def loop() -> None:
            while True:
                time.sleep(every)
                self.refresh()

        thread = threading.Thread(target=loop, name="index-watch", daemon=True)
        thread.start()
        return thread


def reopen(assistant: Assistant | LiveAssistant) -> Assistant | LiveAssistant:
    """After an index run: a LiveAssistant switched to the new build, or a fresh, opened Assistant in place of
    a plain one."""
    if isinstance(assistant, LiveAssistant):
        assistant.refresh()
        return assistant
    fresh = Assistant(assistant.settings)
    fresh.index  # open it now, not on the next question  # noqa: B018
    return fresh
