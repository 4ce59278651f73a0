"""Export a paper: Excel in the column layout question-bank systems import (with 可接受答案, 难度 and 分值),
Word on A4 (the candidate's paper with points per section, time limit and pass mark, and a separate answer
key that alone carries the seed and selection), JSON; and read a JSON paper back (for ``--exclude``).

Usage::

    write_paper(items, Path("paper.docx"), note="种子 7")   # [paper.docx, paper-答案与解析.docx]
    write_paper(items, Path("bank.xlsx"))                    # 题型, 题干, 选项A … 选项F, 答案, 可接受答案, …
    read_paper(Path("paper.json"))                           # [QuizItem, …]
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from assistant.quiz.config import LAYOUT, ExamLayout
from assistant.quiz.model import BLANK, FILL, JUDGE, LETTERS, MULTI, SINGLE, TYPES, QuizItem

FORMATS = (".xlsx", ".docx", ".json")
COLUMNS = (
    "题型",
    "题干",
    *(f"选项{letter}" for letter in LETTERS),
    "答案",
    "可接受答案",
    "难度",
    "分值",
    "解析",
    "出处",
)
SECTION_TITLES = {SINGLE: "单项选择题", MULTI: "多项选择题", JUDGE: "判断题", FILL: "填空题"}
_NUMBERS = "一二三四"
A4 = (Cm(21.0), Cm(29.7))
MARGINS = Cm(2.2)
DEFAULT_TITLE = LAYOUT.title


class ExportError(ValueError):
    """A path that cannot be written or read as a paper; the message is Chinese."""


def write_paper(
    items: Sequence[QuizItem],
    path: Path,
    title: str = DEFAULT_TITLE,
    note: str = "",
    layout: ExamLayout = LAYOUT,
    extra: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write the items in the format the suffix names; returns the files written (.docx: paper and key).
    ``note`` (seed, selection) goes into the answer key only; ``extra`` into the JSON beside the items."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"不支持的导出格式“{path.suffix or path.name}”，请用 {'、'.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        write_xlsx(items, path, layout)
        return [path]
    if suffix == ".json":
        path.write_text(to_json(items, extra) + "\n", encoding="utf-8")
        return [path]
    key = answer_key_path(path)
    write_docx_paper(items, path, title, layout)
    write_docx_key(items, key, title, note, layout)
    return [path, key]


def answer_key_path(paper: Path) -> Path:
    """The answer key beside a Word paper: paper.docx → paper-答案与解析.docx."""
    return paper.with_name(f"{paper.stem}-答案与解析{paper.suffix}")


def paper_dict(items: Sequence[QuizItem], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON shape of a paper: {"items": [...], "counts": {...}, …extra (planned, shortfall, notes, seed)}."""
    counts = Counter(item.type for item in items)
    return {
        "items": [item.to_dict() for item in items],
        "counts": {name: counts[name] for name in TYPES if counts[name]},
        **(extra or {}),
    }


def to_json(items: Sequence[QuizItem], extra: Mapping[str, Any] | None = None) -> str:
    return json.dumps(paper_dict(items, extra), ensure_ascii=False, indent=1)


def read_paper(path: Path) -> list[QuizItem]:
    """The items of a paper written as JSON (this tool's object, or a plain list of items)."""
    if path.suffix.lower() != ".json":
        raise ExportError(f"只能排除本工具导出的 JSON 试卷（.json），收到“{path.name}”")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["items"] if isinstance(data, dict) else data
        return [QuizItem.from_dict(row) for row in rows]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ExportError(f"无法读取试卷“{path}”：{exc}") from exc


def xlsx_row(item: QuizItem, layout: ExamLayout = LAYOUT) -> list[Any]:
    """One row in COLUMNS order."""
    options = [item.options.get(letter, "") for letter in LETTERS]
    return [
        f"{item.type}题",
        item.stem,
        *options,
        item.answer,
        "；".join(item.accepted),
        item.difficulty,
        layout.points.get(item.type, 1),
        item.explanation,
        item.citation,
    ]


def write_xlsx(items: Sequence[QuizItem], path: Path, layout: ExamLayout = LAYOUT) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(list(COLUMNS))
    for item in items:
        sheet.append(xlsx_row(item, layout))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"A": 8, "B": 60, "I": 10, "J": 16, "K": 6, "L": 6, "M": 60, "N": 36}
    for column in "CDEFGH":
        widths[column] = 24
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.save(path)


def _sections(items: Sequence[QuizItem]) -> list[tuple[str, list[tuple[int, QuizItem]]]]:
    """Items grouped by type in type order, numbered through the paper."""
    numbered = list(enumerate(sorted(items, key=lambda i: TYPES.index(i.type)), start=1))
    return [
        (name, [(n, i) for n, i in numbered if i.type == name])
        for name in TYPES
        if any(i.type == name for i in items)
    ]


def section_heading(rank: int, name: str, count: int, layout: ExamLayout = LAYOUT) -> str:
    """一、单项选择题（共 25 题，每题 1 分，共 25 分）"""
    points = layout.points.get(name, 1)
    return (
        f"{_NUMBERS[rank]}、{SECTION_TITLES[name]}"
        f"（共 {count} 题，每题 {_number(points)} 分，共 {_number(points * count)} 分）"
    )


def exam_line(items: Sequence[QuizItem], layout: ExamLayout = LAYOUT) -> str:
    """考试时间：60 分钟　满分：100 分　及格：80 分"""
    counts = Counter(item.type for item in items)
    total, passing = layout.total(counts), layout.passing(counts)
    return f"考试时间：{layout.minutes} 分钟　满分：{_number(total)} 分　及格：{_number(passing)} 分"


def _number(value: float) -> str:
    return f"{value:g}"


def _new_document(title: str) -> Document:
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = A4
        section.left_margin = section.right_margin = MARGINS
        section.top_margin = section.bottom_margin = MARGINS
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "SimSun"
    document.add_heading(title, level=0)
    return document


def write_docx_paper(
    items: Sequence[QuizItem], path: Path, title: str = DEFAULT_TITLE, layout: ExamLayout = LAYOUT
) -> None:
    """The candidate's paper on A4: title, time limit, total and pass mark, a line for name and score, then
    each section with its points and numbered items. No seed, selection or answers."""
    document = _new_document(title)
    document.add_paragraph(exam_line(items, layout))
    document.add_paragraph("姓名：____________    单位：____________    得分：________")
    for rank, (name, numbered) in enumerate(_sections(items)):
        document.add_heading(section_heading(rank, name, len(numbered), layout), level=1)
        for number, item in numbered:
            stem = f"{item.stem}{BLANK}" if item.type == JUDGE else item.stem
            document.add_paragraph(f"{number}. {stem}")
            if item.type in (SINGLE, MULTI):
                for letter, text in item.options.items():
                    document.add_paragraph(f"{letter}. {text}").paragraph_format.left_indent = Pt(18)
    document.save(path)


def write_docx_key(
    items: Sequence[QuizItem],
    path: Path,
    title: str = DEFAULT_TITLE,
    note: str = "",
    layout: ExamLayout = LAYOUT,
) -> None:
    """The answer key: how the paper was drawn (``note``), then per item its answer (and the other accepted
    writings), the explanation quoting the source, the citation and the difficulty."""
    document = _new_document(f"{title}·答案与解析")
    if note:
        document.add_paragraph(note)
    document.add_paragraph(exam_line(items, layout))
    for rank, (name, numbered) in enumerate(_sections(items)):
        document.add_heading(section_heading(rank, name, len(numbered), layout), level=1)
        for number, item in numbered:
            accepted = f"（也可答：{'、'.join(item.accepted)}）" if item.accepted else ""
            document.add_paragraph(f"{number}. 答案：{item.answer}{accepted}　难度：{item.difficulty}")
            document.add_paragraph(f"解析：{item.explanation}").paragraph_format.left_indent = Pt(18)
            document.add_paragraph(f"出处：{item.citation}").paragraph_format.left_indent = Pt(18)
    document.save(path)
