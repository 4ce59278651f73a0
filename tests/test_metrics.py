"""Evaluation metrics on literal rankings, refusal figures, and the harness and floors over a fake assistant."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from evals.datasets import EvalItem, EvalSet
from evals.floors import check_floors
from evals.harness import format_misses, format_tables, run_eval, to_json
from evals.metrics import (
    AnswerOutcome,
    answer_scores,
    first_rank,
    mean,
    ndcg_at,
    percentile,
    recall_at,
    reciprocal_rank,
)

A, B, C, D = ("law", "第一条"), ("law", "第二条"), ("law", "第三条"), ("notice", "（一）")
RANKED = [A, B, C, D]


def test_recall_counts_any_gold_in_the_top_k() -> None:
    assert recall_at(RANKED, {C}, 1) == 0.0
    assert recall_at(RANKED, {C}, 3) == 1.0
    assert recall_at(RANKED, {C, A}, 1) == 1.0
    assert recall_at(RANKED, {("law", "第九条")}, 10) == 0.0
    assert recall_at([], {A}, 10) == 0.0


def test_reciprocal_rank_uses_the_first_gold_within_k() -> None:
    assert reciprocal_rank(RANKED, {B, D}) == 0.5
    assert reciprocal_rank(RANKED, {D}, k=3) == 0.0
    assert first_rank(RANKED, {D}) == 4
    assert first_rank(RANKED, {D}, k=3) is None


def test_ndcg_binary_relevance() -> None:
    assert ndcg_at(RANKED, {A}) == 1.0
    assert ndcg_at(RANKED, {A, B}) == 1.0
    assert ndcg_at(RANKED, {B}) == pytest.approx(1 / math.log2(3))
    # two gold, one found at rank 3: DCG 1/log2(4) over ideal 1 + 1/log2(3)
    assert ndcg_at(RANKED, {C, ("x", "第一条")}) == pytest.approx(0.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at([B, B, A], {B}) == 1.0  # a repeated key counts once
    assert ndcg_at(RANKED, {D}, k=3) == 0.0
    assert ndcg_at(RANKED, set()) == 0.0


def test_mean_and_percentile() -> None:
    assert mean([1.0, 0.0, 0.5]) == 0.5
    assert mean([]) is None
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([5], 95) == 5
    assert percentile(range(1, 101), 95) == pytest.approx(95.05)
    assert percentile([], 50) is None


def test_refusal_precision_and_recall() -> None:
    scores = answer_scores(
        [
            AnswerOutcome(out_of_scope=True, refused=True),
            AnswerOutcome(out_of_scope=True, refused=False),
            AnswerOutcome(out_of_scope=False, refused=True),
            AnswerOutcome(out_of_scope=False, refused=False, cited_gold=True, intent_correct=True),
            AnswerOutcome(out_of_scope=False, refused=False, cited_gold=False, intent_correct=False),
        ]
    )
    assert scores.refusal_precision == 0.5  # 1 of 2 refusals is out of scope
    assert scores.refusal_recall == 0.5  # 1 of 2 out-of-scope questions refused
    assert scores.false_refusal_rate == pytest.approx(1 / 3)
    assert scores.citation_accuracy == 0.5  # of the 2 answered in-scope questions
    assert scores.intent_accuracy == 0.5


def test_refusal_metrics_with_zero_denominators_are_none() -> None:
    never_refuses = answer_scores([AnswerOutcome(out_of_scope=False, refused=False, cited_gold=True)])
    assert never_refuses.refusal_precision is None
    assert never_refuses.refusal_recall is None
    assert never_refuses.citation_accuracy == 1.0
    all_refused = answer_scores([AnswerOutcome(out_of_scope=False, refused=True)])
    assert all_refused.refusal_precision == 0.0
    assert all_refused.citation_accuracy is None
    assert all_refused.intent_accuracy is None
    assert answer_scores([]).figures() == dict.fromkeys(answer_scores([]).figures())


# --- the harness over a fake assistant ----------------------------------------------------------


@dataclass
class FakeHit:
    doc_id: str
    unit: str


@dataclass
class FakeAnswer:
    intent: str
    supported: bool
    citations: list[FakeHit] = field(default_factory=list)


class FakeAssistant:
    """Returns fixed rankings per query; bm25 puts the gold first, hybrid second, dense nowhere."""

    def __init__(self, rankings: dict[str, list[tuple[str, str]]]) -> None:
        self.rankings = rankings

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[FakeHit]:
        keys = self.rankings.get(query, [])
        if mode == "hybrid":
            keys = keys[1:2] + keys[:1] + keys[2:]
        elif mode == "dense":
            keys = keys[1:]
        return [FakeHit(doc_id, unit) for doc_id, unit in keys[:k]]

    def ask(self, question: str) -> FakeAnswer:
        keys = self.rankings.get(question, [])
        if not keys:
            return FakeAnswer("other", False)
        return FakeAnswer("duty", True, [FakeHit("law", "第 一 条")])


@pytest.fixture
def result():
    items = [
        EvalItem("q1", "谁负责？", (A,), "worker", intent="duty"),
        EvalItem("q2", "要做哪些？", (A,), "cadre", intent="checklist"),
        EvalItem("q3", "今天天气怎么样？", (), "worker", out_of_scope=True, intent="other"),
    ]
    fake = FakeAssistant({"谁负责？": [A, B, C], "要做哪些？": [A, C]})
    return run_eval(fake, [EvalSet("dev", "开发集", "用户类型", items, ask=True)])


def test_run_eval_scores_each_mode_and_group(result) -> None:
    dev = result.sets["dev"]
    assert dev.n_items == 2  # the out-of-scope question is not scored for retrieval
    assert dev.modes["bm25"].groups["全部"]["R@1"] == 1.0
    assert dev.modes["hybrid"].groups["全部"]["MRR@10"] == 0.5
    assert dev.modes["dense"].groups["全部"]["R@10"] == 0.0
    assert dev.modes["hybrid"].groups["worker"]["n"] == 1
    assert "意图·checklist" in dev.modes["hybrid"].groups
    assert dev.modes["bm25"].latency["p50_ms"] is not None
    answers = dev.answers
    assert (answers.refusal_precision, answers.refusal_recall) == (1.0, 1.0)
    assert answers.citation_accuracy == 1.0  # "第 一 条" is normalised before comparing
    assert answers.intent_accuracy == 0.5


def test_tables_misses_and_json(result) -> None:
    table = format_tables(result)
    assert "全部" in table and "hybrid" in table and "拒答召回率 1.000（1/1）" in table
    misses = format_misses(result)
    assert "q1 [第2位]" in misses and "dense：2 题首位未命中" in misses and "bm25：0 题" in misses
    assert '"refusal_recall": 1.0' in to_json(result)


def test_check_floors(result) -> None:
    assert check_floors(result, {}) == []
    assert check_floors(result, {"exam": {"hybrid": {"R@1": 1.0}}}) == []  # set not run: skipped
    floors = {
        "dev": {
            "bm25": {"R@1": 1.0, "p95_ms": 60000},
            "hybrid": {"R@1": 0.9, "cadre": {"R@5": 1.0}},
            "answers": {"refusal_recall": 1.0, "false_refusal_rate": 0.0},
        }
    }
    violations = check_floors(result, floors)
    assert len(violations) == 1 and "hybrid · 全部 · R@1 = 0.000，低于下限 0.9" in violations[0]
    unknown = check_floors(result, {"dev": {"hybrid": {"R@3": 0.5, "nobody": {"R@1": 0.1}}}})
    assert len(unknown) == 2 and "R@3" in unknown[0] and "nobody" in unknown[1]
