"""Hybrid retrieval: five arms score every provision, and a learned linear model ranks their candidates.

The arms (see assistant.fusion for how they are combined):

- ``sparse``: BM25 over every passage (whole provisions, their 款 and 项, sentences, a notice item's task
  sentences), the question without its question words plus the law's words for its colloquial ones
  (assistant/data/synonyms.tsv); a provision takes its best passage.
- ``sparse_whole``: BM25 over whole provisions, the question as typed.
- ``dense``: cosine of the question (its first DENSE_QUERY_CHARS characters) to every embedded passage.
- ``dense_concepts``: the same for the question followed by the names of the concepts it describes in
  everyday words (十七岁下井 → 未成年工 井下作业), so the dense model sees the law's notion.
- ``concepts``: agreement of the provision's concept tags with the question's, weighted by rarity.

A question that names a document and an article gets that provision first. Then three preferences that the
user's words settle, not the model: the provisions of a document the question names (or the conversation is
about) come before others; when the question is about the notice (通知, 今年, 全市 …, not a bare place name),
its items come next; local rules of another province or city come after everything else unless the question
names that place. Within each group the learned fusion's score decides. Modes: ``hybrid`` (the learned
fusion), ``bm25`` and ``dense`` (one arm alone, for comparison).

Usage::

    search = HybridSearch(index, QueryAnalyzer.load(), ConceptDictionary.load())
    hits = search.search("老板不给发劳保用品合法吗？", k=5)
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from assistant.fusion import (
    LEVELS,
    LinearFusion,
    ProvisionFacts,
    QueryFacts,
    candidates,
    feature_matrix,
    standardised,
    top_indices,
)
from assistant.hits import Hit
from assistant.query import NOTICE_ID, Query, QueryAnalyzer
from corpus.model import DocumentInfo
from corpus.versions import HISTORICAL
from indexers.concepts import ConceptDictionary, ConceptMatch
from indexers.reader import IndexReader
from indexers.sparse import tokenize
from indexers.tiers import LIBRARY, MAIN

MODES = ("hybrid", "bm25", "dense")
SINGLE_ARM = {"bm25": "sparse", "dense": "dense"}
LOCAL_LEVELS = ("地方性法规", "规范性文件")
DENSE_QUERY_CHARS = 64  # the dense model reads this much of a question (its cost grows with length)
DENSE_DEPTH = {MAIN: 800, LIBRARY: 200}  # passages fetched per vector search: a long article has one per 项;
# the library has one per article
PREFERENCE = 1000.0  # a preference group outranks any difference of model scores
# Words that show a question is about the notice; a bare place name (临汾) does not.
_ABOUT_NOTICE = re.compile(r"通知|今年|全市|我市|市里|本市|2025年|年底前|市安委会|市应急管理局|市能源局|各县")


@dataclass
class Arms:
    """One question's arm scores (arm → score per provision, -inf where unscored) and its facts."""

    scores: dict[str, np.ndarray]
    query: QueryFacts
    best_passage: np.ndarray  # per provision position, the passage that matched it best (-1: none)
    dense: np.ndarray  # best cosine per provision (the support test reads it)
    sparse: np.ndarray  # best BM25 per provision


class HybridSearch:
    """Ranks provisions for a question (see the module docstring)."""

    def __init__(
        self,
        index: IndexReader,
        analyzer: QueryAnalyzer,
        concepts: ConceptDictionary,
        fusion: LinearFusion | None = None,
        jurisdiction: Collection[str] = (),
    ) -> None:
        self.index = index
        self.analyzer = analyzer
        self.concepts = concepts
        self.fusion = fusion or LinearFusion.load()
        self._provision_ids = list(index.provisions)
        self._position = {pid: i for i, pid in enumerate(self._provision_ids)}
        self._doc_ids = list(index.documents)
        doc_number = {doc_id: i for i, doc_id in enumerate(self._doc_ids)}
        documents = [index.documents[pid.split("/", 1)[0]] for pid in self._provision_ids]
        self._doc_index = np.array([doc_number[d.id] for d in documents], dtype=np.int64)
        self.facts = ProvisionFacts(
            document=self._doc_index,
            level=np.array([LEVELS.index(d.level) if d.level in LEVELS else len(LEVELS) for d in documents]),
            notice=np.array([d.id == NOTICE_ID for d in documents]),
            foreign=np.array([is_foreign_local(d, jurisdiction) for d in documents]),
            log_length=np.log1p([len(p.text) for p in index.provisions.values()]),
        )
        self._doc_places = [_place(index.documents[d]) for d in self._doc_ids]
        historical = np.array([index.documents[d].status in HISTORICAL for d in self._doc_ids])
        self._current = ~historical[self._doc_index]  # provisions of versions in force (or not yet)
        self._passage_owner = np.array([self._position[p.provision_id] for p in index.passages])
        self._all_current = bool(self._current.all())
        self._passage_position = {p.id: i for i, p in enumerate(index.passages)}
        self._passage_text = [p.text for p in index.passages]
        self._whole_owner = np.array([self._position[pid] for pid in index.sparse_whole.ids])
        self._concept_provisions, self._concept_weight = self._concept_table()

    @property
    def provision_ids(self) -> list[str]:
        """Provision ids in the order of every per-provision array."""
        return self._provision_ids

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
        arms = self.arms(query, self.concepts.in_question(question))
        scores = self.scores(arms, mode)
        allowed = self._allowed(doc_ids, levels, tiers, provinces)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        order = [i for i in top_indices(scores, k + 1) if np.isfinite(scores[i])]
        hits = [self._hit(i, float(scores[i]), arms) for i in order]
        direct = self._direct(query)
        if direct is not None and (allowed is None or allowed[self._position[direct.provision.id]]):
            hits = [direct, *[h for h in hits if h.provision.id != direct.provision.id]]
        return hits[:k]

    def arms(self, query: Query, found: list[ConceptMatch]) -> Arms:
        """Every arm's score of every provision for an analysed question and the concepts it names."""
        best_passage = np.full(len(self._provision_ids), -1)
        sparse = self._best_of_passages(self._sparse_passage_scores(query), best_passage)
        whole = np.full(len(self._provision_ids), -np.inf)
        scored = np.asarray(self.index.sparse_whole.scores(tokenize(query.text)), dtype=float)
        whole[self._whole_owner] = np.where(scored > 0, scored, -np.inf)
        text = query.text[:DENSE_QUERY_CHARS]
        dense = self._dense(text, best_passage)
        labels = [m.concept.label for m in found if m.key not in m.concept.statutory]
        dense_concepts = self._dense(f"{text} {' '.join(labels)}", best_passage.copy()) if labels else dense
        named = self._doc_ids.index(query.doc_id) if query.doc_id in self.index.documents else None
        direct = None
        if query.doc_id and query.unit:
            direct = self._position.get(f"{query.doc_id}/{query.unit}")
        facts = QueryFacts(len(query.text), named, direct, query.about_notice, query.text)
        scores = {
            "sparse": sparse,
            "sparse_whole": whole,
            "dense": dense,
            "dense_concepts": dense_concepts,
            "concepts": self._concept_scores(found),
        }
        return Arms(scores, facts, best_passage, dense, sparse)

    def features(self, arms: Arms) -> tuple[np.ndarray, np.ndarray]:
        """The candidates of a question and their feature rows (what the learned fusion reads)."""
        cand = candidates(arms.scores, arms.query)
        return cand, feature_matrix(arms.scores, cand, self.facts, arms.query)

    def scores(self, arms: Arms, mode: str = "hybrid") -> np.ndarray:
        """A score per provision: the learned fusion's for the candidates (hybrid), or one arm's."""
        if mode in SINGLE_ARM:
            return arms.scores[SINGLE_ARM[mode]].copy()
        cand, rows = self.features(arms)
        scores = np.full(len(self._provision_ids), -np.inf)
        scores[cand] = self.fusion.score(rows) + PREFERENCE * self._preference(arms)[cand]
        return scores

    def _preference(self, arms: Arms) -> np.ndarray:
        """The preference group of each provision (see the module docstring): higher comes first."""
        group = np.zeros(len(self._provision_ids))
        named = arms.query.named_document
        if named is not None:
            group[self._doc_index == named] += 2
        if _ABOUT_NOTICE.search(arms.query.text) and NOTICE_ID in self.index.documents:
            group[self.facts.notice] += 1
        placed = [i for i, place in enumerate(self._doc_places) if place and place in arms.query.text]
        group -= self.facts.foreign & ~np.isin(self._doc_index, [*placed, -1 if named is None else named])
        return group

    def _sparse_passage_scores(self, query: Query) -> np.ndarray:
        tokens = tokenize(query.keywords)
        for term in query.expansions:
            tokens += tokenize(term)
        scores = np.asarray(self.index.sparse.scores(tokens), dtype=float)
        return np.where(scores > 0, scores, -np.inf)

    def _dense(self, text: str, best_passage: np.ndarray) -> np.ndarray:
        """Best cosine per provision over the main space's vectors; a provision of another space (the law
        library, a weaker model) gets its space's score mapped onto the main space's spread."""
        result = np.full(len(self._provision_ids), -np.inf)
        for space in self.index.spaces:
            if self.index.dense_share(space) <= 0:
                continue
            passages = np.full(len(self._passage_text), -np.inf)
            for passage_id, similarity in self.index.dense_search(space, text, DENSE_DEPTH.get(space, 200)):
                passages[self._passage_position[passage_id]] = similarity
            scores = self._best_of_passages(passages, best_passage)
            if space != MAIN and np.isfinite(result).any():
                main = result[np.isfinite(result)]
                mapped = standardised(scores) * (main.std() + 1e-6) + main.mean()
                scores = np.where(np.isfinite(scores), mapped, -np.inf)
            result = np.where(np.isfinite(result), result, scores)
        return result

    def _best_of_passages(self, passage_scores: np.ndarray, best_passage: np.ndarray) -> np.ndarray:
        """The best passage score of each provision (-inf when none scored); records that passage (the first
        of equals) for the provisions that have none recorded yet."""
        best = np.full(len(self._provision_ids), -np.inf)
        np.maximum.at(best, self._passage_owner, passage_scores)
        winning = np.flatnonzero(np.isfinite(passage_scores) & (passage_scores == best[self._passage_owner]))
        owners, first = np.unique(self._passage_owner[winning], return_index=True)
        unrecorded = best_passage[owners] < 0
        best_passage[owners[unrecorded]] = winning[first][unrecorded]
        return best

    def _concept_table(self) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """Concept → the positions of the provisions tagged with it, and its weight log(N / df)."""
        members: dict[str, list[int]] = {}
        for provision_id, tags in self.index.concept_tags.items():
            position = self._position.get(provision_id)
            if position is not None:
                for tag in tags:
                    members.setdefault(tag, []).append(position)
        total = len(self._provision_ids)
        table = {tag: np.array(found) for tag, found in members.items()}
        return table, {tag: float(np.log((total + 1) / (len(found) + 1))) for tag, found in table.items()}

    def _concept_scores(self, found: list[ConceptMatch]) -> np.ndarray:
        """The share of the question's concept weight each provision's tags cover (0 to 1)."""
        scores = np.zeros(len(self._provision_ids))
        weights = {m.concept.id: self._concept_weight.get(m.concept.id, 0.0) for m in found}
        total = sum(weights.values())
        for tag, weight in weights.items():
            if tag in self._concept_provisions and total > 0:
                scores[self._concept_provisions[tag]] += weight / total
        return np.where(scores > 0, scores, -np.inf)

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

    def _hit(self, i: int, score: float, arms: Arms) -> Hit:
        provision = self.index.provisions[self._provision_ids[i]]
        best = int(arms.best_passage[i])
        passage = self._passage_text[best] if best >= 0 else provision.text
        return Hit(
            provision,
            self.index.document_of(provision),
            score,
            passage,
            dense=_finite(arms.dense[i]),
            sparse=_finite(arms.sparse[i]),
        )


def is_foreign_local(document: DocumentInfo, jurisdiction: Collection[str]) -> bool:
    """A local regulation or normative document of a place outside the user's jurisdiction."""
    if not jurisdiction or document.level not in LOCAL_LEVELS:
        return False
    where = f"{document.province or ''}{document.issuer or ''}{document.title}"
    return not any(place in where for place in jurisdiction)


def _place(document: DocumentInfo) -> str:
    """The province or city a local rule belongs to (北京 of 北京市安全生产条例), "" for others."""
    if document.level not in LOCAL_LEVELS:
        return ""
    if document.province:
        return document.province
    found = re.match(r"(.{2,3}?)(?:省|市|自治区)", document.title)
    return found.group(1) if found else ""


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
