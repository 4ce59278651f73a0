"""The notice's items as study material: each item's lead phrase, citation and task sentences.

A task is a clause of the item's text (split after 。 and ；, never inside “…”), without the item's heading and
its closing bracket of responsible bodies, with its exact place in ``provision.text`` so that answers and
exports can quote it verbatim.

Usage::

    items = notice_items(index.provisions.values(), index.documents)
    items[12].unit, items[12].tasks[0].text  # "（十三）", "严格落实我市煤矿“双红线”管理制度……"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assistant.answer import Citation
from assistant.marks import CitationMarks
from assistant.query import NOTICE_ID
from assistant.segments import segments
from corpus.model import DocumentInfo, Provision, citation
from indexers.parse_notice import trailing_parenthetical

_TRAILING = "。；，、 "


@dataclass(frozen=True)
class Task:
    """``Task("深入推进煤矿区域性隐蔽致灾因素普查，2025年6月底前完成", 82, 111)``: one task sentence."""

    text: str
    start: int  # where it lies in the item's provision.text
    end: int


@dataclass(frozen=True)
class NoticeItem:
    """``item.unit, item.title, item.citation``: one numbered item of the notice with its tasks."""

    provision: Provision
    citation: str
    tasks: tuple[Task, ...]

    @property
    def unit(self) -> str:
        return self.provision.unit

    @property
    def title(self) -> str:
        return self.provision.title

    @property
    def heading(self) -> str:
        """（十三）强化矿山安全监督管理"""
        return f"{self.unit}{self.title}"

    def cite(self, start: int, end: int) -> Citation:
        """A citation of this item quoting provision.text[start:end]."""
        p = self.provision
        return Citation(p.doc_id, p.unit, self.citation, p.text[start:end])

    def mark(self, marks: CitationMarks, start: int, end: int) -> str:
        """This item's marker in ``marks``, quoting provision.text[start:end]."""
        return marks.mark(self.provision, self.citation, start, end)

    def heading_span(self) -> tuple[int, int]:
        """Where the unit and lead phrase lie in the text (the unit alone when there is no lead phrase)."""
        end = len(self.heading)
        return (0, end) if self.provision.text.startswith(self.heading) else (0, len(self.unit))

    def general_span(self) -> tuple[int, int]:
        """Where the general clause lies (以下均需……负责，不再一一列出); the closing bracket when there is none."""
        start, end = self.bodies_span()
        found = self.provision.text.find("以下", start, end)
        return (found, end - 1) if found >= 0 else (start, end)

    def bodies_span(self) -> tuple[int, int]:
        """Where the closing （…负责） lies in the text; the whole text when there is none."""
        text = self.provision.text
        clause = trailing_parenthetical(text)
        return (len(text) - len(clause) - 2, len(text)) if clause else (0, len(text))


def notice_items(
    provisions: Iterable[Provision], documents: Mapping[str, DocumentInfo], doc_id: str = NOTICE_ID
) -> list[NoticeItem]:
    """The items of the notice, in order, with their tasks; empty when the notice is not indexed."""
    document = documents.get(doc_id)
    if document is None:
        return []
    chosen = sorted((p for p in provisions if p.doc_id == doc_id), key=lambda p: p.number)
    return [NoticeItem(p, citation(document.title, p.unit), tuple(item_tasks(p))) for p in chosen]


def item_tasks(provision: Provision) -> list[Task]:
    """The task sentences of a notice item, closing punctuation left off."""
    tasks = []
    for segment in segments(provision):
        text = segment.text.rstrip(_TRAILING)
        if text:
            tasks.append(Task(text, segment.start, segment.start + len(text)))
    return tasks
