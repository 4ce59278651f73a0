"""Writers for printable study material: tables to .xlsx (and Markdown), documents to .docx and Markdown.

A table is headers plus rows; a document is a title and a list of blocks (headings, paragraphs, numbered
lists, tables). The writers know nothing about duties, targets or handouts, so any feature (exam papers
included) can reuse them. What they write is ready to print:

- Word: A4 in the style of a 公文 (GB/T 9704): title in 方正小标宋简体 (黑体 where it is not installed), body in
  仿宋 三号 on a fixed 28-point line, headings in 黑体 / 楷体, page numbers “— 1 —” at the foot;
- Excel: every column sized to its content, wrapped text, a bold frozen header that repeats on every printed
  page, A4 fitted to the page width (landscape when the table is wide), page numbers, a filter on the header.

Usage::

    doc = Document("学习材料", [Heading("一、要点"), NumberedList(["第一点", "第二点"])])
    save_document(doc, Path("handout.docx"))          # or handout.md
    save_tables([Table(["单位", "事项"], [["市能源局", "（十三）"]], title="责任")], Path("duties.xlsx"))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

DOCUMENT_SUFFIXES = (".docx", ".md")
TABLE_SUFFIXES = (".xlsx", ".md")

# Word, after GB/T 9704 (党政机关公文格式): A4, margins, fonts and sizes (三号 = 16 pt, 二号 = 22 pt).
PAGE_SIZE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "黑体"  # Word shows the title in this font where 方正小标宋简体 is not installed
BODY_FONT = "仿宋"
LATIN_FONT = "Times New Roman"
PAGE_NUMBER_FONT = "宋体"
HEADING_FONTS = {1: ("黑体", False), 2: ("楷体", False), 3: (BODY_FONT, True)}  # level → (font, bold)
TITLE_SIZE = Pt(22)
BODY_SIZE = Pt(16)
PAGE_NUMBER_SIZE = Pt(14)
TABLE_TEXT_SIZE = Pt(12)
LINE_PITCH = Pt(28)  # fixed line spacing: 22 lines on a page
INDENT = Pt(32)  # two characters of 三号

# Excel.
MIN_COLUMN_WIDTH = 6
MAX_COLUMN_WIDTH = 60  # characters (a CJK character counts two): longer text wraps
PORTRAIT_WIDTH = 100  # a table wider than this prints landscape
DATE_FORMAT = "yyyy-mm-dd"
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="808080")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ExportError(ValueError):
    """An output path the writers cannot handle; the message says so in Chinese."""


@dataclass
class Table:
    """``Table(["单位", "事项"], [["市能源局", "（十三）"]], title="责任清单")``: a captioned grid of cells."""

    headers: list[str]
    rows: list[list[Any]]
    title: str = ""  # sheet name in .xlsx, caption in documents
    widths: dict[str, int] = field(default_factory=dict)  # .xlsx column widths by header (else by content)


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
    """One sheet per table, ready to print (see the module docstring)."""
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
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.border = _GRID
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = _GRID
                if isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
        widths = column_widths(table)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        _print_setup(sheet, wide=sum(widths) > PORTRAIT_WIDTH)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def column_widths(table: Table) -> list[int]:
    """The width of every column: the table's own width for it, or its longest line, within bounds."""
    widths = []
    for index, header in enumerate(table.headers):
        if header in table.widths:
            widths.append(table.widths[header])
            continue
        values = [header, *(row[index] for row in table.rows if index < len(row))]
        longest = max(_display_width(_text(_cell(v))) for v in values)
        widths.append(min(max(longest + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH))
    return widths


def _print_setup(sheet: Any, wide: bool) -> None:
    """A4, fitted to the page width, the header row on every page, page numbers, a filter on the header."""
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if wide else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


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
    """The document in Word, A4 in 公文 style (see the module docstring)."""
    word = new_docx()
    _page_setup(word)
    _gongwen_styles(word)
    if document.title:
        word.add_paragraph(document.title, style="Title")
    if document.subtitle:
        word.add_paragraph(document.subtitle, style="Subtitle")
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level, 1), 3))
        elif isinstance(block, Paragraph):
            word.add_paragraph().add_run(block.text).bold = block.bold
        elif isinstance(block, NumberedList):
            for n, item in enumerate(block.items, start=1):
                word.add_paragraph(f"{n}. {item}" if block.numbered else f"• {item}")
        else:
            _docx_table(word, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(str(path))
    return path


def _page_setup(word: Any) -> None:
    """A4 portrait with the 公文 margins and a page number “— 1 —” centred at the foot of every page."""
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(v) for v in PAGE_SIZE_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    shown = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    shown.append(text)
    field.append(shown)
    footer.add_run("— ")
    footer._p.append(field)
    footer.add_run(" —")
    for run in footer.runs:
        _font(run.font, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _gongwen_styles(word: Any) -> None:
    """Body, title, subtitle and heading styles in the fonts and sizes of a 公文; every style's East Asian
    font named (Word ignores ``font.name`` for CJK), black, on the fixed line pitch."""
    for style in word.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            _font(style.font, BODY_FONT)
    normal = word.styles["Normal"]
    _font(normal.font, BODY_FONT, BODY_SIZE)
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE_PITCH
    layout.first_line_indent = INDENT
    layout.space_before = layout.space_after = Pt(0)
    layout.widow_control = True
    title = word.styles["Title"]
    _plain(title, TITLE_FONT, TITLE_SIZE, centred=True)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(14)
    _plain(word.styles["Subtitle"], HEADING_FONTS[2][0], BODY_SIZE, centred=True)
    word.styles["Subtitle"].paragraph_format.space_after = Pt(14)
    for level, (font, bold) in HEADING_FONTS.items():
        heading = word.styles[f"Heading {level}"]
        _plain(heading, font, BODY_SIZE, bold=bold)
        heading.paragraph_format.keep_with_next = True
    _declare_font(word, TITLE_FONT, TITLE_FALLBACK)


def _plain(style: Any, font: str, size: Pt, bold: bool = False, centred: bool = False) -> None:
    """A style in one font and size, black, no border or theme colour, on the body's line pitch."""
    _font(style.font, font, size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    borders = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
    if borders is not None:
        style.element.pPr.remove(borders)
    layout = style.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE_PITCH
    layout.space_before = layout.space_after = Pt(0)
    if centred:
        layout.alignment = WD_ALIGN_PARAGRAPH.CENTER
        layout.first_line_indent = Pt(0)


def _font(font: Any, east_asian: str, size: Pt | None = None) -> None:
    """Name the East Asian font (and Times New Roman for Latin text); a theme font would win over both."""
    font.name = LATIN_FONT
    if size is not None:
        font.size = size
    fonts = font.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)


def _declare_font(word: Any, name: str, fallback: str) -> None:
    """Declare a font in the font table with the font Word substitutes where it is not installed."""
    part = next(rel.target_part for rel in word.part.rels.values() if rel.reltype.endswith("/fontTable"))
    entry = (
        f'<w:font w:name="{name}"><w:altName w:val="{fallback}"/><w:charset w:val="86"/>'
        '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    )
    blob = part.blob.decode("utf-8")
    if f'w:name="{name}"' not in blob:
        part._blob = blob.replace("</w:fonts>", f"{entry}</w:fonts>").encode("utf-8")


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
            cell.text = "" if value is None else _text(_cell(value))
    for row in grid.rows:  # table text is smaller and single-spaced
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                layout = paragraph.paragraph_format
                layout.first_line_indent = Pt(0)
                layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
                for run in paragraph.runs:
                    run.font.size = TABLE_TEXT_SIZE


def output_suffix(path: Path, allowed: tuple[str, ...]) -> str:
    """The path's suffix in lower case; ExportError (in Chinese) when it is not one of ``allowed``."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ExportError(f"不支持的输出格式“{path.suffix or path.name}”，请使用 {'、'.join(allowed)} 文件。")
    return suffix
