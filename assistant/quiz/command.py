"""The ``quiz`` command: flags and the run, for assistant/cli.py to wire in.

Usage::

    python -m assistant quiz --doc work-safety-law-2021 --n 50 --types 单选,多选,判断,填空 --seed 7 --out paper.xlsx
    python -m assistant quiz --doc linfen-2025-1 --unit 13 --json
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli_output import print_json
from assistant.quiz.export import FORMATS, write_paper
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
    parser.add_argument("--out", type=Path, help=f"导出文件：{'、'.join(FORMATS)}（.docx 另生成答案与解析）")
    parser.add_argument("--json", action="store_true", help="把题目以 JSON 列表打印到标准输出")
    parser.add_argument("--title", default="安全生产知识测试卷", help="试卷标题（Word 导出用）")


def selection_from(args: argparse.Namespace) -> Selection:
    return Selection(
        doc_ids=_split(args.doc),
        chapters=tuple(args.chapter),
        units=_split(args.unit),
        keywords=tuple(args.keyword),
        topic=args.topic.strip(),
    )


def run_quiz(args: argparse.Namespace, assistant: Assistant) -> int:
    """Draw the paper, then print or export it; 1 with a Chinese message when the selection gives nothing."""
    if not 1 <= args.n <= MAX_ITEMS:
        raise SelectionError(f"题量应在 1 到 {MAX_ITEMS} 之间，收到 {args.n}")
    types = parse_types(args.types)
    difficulties = parse_difficulties(args.difficulty) if args.difficulty.strip() else ()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 100000)
    selection = selection_from(args)
    result = assistant.quiz(selection, types, args.n, seed, difficulties)
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
    wanted = sum(result.planned.values())
    summary = "、".join(f"{name} {count}" for name, count in result.counts().items())
    if len(result.items) < wanted:
        print(
            f"注意：只出了 {len(result.items)} 道题（要求 {wanted} 道），该范围可出的题不够。",
            file=sys.stderr,
        )
    note = f"出题范围：{scope}；题量 {len(result.items)}（{summary}）；种子 {seed}"
    if args.json:
        print_json([item.to_dict() for item in result.items])
    if args.out:
        written = write_paper(result.items, args.out, title=args.title, note=note)
        print(
            f"已出 {len(result.items)} 道题（{summary}），种子 {seed}，写入 {'、'.join(map(str, written))}",
            file=sys.stderr,
        )
    elif not args.json:
        print(paper_text(result.items, note))
    return 0


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
