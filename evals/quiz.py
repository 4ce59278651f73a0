"""Evaluate generated exam papers the way a trainer reads them: ``python -m evals.quiz`` (see evals/README.md).

Draws a 100-item paper (单选, 多选, 判断, 填空 asked in equal parts, no top-up) on each of four documents and
one topic, and prints per paper: the mix and the shortfall, how the false 判断 were made (a modal flip
counted from the text), the 正确/错误 balance, what the 单选 ask, subject distractors from outside the cited
document, 填空 answers that their stems give away or that repeat the selection's words, repeats, difficulty,
superseded figures taught, and the independent check (evals/quiz_check.py, against the whole corpus). Then
a 500-item paper over the whole index for the independent check, the validity check's drops, the
distributions beside the shared real exam set, and items for a person to read. ``--check`` compares the
figures with the ``quiz`` part of evals/floors.json.

Usage::

    python -m evals.quiz                      # --seed 3 --paper-seed 3 --n 500 --seed 1 …
    python -m evals.quiz --check --n 500 --seed 1 --json quiz.json
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.quiz import REASONS, TYPES, QuizBank, QuizItem, Selection
from assistant.quiz.text import common_ends
from assistant.service import Assistant
from assistant.settings import Settings
from evals.datasets import exam_set_path
from evals.floors import load_floors
from evals.quiz_check import digits, independent_failure

EXAM_TYPES = {"single": "单选", "multi": "多选", "judge": "判断", "fill": "填空"}
PAPERS = {
    "安全生产法": Selection(doc_ids=("work-safety-law-2021",)),
    "临汾通知": Selection(doc_ids=("linfen-2025-1",)),
    "事故条例": Selection(doc_ids=("accident-reporting-investigation-regulation-2007",)),
    "煤矿条例": Selection(doc_ids=("coal-mine-safety-regulation-2024",)),
    "主题 重大事故隐患": Selection(topic="重大事故隐患"),
}
LAW_PAPER = "安全生产法"
PAPER_SIZE = 100
MODALS = ("应当", "必须", "不得", "可以", "禁止", "允许")
SUBJECT_TOPICS = ("主体", "责任单位")
SHARED = 4  # characters in a row a 填空 answer shares with its stem to count as given away


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.quiz", description="评测自动出题的质量")
    parser.add_argument("--n", type=int, default=500, help="全库抽卷的题量（默认 500）")
    parser.add_argument("--seed", type=int, default=1, help="全库抽卷的随机种子（默认 1）")
    parser.add_argument("--paper-seed", type=int, default=3, help="各份 100 题试卷的随机种子（默认 3）")
    parser.add_argument("--show", type=int, default=10, help="打印供人工审阅的题数（默认 10）")
    parser.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="把结果写成 JSON 文件")
    parser.add_argument(
        "--check", action="store_true", help="与 evals/floors.json 的 quiz 下限比较，不达标时退出码为 1"
    )
    args = parser.parse_args(argv)
    assistant = Assistant(Settings.from_env())
    bank = assistant.quiz_bank
    corpus = "\n\n".join(p.text for p in bank.provisions)
    papers = {
        name: paper_figures(assistant, bank, corpus, selection, args.paper_seed)
        for name, selection in PAPERS.items()
    }
    whole = whole_corpus(bank, corpus, args.n, args.seed)
    report = {"papers": papers, **whole}
    print(format_papers(papers))
    print(format_whole(whole))
    print(format_items(whole["sample_items"], args.show, args.seed))
    if args.json_out:
        saved = {k: v for k, v in report.items() if k != "sample_items"}
        args.json_out.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.check:
        violations = check_quiz_floors(report, load_floors().get("quiz", {}))
        for message in violations:
            print(message, file=sys.stderr)
        return 1 if violations else 0
    return 0


def paper_figures(
    assistant: Assistant, bank: QuizBank, corpus: str, selection: Selection, seed: int
) -> dict[str, Any]:
    """The figures of one 100-item paper (see the module docstring)."""
    result = assistant.quiz(selection, TYPES, PAPER_SIZE, seed, top_up=False)
    shortfall = {name: s.to_dict() for name, s in result.shortfall.items()}
    return figures(result.items, bank, corpus, selection, shortfall, result.notes)


def figures(
    items: Sequence[QuizItem],
    bank: QuizBank,
    corpus: str,
    selection: Selection,
    shortfall: Mapping[str, Any],
    notes: Sequence[str],
) -> dict[str, Any]:
    """The figures of a drawn paper's items (any generator's: only the item JSON is read, and ``change``
    only to name how a false 判断 was made)."""
    judges = [i for i in items if i.type == "判断"]
    false = [i for i in judges if i.answer == "错误"]
    singles = [i for i in items if i.type == "单选"]
    fills = [i for i in items if i.type == "填空"]
    doc_texts = _doc_texts(bank, {i.doc_id for i in items})
    subject_distractors = [
        text
        for item in singles
        if item.topic in SUBJECT_TOPICS
        for letter, text in item.options.items()
        if letter != item.answer
    ]
    outside = [
        text
        for item in singles
        if item.topic in SUBJECT_TOPICS
        for letter, text in item.options.items()
        if letter != item.answer and text not in doc_texts.get(item.doc_id, "")
    ]
    failures = [
        f"{i.citation}【{i.type}】{reason}"
        for i in items
        if (reason := independent_failure(i.to_dict(), bank.source_text(i), corpus))
    ]
    return {
        "mix": {name: sum(i.type == name for i in items) for name in TYPES},
        "shortfall": dict(shortfall),
        "notes": list(notes),
        "judge": len(judges),
        "false": len(false),
        "false_by": dict(Counter(i.change or i.topic or "其他" for i in false)),
        "modal_flips": sum(_modal_flip(i) for i in false),
        "true": sum(i.answer == "正确" for i in judges),
        "single": len(singles),
        "single_by": dict(Counter(i.topic for i in singles)),
        "subject_single": sum(i.topic in SUBJECT_TOPICS for i in singles),
        "subject_distractors": len(subject_distractors),
        "outside_distractors": len(outside),
        "fill": len(fills),
        "fill_given": sum(gives_away(i.answer, i.stem) for i in fills),
        "fill_selection_word": sum(any(w in i.answer for w in selection.words()) for i in fills),
        "repeats": repeats(items),
        "max_per_provision": max(Counter((i.doc_id, i.cited_units[0]) for i in items).values(), default=0),
        "max_same_answer": max(Counter(_answer(i) for i in items if _answer(i)).values(), default=0),
        "difficulty": {level: sum(i.difficulty == level for i in items) for level in ("易", "中", "难")},
        "superseded": sum(not bank.law.is_current(i.doc_id, i.cited_units, i.source, i.stem) for i in items),
        "independent": {"n": len(items), "passed": len(items) - len(failures), "failures": failures},
    }


def _doc_texts(bank: QuizBank, doc_ids: Iterable[str]) -> dict[str, str]:
    wanted = set(doc_ids)
    texts: dict[str, list[str]] = {doc: [] for doc in wanted}
    for provision in bank.provisions:
        if provision.doc_id in wanted:
            texts[provision.doc_id].append("".join(provision.text.split()))
    return {doc: "\n".join(parts) for doc, parts in texts.items()}


def _modal_flip(item: QuizItem) -> bool:
    """Whether a false 判断 differs from the original its explanation quotes in one modal word only."""
    quoted = re.search(r"规定：“(.*?)”[，。]", item.explanation)
    if not quoted:
        return False
    original = "".join(quoted.group(1).split("……")[-1].split())
    statement = re.sub(r"^[^，]*《[^》]*》[^，]*，", "", item.stem).rstrip("。")
    head, tail = common_ends(original, statement)
    before, after = original[head : len(original) - tail], statement[head : len(statement) - tail]
    return before in MODALS and after in MODALS


def gives_away(answer: str, stem: str) -> bool:
    """Whether a 填空's stem gives its answer: SHARED characters in a row of a term, or the same number (in
    either writing) for a number; the blank and the opening that names the document (依据《安全生产法》
    规定，) are no hint and are left out."""
    stem = re.sub(r"^[^，]*《[^》]*》[^，]*，", "", stem).replace("（  ）", "")
    if re.search(r"\d|[一二三四五六七八九十百千万]", answer) and re.search(r"[日年月人元%倍时]", answer):
        return digits(answer) in digits(stem)
    size = min(SHARED, len(answer))
    return any(answer[i : i + size] in stem for i in range(len(answer) - size + 1))


def _answer(item: QuizItem) -> str:
    if item.type == "判断" or item.topic == "说法":
        return ""
    if item.type == "填空":
        return item.answer
    return "；".join(sorted(item.options[letter] for letter in item.answer if letter in item.options))


def repeats(items: Sequence[QuizItem]) -> int:
    """Items that ask a provision for an answer an earlier item already asked it for."""
    seen: set[tuple[str, str, str]] = set()
    count = 0
    for item in items:
        key = (item.doc_id, item.cited_units[0], _answer(item))
        if key[2] and key in seen:
            count += 1
        seen.add(key)
    return count


def whole_corpus(bank: QuizBank, corpus: str, n: int, seed: int) -> dict[str, Any]:
    """The independent check over a paper of ``n`` items from the whole index, what the validity check
    dropped on the way, and the distributions beside the real exam set."""
    result = bank.draw(bank.provisions, TYPES, n, seed)
    failures = []
    for item in result.items:
        reason = independent_failure(item.to_dict(), bank.source_text(item), corpus)
        if reason:
            failures.append(
                {"citation": item.citation, "type": item.type, "stem": item.stem, "reason": reason}
            )
    passed = len(result.items) - len(failures)
    return {
        "validity": {REASONS[k]: v for k, v in result.dropped.most_common()},
        "available": result.available,
        "independent": {
            "n": len(result.items),
            "passed": passed,
            "rate": passed / len(result.items) if result.items else None,
            "failures": failures,
        },
        "generated": distribution(_rows(result.items)),
        "exam_set": distribution(_exam_rows(exam_set_path())),
        "exam_judge_true": _exam_judge_true(exam_set_path()),
        "sample_items": result.items,
    }


def _rows(items: Iterable[QuizItem]) -> list[tuple[str, str, list[str]]]:
    return [(i.type, i.stem, list(i.options.values()) if i.type != "判断" else []) for i in items]


def _exam_lines(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _exam_rows(path: Path) -> list[tuple[str, str, list[str]]]:
    """(type, stem, options) of the shared real exam set; only its shape is used."""
    return [
        (EXAM_TYPES.get(row["type"], row["type"]), row["question"], list((row.get("options") or {}).values()))
        for row in _exam_lines(path)
    ]


def _exam_judge_true(path: Path) -> float | None:
    judges = [row for row in _exam_lines(path) if row["type"] == "judge"]
    return sum(row["answer"] == "正确" for row in judges) / len(judges) if judges else None


def distribution(rows: Sequence[tuple[str, str, list[str]]]) -> dict[str, dict[str, Any]]:
    """Per type: count, share, stem length (median) and option length (median), in characters."""
    result: dict[str, dict[str, Any]] = {}
    for name in TYPES:
        group = [row for row in rows if row[0] == name]
        stems = [len(stem) for _, stem, _ in group]
        options = [len(option) for _, _, opts in group for option in opts]
        result[name] = {
            "count": len(group),
            "share": len(group) / len(rows) if rows else 0.0,
            "stem_median": statistics.median(stems) if stems else None,
            "option_median": statistics.median(options) if options else None,
        }
    return result


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}（{part / whole:.0%}）" if whole else "—"


def format_papers(papers: Mapping[str, Mapping[str, Any]]) -> str:
    """The trainer's table: one column per paper."""
    names = list(papers)
    rows: list[tuple[str, list[str]]] = [
        ("题型 单选/多选/判断/填空", ["/".join(str(p["mix"][t]) for t in TYPES) for p in papers.values()]),
        ("缺额（要求/可出）", [_shortfall(p) for p in papers.values()]),
        ("错误判断：改情态词（按文本）", [_ratio(p["modal_flips"], p["false"]) for p in papers.values()]),
        ("错误判断的改法", [_counts(p["false_by"]) for p in papers.values()]),
        ("判断为正确", [_ratio(p["true"], p["judge"]) for p in papers.values()]),
        ("单选问“哪个主体”", [_ratio(p["subject_single"], p["single"]) for p in papers.values()]),
        ("单选考点", [_counts(p["single_by"]) for p in papers.values()]),
        (
            "主体干扰项不在所引文件中",
            [_ratio(p["outside_distractors"], p["subject_distractors"]) for p in papers.values()],
        ),
        ("填空答案与题干共用4字以上", [_ratio(p["fill_given"], p["fill"]) for p in papers.values()]),
        ("填空答案含所选关键词/主题", [_ratio(p["fill_selection_word"], p["fill"]) for p in papers.values()]),
        ("同一条款同一答案的重复题", [str(p["repeats"]) for p in papers.values()]),
        ("单条条款最多题数", [str(p["max_per_provision"]) for p in papers.values()]),
        ("同一答案最多次数", [str(p["max_same_answer"]) for p in papers.values()]),
        (
            "难度 易/中/难",
            ["/".join(str(p["difficulty"][d]) for d in ("易", "中", "难")) for p in papers.values()],
        ),
        ("讲授已被取代的数额", [str(p["superseded"]) for p in papers.values()]),
        (
            "独立校验（全库）",
            [_ratio(p["independent"]["passed"], p["independent"]["n"]) for p in papers.values()],
        ),
    ]
    lines = ["自动出题评测：每份 100 题，单选、多选、判断、填空各 25，不补足", ""]
    lines.append("| 指标 | " + " | ".join(names) + " |")
    lines.append("|" + " --- |" * (len(names) + 1))
    lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in rows]
    for name, paper in papers.items():
        lines += [f"  {name}：{note}" for note in paper["notes"]]
        lines += [f"  {name} 未通过：{failure}" for failure in paper["independent"]["failures"][:5]]
    return "\n".join(lines)


def _shortfall(paper: Mapping[str, Any]) -> str:
    short = paper["shortfall"]
    return "；".join(f"{t} {s['requested']}/{s['possible']}" for t, s in short.items()) or "无"


def _counts(counts: Mapping[str, int]) -> str:
    return "、".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) or "—"


def format_whole(whole: Mapping[str, Any]) -> str:
    independent = whole["independent"]
    lines = [
        "",
        f"全库抽卷 {independent['n']} 道：独立校验通过 {independent['passed']} 道（{_pct(independent['rate'])}）",
        "有效性检查剔除：" + ("、".join(f"{k} {v}" for k, v in whole["validity"].items()) or "无"),
        "可出的题：" + "、".join(f"{t} {n}" for t, n in whole["available"].items()),
    ]
    lines += [f"  未通过 {f['citation']}【{f['type']}】{f['reason']}" for f in independent["failures"][:20]]
    real_true = whole["exam_judge_true"]
    lines += [
        "",
        f"真题集判断题答案为“正确”的比例：{_pct(real_true)}",
        "题型与长度（生成 / 真题）：题干中位数、选项中位数",
    ]
    for name in TYPES:
        mine, real = whole["generated"][name], whole["exam_set"][name]
        lines.append(
            f"  {name}：题干 {_num(mine['stem_median'])} / {_num(real['stem_median'])}，"
            f"选项 {_num(mine['option_median'])} / {_num(real['option_median'])}"
        )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def format_items(items: Sequence[QuizItem], count: int, seed: int) -> str:
    """``count`` items of different kinds, as a person reads them."""
    if not items or count <= 0:
        return ""
    by_kind: dict[str, list[QuizItem]] = {}
    for item in random.Random(seed).sample(list(items), len(items)):
        by_kind.setdefault(f"{item.type}{item.topic}", []).append(item)
    chosen = [group[0] for group in by_kind.values()][:count]
    lines = ["", f"供人工审阅的 {len(chosen)} 道题（不同题型与考点）："]
    for number, item in enumerate(chosen, start=1):
        lines.append(f"\n{number}.【{item.type}·{item.difficulty}·{item.topic}】{item.stem}")
        if item.type != "判断":
            lines += [f"   {letter}. {text}" for letter, text in item.options.items()]
        accepted = f"（也可答：{'、'.join(item.accepted)}）" if item.accepted else ""
        lines.append(f"   答案：{item.answer}{accepted}")
        lines.append(f"   解析：{item.explanation}")
    return "\n".join(lines)


def check_quiz_floors(report: Mapping[str, Any], floors: Mapping[str, Any]) -> list[str]:
    """Chinese messages for every figure outside its bound in the ``quiz`` part of floors.json."""
    messages = []
    papers = report["papers"]
    rate = report["independent"]["rate"] or 0.0
    if rate < floors.get("independent", 0):
        messages.append(f"全库独立校验通过率 {rate:.3f} 低于下限 {floors['independent']}")
    for name, paper in papers.items():
        passed, total = paper["independent"]["passed"], paper["independent"]["n"]
        if total and passed / total < floors.get("independent", 0):
            messages.append(f"{name}：独立校验通过率 {passed}/{total} 低于下限 {floors['independent']}")
        if paper["false"] and paper["modal_flips"] / paper["false"] > floors.get("max_modal_share", 1):
            messages.append(f"{name}：改情态词的错误判断 {paper['modal_flips']}/{paper['false']} 高于上限")
        low, high = floors.get("true_share", (0, 1))
        if paper["judge"] >= 10 and not low <= paper["true"] / paper["judge"] <= high:
            messages.append(f"{name}：判断为正确 {paper['true']}/{paper['judge']} 不在 {low}–{high} 之间")
        if paper["single"] and paper["subject_single"] / paper["single"] > floors.get(
            "max_subject_single", 1
        ):
            messages.append(f"{name}：单选问主体 {paper['subject_single']}/{paper['single']} 高于上限")
        bounded = (
            ("outside_distractors", "主体干扰项不在所引文件中"),
            ("fill_given", "填空答案与题干共用4字以上"),
            ("fill_selection_word", "填空答案含所选关键词/主题"),
            ("repeats", "同一条款同一答案的重复题"),
            ("superseded", "讲授已被取代的数额"),
        )
        for key, label in bounded:
            if paper[key] > floors.get(f"max_{key}", paper[key]):
                messages.append(f"{name}：{label} {paper[key]} 高于上限 {floors[f'max_{key}']}")
        if paper["max_per_provision"] > floors.get("max_per_provision", paper["max_per_provision"]):
            messages.append(f"{name}：单条条款 {paper['max_per_provision']} 道，高于上限")
    law = papers.get(LAW_PAPER)
    if law:
        wanted = floors.get("law_mix", {})
        if wanted and law["mix"] != wanted:
            messages.append(f"{LAW_PAPER}：题型 {law['mix']} 不是要求的 {wanted}")
        levels = sum(1 for count in law["difficulty"].values() if count)
        if levels < floors.get("law_difficulty_levels", 0):
            messages.append(f"{LAW_PAPER}：只有 {levels} 种难度")
    return messages


if __name__ == "__main__":
    raise SystemExit(main())
