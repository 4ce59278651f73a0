"""Uploaded documents: names, types told by content, zip bombs, previews, and nothing kept when refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.pdfgen import canvas
from test_load import make_pdf

from assistant.uploads import UploadError, add_upload, preview, safe_name, sniff, staging_area
from corpus.library import list_documents

MB = 2**20
ARTICLES = [
    "第一条 为了加强动火作业管理，制定本规定。",
    "第二条 动火作业前应当办理动火审批。",
    "第三条 动火作业应当有专人监护。",
]


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def word(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(tmp_path: Path, lines: list[str]) -> bytes:
    return make_pdf(tmp_path / "made.pdf", [lines]).read_bytes()


@pytest.mark.parametrize("name", ["制度.docx", "本单位 安全制度（2025）.pdf", "notes.md"])
def test_plain_file_names_pass(name: str):
    assert safe_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "../制度.txt",
        "..\\..\\制度.txt",
        "/etc/passwd",
        "a/b.txt",
        ".bashrc",
        "制度\x00.txt",
        "制度\n.txt",
        "",
    ],
)
def test_paths_and_odd_names_are_refused(name: str):
    with pytest.raises(UploadError, match="文件名不能包含路径"):
        safe_name(name)


def test_the_type_is_told_by_content_not_by_the_name(tmp_path: Path):
    assert sniff(write(tmp_path / "a", word(ARTICLES)), "制度.pdf", 10 * MB) == ".docx"
    assert sniff(write(tmp_path / "b", pdf(tmp_path, ARTICLES)), "制度.docx", 10 * MB) == ".pdf"
    assert sniff(write(tmp_path / "c", "\n".join(ARTICLES).encode("gb18030")), "制度.md", 10 * MB) == ".md"
    assert sniff(write(tmp_path / "d", "\n".join(ARTICLES).encode()), "制度.doc", 10 * MB) == ".txt"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 Word"),
        (b"\x89PNG\r\n\x1a\n" + bytes(600), "这是图片"),
        (b"\x7fELF\x02\x01\x01" + bytes(600), "这是程序文件"),
        (bytes(range(256)) * 8, "文件内容不是文本、PDF 或 Word 文档"),
        (b"", "文件是空的"),
    ],
)
def test_other_content_is_refused_with_what_it_is(tmp_path: Path, content: bytes, message: str):
    with pytest.raises(UploadError, match=message):
        sniff(write(tmp_path / "x", content), "制度.docx", 10 * MB)


def test_a_zip_bomb_named_docx_is_refused_before_it_is_unpacked(tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", bytes(30 * MB))
    bomb = write(tmp_path / "bomb", buffer.getvalue())
    assert bomb.stat().st_size < MB / 10
    with pytest.raises(UploadError, match="解压后超过 10 MB") as refused:
        sniff(bomb, "制度.docx", 10 * MB)
    assert refused.value.status == 413


def test_a_zip_that_lies_about_its_sizes_is_caught_while_unpacking(tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", bytes(3 * MB))
    data = bytearray(buffer.getvalue())
    size = (3 * MB).to_bytes(4, "little")
    for at in (i for i in range(len(data) - 3) if data[i : i + 4] == size):
        data[at : at + 4] = (1000).to_bytes(4, "little")  # local header and directory both say 1000 bytes
    with pytest.raises(UploadError, match="Word 文件已损坏"):
        sniff(write(tmp_path / "liar", bytes(data)), "制度.docx", 10 * MB)


def test_another_zip_is_not_a_word_document(tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(UploadError, match="不是 Word 文档"):
        sniff(write(tmp_path / "z", buffer.getvalue()), "制度.docx", 10 * MB)


def test_the_preview_shows_articles_or_chunks(tmp_path: Path):
    articles = preview(write(tmp_path / "a.docx", word(["动火作业管理规定", *ARTICLES])), "动火作业管理规定")
    assert (articles.kind, articles.count, articles.units) == ("articles", 3, ["第一条", "第二条", "第三条"])
    assert articles.samples[1] == "动火作业前应当办理动火审批。"
    plain = preview(
        write(tmp_path / "b.txt", "动火前要清理周围的可燃物。\n\n作业后要检查有没有余火。".encode()), "须知"
    )
    assert plain.kind == "paragraphs" and plain.count >= 1 and plain.units[0].startswith("片段")


def test_a_scan_is_previewed_as_needing_ocr(tmp_path: Path):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 500, fill=1)
    page.showPage()
    page.save()
    with pytest.raises(UploadError, match="需要OCR") as refused:
        preview(write(tmp_path / "scan.pdf", buffer.getvalue()), "扫描件")
    assert refused.value.status == 422 and refused.value.preview and refused.value.preview.kind == "needs_ocr"


def test_an_accepted_upload_is_added_under_a_safe_name_and_a_refused_one_leaves_nothing(tmp_path: Path):
    data_dir = tmp_path / "data"
    with staging_area(data_dir) as folder:
        received = write(folder / "upload.part", pdf(tmp_path, ARTICLES))
        entry, shown = add_upload(data_dir, received, "动火规定.docx", "", "其他", 10 * MB)
    assert (
        entry.title == "动火规定"
        and entry.path == f"user/{entry.id}.pdf"
        and entry.source == "user:动火规定.pdf"
    )
    assert shown.kind == "articles" and shown.count == 3
    kept = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if p.is_file())
    with staging_area(data_dir) as folder, pytest.raises(UploadError):
        add_upload(data_dir, write(folder / "upload.part", b"MZ" + bytes(100)), "x.docx", "", "其他", 10 * MB)
    with staging_area(data_dir) as folder, pytest.raises(UploadError, match="文件太大"):
        add_upload(data_dir, write(folder / "upload.part", bytes(2 * MB)), "x.txt", "", "其他", MB)
    assert sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if p.is_file()) == kept
    assert not list((data_dir / "uploads").iterdir())
    assert [d.id for d in list_documents(data_dir) if d.user] == [entry.id]
