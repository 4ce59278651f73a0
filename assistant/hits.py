"""A retrieved provision with its document and score: what retrieval hands to answers and channels.

Usage::

    hit.citation  # "《中华人民共和国安全生产法》第二十一条"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.model import DocumentInfo, Provision
from corpus.versions import IN_FORCE, cite


@dataclass(frozen=True)
class Hit:
    """One ranked provision; ``passage`` is the indexed text that matched best (a sentence of a notice item)."""

    provision: Provision
    document: DocumentInfo
    score: float
    passage: str = ""
    dense: float | None = None  # best cosine similarity of its passages to the question
    sparse: float | None = None  # best BM25 score of its passages

    @property
    def doc_id(self) -> str:
        return self.provision.doc_id

    @property
    def unit(self) -> str:
        return self.provision.unit

    @property
    def citation(self) -> str:
        """The citation; a version not in force is named: 《…》（2018年10月26日版，已被修改）第十条."""
        return cite(self.document, self.provision.unit)

    def to_dict(self) -> dict[str, Any]:
        """The CLI/API hit shape: doc_id, title, unit, citation, text, score, status (时效性)."""
        return {
            "doc_id": self.doc_id,
            "title": self.document.title,
            "unit": self.unit,
            "citation": self.citation,
            "text": self.provision.text,
            "score": round(self.score, 6),
            "status": self.document.status or IN_FORCE,
        }
