"""Loading documents: encodings, PDFs (with and without a text layer, broken), Word files."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexers.errors import DocumentError, ScannedPdfError
from indexers.load import load_text
from indexers.parse import clean_document_text

CJK_FONT = "STSong-Light"  # reportlab's built-in CID font for Chinese


def make_pdf(path: Path, pages: list[list[str]], header: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        pdf.setFont(CJK_FONT, 11)
        y = 800
        if header:
            pdf.drawString(72, y, header)
            y -= 30
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 18
        pdf.drawString(280, 40, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return path


def test_gbk_and_utf8_text_files_read_the_same(tmp_path):
    text = "第一条 生产经营单位必须为从业人员提供符合国家标准的劳动防护用品。"
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "utf8.txt").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "gb18030.md").write_bytes(text.encode("gb18030"))
    assert load_text(tmp_path / "gbk.txt") == text
    assert load_text(tmp_path / "utf8.txt") == text
    assert load_text(tmp_path / "gb18030.md") == text


def test_pdf_page_numbers_headers_and_broken_lines_are_repaired(tmp_path):
    pages = [
        [
            "第一条 为了加强安全生产工作，防止和减少生产安全",
            "事故，制定本规定。",
            "第二条 生产经营单位应当遵守本规",
        ],
        ["定。", "第三条 从业人员有权拒绝违章指挥。"],
        ["第四条 本规定自发布之日起施行。"],
    ]
    path = make_pdf(tmp_path / "rules.pdf", pages, header="某某公司安全生产规定")
    text = clean_document_text(load_text(path))
    assert "— 1 —" not in text and "某某公司安全生产规定" not in text
    assert text.splitlines() == [
        "第一条为了加强安全生产工作，防止和减少生产安全事故，制定本规定。",
        "第二条生产经营单位应当遵守本规定。",
        "第三条从业人员有权拒绝违章指挥。",
        "第四条本规定自发布之日起施行。",
    ]


def test_a_scanned_pdf_asks_for_ocr_and_names_the_file(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "扫描件.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)  # an image-like page with no text layer
    pdf.showPage()
    pdf.save()
    with pytest.raises(ScannedPdfError) as error:
        load_text(path)
    assert "扫描件.pdf" in str(error.value) and "OCR" in str(error.value)


def test_a_broken_pdf_gives_a_clear_message(tmp_path):
    path = tmp_path / "坏文件.pdf"
    path.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    with pytest.raises(DocumentError) as error:
        load_text(path)
    assert "坏文件.pdf" in str(error.value) and "损坏" in str(error.value)


def test_docx_headings_and_paragraphs(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("班组安全活动制度", level=1)
    document.add_paragraph("每周一开展班组安全活动。")
    document.add_heading("检查", level=2)
    document.add_paragraph("班长每天检查劳动防护用品佩戴情况。")
    path = tmp_path / "制度.docx"
    document.save(str(path))
    text = load_text(path)
    assert text.split("\n\n") == [
        "# 班组安全活动制度",
        "每周一开展班组安全活动。",
        "## 检查",
        "班长每天检查劳动防护用品佩戴情况。",
    ]


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"x")
    with pytest.raises(DocumentError, match="不支持的文件类型"):
        load_text(tmp_path / "a.xls")
    with pytest.raises(DocumentError, match="文件不存在"):
        load_text(tmp_path / "none.txt")
