"""The ``quiz`` command: flags and the run, for assistant/cli.py to wire in.

Usage::

    python -m assistant quiz --doc work-safety-law-2021 --n 50 --types 单选,多选,判断,填空 --seed 7 --out paper.xlsx
    python -m assistant quiz --doc linfen-2025-1 --unit 13 --json
    python -m assistant quiz --doc work-safety-law-2021 --n 100 --seed 8 --exclude paper-a.json --out paper-b.docx
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cli_output import print_json
from assistant.quiz.bank import QuizResult
from assistant.quiz.config import LAYOUT, PAPER, ROLE_WORDS, ExamLayout
from assistant.quiz.draw import Exclusion
from assistant.quiz.export import FORMATS, paper_dict, read_paper, write_paper
from assistant.quiz.model import TYPES, QuizItem
from assistant.quiz.select import Selection, SelectionError, parse_difficulties, parse_types

if TYPE_CHECKING:
    from assistant.service import Assistant

MAX_ITEMS = 500


def add_quiz_arguments(parser: argparse.ArgumentParser) -> None:
    """Selection (--doc, --chapter, --unit, --keyword, --topic), paper (--n, --types, --difficulty, --seed)
    and output (--out, --json, --title) flags."""
    parser.add_argument("--doc", action="append", default=[], help="只从该文档出题（可重复或逗号分隔）")
    parser.add_argument(
        "--chapter", action="append", default=[], help="章节名中的文字，如 第三章、从业人员（可重复）"
    )
    parser.add_argument(
        "--unit", action="append", default=[], help="条款：第二十一条、21、（十三）（可重复或逗号分隔）"
    )
    parser.add_argument(
        "--keyword", action="append", default=[], help="条文中含该词才出题（可重复，任一即可）"
    )
    parser.add_argument("--topic", default="", help="主题，按检索结果选条款，如 有限空间作业")
    parser.add_argument("--n", type=int, default=20, help="题量（默认 20）")
    parser.add_argument(
        "--types", default=",".join(TYPES), help="题型，逗号分隔；可写数量，如 单选:20,判断:10"
    )
    parser.add_argument("--difficulty", default="", help="难度：易、中、难，逗号分隔（默认不限）")
    parser.add_argument("--seed", type=int, help="随机种子：相同种子出相同的卷子（默认随机并显示）")
    parser.add_argument(
        "--top-up", action="store_true", help="某题型不够时用其他题型补足题量（默认不补，并说明原因）"
    )
    parser.add_argument(
        "--per-provision", type=int, default=PAPER.max_per_provision, help="每条条款最多出几道题（默认 2）"
    )
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        help="前一份试卷（本工具导出的 .json）：不出与它重复的题",
    )
    parser.add_argument("--role", default="", help=f"按岗位侧重：{'、'.join(ROLE_WORDS)}")
    parser.add_argument("--out", type=Path, help=f"导出文件：{'、'.join(FORMATS)}（.docx 另生成答案与解析）")
    parser.add_argument(
        "--json", action="store_true", help="把试卷（题目、缺额说明等）以 JSON 打印到标准输出"
    )
    parser.add_argument("--title", default=LAYOUT.title, help="试卷标题（Word 导出用）")
    parser.add_argument("--minutes", type=int, default=LAYOUT.minutes, help="考试时间（分钟，Word 导出用）")
    parser.add_argument("--points", default="", help="每题分值，如 单选:1,多选:2,判断:1,填空:1")
    parser.add_argument("--pass-mark", type=float, help="及格分（默认满分的 80%%）")


def selection_from(args: argparse.Namespace) -> Selection:
    return Selection(
        doc_ids=_split(args.doc),
        chapters=tuple(args.chapter),
        units=_split(args.unit),
        keywords=tuple(args.keyword),
        topic=args.topic.strip(),
    )


def run_quiz(args: argparse.Namespace, assistant: Assistant) -> int:
    """Draw the paper, then print or export it; 1 with a Chinese message when the selection gives nothing.
    A type that runs short is said on stderr (and in the JSON's ``shortfall``)."""
    if not 1 <= args.n <= MAX_ITEMS:
        raise SelectionError(f"题量应在 1 到 {MAX_ITEMS} 之间，收到 {args.n}")
    if args.role and args.role not in ROLE_WORDS:
        raise SelectionError(f"未知岗位“{args.role}”，可选：{'、'.join(ROLE_WORDS)}")
    if args.per_provision < 1:
        raise SelectionError(f"每条条款最多出题数应至少为 1，收到 {args.per_provision}")
    types = parse_types(args.types)
    difficulties = parse_difficulties(args.difficulty) if args.difficulty.strip() else ()
    layout = exam_layout(args)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 100000)
    selection = selection_from(args)
    earlier = [item for path in args.exclude for item in read_paper(path)]
    result = assistant.quiz(
        selection,
        types,
        args.n,
        seed,
        difficulties,
        role=args.role,
        exclusion=Exclusion.of(earlier) if earlier else None,
        top_up=args.top_up,
        config=replace(PAPER, max_per_provision=args.per_provision),
    )
    scope = selection.describe(assistant.index.documents)
    if not result.provisions:
        print(f"所选范围（{scope}）中没有找到条款，请检查文档、章节、条款或关键词。", file=sys.stderr)
        return 1
    if not result.items:
        print(
            f"所选范围（{scope}）中的 {result.provisions} 条条款出不了符合要求的题，请放宽范围，或换题型、难度。",
            file=sys.stderr,
        )
        return 1
    for line in result.notes + [f"题量不足——{line}" for line in result.shortfall_text()]:
        print(f"注意：{line}", file=sys.stderr)
    summary = "、".join(f"{name} {count}" for name, count in result.counts().items())
    note = f"出题范围：{scope}；题量 {len(result.items)}（{summary}）；种子 {seed}"
    if args.json:
        print_json(paper_dict(result.items, paper_extra(result, seed, scope)))
    if args.out:
        written = write_paper(
            result.items,
            args.out,
            title=args.title,
            note=note,
            layout=layout,
            extra=paper_extra(result, seed, scope),
        )
        print(
            f"已出 {len(result.items)} 道题（{summary}），种子 {seed}，写入 {'、'.join(map(str, written))}",
            file=sys.stderr,
        )
    elif not args.json:
        print(paper_text(result.items, note))
    return 0


def paper_extra(result: QuizResult, seed: int, scope: str) -> dict[str, Any]:
    """What the JSON carries beside the items: selection, seed, planned counts, shortfall, notes."""
    return {
        "selection": scope,
        "seed": seed,
        "planned": result.planned,
        "shortfall": {name: short.to_dict() for name, short in result.shortfall.items()},
        "notes": result.notes,
    }


def exam_layout(args: argparse.Namespace) -> ExamLayout:
    """Points per type (--points), time limit (--minutes) and pass mark (--pass-mark) for the Word paper."""
    points = dict(LAYOUT.points)
    for part in (p.strip() for p in args.points.replace("，", ",").split(",") if p.strip()):
        name, _, value = part.partition(":")
        if name.strip() not in TYPES:
            raise SelectionError(f"分值中的题型“{name.strip()}”未知，可选：{'、'.join(TYPES)}")
        try:
            points[name.strip()] = float(value)
        except ValueError:
            raise SelectionError(f"分值应为数字，如 单选:1,多选:2，收到“{part}”") from None
    if args.minutes < 1:
        raise SelectionError(f"考试时间应至少 1 分钟，收到 {args.minutes}")
    return replace(LAYOUT, title=args.title, points=points, minutes=args.minutes, pass_mark=args.pass_mark)


def paper_text(items: list[QuizItem], note: str) -> str:
    """The paper as plain text, answers and sources at the end."""
    lines = [note, ""]
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}.【{item.type}】{item.stem}")
        lines += [f"   {letter}. {text}" for letter, text in item.options.items() if item.type != "判断"]
    lines += ["", "答案与解析："]
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item.answer}　{item.explanation}")
    return "\n".join(lines)


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(
        part.strip() for value in values for part in value.replace("，", ",").split(",") if part.strip()
    )
