"""``python -m assistant eval --llm``: the LLM step on the evaluation sets, beside the extractive answers.

Per set (in-scope questions with gold): how many were sent to the model and shown as its answer, why the
others fell back, the share of the model's sentences kept by verification, the citation precision of kept
sentences (each cited provision a gold one) beside that of the extractive answer's sentences, agreement
with the extractive verdict, the reasons sentences were dropped, and latency of both. With ``--rewrite``,
R@1/R@5 of the search with the question as asked and as the model rewrote it.

Usage::

    results = run_llm_eval(assistant, [load_dev_set()], rewrite=True)
    print(format_llm(results, assistant.settings.llm.record()))
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from assistant.answer import Answer
from assistant.llm.rewrite import rewrite_query
from assistant.llm.sentences import split
from assistant.llm.writer import Report
from evals.datasets import EvalItem, EvalSet, normalise_unit
from evals.harness import fmt
from evals.metrics import Key, latency_summary, mean, ratio, recall_at

if TYPE_CHECKING:
    from assistant.service import Assistant

_MARKER = re.compile(r"\[(\d+)\]")
RETRIEVAL_K = 10


@dataclass
class LLMSetResult:
    """Counts and figures of one set; ratios are computed in ``figures``."""

    name: str
    label: str
    questions: int = 0
    asked: int = 0
    shown: int = 0  # answers shown as the model's (mode "llm")
    fallbacks: Counter[str] = field(default_factory=Counter)  # unavailable, verdict, too_few_kept
    sentences: int = 0
    kept: int = 0
    dropped_reasons: Counter[str] = field(default_factory=Counter)
    kept_citations: int = 0
    kept_gold: int = 0
    extractive_citations: int = 0
    extractive_gold: int = 0
    verdicts: int = 0  # asked questions whose extractive answer has a verdict
    verdicts_agreed: int = 0
    extractive_ms: list[float] = field(default_factory=list)
    llm_ms: list[float] = field(default_factory=list)
    rewrite: dict[str, Any] | None = None

    def figures(self) -> dict[str, Any]:
        return {
            "kept_share": ratio(self.kept, self.sentences),
            "llm_citation_precision": ratio(self.kept_gold, self.kept_citations),
            "extractive_citation_precision": ratio(self.extractive_gold, self.extractive_citations),
            "verdict_agreement": ratio(self.verdicts_agreed, self.verdicts),
            "shown_share": ratio(self.shown, self.asked),
            "extractive_latency": latency_summary(self.extractive_ms),
            "llm_latency": latency_summary(self.llm_ms),
        }


def run_llm_eval(
    assistant: Assistant, sets: Iterable[EvalSet], rewrite: bool = False, progress: bool = False
) -> list[LLMSetResult]:
    """Ask every in-scope, gold-bearing question of each set: the extractive answer, then the LLM step."""
    assistant.extractive_answer("安全生产")  # untimed warm-up: open the index, load the models
    results = []
    for eval_set in sets:
        result = LLMSetResult(eval_set.name, eval_set.label)
        items = eval_set.retrieval_items
        for item in tqdm(items, desc=f"{eval_set.label} llm", disable=not progress, leave=False):
            _ask(assistant, item, result)
        if rewrite:
            result.rewrite = _rewrite_figures(assistant, items, progress, eval_set.label)
        results.append(result)
    return results


def _ask(assistant: Assistant, item: EvalItem, result: LLMSetResult) -> None:
    writer = assistant.writer
    assert writer is not None
    start = time.perf_counter()
    extractive = assistant.extractive_answer(item.query)
    result.extractive_ms.append((time.perf_counter() - start) * 1000)
    result.questions += 1
    gold = set(item.gold)
    for sentence in split(extractive.answer):
        cited = _cited(sentence, extractive)
        result.extractive_citations += len(cited)
        result.extractive_gold += len(cited & gold)
    report = Report()
    start = time.perf_counter()
    final = writer.write(item.query, extractive, report)
    if not report.asked:
        return
    result.llm_ms.append((time.perf_counter() - start) * 1000)
    result.asked += 1
    result.shown += final.mode == "llm"
    if report.fallback:
        result.fallbacks[report.fallback] += 1
    result.sentences += len(report.kept) + len(report.dropped)
    result.kept += len(report.kept)
    result.dropped_reasons.update(checked.reason or "" for checked in report.dropped)
    for checked in report.kept:  # cited numbers are the extractive answer's
        cited = {_key(extractive, n) for n in checked.cited}
        result.kept_citations += len(cited)
        result.kept_gold += len(cited & gold)
    if extractive.verdict is not None and report.fallback != "unavailable":
        result.verdicts += 1
        result.verdicts_agreed += report.fallback != "verdict"


def _cited(sentence: str, answer: Answer) -> set[Key]:
    return {_key(answer, int(n)) for n in _MARKER.findall(sentence) if 0 < int(n) <= len(answer.citations)}


def _key(answer: Answer, number: int) -> Key:
    citation = answer.citations[number - 1]
    return citation.doc_id, normalise_unit(citation.unit)


def _rewrite_figures(
    assistant: Assistant, items: list[EvalItem], progress: bool, label: str
) -> dict[str, Any]:
    """R@1 and R@5 of the hybrid search on the question as asked and as rewritten, and rewrite latency."""
    writer = assistant.writer
    assert writer is not None
    asked: list[float] = []
    rewritten: dict[int, list[float]] = {1: [], 5: []}
    plain: dict[int, list[float]] = {1: [], 5: []}
    for item in tqdm(items, desc=f"{label} rewrite", disable=not progress, leave=False):
        start = time.perf_counter()
        query = rewrite_query(writer.model, assistant.settings.llm, item.query)
        asked.append((time.perf_counter() - start) * 1000)
        for target, text in ((plain, item.query), (rewritten, query)):
            ranked = [(h.doc_id, normalise_unit(h.unit)) for h in assistant.search(text, k=RETRIEVAL_K)]
            for k in target:
                target[k].append(recall_at(ranked, item.gold, k))
    return {
        "asked": {f"R@{k}": mean(v) for k, v in plain.items()},
        "rewritten": {f"R@{k}": mean(v) for k, v in rewritten.items()},
        "latency": latency_summary(asked),
    }


def format_llm(results: list[LLMSetResult], record: dict[str, Any]) -> str:
    """One block per set, the model's figures beside the extractive ones."""
    lines = [
        f"大模型：{record['model'] or '（未指定）'} @ {record['base_url']}，提示词 {record['answer_prompt']}"
    ]
    for r in results:
        f = r.figures()
        fallbacks = "，".join(f"{reason} {n}" for reason, n in r.fallbacks.most_common()) or "无"
        reasons = "，".join(f"{reason} {n}" for reason, n in r.dropped_reasons.most_common()) or "无"
        ext, llm = f["extractive_latency"], f["llm_latency"]
        lines += [
            f"\n【{r.label} {r.name}】{r.questions} 题，送模型 {r.asked} 题，显示为模型回答 {r.shown} 题"
            f"（{fmt(f['shown_share'])}）；改回摘录式的原因：{fallbacks}",
            f"  句子保留比例 {fmt(f['kept_share'])}（{r.kept}/{r.sentences}）；删句原因：{reasons}",
            f"  引用准确率（按句）：模型保留句 {fmt(f['llm_citation_precision'])}（{r.kept_gold}/{r.kept_citations}）"
            f"  摘录式 {fmt(f['extractive_citation_precision'])}（{r.extractive_gold}/{r.extractive_citations}）",
            f"  结论一致率 {fmt(f['verdict_agreement'])}（{r.verdicts_agreed}/{r.verdicts}）",
            f"  延迟 p50/p95（毫秒）：摘录式 {fmt(ext['p50_ms'], 1)}/{fmt(ext['p95_ms'], 1)}"
            f"  大模型一步 {fmt(llm['p50_ms'], 1)}/{fmt(llm['p95_ms'], 1)}",
        ]
        if r.rewrite:
            before, after = r.rewrite["asked"], r.rewrite["rewritten"]
            lines.append(
                f"  改写检索：R@1 {fmt(before['R@1'])} → {fmt(after['R@1'])}，R@5 {fmt(before['R@5'])} → "
                f"{fmt(after['R@5'])}；改写延迟 p50 {fmt(r.rewrite['latency']['p50_ms'], 1)} 毫秒"
            )
    return "\n".join(lines)


def llm_json(results: list[LLMSetResult], record: dict[str, Any]) -> str:
    """The counts and figures of each set, and the LLM settings they were measured with."""
    sets = {}
    for r in results:
        counts = {f.name: getattr(r, f.name) for f in fields(r) if f.name not in ("extractive_ms", "llm_ms")}
        sets[r.name] = {
            **{k: dict(v) if isinstance(v, Counter) else v for k, v in counts.items()},
            **r.figures(),
        }
    return json.dumps({"settings": record, "sets": sets}, ensure_ascii=False, indent=1)


def run_llm_command(args: argparse.Namespace, assistant: Assistant, sets: list[EvalSet]) -> int:
    """The ``eval --llm`` command: 2 with a Chinese message when no endpoint is configured."""
    if assistant.writer is None:
        print(
            "没有配置大模型：请先设置 ASSISTANT_LLM_BASE_URL（以及 ASSISTANT_LLM_MODEL）。", file=sys.stderr
        )
        return 2
    results = run_llm_eval(assistant, sets, rewrite=args.rewrite, progress=sys.stderr.isatty())
    record = assistant.settings.llm.record()
    print(format_llm(results, record))
    if args.json_out:
        args.json_out.write_text(llm_json(results, record) + "\n", encoding="utf-8")
    return 0
