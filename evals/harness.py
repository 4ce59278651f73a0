"""Run the evaluation sets through an assistant: retrieval metrics per mode and group, refusals, latency.

Usage::

    result = run_eval(assistant, [load_dev_set(), load_exam_set()])
    print(format_tables(result))
    write_misses(result, Path("misses.txt"))
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from evals.datasets import EvalItem, EvalSet, normalise_unit
from evals.metrics import (
    AnswerOutcome,
    AnswerScores,
    Key,
    answer_scores,
    first_rank,
    latency_summary,
    mean,
    ndcg_at,
    recall_at,
    reciprocal_rank,
)

MODES = ("hybrid", "bm25", "dense", "baseline")  # baseline: the article-level reference (evals/baseline.py)
ALL = "全部"
INTENT_PREFIX = "意图·"
MISS_SHOWN = 3  # top results shown for each miss


class Retriever(Protocol):
    """What the harness needs from ``assistant.service.Assistant``."""

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> Sequence[Any]: ...

    def ask(self, question: str) -> Any: ...


@dataclass(frozen=True)
class Ranking:
    """One query's returned keys (top k) and the rank of its first gold key (None: not in the top k)."""

    item: EvalItem
    ranked: list[Key]
    rank: int | None


@dataclass
class ModeResult:
    """Figures of one retrieval mode on one set: metrics by group row, latency, and every ranking."""

    mode: str
    groups: dict[str, dict[str, float | None]]  # row (全部, group, 意图·x) → metric → figure; "n" included
    latency: dict[str, float | None]  # p50_ms, p95_ms, mean_ms
    rankings: list[Ranking] = field(default_factory=list)


@dataclass
class SetResult:
    """One evaluation set's results across modes, and its answer figures when the set is asked."""

    name: str
    label: str
    group_label: str
    n_items: int
    modes: dict[str, ModeResult]
    answers: AnswerScores | None = None
    ask_latency: dict[str, float | None] | None = None


@dataclass
class EvalResult:
    """All sets' results at cutoff ``k``."""

    k: int
    modes: tuple[str, ...]
    sets: dict[str, SetResult]


def metric_names(k: int = 10) -> tuple[str, ...]:
    """The retrieval metric names in table order: R@1, R@5, R@k, MRR@k, nDCG@k."""
    return ("R@1", "R@5", f"R@{k}", f"MRR@{k}", f"nDCG@{k}")


def run_eval(
    assistant: Retriever,
    sets: Iterable[EvalSet],
    modes: Sequence[str] = MODES,
    k: int = 10,
    progress: bool = False,
) -> EvalResult:
    """Search each set's gold-bearing queries once per mode at ``k``; ask the questions of ``ask`` sets."""
    for mode in modes:  # first searches load models and open the index: keep them out of the timings
        assistant.search("安全生产", k=k, mode=mode)
    results: dict[str, SetResult] = {}
    for eval_set in sets:
        items = eval_set.retrieval_items
        mode_results = {}
        for mode in modes:
            rankings, ms = _search_all(assistant, items, mode, k, progress, eval_set.label)
            mode_results[mode] = ModeResult(mode, _group_figures(rankings, k), latency_summary(ms), rankings)
        answers, ask_latency = (None, None)
        if eval_set.ask:
            answers, ask_latency = _ask_all(assistant, eval_set, progress)
        results[eval_set.name] = SetResult(
            eval_set.name,
            eval_set.label,
            eval_set.group_label,
            len(items),
            mode_results,
            answers,
            ask_latency,
        )
    return EvalResult(k=k, modes=tuple(modes), sets=results)


def _search_all(
    assistant: Retriever, items: list[EvalItem], mode: str, k: int, progress: bool, label: str
) -> tuple[list[Ranking], list[float]]:
    rankings, ms = [], []
    for item in tqdm(items, desc=f"{label} {mode}", disable=not progress, leave=False):
        start = time.perf_counter()
        hits = assistant.search(item.query, k=k, mode=mode)
        ms.append((time.perf_counter() - start) * 1000)
        ranked = [(hit.doc_id, normalise_unit(hit.unit)) for hit in hits][:k]
        rankings.append(Ranking(item, ranked, first_rank(ranked, item.gold, k)))
    return rankings, ms


def _ask_all(
    assistant: Retriever, eval_set: EvalSet, progress: bool
) -> tuple[AnswerScores, dict[str, float | None]]:
    assistant.ask("安全生产")  # untimed warm-up, as for searches
    outcomes, ms = [], []
    for item in tqdm(eval_set.items, desc=f"{eval_set.label} ask", disable=not progress, leave=False):
        start = time.perf_counter()
        answer = assistant.ask(item.query)
        ms.append((time.perf_counter() - start) * 1000)
        cited = [(c.doc_id, normalise_unit(c.unit)) for c in answer.citations]
        labelled = item.intent is not None and not item.out_of_scope
        outcomes.append(
            AnswerOutcome(
                out_of_scope=item.out_of_scope,
                refused=not answer.supported,
                cited_gold=bool(set(cited) & set(item.gold)),
                first_cited_gold=bool(cited) and cited[0] in item.gold,
                intent_correct=(answer.intent == item.intent) if labelled else None,
                verdict_correct=(answer.verdict == item.verdict) if item.verdict else None,
                key_present=_has_key(answer.answer, item.key) if item.key else None,
            )
        )
    return answer_scores(outcomes), latency_summary(ms)


def _has_key(answer: str, key: str) -> bool:
    """Whether the answer contains the key term, spaces and full/half width aside."""

    def flat(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    return flat(key) in flat(answer)


def _group_figures(rankings: list[Ranking], k: int) -> dict[str, dict[str, float | None]]:
    """Rows 全部, then each group, then each intent (when labelled), in order of first appearance."""
    rows: dict[str, list[Ranking]] = {ALL: rankings}
    for ranking in rankings:
        rows.setdefault(ranking.item.group, []).append(ranking)
    for ranking in rankings:
        if ranking.item.intent:
            rows.setdefault(INTENT_PREFIX + ranking.item.intent, []).append(ranking)
    return {row: _figures(members, k) for row, members in rows.items()}


def _figures(rankings: list[Ranking], k: int) -> dict[str, float | None]:
    names = metric_names(k)
    functions = (
        lambda r, g: recall_at(r, g, 1),
        lambda r, g: recall_at(r, g, 5),
        lambda r, g: recall_at(r, g, k),
        lambda r, g: reciprocal_rank(r, g, k),
        lambda r, g: ndcg_at(r, g, k),
    )
    figures: dict[str, float | None] = {"n": len(rankings)}
    for name, function in zip(names, functions, strict=True):
        figures[name] = mean(function(x.ranked, x.item.gold) for x in rankings)
    return figures


# --- output -----------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 3) -> str:
    """A figure with ``digits`` decimals, or — when it cannot be computed."""
    return "—" if value is None else f"{value:.{digits}f}"


def format_tables(result: EvalResult) -> str:
    """One table per set: rows are groups, columns the metrics of each mode side by side."""
    return "\n\n".join(_format_set(s, result) for s in result.sets.values())


def _format_set(set_result: SetResult, result: EvalResult) -> str:
    names = metric_names(result.k)
    short = ("R@1", "R@5", f"R@{result.k}", "MRR", "nDCG")
    cell, label_width = 6, 20
    block = len(names) * cell
    modes = [set_result.modes[m] for m in result.modes]
    lines = [f"【{set_result.label} {set_result.name}】检索 {set_result.n_items} 题，k={result.k}"]
    lines.append(_pad("", label_width) + " " * 6 + "".join(f" | {m.mode:^{block}}" for m in modes))
    header = "".join(f"{h:>{cell}}" for h in short)
    lines.append(_pad(set_result.group_label, label_width) + f"{'n':>6}" + f" | {header}" * len(modes))
    for row in modes[0].groups:
        n = int(modes[0].groups[row]["n"] or 0)
        cells = "".join(
            " | " + "".join(f"{fmt(m.groups[row][name]):>{cell}}" for name in names) for m in modes
        )
        lines.append(_pad(row, label_width) + f"{n:>6}" + cells)
    latency = " | ".join(
        f"{m.mode} {fmt(m.latency['p50_ms'], 1)}/{fmt(m.latency['p95_ms'], 1)}" for m in modes
    )
    lines.append(f"检索延迟 p50/p95（毫秒）：{latency}")
    if set_result.answers is not None:
        lines.extend(_format_answers(set_result.answers, set_result.ask_latency or {}))
    return "\n".join(line.rstrip() for line in lines)


def _format_answers(scores: AnswerScores, latency: dict[str, float | None]) -> list[str]:
    in_scope = scores.n - scores.out_of_scope
    return [
        f"问答（ask，{scores.n} 题，其中范围外 {scores.out_of_scope} 题）：",
        f"  拒答精确率 {fmt(scores.refusal_precision)}（{scores.refused_out_of_scope}/{scores.refused}）"
        f"  拒答召回率 {fmt(scores.refusal_recall)}（{scores.refused_out_of_scope}/{scores.out_of_scope}）"
        f"  误拒率 {fmt(scores.false_refusal_rate)}（{scores.refused_in_scope}/{in_scope}）",
        f"  引用准确率 {fmt(scores.citation_accuracy)}（{scores.cited_gold}/{scores.answered_in_scope}）"
        f"  首条引用准确率 {fmt(scores.first_citation_accuracy)}（{scores.first_cited_gold}/{in_scope}）"
        f"  意图准确率 {fmt(scores.intent_accuracy)}（{scores.intent_correct}/{scores.intent_checked}）",
        f"  判断准确率 {fmt(scores.verdict_accuracy)}（{scores.verdict_correct}/{scores.verdict_checked}）"
        f"  关键词命中率 {fmt(scores.key_term_rate)}（{scores.key_present}/{scores.key_checked}）"
        f"  问答延迟 p50/p95（毫秒）{fmt(latency.get('p50_ms'), 1)}/{fmt(latency.get('p95_ms'), 1)}",
    ]


def _pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` display columns (CJK characters take two)."""
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(width - shown, 0)


def format_misses(result: EvalResult, shown: int = MISS_SHOWN) -> str:
    """Every query whose first result is not gold, worst first: id, rank, query, gold and the top results."""
    sections = []
    for set_result in result.sets.values():
        for mode in set_result.modes.values():
            misses = [r for r in mode.rankings if r.rank != 1]
            misses.sort(key=lambda r: -(r.rank or result.k + 1))
            lines = [f"== {set_result.label} {set_result.name} · {mode.mode}：{len(misses)} 题首位未命中 =="]
            for r in misses:
                rank = f"第{r.rank}位" if r.rank else f"未进前{result.k}"
                query = " ".join(r.item.query.split())
                lines.append(f"{r.item.id} [{rank}] {query[:60]}{'…' if len(query) > 60 else ''}")
                lines.append(f"  标准答案：{_keys(r.item.gold)}")
                lines.append(f"  返回前{shown}：{_keys(r.ranked[:shown]) or '（无结果）'}")
            sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


def write_misses(result: EvalResult, path: Path) -> None:
    """Write :func:`format_misses` to ``path`` (UTF-8)."""
    path.write_text(format_misses(result), encoding="utf-8")


def _keys(keys: Iterable[Key]) -> str:
    return "；".join(f"{doc_id} {unit}" for doc_id, unit in keys)


def to_json(result: EvalResult) -> str:
    """The figures as JSON (no per-query rankings): sets → modes → group rows and latency, answers."""
    data: dict[str, Any] = {"k": result.k, "modes": list(result.modes), "sets": {}}
    for name, s in result.sets.items():
        data["sets"][name] = {
            "label": s.label,
            "group_label": s.group_label,
            "n": s.n_items,
            "modes": {m.mode: {"groups": m.groups, "latency": m.latency} for m in s.modes.values()},
            "answers": None if s.answers is None else {**asdict(s.answers), **s.answers.figures()},
            "ask_latency": s.ask_latency,
        }
    return json.dumps(data, ensure_ascii=False, indent=1)
