"""Parsing the default corpus into provisions: the facts users rely on when they cite."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.manifest import ManifestEntry, load_manifest
from corpus.model import DocumentInfo
from indexers.clean import normalize_for_compare
from indexers.parse import parse_text, read_provisions

MANIFEST = {entry.id: entry for entry in load_manifest()}
LAW_IDS = [entry.id for entry in MANIFEST.values() if entry.kind == "law"]


def provisions_of(shared_corpus: Path, doc_id: str):
    entry: ManifestEntry = MANIFEST[doc_id]
    return read_provisions(entry, shared_corpus / entry.path)


def test_work_safety_law_has_119_articles_in_7_chapters(shared_corpus):
    articles = provisions_of(shared_corpus, "work-safety-law-2021")
    assert len(articles) == 119
    assert articles[-1].unit == "第一百一十九条"
    assert len({a.chapter for a in articles}) == 7
    article_21 = articles[20]
    assert article_21.id == "work-safety-law-2021/第二十一条"
    assert article_21.chapter == "第二章 生产经营单位的安全生产保障"
    assert len(article_21.paragraphs) == 1
    items = article_21.paragraphs[0].items
    assert len(items) == 7
    assert items[0].startswith("（一）建立健全并落实本单位全员安全生产责任制")
    assert items[6] == "（七）及时、如实报告生产安全事故。"


def test_paragraphs_are_kept_apart(shared_corpus):
    articles = provisions_of(shared_corpus, "work-safety-law-2021")
    article_3 = articles[2]
    assert len(article_3.paragraphs) == 3  # 第三条 has three 款
    assert article_3.paragraphs[0].text == "安全生产工作坚持中国共产党的领导。"


@pytest.mark.parametrize("doc_id", LAW_IDS)
def test_every_law_yields_contiguous_article_numbers(shared_corpus, doc_id):
    articles = [p for p in provisions_of(shared_corpus, doc_id) if p.unit.endswith("条")]
    assert len(articles) >= 20
    assert [a.number for a in articles] == list(range(1, len(articles) + 1))
    assert all(a.text for a in articles)
    assert all(" " not in a.unit for a in articles)


def test_spaced_article_headings_are_read(shared_corpus):
    articles = provisions_of(shared_corpus, "work-safety-violation-penalty-measures-2025")
    assert len(articles) == 90
    assert articles[5].unit == "第六条"
    assert articles[5].text.startswith("安全生产违法行为行政处罚的种类：")
    assert len(articles[5].paragraphs[0].items) == 6
    assert "24小时" in "".join(a.text for a in articles)  # "2 4 小时" in the source


def test_the_notice_has_21_items_with_their_bodies(shared_corpus):
    items = provisions_of(shared_corpus, "linfen-2025-1")
    assert [i.unit for i in items][:3] == ["（一）", "（二）", "（三）"]
    assert len(items) == 21 and items[-1].unit == "（二十一）"
    item_13 = items[12]
    assert item_13.id == "linfen-2025-1/（十三）"
    assert item_13.title == "强化矿山安全监督管理"
    assert item_13.bodies == [
        "市应急管理局",
        "市规划和自然资源局",
        "市能源局",
        "国家矿山安全监察局山西局监察执法十处",
    ]
    assert item_13.bodies_role == "分工负责"
    assert item_13.chapter == "四、重点强化十项工作，化解安全风险隐患"
    assert items[0].title == "提高政治站位"
    assert items[20].bodies == ["市安委会有关成员单位"]
    assert "此件公开发布" not in items[20].text


def test_the_general_clause_of_item_one_applies_to_every_item(shared_corpus):
    items = provisions_of(shared_corpus, "linfen-2025-1")
    county = ["各县（市、区）人民政府", "临汾经济开发区管委会"]
    assert items[0].bodies == ["市安委会成员单位", *county]
    for item in items[1:]:
        assert item.general_bodies == county, item.unit


def test_notice_pdf_and_txt_give_the_same_items(shared_corpus):
    from_txt = provisions_of(shared_corpus, "linfen-2025-1")
    from_pdf = provisions_of(shared_corpus, "linfen-2025-1-pdf")
    assert [p.unit for p in from_pdf] == [p.unit for p in from_txt]
    for pdf_item, txt_item in zip(from_pdf, from_txt, strict=True):
        assert normalize_for_compare(pdf_item.text) == normalize_for_compare(txt_item.text), pdf_item.unit
        assert pdf_item.bodies == txt_item.bodies


def test_pdf_artefacts_in_the_notice_are_repaired(shared_corpus):
    text = "".join(p.text for p in provisions_of(shared_corpus, "linfen-2025-1"))
    assert "转型升级" in text  # "转\n\n型" in the source
    assert "安全生产工作要点" in text  # "安全生\n\n产"
    assert "(" not in text and "," not in text  # half-width punctuation normalised


def test_unstructured_document_becomes_bounded_chunks_with_headings():
    info = DocumentInfo(
        id="user-test",
        title="车间安全须知",
        level="其他",
        path="x.txt",
        format="txt",
        sha256="0",
        kind="plain",
    )
    long_paragraph = "进入车间必须佩戴安全帽。" * 80
    text = f"# 车间安全须知\n\n## 一般要求\n\n{long_paragraph}\n\n## 动火作业\n\n动火前必须办理动火作业票。"
    chunks = parse_text(info, text)
    assert len(chunks) >= 3
    assert all(len(c.text) <= 500 for c in chunks)
    assert chunks[0].chapter == "车间安全须知 / 一般要求"
    assert chunks[-1].chapter == "车间安全须知 / 动火作业"
    assert chunks[-1].text == "动火前必须办理动火作业票。"
    assert [c.unit for c in chunks[:2]] == ["片段1", "片段2"]


def test_a_user_document_with_articles_is_parsed_as_law():
    info = DocumentInfo(
        id="user-rules",
        title="某公司安全生产管理制度",
        level="其他",
        path="x.md",
        format="md",
        sha256="0",
        kind="plain",
    )
    text = "第一章 总则\n第一条 为加强安全管理，制定本制度。\n第二条 本制度适用于全体员工。\n第三条 员工应当：\n（一）遵守操作规程；\n（二）正确佩戴劳动防护用品。"
    articles = parse_text(info, text)
    assert [a.unit for a in articles] == ["第一条", "第二条", "第三条"]
    assert articles[2].paragraphs[0].items == ["（一）遵守操作规程；", "（二）正确佩戴劳动防护用品。"]
    assert articles[0].chapter == "第一章 总则"
