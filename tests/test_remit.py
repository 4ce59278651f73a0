"""The reviewed remit table (assistant/data/remit.tsv): its format, its statutes against the corpus, and how a
task is read for the bodies whose field it names."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from assistant.bodies import body_key
from assistant.remit import REMIT_FILE, RemitEntry, RemitTable
from corpus.manifest import load_manifest
from indexers.parse import read_provisions

ALIASES = REMIT_FILE.parent / "doc_aliases.tsv"
HEADER = ["body", "words", "broad_words", "basis", "note"]
REFERENCE = re.compile(
    r"^(?P<doc>[^第（]+?)(?P<articles>第[一二三四五六七八九十百]+条(?:、第[一二三四五六七八九十百]+条)*)(?:（[^）]+）)?$"
)


def rows() -> list[dict[str, str]]:
    with REMIT_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == HEADER
        return list(reader)


def test_one_row_per_body_each_with_words_and_a_basis():
    table = rows()
    keys = [body_key(row["body"]) for row in table]
    assert len(keys) == len(set(keys))
    for row in table:
        words = row["words"].split("、")
        assert all(w.strip() == w and w for w in words), row["body"]
        assert len(words) == len(set(words)), row["body"]
        assert row["basis"], row["body"]


def test_every_basis_names_an_article_of_the_corpus(shared_corpus: Path):
    with ALIASES.open(encoding="utf-8", newline="") as handle:
        aliases = {row["alias"]: row["doc_id"] for row in csv.DictReader(handle, delimiter="\t")}
    manifest = {entry.id: entry for entry in load_manifest()}
    units: dict[str, set[str]] = {}
    for row in rows():
        for reference in row["basis"].split("；"):
            found = REFERENCE.match(reference)
            assert found, f"{row['body']}: unreadable basis “{reference}”"
            doc_id = aliases.get(found.group("doc"))
            assert doc_id in manifest, f"{row['body']}: no document “{found.group('doc')}”"
            if doc_id not in units:
                entry = manifest[doc_id]
                units[doc_id] = {p.unit for p in read_provisions(entry, shared_corpus / entry.path)}
            for article in found.group("articles").split("、"):
                assert article in units[doc_id], f"{row['body']}: {found.group('doc')} has no {article}"


TABLE = RemitTable(
    [
        RemitEntry("市能源局", ("煤", "瓦斯"), ("矿山",)),
        RemitEntry("市应急管理局", ("非煤", "化工"), ("矿山",)),
        RemitEntry("市消防救援支队", ("消防", "火灾")),
        RemitEntry("市林业局", ("森林火灾",)),
    ]
)
BODIES = ["市能源局", "市应急管理局", "市消防救援支队", "市林业局"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推进非煤地下矿山机械化撬毛", {"市应急管理局": ["非煤"]}),  # 非煤 is longer than 煤, 矿山 is broad
        ("加快矿山升级改造，推广放顶煤工艺", {"市能源局": ["煤"]}),
        ("加快矿山升级改造", {"市能源局": ["矿山"], "市应急管理局": ["矿山"]}),  # broad alone: all sharing it
        ("建设能够满足森林火灾救援的停机坪", {"市林业局": ["森林火灾"]}),  # not 火灾 inside 森林火灾
        ("化工园区消防设施改造", {"市应急管理局": ["化工"], "市消防救援支队": ["消防"]}),
        ("开展家庭安全寄语活动", {}),
    ],
)
def test_a_task_goes_to_the_bodies_whose_field_it_names(text: str, expected: dict[str, list[str]]):
    assert TABLE.assign(text, BODIES) == expected


def test_only_candidates_are_assigned_and_a_member_list_adds_words():
    assert TABLE.assign("加强煤矿瓦斯治理", ["市应急管理局", "市住建局"]) == {}
    extended = TABLE.with_words([("市住建局", ["燃气"]), ("市能源局", ["电力"])])
    assert extended.assign("燃气和电力安全", ["市住建局", "市能源局"]) == {
        "市住建局": ["燃气"],
        "市能源局": ["电力"],
    }
    assert extended.entry("能源局").words == ("煤", "瓦斯", "电力")


def test_the_shipped_table_loads():
    table = RemitTable.load()
    assert table.entry("市水利局").words[0] == "水库"
    assert table.assign("水库除险加固、电梯安全筑底", ["市水利局", "市市场监管局", "市能源局"]) == {
        "市水利局": ["水库"],
        "市市场监管局": ["电梯"],
    }
