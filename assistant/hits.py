"""A retrieved provision with its document and score: what retrieval hands to answers and channels.

Usage::

    hit.citation  # "《中华人民共和国安全生产法》第二十一条"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.model import DocumentInfo, Provision, citation


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
        return citation(self.document.title, self.provision.unit)

    def to_dict(self) -> dict[str, Any]:
        """The CLI/API hit shape: doc_id, title, unit, citation, text, score."""
        return {
            "doc_id": self.doc_id,
            "title": self.document.title,
            "unit": self.unit,
            "citation": self.citation,
            "text": self.provision.text,
            "score": round(self.score, 6),
        }
