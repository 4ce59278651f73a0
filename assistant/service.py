"""The façade every channel calls (CLI, web, HTTP API, bots): one object over the live index.

Usage::

    assistant = Assistant(Settings.from_env())
    assistant.show("work-safety-law-2021", "21")["citation"]
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from assistant.settings import Settings
from assistant.views import provision_view
from corpus.model import DocumentInfo, Provision
from corpus.units import canonical_unit
from indexers.reader import IndexReader


class NotFoundError(LookupError):
    """A document or provision that is not in the index; the message says so in Chinese."""


class Assistant:
    """Answers and look-ups over the live index; the index opens on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def index(self) -> IndexReader:
        s = self.settings
        return IndexReader.open(s.data_dir, s.embedder, s.chroma_host, s.chroma_port)

    def show(self, doc_id: str, unit: str) -> dict[str, Any]:
        """One provision as a view dict; NotFoundError for an unknown document or unit."""
        return provision_view(*self.lookup(doc_id, unit))

    def lookup(self, doc_id: str, unit: str) -> tuple[Provision, DocumentInfo]:
        """A provision and its document, the unit written as 第二十一条, 21 or （十三）."""
        document = self.index.documents.get(doc_id)
        if document is None:
            raise NotFoundError(
                f"没有找到文档“{doc_id}”，可用 `python -m assistant corpus list` 查看已收录的文档"
            )
        label = canonical_unit(unit, document.kind)
        provision = self.index.provision(doc_id, label)
        if provision is None:
            last = max(
                (p for p in self.index.provisions.values() if p.doc_id == doc_id), key=lambda p: p.number
            )
            raise NotFoundError(
                f"《{document.title}》中没有“{unit}”（共 {last.number} 条/项，最后一条是{last.unit}）"
            )
        return provision, document
