"""Hybrid retrieval: BM25 over character n-grams and dense vectors, fused by weighted reciprocal rank.

Passages (whole provisions, and the task sentences of notice items) are scored by each arm; a provision takes
the best rank of its passages. A question that names a document and an article gets that provision first.

Usage::

    search = HybridSearch(index, QueryAnalyzer.load())
    hits = search.search("老板不给发劳保用品合法吗？", k=5)
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from assistant.hits import Hit
from assistant.query import NOTICE_ID, Query, QueryAnalyzer
from corpus.model import DocumentInfo
from corpus.versions import HISTORICAL
from indexers.reader import IndexReader
from indexers.sparse import tokenize
from indexers.tiers import MAIN

MODES = ("hybrid", "bm25", "dense")
_DENSE_ARM = {MAIN: "dense"}  # the main space's arm keeps the name "dense" (Hit.dense, the support test)
LOCAL_LEVELS = ("地方性法规", "规范性文件")


@dataclass(frozen=True)
class FusionConfig:
    """Knobs of the fusion, calibrated on the dev set (see evals/README.md)."""

    rrf_k: int = 60
    sparse_weight: float = 1.0  # for a short question; words weigh more as the question grows …
    dense_weight: float = 1.0
    long_sparse_weight: float = 2.0  # … up to these weights at long_question characters (an exam item
    long_dense_weight: float = 0.5  # with its options): many words make the lexical evidence reliable
    long_question: int = 100
    dense_depth: int = 800  # passages fetched from the vector store (a long article has one per 项)
    dense_query_chars: int = (
        64  # the dense model reads this much of a long question (its cost grows with length;
    )
    # long questions lean on BM25, which reads all of it)
    named_document_boost: float = 0.5  # relative boost for provisions of a document the question names
    notice_boost: float = 0.5  # relative boost for notice items when the question is about the notice
    foreign_local_factor: float = 0.6  # local rules of another province or city weigh less, unless named
    library_dense_weight: float = 0.5  # the library's vectors (a weaker, static model) beside the main ones
    library_dense_depth: int = 200  # articles fetched from the library's space (one passage per article)


class HybridSearch:
    """Ranks provisions for a question; modes: hybrid, bm25 (sparse only), dense (vectors only)."""

    def __init__(
        self,
        index: IndexReader,
        analyzer: QueryAnalyzer,
        config: FusionConfig | None = None,
        jurisdiction: Collection[str] = (),
    ) -> None:
        self.index = index
        self.analyzer = analyzer
        self.config = config or FusionConfig()
        self._provision_ids = list(index.provisions)
        self._doc_of = [pid.split("/", 1)[0] for pid in self._provision_ids]
        self._doc_ids = list(index.documents)
        doc_number = {doc_id: i for i, doc_id in enumerate(self._doc_ids)}
        self._doc_index = np.array([doc_number[d] for d in self._doc_of], dtype=np.int64)
        foreign = np.array([is_foreign_local(index.documents[d], jurisdiction) for d in self._doc_ids])
        self._base_prior = np.where(foreign[self._doc_index], self.config.foreign_local_factor, 1.0)
        historical = np.array([index.documents[d].status in HISTORICAL for d in self._doc_ids])
        self._current = ~historical[self._doc_index]  # provisions of versions in force (or not yet)
        self._all_current = bool(self._current.all())
        position = {pid: i for i, pid in enumerate(self._provision_ids)}
        self._passage_owner = np.array([position[p.provision_id] for p in index.passages])
        self._passage_position = {p.id: i for i, p in enumerate(index.passages)}
        self._passage_text = [p.text for p in index.passages]

    def search(
        self,
        question: str,
        k: int = 10,
        mode: str = "hybrid",
        doc_ids: Collection[str] | None = None,
        levels: Collection[str] | None = None,
        context_doc: str | None = None,
        tiers: Collection[str] | None = None,
        provinces: Collection[str] | None = None,
    ) -> list[Hit]:
        """The k best provisions, optionally only from some documents, levels, tiers or provinces. Versions
        that were amended or repealed are searched only when ``doc_ids`` names them."""
        if mode not in MODES:
            raise ValueError(f"未知的检索方式“{mode}”，可选：{'、'.join(MODES)}")
        query = self.analyzer.analyze(question, context_doc)
        scores, best_passage, raw = self._fused(query, mode)
        allowed = self._allowed(doc_ids, levels, tiers, provinces)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        order = [i for i in np.argsort(-scores, kind="stable")[: k + 1] if np.isfinite(scores[i])]
        hits = [self._hit(i, float(scores[i]), best_passage, raw) for i in order]
        direct = self._direct(query)
        if direct is not None and (
            allowed is None or allowed[self._provision_ids.index(direct.provision.id)]
        ):
            hits = [direct, *[h for h in hits if h.provision.id != direct.provision.id]]
        return hits[:k]

    def _fused(self, query: Query, mode: str) -> tuple[np.ndarray, dict[int, int], dict[str, np.ndarray]]:
        """Fused provision scores, the passage that matched best per provision, and each arm's raw scores."""
        scores = np.zeros(len(self._provision_ids))
        best_passage: dict[int, int] = {}
        arms = {}
        if mode in ("hybrid", "bm25"):
            arms["sparse"] = (self._sparse_passage_scores(query), self._weight(query, "sparse"))
        if mode in ("hybrid", "dense"):
            for space in self.index.spaces:
                share = self.index.dense_share(space)
                if share > 0:
                    factor = 1.0 if space == MAIN else self.config.library_dense_weight
                    weight = self._weight(query, "dense") * share * factor
                    arms[_DENSE_ARM.get(space, space)] = (self._dense_passage_scores(query, space), weight)
        raw: dict[str, np.ndarray] = {}
        for name, (passage_scores, weight) in arms.items():
            ranks, raw[name] = self._provision_ranks(passage_scores, best_passage)
            scores += np.where(np.isfinite(ranks), weight / (self.config.rrf_k + ranks), 0.0)
        scores *= self._priors(query)
        scores[scores <= 0] = -np.inf
        return scores, best_passage, raw

    def _weight(self, query: Query, arm: str) -> float:
        """The arm's weight for this question, moving from the short to the long setting with its length."""
        share = min(1.0, len(query.text) / self.config.long_question)
        short, long = getattr(self.config, f"{arm}_weight"), getattr(self.config, f"long_{arm}_weight")
        return short + (long - short) * share

    def _sparse_passage_scores(self, query: Query) -> np.ndarray:
        tokens = tokenize(query.keywords)
        for term in query.expansions:
            tokens += tokenize(term)
        scores = np.asarray(self.index.sparse.scores(tokens), dtype=float)
        return np.where(scores > 0, scores, -np.inf)

    def _dense_passage_scores(self, query: Query, space: str = MAIN) -> np.ndarray:
        """Cosine of each passage of the space to the question among the vectors so far (-inf: none)."""
        text = query.text[: self.config.dense_query_chars]
        scores = np.full(len(self._passage_text), -np.inf)
        depth = self.config.dense_depth if space == MAIN else self.config.library_dense_depth
        for passage_id, similarity in self.index.dense_search(space, text, depth):
            scores[self._passage_position[passage_id]] = similarity
        return scores

    def _provision_ranks(
        self, passage_scores: np.ndarray, best_passage: dict[int, int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """1-based rank of each provision by its best passage (inf when none scored), and that best score."""
        best = np.full(len(self._provision_ids), -np.inf)
        np.maximum.at(best, self._passage_owner, passage_scores)
        ranks = np.full(len(best), np.inf)
        order = np.argsort(-best, kind="stable")[: np.isfinite(best).sum()]
        ranks[order] = np.arange(1, len(order) + 1)
        scored = np.flatnonzero(np.isfinite(passage_scores))
        by_score = scored[np.argsort(-passage_scores[scored], kind="stable")]
        owners, first = np.unique(self._passage_owner[by_score], return_index=True)
        for owner, passage in zip(owners.tolist(), by_score[first].tolist(), strict=True):
            best_passage.setdefault(owner, passage)
        return ranks, best

    def _priors(self, query: Query) -> np.ndarray:
        priors = self._base_prior.copy()
        if query.doc_id in self.index.documents:
            priors[self._of_documents({query.doc_id})] = 1.0 + self.config.named_document_boost
        if query.about_notice and NOTICE_ID in self.index.documents:
            priors[self._of_documents({NOTICE_ID})] += self.config.notice_boost
        return priors

    def _of_documents(self, doc_ids: Collection[str]) -> np.ndarray:
        """Mask of the provisions of ``doc_ids``."""
        chosen = np.array([d in doc_ids for d in self._doc_ids])
        return chosen[self._doc_index]

    def _allowed(
        self,
        doc_ids: Collection[str] | None,
        levels: Collection[str] | None,
        tiers: Collection[str] | None = None,
        provinces: Collection[str] | None = None,
    ) -> np.ndarray | None:
        """Mask of the provisions a search may return (None: all of them)."""
        wanted = {"level": levels, "tier": tiers, "province": provinces}
        if not doc_ids and not any(wanted.values()):
            return None if self._all_current else self._current
        documents = [self.index.documents[d] for d in self._doc_ids]
        keep = np.array(
            [
                all(not values or getattr(doc, key) in values for key, values in wanted.items())
                for doc in documents
            ]
        )
        allowed = keep[self._doc_index]
        if doc_ids:
            return allowed & self._of_documents(set(doc_ids))
        return allowed & self._current

    def _direct(self, query: Query) -> Hit | None:
        if not (query.doc_id and query.unit):
            return None
        provision = self.index.provision(query.doc_id, query.unit)
        if provision is None:
            return None
        return Hit(provision, self.index.document_of(provision), score=1.0, passage=provision.text)

    def _hit(self, i: int, score: float, best_passage: dict[int, int], raw: dict[str, np.ndarray]) -> Hit:
        provision = self.index.provisions[self._provision_ids[i]]
        passage = self._passage_text[best_passage[i]] if i in best_passage else provision.text
        dense, sparse = (_finite(raw[arm][i]) if arm in raw else None for arm in ("dense", "sparse"))
        return Hit(provision, self.index.document_of(provision), score, passage, dense=dense, sparse=sparse)


def is_foreign_local(document: DocumentInfo, jurisdiction: Collection[str]) -> bool:
    """A local regulation or normative document of a place outside the user's jurisdiction."""
    if not jurisdiction or document.level not in LOCAL_LEVELS:
        return False
    where = f"{document.province or ''}{document.issuer or ''}{document.title}"
    return not any(place in where for place in jurisdiction)


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
