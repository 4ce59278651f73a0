"""Pure retrieval, refusal and citation metrics over ranked (doc_id, unit) keys.

Usage::

    recall_at([("law", "第二条"), ("law", "第三条")], {("law", "第三条")}, 1)  # 0.0
    reciprocal_rank([("law", "第二条"), ("law", "第三条")], {("law", "第三条")})  # 0.5
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

Key = tuple[str, str]  # (doc_id, unit)
LATENCY_METRICS = ("p50_ms", "p95_ms", "mean_ms")
ANSWER_METRICS = (
    "refusal_precision",
    "refusal_recall",
    "false_refusal_rate",
    "citation_accuracy",
    "first_citation_accuracy",
    "verdict_accuracy",
    "key_term_rate",
    "intent_accuracy",
)


def first_rank(ranked: Sequence[Key], gold: Collection[Key], k: int = 10) -> int | None:
    """The 1-based rank of the first gold key within the top ``k``; None when none is there."""
    for rank, key in enumerate(ranked[:k], start=1):
        if key in gold:
            return rank
    return None


def recall_at(ranked: Sequence[Key], gold: Collection[Key], k: int) -> float:
    """1.0 when any gold key is in the top ``k`` (the shared README's Recall@k), else 0.0."""
    return 0.0 if first_rank(ranked, gold, k) is None else 1.0


def reciprocal_rank(ranked: Sequence[Key], gold: Collection[Key], k: int = 10) -> float:
    """1/rank of the first gold key in the top ``k``; 0.0 when none is there."""
    rank = first_rank(ranked, gold, k)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at(ranked: Sequence[Key], gold: Collection[Key], k: int = 10) -> float:
    """Binary-relevance nDCG@k: every gold key is relevant, counted once at its first rank."""
    if not gold:
        return 0.0
    seen: set[Key] = set()
    dcg = 0.0
    for rank, key in enumerate(ranked[:k], start=1):
        if key in gold and key not in seen:
            seen.add(key)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean; None for no values."""
    items = list(values)
    return sum(items) / len(items) if items else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) with linear interpolation between ranks; None for no values."""
    items = sorted(values)
    if not items:
        return None
    position = (len(items) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(items) - 1)
    return items[low] + (items[high] - items[low]) * (position - low)


def latency_summary(milliseconds: Iterable[float]) -> dict[str, float | None]:
    """p50, p95 and mean of latencies in milliseconds, keyed by LATENCY_METRICS."""
    ms = list(milliseconds)
    return dict(zip(LATENCY_METRICS, (percentile(ms, 50), percentile(ms, 95), mean(ms)), strict=True))


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator/denominator; None when the denominator is zero."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class AnswerOutcome:
    """One ``ask`` result against its label: refused means the answer says no basis was found."""

    out_of_scope: bool
    refused: bool
    cited_gold: bool = False  # some citation is a gold provision
    first_cited_gold: bool = False  # the first citation is a gold provision
    intent_correct: bool | None = None  # None when the label has no intent to compare
    verdict_correct: bool | None = None  # None when the label has no yes/no verdict
    key_present: bool | None = None  # the labelled key term or number is in the answer; None: no label


@dataclass(frozen=True)
class AnswerScores:
    """Refusal and citation figures over a set of answers, with the counts behind each ratio."""

    n: int
    out_of_scope: int
    refused: int
    refused_out_of_scope: int
    refused_in_scope: int
    answered_in_scope: int
    cited_gold: int
    first_cited_gold: int
    intent_checked: int
    intent_correct: int
    verdict_checked: int = 0
    verdict_correct: int = 0
    key_checked: int = 0
    key_present: int = 0

    @property
    def refusal_precision(self) -> float | None:
        """Of the refused questions, the share that are out of scope."""
        return ratio(self.refused_out_of_scope, self.refused)

    @property
    def refusal_recall(self) -> float | None:
        """Of the out-of-scope questions, the share refused."""
        return ratio(self.refused_out_of_scope, self.out_of_scope)

    @property
    def false_refusal_rate(self) -> float | None:
        """Of the in-scope questions, the share refused."""
        return ratio(self.refused_in_scope, self.n - self.out_of_scope)

    @property
    def citation_accuracy(self) -> float | None:
        """Of the answered in-scope questions, the share whose citations include a gold provision."""
        return ratio(self.cited_gold, self.answered_in_scope)

    @property
    def first_citation_accuracy(self) -> float | None:
        """Of the in-scope questions, the share whose first citation is a gold provision (a refusal or an
        answer without citations counts as a miss)."""
        return ratio(self.first_cited_gold, self.n - self.out_of_scope)

    @property
    def verdict_accuracy(self) -> float | None:
        """Of the yes/no questions labelled with a verdict, the share answered with that verdict."""
        return ratio(self.verdict_correct, self.verdict_checked)

    @property
    def key_term_rate(self) -> float | None:
        """Of the in-scope questions labelled with a key term or number, the share whose answer contains it."""
        return ratio(self.key_present, self.key_checked)

    @property
    def intent_accuracy(self) -> float | None:
        """Of the questions with a labelled intent, the share whose detected intent matches."""
        return ratio(self.intent_correct, self.intent_checked)

    def figures(self) -> dict[str, float | None]:
        """The ratios by metric name (the names floors.json uses)."""
        return {name: getattr(self, name) for name in ANSWER_METRICS}


def answer_scores(outcomes: Iterable[AnswerOutcome]) -> AnswerScores:
    """Count refusals and gold citations over per-question outcomes."""
    items = list(outcomes)
    in_scope = [o for o in items if not o.out_of_scope]
    answered = [o for o in in_scope if not o.refused]
    checked = [o for o in in_scope if o.intent_correct is not None]
    verdicts = [o for o in in_scope if o.verdict_correct is not None]
    keys = [o for o in in_scope if o.key_present is not None]
    return AnswerScores(
        n=len(items),
        out_of_scope=sum(o.out_of_scope for o in items),
        refused=sum(o.refused for o in items),
        refused_out_of_scope=sum(o.refused and o.out_of_scope for o in items),
        refused_in_scope=sum(o.refused for o in in_scope),
        answered_in_scope=len(answered),
        cited_gold=sum(o.cited_gold for o in answered),
        first_cited_gold=sum(o.first_cited_gold for o in answered),
        intent_checked=len(checked),
        intent_correct=sum(bool(o.intent_correct) for o in checked),
        verdict_checked=len(verdicts),
        verdict_correct=sum(bool(o.verdict_correct) for o in verdicts),
        key_checked=len(keys),
        key_present=sum(bool(o.key_present) for o in keys),
    )
