"""The concept dictionary (indexers/data/concepts.tsv) against the corpus, and how it tags texts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from indexers.concepts import CATEGORIES, STRONG, WEAK, ConceptDictionary

DICTIONARY = ConceptDictionary.load()


@pytest.fixture(scope="module")
def corpus_text(shared_corpus: Path) -> str:
    lines = (shared_corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines if line.strip()]
    return "\n".join(
        (shared_corpus / e["path"]).read_text(encoding="utf-8")
        for e in entries
        if e["format"] in ("md", "txt")
    )


def test_every_statutory_term_occurs_in_the_corpus(corpus_text: str):
    flat = "".join(corpus_text.split())  # the penalty measures write 第 六 条 with spaces
    missing = [(c.id, t) for c in DICTIONARY.concepts for t in c.statutory if t not in flat]
    assert not missing, missing


def test_entries_are_well_formed():
    ids = Counter(c.id for c in DICTIONARY.concepts)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len(DICTIONARY.concepts) >= 200
    for concept in DICTIONARY.concepts:
        assert concept.category in CATEGORIES and concept.scope in (STRONG, WEAK), concept
        assert concept.label and concept.statutory, concept
    keys = Counter(k for c in DICTIONARY.concepts for k in dict.fromkeys(c.colloquial))
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_category_is_covered():
    assert {c.category for c in DICTIONARY.concepts} == set(CATEGORIES)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("十七岁能下井吗", {"minor-worker", "underground-work"}),
        ("厂里让我们自己买口罩手套，合法吗？", {"ppe"}),
        ("电焊工没证能干活吗", {"welding"}),
        ("女工怀孕七个月了还让上夜班", {"female-worker", "pregnancy-protection"}),
    ],
)
def test_questions_are_tagged_by_the_words_workers_use(question: str, expected: set[str]):
    assert expected <= {m.concept.id for m in DICTIONARY.in_question(question)}


def test_a_key_inside_a_longer_key_does_not_tag():
    tags = DICTIONARY.tags("生产经营单位应当建立健全重大事故隐患排查治理制度")
    assert "major-accident-hazard" in tags and "accident-grade" not in tags


def test_law_terms_translate_only_everyday_words():
    ppe = DICTIONARY.by_id["ppe"]
    assert DICTIONARY.law_terms(DICTIONARY.in_question("口罩要自己买吗")) == list(ppe.statutory[:2])
    assert DICTIONARY.law_terms(DICTIONARY.in_question("劳动防护用品要自己买吗")) == []
