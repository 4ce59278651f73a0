"""The generic writers: tables to .xlsx and Markdown, documents to .docx and Markdown, bad suffixes refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as read_docx
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
    word = read_docx(str(save_document(DOCUMENT, tmp_path / "h.docx")))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs[0] == ("Title", "学习材料")
    assert ("Heading 1", "一、要点") in paragraphs
    assert ("Heading 2", "（十三）强化矿山安全监督管理") in paragraphs
    assert ("Normal", "2. 第二点|竖线") in paragraphs
    table = word.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["市能源局", "（十三）", "落实双红线\n治理水害"]
    east_asia = word.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "宋体"


@pytest.mark.parametrize("name", ["a.csv", "a.pdf", "noext"])
def test_an_unknown_format_is_refused_in_chinese(tmp_path: Path, name: str):
    with pytest.raises(ExportError, match="不支持的输出格式"):
        save_document(DOCUMENT, tmp_path / name)
    with pytest.raises(ExportError, match=r"\.xlsx"):
        save_tables(TABLE, tmp_path / name)
    assert not (tmp_path / name).exists()
