"""The 法规库's tree over the live index: level → document → chapter → provision.

Usage::

    catalog = Catalog.from_assistant(assistant)
    catalog.documents_at("法律")[0].title
    catalog.provisions_of("work-safety-law-2021", "第二章 生产经营单位的安全生产保障")[0].unit
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.service import Assistant
from corpus.model import LEVELS, DocumentInfo, Provision

LABEL_CHARS = 24  # characters of a provision's text shown after its unit in a list


@dataclass(frozen=True)
class Catalog:
    """The documents of the index by level, and each document's provisions in order."""

    documents: dict[str, DocumentInfo]
    provisions: dict[str, list[Provision]]  # doc_id → its provisions in document order

    @classmethod
    def from_assistant(cls, assistant: Assistant) -> Catalog:
        index = assistant.index
        by_doc: dict[str, list[Provision]] = {doc_id: [] for doc_id in index.documents}
        for provision in index.provisions.values():
            by_doc.setdefault(provision.doc_id, []).append(provision)
        for provisions in by_doc.values():
            provisions.sort(key=lambda p: p.number)
        return cls(documents=dict(index.documents), provisions=by_doc)

    def levels(self) -> list[str]:
        """The levels that hold at least one document, in the order of LEVELS."""
        present = {doc.level for doc in self.documents.values()}
        return [level for level in LEVELS if level in present]

    def documents_at(self, level: str) -> list[DocumentInfo]:
        return [doc for doc in self.documents.values() if doc.level == level]

    def chapters(self, doc_id: str) -> list[str]:
        """The document's chapters in order; empty when it has none."""
        return list(dict.fromkeys(p.chapter for p in self.provisions.get(doc_id, []) if p.chapter))

    def provisions_of(self, doc_id: str, chapter: str | None = None) -> list[Provision]:
        """The document's provisions, only those of one chapter when ``chapter`` is given."""
        provisions = self.provisions.get(doc_id, [])
        return [p for p in provisions if p.chapter == chapter] if chapter else list(provisions)


def provision_label(provision: Provision) -> str:
    """第二十一条 生产经营单位的主要负责人对本单位安全生… (a notice item: （十三）强化矿山安全监督管理)."""
    if provision.title:
        return f"{provision.unit}{provision.title}"
    text = " ".join(provision.text.split())
    return f"{provision.unit} {text[:LABEL_CHARS]}{'…' if len(text) > LABEL_CHARS else ''}"
