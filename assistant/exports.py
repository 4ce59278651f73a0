"""Writers for printable study material: tables to .xlsx (and Markdown), documents to .docx and Markdown.

A table is headers plus rows; a document is a title and a list of blocks (headings, paragraphs, numbered
lists, tables). The writers know nothing about duties, targets or handouts, so any feature (exam papers
included) can reuse them.

Usage::

    doc = Document("学习材料", [Heading("一、要点"), NumberedList(["第一点", "第二点"])])
    save_document(doc, Path("handout.docx"))          # or handout.md
    save_tables([Table(["单位", "事项"], [["市能源局", "（十三）"]], title="责任")], Path("duties.xlsx"))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

DOCUMENT_SUFFIXES = (".docx", ".md")
TABLE_SUFFIXES = (".xlsx", ".md")
CHINESE_FONT = "宋体"
MAX_COLUMN_WIDTH = 80  # characters of an .xlsx column
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ExportError(ValueError):
    """An output path the writers cannot handle; the message says so in Chinese."""


@dataclass
class Table:
    """``Table(["单位", "事项"], [["市能源局", "（十三）"]], title="责任清单")``: a captioned grid of cells."""

    headers: list[str]
    rows: list[list[Any]]
    title: str = ""  # sheet name in .xlsx, caption in documents


@dataclass
class Heading:
    """``Heading("一、通知要求", level=1)``: a section heading (level 1–3)."""

    text: str
    level: int = 1


@dataclass
class Paragraph:
    """``Paragraph("由市能源局负责。")``: running text; ``bold`` for a lead-in line."""

    text: str
    bold: bool = False


@dataclass
class NumberedList:
    """``NumberedList(["第一点", "第二点"])``: items numbered 1. 2. …, or bulleted when ``numbered`` is False."""

    items: list[str]
    numbered: bool = True


Block = Heading | Paragraph | NumberedList | Table


@dataclass
class Document:
    """``Document("学习材料", [Heading("要点"), Paragraph("……")], subtitle="……")``: a printable document."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""


# --- tables ----------------------------------------------------------------------------------------------


def save_tables(tables: Table | Sequence[Table], path: Path) -> Path:
    """Write one or more tables to .xlsx (a sheet each) or .md (one after the other); returns the path."""
    tables = [tables] if isinstance(tables, Table) else list(tables)
    suffix = output_suffix(path, TABLE_SUFFIXES)
    if suffix == ".xlsx":
        return write_xlsx(tables, path)
    document = Document(tables[0].title if len(tables) == 1 else "", list(tables))
    return write_markdown(document, path)


def write_xlsx(tables: Sequence[Table], path: Path) -> Path:
    """One sheet per table: bold frozen header, wrapped text, columns sized to their content."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for number, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(_sheet_name(table.title or f"表{number}", used))
        sheet.append([str(h) for h in table.headers])
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        for column, values in enumerate(zip(*([table.headers], *table.rows), strict=False), start=1):
            longest = max((_display_width(str(v)) for v in values if v is not None), default=4)
            sheet.column_dimensions[get_column_letter(column)].width = min(longest + 2, MAX_COLUMN_WIDTH)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return value


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("", title)[:31] or "表"
    name, n = base, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


def _display_width(text: str) -> int:
    """Width of the longest line, a CJK character counting two."""
    return max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in text.split("\n")), default=0)


# --- documents -------------------------------------------------------------------------------------------


def save_document(document: Document, path: Path) -> Path:
    """Write the document as .docx or .md, chosen by the path's suffix; returns the path."""
    if output_suffix(path, DOCUMENT_SUFFIXES) == ".docx":
        return write_docx(document, path)
    return write_markdown(document, path)


def write_markdown(document: Document, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_markdown(document), encoding="utf-8")
    return path


def to_markdown(document: Document) -> str:
    """The document as Markdown: # title, ## and deeper headings, 1. lists, pipe tables."""
    parts: list[str] = []
    if document.title:
        parts.append(f"# {document.title}")
    if document.subtitle:
        parts.append(document.subtitle)
    for block in document.blocks:
        parts.append(_markdown_block(block))
    return "\n\n".join(parts) + "\n"


def _markdown_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * min(block.level + 1, 6)} {block.text}"
    if isinstance(block, Paragraph):
        return f"**{block.text}**" if block.bold else block.text
    if isinstance(block, NumberedList):
        return "\n".join(
            f"{f'{n}.' if block.numbered else '-'} {item}" for n, item in enumerate(block.items, start=1)
        )
    lines = [f"**{block.title}**", ""] if block.title else []
    lines.append(_markdown_row(block.headers))
    lines.append("|" + "|".join(" --- " for _ in block.headers) + "|")
    lines += [_markdown_row(row) for row in block.rows]
    return "\n".join(lines)


def _markdown_row(cells: Sequence[Any]) -> str:
    texts = [str(_cell(c) if c is not None else "").replace("|", "\\|").replace("\n", "<br>") for c in cells]
    return "| " + " | ".join(texts) + " |"


def write_docx(document: Document, path: Path) -> Path:
    """The document in Word: 宋体 throughout, numbered lists written out, tables with grid lines."""
    word = new_docx()
    _use_chinese_font(word)
    if document.title:
        word.add_heading(document.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.subtitle:
        word.add_paragraph(document.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level, 1), 9))
        elif isinstance(block, Paragraph):
            word.add_paragraph().add_run(block.text).bold = block.bold
        elif isinstance(block, NumberedList):
            for n, item in enumerate(block.items, start=1):
                paragraph = word.add_paragraph(f"{n}. {item}" if block.numbered else f"• {item}")
                paragraph.paragraph_format.left_indent = Pt(12)
        else:
            _docx_table(word, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(str(path))
    return path


def _docx_table(word: Any, table: Table) -> None:
    if table.title:
        word.add_paragraph().add_run(table.title).bold = True
    grid = word.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(header)).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = "" if value is None else str(_cell(value))


def _use_chinese_font(word: Any) -> None:
    """Set 宋体 as the East Asian font of the body and heading styles (Word ignores ``font.name`` for CJK)."""
    for style in word.styles:
        if style.type not in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            continue
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)  # a theme font would win over the named one
        fonts.set(qn("w:eastAsia"), CHINESE_FONT)


def output_suffix(path: Path, allowed: tuple[str, ...]) -> str:
    """The path's suffix in lower case; ExportError (in Chinese) when it is not one of ``allowed``."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ExportError(f"不支持的输出格式“{path.suffix or path.name}”，请使用 {'、'.join(allowed)} 文件。")
    return suffix
