"""Where the index lives in a data directory, and the atomic switch between builds.

    data/index/CURRENT           name of the live build (replaced atomically)
    data/index/builds/<build>/   meta.json, documents.jsonl, provisions.jsonl, passages.jsonl, sparse/, chroma/
    data/cache/embeddings.sqlite embeddings by embedder and text

Usage::

    layout = IndexLayout(Path("data"))
    layout.current()  # Path of the live build, or None
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

META_FILE = "meta.json"


class IndexBusyError(RuntimeError):
    """Another indexing run holds the lock."""


class IndexLayout:
    """Paths of the index inside a data directory."""

    def __init__(self, data_dir: Path, cache_dir: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "index"
        self.builds = self.root / "builds"
        self.pointer = self.root / "CURRENT"
        self.embedding_cache = Path(cache_dir or self.data_dir / "cache") / "embeddings.sqlite"

    def current(self) -> Path | None:
        """The live build, or None when no complete build exists."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        build = self.builds / name
        return build if (build / META_FILE).is_file() else None

    def new_build(self) -> Path:
        """A fresh, empty build directory beside the live one."""
        self.builds.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
        build = self.builds / f"b{stamp}-{os.getpid()}"
        build.mkdir()
        return build

    def switch_to(self, build: Path) -> None:
        """Make ``build`` the live index in one atomic rename."""
        temporary = self.pointer.with_suffix(".tmp")
        temporary.write_text(build.name, encoding="utf-8")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, self.pointer)

    def stale_builds(self, keep: int = 2) -> list[Path]:
        """Builds to remove: unfinished ones and all but the ``keep`` newest finished ones (live one kept)."""
        if not self.builds.is_dir():
            return []
        current = self.current()
        finished = sorted((b for b in self.builds.iterdir() if (b / META_FILE).is_file()), reverse=True)
        keep_set = set(finished[:keep]) | ({current} if current else set())
        return [b for b in self.builds.iterdir() if b.is_dir() and b not in keep_set]

    @staticmethod
    def remove(build: Path) -> None:
        shutil.rmtree(build, ignore_errors=True)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the indexing lock; raise IndexBusyError when another run holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IndexBusyError("另一个索引任务正在运行，请等它结束后再试") from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
