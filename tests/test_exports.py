"""The generic writers: tables to .xlsx and Markdown, documents to .docx and Markdown, bad suffixes refused."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document as read_docx
from docx.shared import Pt
from openpyxl import load_workbook

from assistant.exports import (
    Document,
    ExportError,
    Heading,
    NumberedList,
    Paragraph,
    Table,
    save_document,
    save_tables,
    to_markdown,
)

TABLE = Table(
    ["单位", "事项", "任务"], [["市能源局", "（十三）", ["落实双红线", "治理水害"]]], title="责任清单"
)
DOCUMENT = Document(
    "学习材料",
    [
        Heading("一、要点"),
        Paragraph("责任分工", bold=True),
        NumberedList(["第一点[1]", "第二点|竖线"]),
        Heading("（十三）强化矿山安全监督管理", level=2),
        TABLE,
    ],
    subtitle="依据通知整理",
)


def test_tables_go_to_one_sheet_each_with_list_cells_as_lines(tmp_path: Path):
    second = Table(["a"], [[1], [2]])
    path = save_tables([TABLE, second, Table(["b"], [], title="责任清单")], tmp_path / "out" / "t.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["责任清单", "表2", "责任清单(2)"]
    rows = list(workbook["责任清单"].iter_rows(values_only=True))
    assert rows == [("单位", "事项", "任务"), ("市能源局", "（十三）", "落实双红线\n治理水害")]
    assert workbook["责任清单"]["A1"].font.bold
    assert [r[0] for r in workbook["表2"].iter_rows(values_only=True)] == ["a", 1, 2]


def test_every_sheet_is_ready_to_print(tmp_path: Path):
    wide = Table(
        ["序号", "责任单位", "具体任务", "完成时限", "进度"],
        [[1, "市能源局", "深入推进煤矿区域性隐蔽致灾因素普查，" * 4, date(2025, 6, 30), ""]],
        title="台账",
        widths={"进度": 14},
    )
    workbook = load_workbook(save_tables([TABLE, wide], tmp_path / "t.xlsx"))
    for sheet in workbook.worksheets:
        widths = [sheet.column_dimensions[letter].width for letter in "ABCDE"[: sheet.max_column]]
        assert all(width and width >= 6 for width in widths), widths  # every column, not only A
        assert sheet.freeze_panes == "A2"
        assert sheet.print_title_rows == "$1:$1"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert all(cell.alignment.wrap_text for row in sheet.iter_rows() for cell in row)
        assert "&P" in sheet.oddFooter.center.text
    small, ledger = workbook.worksheets
    assert [small.column_dimensions[c].width for c in "ABC"] == [10, 10, 12]  # by content (CJK counts two)
    assert ledger.column_dimensions["C"].width == 60  # long text wraps in a bounded column
    assert ledger.column_dimensions["E"].width == 14  # the table's own width for a column to fill in
    assert small.page_setup.orientation == "portrait" and ledger.page_setup.orientation == "landscape"
    assert ledger["D2"].value.date() == date(2025, 6, 30) and ledger["D2"].number_format == "yyyy-mm-dd"


def test_a_table_in_markdown_escapes_bars_and_breaks_lines(tmp_path: Path):
    text = save_tables(TABLE, tmp_path / "t.md").read_text(encoding="utf-8")
    assert "| 单位 | 事项 | 任务 |" in text
    assert "| 市能源局 | （十三） | 落实双红线<br>治理水害 |" in text


def test_a_document_in_markdown():
    text = to_markdown(DOCUMENT)
    assert text.startswith(
        "# 学习材料\n\n依据通知整理\n\n## 一、要点\n\n**责任分工**\n\n1. 第一点[1]\n2. 第二点|竖线"
    )
    assert "### （十三）强化矿山安全监督管理" in text
    assert "**责任清单**" in text


def test_a_document_in_word_keeps_headings_numbers_and_tables(tmp_path: Path):
    path = save_document(DOCUMENT, tmp_path / "h.docx")
    word = read_docx(str(path))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs[0] == ("Title", "学习材料")
    assert ("Heading 1", "一、要点") in paragraphs
    assert ("Heading 2", "（十三）强化矿山安全监督管理") in paragraphs
    assert ("Normal", "2. 第二点|竖线") in paragraphs
    table = word.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["市能源局", "（十三）", "落实双红线\n治理水害"]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_word_is_a4_in_gongwen_style(tmp_path: Path):
    path = save_document(DOCUMENT, tmp_path / "h.docx")
    word = read_docx(str(path))
    section = word.sections[0]
    mm = [round(length.mm) for length in (section.page_width, section.page_height)]
    assert mm == [210, 297]  # A4, stored in twips
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(length.mm) for length in margins] == [37, 35, 28, 26]

    def east_asian(style: str) -> str:
        return word.styles[style].element.rPr.rFonts.get(f"{W}eastAsia")

    assert east_asian("Title") == "方正小标宋简体" and word.styles["Title"].font.size == Pt(22)
    assert east_asian("Normal") == "仿宋" and word.styles["Normal"].font.size == Pt(16)
    assert east_asian("Heading 1") == "黑体" and east_asian("Heading 2") == "楷体"
    assert word.styles["Normal"].paragraph_format.line_spacing == Pt(28)
    with zipfile.ZipFile(path) as package:
        fonts = package.read("word/fontTable.xml").decode("utf-8")
        footer = package.read("word/footer1.xml").decode("utf-8")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="黑体"/>' in fonts  # the fallback
    assert 'w:instr="PAGE"' in footer and "— " in footer  # page numbers


@pytest.mark.parametrize("name", ["a.csv", "a.pdf", "noext"])
def test_an_unknown_format_is_refused_in_chinese(tmp_path: Path, name: str):
    with pytest.raises(ExportError, match="不支持的输出格式"):
        save_document(DOCUMENT, tmp_path / name)
    with pytest.raises(ExportError, match=r"\.xlsx"):
        save_tables(TABLE, tmp_path / name)
    assert not (tmp_path / name).exists()
