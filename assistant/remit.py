"""Which body's remit a task names: a reviewed table of bodies and the words of their fields (水库 → 市水利局).

The table (assistant/data/remit.tsv, reviewed as described in assistant/data/README-remit.md) lists for each
body the words that name its field and the statutes that give it that field. A task is read for those words
by longest match, so 非煤矿山 is not read as 煤 and 森林火灾 not as 火灾. Broad words (矿山, 井下) count only
when the task names no specific word of a body that shares them: 加快矿山升级改造…放顶煤 is coal work, 加快
矿山升级改造 alone is work for every mine regulator.

Usage::

    remit = RemitTable.load()
    remit.assign("水库除险加固、电梯安全筑底", ["市水利局", "市市场监管局", "市能源局"])
    # {"市水利局": ["水库"], "市市场监管局": ["电梯"]}
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.bodies import body_key

REMIT_FILE = Path(__file__).parent / "data" / "remit.tsv"
WORD_SEPARATOR = "、"


@dataclass(frozen=True)
class RemitEntry:
    """``RemitEntry("市水利局", ("水库", …), (), "山西省安全生产条例第五条", "…")``: one body's field."""

    body: str
    words: tuple[str, ...]
    broad_words: tuple[str, ...] = ()
    basis: str = ""
    note: str = ""


class RemitTable:
    """Bodies and the words of their fields; ``assign`` reads a task for them."""

    def __init__(self, entries: Iterable[RemitEntry]) -> None:
        self.entries: dict[str, RemitEntry] = {}  # body key → entry (a later entry extends an earlier one)
        for entry in entries:
            key = body_key(entry.body)
            known = self.entries.get(key)
            if known is not None:
                entry = RemitEntry(
                    known.body,
                    known.words + entry.words,
                    known.broad_words + entry.broad_words,
                    known.basis or entry.basis,
                    known.note or entry.note,
                )
            self.entries[key] = entry

    @classmethod
    def load(cls, path: Path = REMIT_FILE) -> RemitTable:
        """The reviewed table shipped with the assistant (or another file in its format)."""
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        return cls(
            RemitEntry(
                row["body"].strip(),
                split_words(row["words"]),
                split_words(row.get("broad_words") or ""),
                (row.get("basis") or "").strip(),
                (row.get("note") or "").strip(),
            )
            for row in rows
        )

    def with_words(self, extra: Iterable[tuple[str, Sequence[str]]]) -> RemitTable:
        """This table with more words for some bodies (a member list's own remit column)."""
        added = [RemitEntry(body, tuple(words)) for body, words in extra if words]
        return RemitTable([*self.entries.values(), *added])

    def entry(self, body: str) -> RemitEntry | None:
        return self.entries.get(body_key(body))

    def assign(self, text: str, candidates: Sequence[str]) -> dict[str, list[str]]:
        """The candidates whose remit the text names, each with the words that name it, in candidate order;
        empty when the text names none of their fields."""
        entries = {body: self.entry(body) for body in candidates}
        known = {body: entry for body, entry in entries.items() if entry is not None}
        specific = _found(text, {word for entry in known.values() for word in entry.words})
        broad = _found(text, {word for entry in known.values() for word in entry.broad_words}, specific)
        found: dict[str, list[str]] = {}
        for body, entry in known.items():
            words = [w for w in specific if w in entry.words]
            sharing = [e for e in known.values() if set(e.broad_words) & set(entry.broad_words)]
            if not any(w in e.words for e in sharing for w in specific):
                words += [w for w in broad if w in entry.broad_words]
            if words:
                found[body] = list(dict.fromkeys(words))
        return found


def split_words(text: str) -> tuple[str, ...]:
    """The words of a remit cell: separated by 、 (or commas), blanks dropped."""
    cleaned = text.replace("，", WORD_SEPARATOR).replace(",", WORD_SEPARATOR)
    return tuple(w.strip() for w in cleaned.split(WORD_SEPARATOR) if w.strip())


def _found(text: str, words: set[str], taken: Sequence[str] = ()) -> list[str]:
    """The words that occur in the text, longest first where they overlap (非煤 wins over 煤), in text order;
    a word inside an occurrence of ``taken`` does not count."""
    claimed: list[tuple[int, int]] = []
    for word in taken:
        start = text.find(word)
        while start >= 0:
            claimed.append((start, start + len(word)))
            start = text.find(word, start + 1)
    hits: list[tuple[int, str]] = []
    for word in sorted(words, key=len, reverse=True):
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if all(end <= low or start >= high for low, high in claimed):
                claimed.append((start, end))
                hits.append((start, word))
            start = text.find(word, start + 1)
    return [word for _, word in sorted(hits)]
