"""Checks the reviewed query-expansion data (assistant/data) against the shared corpus.

synonyms.tsv maps a worker's colloquial word to the law's own terms; every law term must occur
verbatim in at least one corpus text, otherwise the expansion can never match anything.
doc_aliases.tsv maps the short names people use to exactly one document of the manifest.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parent.parent / "assistant" / "data"
SYNONYMS = DATA_DIR / "synonyms.tsv"
DOC_ALIASES = DATA_DIR / "doc_aliases.tsv"
TEXT_FORMATS = {"md", "txt"}
MIN_SYNONYM_ROWS = 60


def _read_tsv(path: Path, header: list[str]) -> list[tuple[int, list[str]]]:
    """Rows as (line number, fields); no quoting, so a quote character in a note is kept as is."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows, f"{path.name} is empty"
    assert rows[0] == header, f"{path.name}: header is {rows[0]!r}, expected {header!r}"
    return [(lineno, fields) for lineno, fields in enumerate(rows[1:], start=2) if fields]


def _fmt(bad: list) -> str:
    return "\n  " + "\n  ".join(str(item) for item in bad)


@pytest.fixture(scope="module")
def manifest(shared_corpus: Path) -> list[dict]:
    lines = (shared_corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def corpus_texts(shared_corpus: Path, manifest: list[dict]) -> dict[str, str]:
    texts = {
        entry["id"]: (shared_corpus / entry["path"]).read_text(encoding="utf-8")
        for entry in manifest
        if entry.get("format") in TEXT_FORMATS
    }
    assert texts, "no md/txt documents in the manifest"
    return texts


@pytest.fixture(scope="module")
def renditions(manifest: list[dict]) -> set[str]:
    """Ids of entries that are another format of a document that also has a text (md/txt) entry."""
    text_docs = {(e["title"], e.get("doc_number")) for e in manifest if e.get("format") in TEXT_FORMATS}
    return {
        e["id"]
        for e in manifest
        if e.get("format") not in TEXT_FORMATS and (e["title"], e.get("doc_number")) in text_docs
    }


@pytest.fixture(scope="module")
def synonym_rows() -> list[tuple[int, list[str]]]:
    return _read_tsv(SYNONYMS, ["colloquial", "law_terms", "note"])


@pytest.fixture(scope="module")
def alias_rows() -> list[tuple[int, list[str]]]:
    return _read_tsv(DOC_ALIASES, ["alias", "doc_id"])


# --- synonyms.tsv -------------------------------------------------------------------------------------


def test_synonym_rows_are_well_formed(synonym_rows):
    bad = []
    for lineno, fields in synonym_rows:
        if len(fields) != 3:
            bad.append((lineno, fields, f"{len(fields)} fields, expected 3"))
            continue
        colloquial, law_terms, _note = fields
        terms = law_terms.split("|")
        if not colloquial or colloquial != colloquial.strip():
            bad.append((lineno, fields, "empty or padded colloquial"))
        if any(not t or t != t.strip() for t in terms):
            bad.append((lineno, fields, "empty or padded law term"))
        if len(set(terms)) != len(terms):
            bad.append((lineno, fields, "repeated law term"))
        if colloquial in terms:
            bad.append((lineno, fields, "maps to itself"))
    assert not bad, "malformed synonym rows:" + _fmt(bad)


def test_enough_synonym_rows(synonym_rows):
    assert len(synonym_rows) >= MIN_SYNONYM_ROWS, (
        f"synonyms.tsv has {len(synonym_rows)} rows, expected at least {MIN_SYNONYM_ROWS}"
    )


def test_no_duplicate_colloquial_keys(synonym_rows):
    counts = Counter(fields[0] for _, fields in synonym_rows)
    bad = [(lineno, fields[0]) for lineno, fields in synonym_rows if counts[fields[0]] > 1]
    assert not bad, "duplicate colloquial keys (line, key):" + _fmt(bad)


def test_every_law_term_occurs_in_the_corpus(synonym_rows, corpus_texts):
    texts = list(corpus_texts.values())
    bad = [
        (lineno, fields[0], term)
        for lineno, fields in synonym_rows
        if len(fields) >= 2
        for term in fields[1].split("|")
        if term and not any(term in text for text in texts)
    ]
    assert not bad, "law terms found in no corpus text (line, colloquial, term):" + _fmt(bad)


# --- doc_aliases.tsv ----------------------------------------------------------------------------------


def test_alias_rows_are_well_formed(alias_rows):
    bad = [
        (lineno, fields)
        for lineno, fields in alias_rows
        if len(fields) != 2 or not all(f and f == f.strip() for f in fields)
    ]
    assert not bad, "malformed alias rows (need exactly: alias<TAB>doc_id):" + _fmt(bad)


def test_aliases_map_to_primary_manifest_documents(alias_rows, manifest, renditions):
    ids = {entry["id"] for entry in manifest}
    assert "linfen-2025-1-pdf" in renditions, "the PDF rendition of the Linfen notice should be detected"
    unknown = [(lineno, fields) for lineno, fields in alias_rows if fields[-1] not in ids]
    assert not unknown, "aliases pointing at ids not in manifest.jsonl:" + _fmt(unknown)
    rendition_rows = [(lineno, fields) for lineno, fields in alias_rows if fields[-1] in renditions]
    assert not rendition_rows, "aliases pointing at a rendition, use the text document:" + _fmt(
        rendition_rows
    )


def test_aliases_are_unique(alias_rows):
    counts = Counter(fields[0] for _, fields in alias_rows)
    bad = [(lineno, fields) for lineno, fields in alias_rows if counts[fields[0]] > 1]
    assert not bad, "aliases listed more than once (each must name exactly one document):" + _fmt(bad)


def test_every_document_is_aliased_by_its_title(alias_rows, manifest, renditions):
    aliases = {(fields[0], fields[-1]) for _, fields in alias_rows}
    missing = [
        (entry["id"], entry["title"])
        for entry in manifest
        if entry["id"] not in renditions and (entry["title"], entry["id"]) not in aliases
    ]
    assert not missing, "documents whose full title is not an alias (id, title):" + _fmt(missing)
