"""The user's own documents: adding, listing and removing real .txt, .docx and .pdf files."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from reportlab.pdfgen import canvas

from corpus.library import (
    LibraryError,
    add_document,
    list_documents,
    remove_document,
    user_documents,
    user_manifest_path,
)
from corpus.manifest import document_path, indexable, load_manifest, sha256_file
from corpus.sync import sync

TEXT = "本单位安全生产责任制\n第一条 主要负责人对本单位的安全生产工作全面负责。\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """One file of each accepted kind: UTF-8 and GBK text, a .docx and a .pdf."""
    src = tmp_path / "incoming"
    src.mkdir()
    utf8 = src / "责任制.txt"
    utf8.write_text(TEXT, encoding="utf-8")
    gbk = src / "gbk.txt"
    gbk.write_bytes("动火作业管理制度：动火前必须办理审批。\n".encode("gbk"))
    word = src / "规程.docx"
    document = docx.Document()
    document.add_paragraph("有限空间作业安全操作规程")
    document.add_paragraph("第一条 先通风、再检测、后作业。")
    document.save(str(word))
    pdf = src / "plan.pdf"
    page = canvas.Canvas(str(pdf))
    page.drawString(72, 720, "Emergency plan for the coal washing plant")
    page.save()
    return {"utf8": utf8, "gbk": gbk, "docx": word, "pdf": pdf}


def test_add_and_list_each_format(files: dict[str, Path], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    added = [
        add_document(data_dir, files["utf8"], "本单位安全生产责任制", "其他", issuer="某煤业公司"),
        add_document(data_dir, files["gbk"], "动火作业管理制度", "其他", effective="2024-03-01"),
        add_document(data_dir, files["docx"], "有限空间作业安全操作规程", "其他", doc_id="有限空间规程"),
        add_document(data_dir, files["pdf"], "应急预案", "规范性文件", doc_number="某应急〔2024〕3号"),
    ]
    assert [d.format for d in added] == ["txt", "txt", "docx", "pdf"]
    assert all(d.kind == "plain" for d in added)
    for doc, source in zip(added, files.values(), strict=True):
        assert doc.sha256 == sha256_file(source)
        assert document_path(data_dir, doc).read_bytes() == source.read_bytes()
        assert doc.path == f"user/{doc.id}{source.suffix}"
    assert added[0].id == f"user-{added[0].sha256[:10]}" and added[2].id == "有限空间规程"
    assert added[0].source == "user:责任制.txt"

    listed = list_documents(data_dir)
    assert [d.id for d in listed] == [d.id for d in added]
    assert all(d.present and d.user for d in listed)
    assert user_documents(data_dir) == added
    lines = user_manifest_path(data_dir).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [d.id for d in added]
    assert sorted(p.name for p in (data_dir / "corpus").iterdir()) == ["user", "user-manifest.jsonl"]


def test_list_includes_synced_default_documents(
    files: dict[str, Path], shared_corpus: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    sync(str(shared_corpus), data_dir)
    mine = add_document(data_dir, files["utf8"], "本单位安全生产责任制", "其他")
    listed = list_documents(data_dir)
    defaults = [d for d in listed if not d.user]
    assert [d.id for d in defaults] == [e.id for e in indexable(load_manifest())]
    assert "linfen-2025-1-pdf" not in {d.id for d in listed}
    assert all(d.present for d in listed)
    assert listed[-1].id == mine.id and listed[-1].user

    document_path(data_dir, defaults[0]).unlink()
    document_path(data_dir, mine).unlink()
    relisted = list_documents(data_dir)
    assert defaults[0].id not in {d.id for d in relisted}
    assert [(d.id, d.present) for d in relisted if d.user] == [(mine.id, False)]


def test_adding_twice_updates(files: dict[str, Path], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = add_document(data_dir, files["utf8"], "旧标题", "其他")
    second = add_document(data_dir, files["utf8"], "新标题", "规范性文件", doc_number="某安〔2025〕1号")
    assert second.id == first.id
    listed = list_documents(data_dir)
    assert [(d.id, d.title, d.level) for d in listed] == [(first.id, "新标题", "规范性文件")]

    renamed = files["utf8"].with_suffix(".md")
    files["utf8"].rename(renamed)
    third = add_document(data_dir, renamed, "新标题", "其他")
    assert third.id == first.id and third.format == "md"
    assert sorted(p.name for p in (data_dir / "corpus" / "user").iterdir()) == [f"{first.id}.md"]


def test_same_id_replaces_content(files: dict[str, Path], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    add_document(data_dir, files["utf8"], "制度", "其他", doc_id="zhidu")
    updated = add_document(data_dir, files["gbk"], "制度（修订）", "其他", doc_id="zhidu")
    assert [d.id for d in list_documents(data_dir)] == ["zhidu"]
    assert document_path(data_dir, updated).read_bytes() == files["gbk"].read_bytes()


def test_unsupported_type_is_rejected(tmp_path: Path) -> None:
    sheet = tmp_path / "台账.xlsx"
    sheet.write_bytes(b"PK")
    with pytest.raises(
        LibraryError, match=r"不支持的文件类型：台账\.xlsx（仅支持 \.txt、\.md、\.pdf、\.docx）"
    ):
        add_document(tmp_path / "data", sheet, "隐患台账", "其他")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "国家标准"}, "未知的效力层级：国家标准"),
        ({"title": "  "}, "请为 责任制.txt 填写文档标题"),
        ({"doc_id": "work-safety-law-2021"}, "已被默认文档集使用"),
        ({"doc_id": "a/b"}, "文档编号不合法"),
        ({"effective": "2024/03/01"}, "生效日期应写作 YYYY-MM-DD"),
        ({"kind": "manual"}, "未知的文档类型"),
    ],
)
def test_invalid_arguments(
    files: dict[str, Path], tmp_path: Path, kwargs: dict[str, str], message: str
) -> None:
    arguments = {"title": "责任制", "level": "其他", **kwargs}
    with pytest.raises(LibraryError, match=message):
        add_document(tmp_path / "data", files["utf8"], **arguments)
    assert not (tmp_path / "data").exists()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="文件不存在"):
        add_document(tmp_path / "data", tmp_path / "无.txt", "无", "其他")


def test_remove(files: dict[str, Path], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    keep = add_document(data_dir, files["utf8"], "责任制", "其他")
    drop = add_document(data_dir, files["pdf"], "应急预案", "其他")
    assert remove_document(data_dir, drop.id) == drop
    assert not document_path(data_dir, drop).exists()
    assert [d.id for d in list_documents(data_dir)] == [keep.id]
    with pytest.raises(LibraryError, match=f"没有编号为 {drop.id} 的用户文档"):
        remove_document(data_dir, drop.id)
    with pytest.raises(LibraryError, match="属于默认文档集，不能删除"):
        remove_document(data_dir, "work-safety-law-2021")
