"""Rebuild the index from a running server: `python -m assistant index` in a child process at low priority,
its progress read from its progress bars; the new build goes live through the server's hot swap.

A child process keeps the server answering while documents are parsed and embedded (one OpenMP thread,
nice 10), cannot take the server down with it, and shares the indexing lock with every other `index` run.

Usage::

    rebuild = Rebuild(settings)
    rebuild.start()              # False when one is already running
    rebuild.status()             # {"state": "running", "stage": "向量编码", "done": 120, "total": 400, …}
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.settings import Settings
from indexers.layout import IndexLayout

PRIORITY = 10  # the child's nice value: the server's requests come first
# A tqdm progress bar as written to a pipe: "向量编码:  45%|████▌     | 450/1000 [00:10<00:12, 40.1段/s]".
_BAR = re.compile(r"(?P<stage>[^\r\n:|]+?):\s*\d+%\|[^|]*\|\s*(?P<done>\d+)/(?P<total>\d+)")
_ERROR = re.compile(r"^(错误|未收录)")
STARTING = "正在读取和解析文档"
WRITING = "正在写入索引"


@dataclass
class RebuildStatus:
    """Where a rebuild stands: idle, running, done or failed; the stage, counts of its current step, the
    index's summary (done) or the reason (failed)."""

    state: str = "idle"
    stage: str = ""
    done: int = 0
    total: int = 0
    started: float | None = None
    finished: float | None = None
    summary: str = ""
    problems: list[str] = field(default_factory=list)
    build: str | None = None  # the live build when it finished: the server switches to it shortly after

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Rebuild:
    """One rebuild at a time for a server (the index lock also keeps out other `index` runs)."""

    def __init__(self, settings: Settings, rebuild_all: bool = False) -> None:
        self.settings = settings
        self.rebuild_all = rebuild_all
        self._status = RebuildStatus()
        self._lock = threading.Lock()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return self._status.to_dict()

    def start(self) -> bool:
        """Start a rebuild in the background; False when one is running."""
        with self._lock:
            if self._status.state == "running":
                return False
            self._status = RebuildStatus("running", STARTING, started=time.time())
        threading.Thread(target=self._run, name="rebuild", daemon=True).start()
        return True

    def _run(self) -> None:
        command = [sys.executable, "-m", "assistant", "index", *(["--rebuild"] if self.rebuild_all else [])]
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(self.settings.data_dir), "OMP_NUM_THREADS": "1"}
        try:
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            os.setpriority(os.PRIO_PROCESS, child.pid, PRIORITY)
            stdout, stderr = child.stdout, child.stderr
            assert stdout is not None and stderr is not None
            output: list[bytes] = []
            reader = threading.Thread(target=lambda: output.append(stdout.read()), daemon=True)
            reader.start()
            self._follow(stderr)
            code = child.wait()
            reader.join()
            summary = b"".join(output).decode("utf-8", "replace").strip()
        except OSError as exc:
            code, summary = -1, ""
            self._note(f"错误：无法启动索引：{exc}")
        live = IndexLayout(self.settings.data_dir, self.settings.cache_dir).current()
        with self._lock:
            status = self._status
            status.build = live.name if live else None
            status.finished = time.time()
            status.summary = summary
            status.state = "done" if code == 0 or (code == 1 and summary) else "failed"
            status.stage = "" if status.state == "done" else status.stage

    def _follow(self, stream: Any) -> None:
        """Read the child's stderr: progress bars (split by carriage returns) and messages."""
        pending = b""
        while chunk := stream.read1(4096):
            pending += chunk
            *pieces, pending = re.split(rb"[\r\n]", pending)
            for piece in pieces:
                self._line(piece.decode("utf-8", "replace").strip())
        self._line(pending.decode("utf-8", "replace").strip())

    def _line(self, line: str) -> None:
        if not line:
            return
        bar = _BAR.search(line)
        with self._lock:
            if bar:
                done, total = int(bar["done"]), int(bar["total"])
                finished = done >= total
                self._status.stage = WRITING if finished else bar["stage"].strip()
                self._status.done, self._status.total = done, total
            elif _ERROR.match(line):
                self._status.problems.append(line)

    def _note(self, line: str) -> None:
        with self._lock:
            self._status.problems.append(line)
