"""The evaluation sets load and normalise: the dev set, the shared exam set and the lookup set."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from corpus.model import DocumentInfo, Provision
from corpus.numerals import int_to_cn
from evals.datasets import (
    DatasetError,
    exam_set_path,
    load_dev_set,
    load_exam_set,
    lookup_set,
    normalise_unit,
)

UNIT = re.compile(r"^(第[零一二三四五六七八九十百千]+条|（[一二三四五六七八九十]+）)$")


@pytest.fixture(scope="module")
def exam_path() -> Path:
    path = exam_set_path()
    if not path.is_file():
        pytest.fail(f"exam set not found at {path}; set ASSISTANT_EXAM_SET")
    return path


def test_normalise_unit() -> None:
    assert normalise_unit("第 七十三 条") == "第七十三条"
    assert normalise_unit("第21条") == "第二十一条"
    assert normalise_unit("(十三)") == "（十三）"
    assert normalise_unit("（13）") == "（十三）"
    assert normalise_unit("附件") == "附件"


def test_dev_set_loads() -> None:
    dev = load_dev_set()
    assert len(dev.items) == 230
    assert sum(item.out_of_scope for item in dev.items) == 28
    assert len(dev.retrieval_items) == 202
    assert Counter(item.group for item in dev.retrieval_items) == {"worker": 81, "cadre": 70, "trainer": 51}
    assert dev.ask
    assert all(UNIT.match(unit) for item in dev.items for _, unit in item.gold)


def test_exam_set_loads_gold_bearing_questions(exam_path: Path) -> None:
    exam = load_exam_set(exam_path)
    assert len(exam.items) == 397
    assert exam.retrieval_items == exam.items
    assert Counter(item.group for item in exam.items).keys() == {"single", "multi", "judge", "fill"}
    assert all(item.gold and isinstance(item.gold[0], tuple) for item in exam.items)
    assert all(UNIT.match(unit) for item in exam.items for _, unit in item.gold)


def test_exam_query_contains_the_options(exam_path: Path) -> None:
    exam = {item.id: item for item in load_exam_set(exam_path).items}
    item = exam["gtpx_aqy-1"]
    assert "\n" not in item.query  # a judge question has no options
    with_options = [q for q in exam.values() if q.group in ("single", "multi") and "\nA." in q.query]
    assert len(with_options) == 131
    lines = with_options[0].query.split("\n")
    assert [line[:2] for line in lines[1:]] == ["A.", "B.", "C.", "D."][: len(lines) - 1]


def test_missing_exam_set_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="找不到考试题集"):
        load_exam_set(tmp_path / "none.jsonl")
    assert exam_set_path({"ASSISTANT_EXAM_SET": "/x/y.jsonl"}) == Path("/x/y.jsonl")


def _document(doc_id: str, title: str, kind: str) -> DocumentInfo:
    return DocumentInfo(id=doc_id, title=title, level="法律", path="", format="md", sha256="", kind=kind)


def test_lookup_set_is_seeded_and_spread_over_documents() -> None:
    documents = {
        "law": _document("law", "中华人民共和国安全生产法", "law"),
        "notice": _document("notice", "某市关于做好安全生产工作的通知", "notice"),
        "plain": _document("plain", "用户文档", "plain"),
    }
    units = {"law": "第{}条", "notice": "（{}）", "plain": "段落{}"}
    provisions = [
        Provision(doc_id, units[doc_id].format(int_to_cn(n)), n, "text")
        for doc_id in documents
        for n in range(1, 31)
    ]
    first = lookup_set(documents, provisions, size=20)
    assert first == lookup_set(documents, list(reversed(provisions)), size=20)
    assert len(first.items) == 20
    assert Counter(item.gold[0][0] for item in first.items) == {"law": 10, "notice": 10}
    for item in first.items:
        doc_id, unit = item.gold[0]
        if doc_id == "notice":
            assert item.query == f"通知{unit}"
        else:
            assert item.query.startswith("安全生产法") and "中华人民共和国" not in item.query
    assert {item.group for item in first.items if item.gold[0][0] == "law"} == {
        "第X条（中文数字）",
        "第N条（阿拉伯数字）",
    }
