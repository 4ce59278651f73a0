"""Export a paper: Excel in the column layout question-bank systems import, Word (the paper and a separate
answer key), JSON.

Usage::

    write_paper(items, Path("paper.docx"))   # [paper.docx, paper-答案与解析.docx]
    write_paper(items, Path("bank.xlsx"))    # columns 题型, 题干, 选项A … 选项F, 答案, 解析, 出处
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from assistant.quiz.model import BLANK, FILL, JUDGE, LETTERS, MULTI, SINGLE, TYPES, QuizItem

FORMATS = (".xlsx", ".docx", ".json")
COLUMNS = ("题型", "题干", *(f"选项{letter}" for letter in LETTERS), "答案", "解析", "出处")
SECTION_TITLES = {SINGLE: "单项选择题", MULTI: "多项选择题", JUDGE: "判断题", FILL: "填空题"}
_NUMBERS = "一二三四"
DEFAULT_TITLE = "安全生产知识测试卷"


class ExportError(ValueError):
    """A path that cannot be written as a paper; the message is Chinese."""


def write_paper(
    items: Sequence[QuizItem], path: Path, title: str = DEFAULT_TITLE, note: str = ""
) -> list[Path]:
    """Write the items in the format the suffix names; returns the files written (.docx: paper and key)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"不支持的导出格式“{path.suffix or path.name}”，请用 {'、'.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        write_xlsx(items, path)
        return [path]
    if suffix == ".json":
        path.write_text(to_json(items) + "\n", encoding="utf-8")
        return [path]
    key = answer_key_path(path)
    write_docx_paper(items, path, title, note)
    write_docx_key(items, key, title)
    return [path, key]


def answer_key_path(paper: Path) -> Path:
    """The answer key beside a Word paper: paper.docx → paper-答案与解析.docx."""
    return paper.with_name(f"{paper.stem}-答案与解析{paper.suffix}")


def to_json(items: Sequence[QuizItem]) -> str:
    return json.dumps([item.to_dict() for item in items], ensure_ascii=False, indent=1)


def xlsx_row(item: QuizItem) -> list[str]:
    """One row in COLUMNS order: 单选题, the stem, options A–F (empty when absent), answer, explanation, source."""
    options = [item.options.get(letter, "") for letter in LETTERS]
    return [f"{item.type}题", item.stem, *options, item.answer, item.explanation, item.citation]


def write_xlsx(items: Sequence[QuizItem], path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(list(COLUMNS))
    for item in items:
        sheet.append(xlsx_row(item))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"A": 8, "B": 60, "I": 10, "J": 60, "K": 36}
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


def _heading(rank: int, name: str, count: int) -> str:
    return f"{_NUMBERS[rank]}、{SECTION_TITLES[name]}（共 {count} 题）"


def _new_document(title: str) -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "SimSun"
    document.add_heading(title, level=0)
    return document


def write_docx_paper(
    items: Sequence[QuizItem], path: Path, title: str = DEFAULT_TITLE, note: str = ""
) -> None:
    """The paper: title, a line for name and score, then each section with its numbered items."""
    document = _new_document(title)
    if note:
        document.add_paragraph(note)
    document.add_paragraph("姓名：____________    单位：____________    得分：________")
    for rank, (name, numbered) in enumerate(_sections(items)):
        document.add_heading(_heading(rank, name, len(numbered)), level=1)
        for number, item in numbered:
            stem = f"{item.stem}{BLANK}" if item.type == JUDGE else item.stem
            document.add_paragraph(f"{number}. {stem}")
            if item.type in (SINGLE, MULTI):
                for letter, text in item.options.items():
                    document.add_paragraph(f"{letter}. {text}").paragraph_format.left_indent = Pt(18)
    document.save(path)


def write_docx_key(items: Sequence[QuizItem], path: Path, title: str = DEFAULT_TITLE) -> None:
    """The answer key: per item its answer, the explanation quoting the source, and the citation."""
    document = _new_document(f"{title}·答案与解析")
    for rank, (name, numbered) in enumerate(_sections(items)):
        document.add_heading(_heading(rank, name, len(numbered)), level=1)
        for number, item in numbered:
            document.add_paragraph(f"{number}. 答案：{item.answer}")
            document.add_paragraph(f"解析：{item.explanation}").paragraph_format.left_indent = Pt(18)
            document.add_paragraph(f"出处：{item.citation}").paragraph_format.left_indent = Pt(18)
    document.save(path)
