"""Versions (时效性): statuses by date, links to the newer version, labels, and the default set's statuses."""

from __future__ import annotations

import json
from datetime import date

import pytest

from corpus.manifest import ManifestError, load_manifest
from corpus.model import DocumentInfo
from corpus.versions import VersionIndex, cite


def doc(doc_id: str, title: str, promulgated: str, effective: str | None = None, status: str | None = None):
    return DocumentInfo(
        doc_id,
        title,
        "法律",
        f"{doc_id}.md",
        "md",
        "0" * 64,
        effective=effective,
        promulgated=promulgated,
        status=status,
    )


def test_the_newest_version_in_force_and_the_amended_ones():
    documents = [
        doc("w-2022", "中华人民共和国妇女权益保障法", "2022-10-30", "2023-01-01"),
        doc("w-2018", "妇女权益保障法", "2018-10-26"),
        doc("other", "中华人民共和国劳动法", "2018-12-29"),
    ]
    versions = VersionIndex.build(documents, date(2026, 1, 1))
    assert versions.status("w-2022") == "现行有效" and versions.status("other") == "现行有效"
    assert versions.status("w-2018") == "已被修改" and versions.newer("w-2018") == "w-2022"
    assert [v.doc_id for v in versions.versions("w-2022")] == ["w-2018", "w-2022"]
    old = versions.apply(documents[1])
    assert cite(old, "第十条") == "《妇女权益保障法》（2018年10月26日版，已被修改）第十条"
    assert cite(versions.apply(documents[0]), "第十条") == "《中华人民共和国妇女权益保障法》第十条"


def test_a_future_version_is_not_yet_in_force_and_a_marked_one_is_repealed():
    documents = [
        doc("a-2020", "某某条例", "2020-01-01"),
        doc("a-2026", "某某条例", "2026-06-01", effective="2027-01-01"),
        doc("b", "废止的办法", "2001-01-01", status="已废止"),
    ]
    versions = VersionIndex.build(documents, date(2026, 11, 29))
    assert versions.status("a-2026") == "尚未施行" and versions.status("a-2020") == "现行有效"
    assert versions.status("b") == "已废止" and versions.newer("a-2020") is None
    assert (
        cite(versions.apply(documents[1]), "第一条") == "《某某条例》（尚未施行，2027年1月1日起施行）第一条"
    )
    assert cite(versions.apply(documents[2]), "第一条") == "《废止的办法》（2001年1月1日版，已废止）第一条"
    later = VersionIndex.build(documents, date(2027, 1, 1))
    assert later.status("a-2026") == "现行有效" and later.status("a-2020") == "已被修改"


def test_the_default_set_gets_statuses():
    documents = load_manifest()
    before = VersionIndex.build(documents, date(2026, 4, 30))
    after = VersionIndex.build(documents, date(2026, 11, 29))
    assert before.status("hazardous-chemicals-safety-law-2025") == "尚未施行"
    assert after.status("hazardous-chemicals-safety-law-2025") == "现行有效"
    assert before.status("hazardous-chemicals-regulation-2013") == "现行有效"
    assert after.status("hazardous-chemicals-regulation-2013") == "现行有效"  # a different work beside it


def test_a_manifest_may_only_mark_repealed(tmp_path):
    entry = {
        "id": "x",
        "title": "某办法",
        "level": "其他",
        "path": "x.md",
        "format": "md",
        "sha256": "0" * 64,
    }
    path = tmp_path / "manifest.jsonl"
    path.write_text(json.dumps({**entry, "status": "已废止"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_manifest(path)[0].status == "已废止"
    path.write_text(json.dumps({**entry, "status": "现行有效"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="已废止"):
        load_manifest(path)
