"""Which provisions a paper draws on and how many items of each type it asks for.

Usage::

    selection = Selection(doc_ids=("work-safety-law-2021",), chapters=("第三章",))
    provisions = select_provisions(index.provisions.values(), index.documents, selection)
    plan_counts(("单选", "判断"), 10)   # {"单选": 5, "判断": 5}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.quiz.model import DIFFICULTIES, TYPES
from corpus.model import DocumentInfo, Provision
from corpus.units import canonical_unit


class SelectionError(ValueError):
    """A selection that cannot be used (unknown document, type or difficulty); the message is Chinese."""


@dataclass(frozen=True)
class Selection:
    """Filters on provisions; an empty field does not filter. ``topic`` is searched, not matched.

    Usage: ``Selection(doc_ids=("linfen-2025-1",), units=("13",))``
    """

    doc_ids: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()  # part of a chapter or section heading: 第三章, 从业人员
    units: tuple[str, ...] = ()  # 第二十一条, 21, （十三）, 13
    keywords: tuple[str, ...] = ()  # any of them in the text or the notice item's lead phrase
    topic: str = ""

    def describe(self, documents: Mapping[str, DocumentInfo] | None = None) -> str:
        """The selection in words, for messages: 文档《中华人民共和国安全生产法》；章节 第三章 (document ids
        when ``documents`` is not given or does not know one)."""
        known = documents or {}
        names = [f"《{known[d].title}》" if d in known else d for d in self.doc_ids]
        parts = [
            ("文档", "、".join(names)),
            ("章节", "、".join(self.chapters)),
            ("条款", "、".join(self.units)),
            ("关键词", "、".join(self.keywords)),
            ("主题", self.topic),
        ]
        return "；".join(f"{label} {value}" for label, value in parts if value) or "全部文档"

    def words(self) -> tuple[str, ...]:
        """The selection's own words (keywords and topic), which no 填空 may ask for."""
        return tuple(w for w in (*self.keywords, self.topic) if w)


def select_provisions(
    provisions: Iterable[Provision],
    documents: Mapping[str, DocumentInfo],
    selection: Selection,
    search: Callable[[str], list[Provision]] | None = None,
) -> list[Provision]:
    """The provisions that pass every filter, in document order; SelectionError for an unknown document."""
    unknown = [doc_id for doc_id in selection.doc_ids if doc_id not in documents]
    if unknown:
        raise SelectionError(
            f"没有找到文档“{'、'.join(unknown)}”，可用 `python -m assistant corpus list` 查看已收录的文档"
        )
    chosen = [p for p in provisions if _matches(p, documents, selection)]
    if selection.topic and search is not None:
        found = {p.id for p in search(selection.topic)}
        chosen = [p for p in chosen if p.id in found]
    order = {doc_id: rank for rank, doc_id in enumerate(documents)}
    return sorted(chosen, key=lambda p: (order.get(p.doc_id, len(order)), p.doc_id, p.number))


def _matches(provision: Provision, documents: Mapping[str, DocumentInfo], selection: Selection) -> bool:
    if selection.doc_ids and provision.doc_id not in selection.doc_ids:
        return False
    if selection.chapters and not any(
        c in f"{provision.chapter} {provision.section}" for c in selection.chapters
    ):
        return False
    if selection.units:
        kind = documents[provision.doc_id].kind if provision.doc_id in documents else "law"
        if provision.unit not in {canonical_unit(unit, kind) for unit in selection.units}:
            return False
    if selection.keywords:
        text = f"{provision.title} {provision.text}"
        return any(keyword in text for keyword in selection.keywords)
    return True


def parse_types(text: str) -> dict[str, int | None]:
    """ "单选,判断" → {单选: None, 判断: None}; "单选:20,判断:10" → explicit counts; SelectionError if unknown."""
    mix: dict[str, int | None] = {}
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        name, _, count = part.partition(":")
        name = name.strip()
        if name not in TYPES:
            raise SelectionError(f"未知题型“{name}”，可选：{'、'.join(TYPES)}")
        if count and not count.strip().isdigit():
            raise SelectionError(f"题型数量应为整数：{part}")
        mix[name] = int(count) if count else None
    if not mix:
        raise SelectionError(f"请至少选择一种题型：{'、'.join(TYPES)}")
    return mix


def parse_difficulties(text: str) -> tuple[str, ...]:
    """ "易,中" → ("易", "中"); SelectionError for anything else."""
    chosen = tuple(p.strip() for p in text.replace("，", ",").split(",") if p.strip())
    bad = [d for d in chosen if d not in DIFFICULTIES]
    if bad or not chosen:
        raise SelectionError(f"难度只能是 {'、'.join(DIFFICULTIES)}，收到“{text}”")
    return chosen


def plan_counts(mix: Mapping[str, int | None] | Sequence[str], n: int) -> dict[str, int]:
    """How many items of each type: explicit counts as given, the rest of ``n`` split evenly."""
    mix = dict(mix) if isinstance(mix, Mapping) else dict.fromkeys(mix)
    fixed = {t: c for t, c in mix.items() if c is not None}
    free = [t for t, c in mix.items() if c is None]
    rest = max(n - sum(fixed.values()), 0) if free else 0
    plan = dict(fixed)
    for rank, name in enumerate(free):
        plan[name] = rest // len(free) + (1 if rank < rest % len(free) else 0)
    return {t: plan[t] for t in TYPES if t in plan}
