"""Numbered citation markers for composed text: [1], [2] … in order of first use, each quoting its span.

Usage::

    marks = CitationMarks()
    line = f"严格落实……{marks.mark(provision, '《…》（十三）', 10, 40)}"   # "…[1]"
    marks.citations()[0].quote  # provision.text[10:40]; several marks of one provision widen the span
"""

from __future__ import annotations

from assistant.answer import Citation
from corpus.model import Provision


class CitationMarks:
    """Collects cited provisions and the span each one quotes (from its first to its last quoted piece)."""

    def __init__(self) -> None:
        self._spans: dict[str, tuple[Provision, str, int, int]] = {}

    def mark(self, provision: Provision, citation: str, start: int, end: int) -> str:
        """The marker of the provision, its quote widened to cover provision.text[start:end]."""
        _, _, low, high = self._spans.get(provision.id, (provision, citation, start, end))
        self._spans[provision.id] = (provision, citation, min(low, start), max(high, end))
        return f"[{list(self._spans).index(provision.id) + 1}]"

    def citations(self) -> list[Citation]:
        """The citations in marker order, each quoting its provision verbatim."""
        return [
            Citation(p.doc_id, p.unit, citation, p.text[start:end])
            for p, citation, start, end in self._spans.values()
        ]
