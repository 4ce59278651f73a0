"""The work-safety concept dictionary: statutory terms and the words people use, grouped by concept.

Provisions are tagged with the concepts whose statutory terms occur in their text (at index time); questions
with the concepts whose statutory terms or everyday words occur in them (at query time). The data is
``indexers/data/concepts.tsv`` (see the README beside it).

Usage::

    concepts = ConceptDictionary.load()
    [c.label for c in concepts.in_question("十七岁能下井吗")]   # ["未成年工", "井下作业"]
    concepts.tags("不得安排未成年工从事矿山井下……")              # {"minor-worker", "underground-work", …}
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

CATEGORIES = ("人员", "作业", "危害", "设备", "场所", "物品", "事件", "权利", "义务", "责任", "行业", "管理")
STRONG, WEAK = "strong", "weak"
DATA_FILE = "concepts.tsv"


@dataclass(frozen=True)
class Concept:
    """One concept: ``Concept("minor-worker", "人员", "未成年工", ("未成年工", …), ("十七岁", …), "strong")``."""

    id: str
    category: str
    label: str
    statutory: tuple[str, ...]  # as the law texts write it; each occurs in the corpus
    colloquial: tuple[str, ...]  # as workers say it
    scope: str = (
        STRONG  # strong: a hit alone shows the question is about work safety; weak: only with another
    )
    note: str = ""

    @property
    def words(self) -> tuple[str, ...]:
        """Every key that tags a question: the statutory terms and the everyday words."""
        return self.statutory + self.colloquial


@dataclass(frozen=True)
class ConceptMatch:
    """A concept found in a text and the key that found it (the worker's word or the law's)."""

    concept: Concept
    key: str
    start: int


class ConceptDictionary:
    """The loaded dictionary with fast matchers for provisions (statutory terms) and questions (all keys)."""

    def __init__(self, concepts: list[Concept], digest: str = "") -> None:
        self.concepts = concepts
        self.by_id = {c.id: c for c in concepts}
        self.digest = digest  # sha256 of the data file: a build records the dictionary it was tagged with

    @classmethod
    def load(cls, path: Path | None = None) -> ConceptDictionary:
        """Read the TSV (default: the packaged ``indexers/data/concepts.tsv``)."""
        source = path or Path(str(resources.files("indexers") / "data" / DATA_FILE))
        data = source.read_bytes()
        rows = csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
        return cls([_concept(row) for row in rows], hashlib.sha256(data).hexdigest())

    @cached_property
    def _statutory(self) -> _KeyIndex:
        return _KeyIndex(term for c in self.concepts for term in c.statutory)

    @cached_property
    def _all_keys(self) -> _KeyIndex:
        return _KeyIndex(key for c in self.concepts for key in c.words)

    @cached_property
    def _owners(self) -> dict[str, list[Concept]]:
        owners: dict[str, list[Concept]] = {}
        for concept in self.concepts:
            for key in dict.fromkeys(concept.words):
                owners.setdefault(key, []).append(concept)
        return owners

    def tags(self, text: str) -> set[str]:
        """The ids of the concepts whose statutory terms occur in a provision's text."""
        return {c.id for key, _ in self._statutory.find(text) for c in self._owners[key]}

    def in_question(self, text: str) -> list[ConceptMatch]:
        """The concepts a question names, by the law's words or the worker's, in order of first mention."""
        found: dict[str, ConceptMatch] = {}
        for key, start in self._all_keys.find(text):
            for concept in self._owners[key]:
                found.setdefault(concept.id, ConceptMatch(concept, key, start))
        return sorted(found.values(), key=lambda m: m.start)

    @staticmethod
    def law_terms(matches: list[ConceptMatch], per_concept: int = 2) -> list[str]:
        """The law's first terms for each concept a question named in everyday words (口罩 → 劳动防护用品)."""
        terms: list[str] = []
        for match in matches:
            if match.key not in match.concept.statutory:
                terms += [t for t in match.concept.statutory[:per_concept] if t not in terms]
        return terms


class _KeyIndex:
    """Finds every occurrence of a set of keys in a text: the keys grouped by first character."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._by_first: dict[str, list[str]] = {}
        for key in sorted(set(keys), key=len, reverse=True):
            self._by_first.setdefault(key[0], []).append(key)

    def find(self, text: str) -> list[tuple[str, int]]:
        """(key, start) for every key occurrence in text order, except those inside a longer one (重大事故
        within 重大事故隐患 is not an accident grade)."""
        found = [
            (key, start)
            for start, char in enumerate(text)
            for key in self._by_first.get(char, ())
            if text.startswith(key, start)
        ]
        reach = 0
        kept = []
        for key, start in found:  # in start order, longer first at one start
            end = start + len(key)
            if end > reach:
                kept.append((key, start))
            reach = max(reach, end)
        return kept


def _concept(row: dict[str, str]) -> Concept:
    def split(value: str | None) -> tuple[str, ...]:
        return tuple(part.strip() for part in (value or "").split("|") if part.strip())

    return Concept(
        id=row["id"].strip(),
        category=row["category"].strip(),
        label=row["label"].strip(),
        statutory=split(row["statutory"]),
        colloquial=split(row["colloquial"]),
        scope=(row.get("scope") or STRONG).strip(),
        note=(row.get("note") or "").strip(),
    )
