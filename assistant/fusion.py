"""Learned fusion: the features of each candidate provision and the linear model that ranks them.

Each retrieval arm (BM25 over all passages, BM25 over whole provisions, dense over all passages, dense for the
question with the law's words for its concepts, concept agreement) scores every provision. The candidates are
the union of each arm's top ``CANDIDATE_DEPTH``; each gets, per arm, its score standardised within the
question and its reciprocal rank, the same for its document, and facts about the provision (level, notice
item, named document, a local rule of another province, length). A linear ranker trained pairwise on the
dev sets and on exam-like statements generated from the corpus (``python -m evals.train_fusion``) weighs them;
its numbers live in ``assistant/data/fusion.json`` with how they were trained and validated.

Usage::

    model = LinearFusion.load()
    scores = model.score(feature_matrix(arms, candidates, facts, query_facts))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

ARMS = ("sparse", "sparse_whole", "dense", "dense_concepts", "concepts")
DOCUMENT_ARMS = ("sparse", "dense_concepts")  # arms whose best provision per document ranks documents
LEVELS = ("法律", "行政法规", "部门规章", "地方性法规", "规范性文件")
CANDIDATE_DEPTH = 30  # provisions taken from the top of each arm
STANDARD_TOP = 50  # scores standardised against the question's top this many
RANK_OFFSET = 10  # reciprocal rank 1 / (RANK_OFFSET + rank)
LONG_QUESTION = 60  # characters from which a question reads like an exam item: each feature gets a twin
MODEL_FILE = "fusion.json"


@dataclass(frozen=True)
class ProvisionFacts:
    """Per-provision arrays that do not depend on the question."""

    document: np.ndarray  # document number of each provision
    level: np.ndarray  # index into LEVELS (len(LEVELS) for others)
    notice: np.ndarray  # bool: a notice item
    foreign: np.ndarray  # bool: a local rule of another province or city
    log_length: np.ndarray  # log of the provision's length in characters

    @property
    def documents(self) -> int:
        return int(self.document.max()) + 1 if len(self.document) else 0


@dataclass(frozen=True)
class QueryFacts:
    """What the question says about where the answer is."""

    length: int
    named_document: int | None = None  # document number the question (or conversation) names
    direct: int | None = None  # provision the question names by document and number
    about_notice: bool = False
    text: str = ""  # the question (the preferences read its words)


def candidates(arms: Mapping[str, np.ndarray], query: QueryFacts, depth: int = CANDIDATE_DEPTH) -> np.ndarray:
    """The union of each arm's top ``depth`` provisions (scored ones only), and the named provision."""
    chosen: set[int] = set()
    for name in ARMS:
        scores = arms[name]
        top = top_indices(scores, depth)
        chosen.update(int(i) for i in top if np.isfinite(scores[i]))
    if query.direct is not None:
        chosen.add(query.direct)
    return np.array(sorted(chosen), dtype=np.int64)


def feature_names() -> list[str]:
    """The feature names in column order (the model file lists them too, and they must agree)."""
    names = [f"{arm}_{kind}" for arm in ARMS for kind in ("z", "rr")]
    names += [f"document_{arm}_{kind}" for arm in DOCUMENT_ARMS for kind in ("z", "rr")]
    names += ["named_document", "direct", "notice_asked", "notice", "foreign_local", "log_length"]
    names += [f"level_{level}" for level in LEVELS]
    return names + [f"{name}*long" for name in names]


def feature_matrix(
    arms: Mapping[str, np.ndarray], cand: np.ndarray, facts: ProvisionFacts, query: QueryFacts
) -> np.ndarray:
    """One row per candidate, the columns of ``feature_names()``."""
    columns: list[np.ndarray] = []
    for name in ARMS:
        scores = np.asarray(arms[name], dtype=float)
        columns += [standardised(scores)[cand], 1.0 / (RANK_OFFSET + ranks_of(scores, cand))]
    for name in DOCUMENT_ARMS:
        best = np.full(facts.documents, -np.inf)
        np.maximum.at(best, facts.document, standardised(np.asarray(arms[name], dtype=float)))
        doc = facts.document[cand]
        columns += [np.maximum(best[doc], -5.0), 1.0 / ranks(best)[doc]]
    named = facts.document[cand] == (-1 if query.named_document is None else query.named_document)
    columns.append(named.astype(float))
    columns.append((cand == (-1 if query.direct is None else query.direct)).astype(float))
    columns.append(facts.notice[cand] * float(query.about_notice))
    columns.append(facts.notice[cand].astype(float))
    columns.append((facts.foreign[cand] & ~named).astype(float))
    columns.append(facts.log_length[cand])
    columns += [(facts.level[cand] == i).astype(float) for i in range(len(LEVELS))]
    long = float(query.length > LONG_QUESTION)
    columns += [column * long for column in list(columns)]
    return np.stack(columns, axis=1)


def standardised(scores: np.ndarray) -> np.ndarray:
    """Scores relative to the question's top STANDARD_TOP (mean 0, unit spread); unscored ones at -5."""
    finite = np.isfinite(scores) & (scores > -np.inf)
    if not finite.any():
        return np.full(len(scores), -5.0)
    top = np.sort(scores[finite])[-STANDARD_TOP:]
    spread = top.std() + 1e-6
    return np.where(finite, (scores - top.mean()) / spread, -5.0)


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every score, best first (ties in index order)."""
    order = np.argsort(-scores, kind="stable")
    result = np.empty(len(scores))
    result[order] = np.arange(1, len(scores) + 1)
    return result


def ranks_of(scores: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """``ranks(scores)[chosen]`` without ranking every score (a plain sort and a scan per tied value: at
    150k provisions a stable argsort per arm cost more than the rest of a search)."""
    ascending = np.sort(scores)
    values = scores[chosen]
    above = np.searchsorted(ascending, values, side="right")
    tied = above - np.searchsorted(ascending, values, side="left")
    before = np.zeros(len(chosen))
    for value in np.unique(values[tied > 1]):
        where = values == value
        before[where] = np.searchsorted(np.flatnonzero(scores == value), chosen[where])
    return len(scores) - above + before + 1


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(-scores, kind="stable")[:k]`` without sorting every score."""
    if len(scores) <= k:
        return np.argsort(-scores, kind="stable")
    kth = scores[np.argpartition(-scores, k - 1)[:k]].min()
    above = np.flatnonzero(scores > kth)
    chosen = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
    return chosen[np.argsort(-scores[chosen], kind="stable")]


@dataclass(frozen=True)
class LinearFusion:
    """A standardising linear model over ``feature_names()``: score = ((x - mean) / scale) · coef + intercept."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    trained: dict[str, Any] = field(default_factory=dict)  # sets, sizes, settings and cross-validated figures

    @classmethod
    def blank(cls) -> LinearFusion:
        """An untrained model (every score 0), for computing features before the first training."""
        n = len(feature_names())
        return cls(tuple(feature_names()), np.zeros(n), np.ones(n), np.zeros(n), 0.0)

    @classmethod
    def load(cls, path: Path | None = None) -> LinearFusion:
        """The packaged model (or ``path``); ValueError when its features are not ``feature_names()``."""
        source = path or Path(str(resources.files("assistant") / "data" / MODEL_FILE))
        data = json.loads(source.read_text(encoding="utf-8"))
        model = cls(
            features=tuple(data["features"]),
            mean=np.array(data["mean"]),
            scale=np.array(data["scale"]),
            coef=np.array(data["coef"]),
            intercept=float(data["intercept"]),
            trained=data.get("trained", {}),
        )
        if list(model.features) != feature_names():
            raise ValueError(
                f"排序模型 {source} 的特征与程序不一致，请运行 python -m evals.train_fusion 重新训练"
            )
        return model

    def save(self, path: Path) -> None:
        data = {
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(self.intercept, 6),
            "trained": self.trained,
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def score(self, features: np.ndarray) -> np.ndarray:
        """The model's score of each row (higher is better)."""
        return ((features - self.mean) / self.scale) @ self.coef + self.intercept

    def settings(self) -> dict[str, Any]:
        """What the ranking depends on, for meta.json and the eval output."""
        return {
            "fusion": "linear ranker over per-arm features, trained pairwise",
            "arms": list(ARMS),
            "candidate_depth": CANDIDATE_DEPTH,
            "long_question": LONG_QUESTION,
            "features": len(self.features),
            "trained": self.trained,
        }
