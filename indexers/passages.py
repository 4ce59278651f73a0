"""The passages that are indexed for each provision; a hit on any of them counts for the provision.

- The whole provision, headed by its document's title and unit: sparse and dense.
- A notice item's task sentences: it holds many tasks in 300–800 characters and loses to short law articles on
  the same subject, so each sentence is its own passage (sparse and dense).
- Each 项 of an enumeration, after its 款 lead ("……负有下列职责：（三）……"): sparse and dense. A long list
  dilutes the whole article's vector, and an item alone does not say whose duty it is.
- An article's other sentences and 款 leads: sparse only. BM25 normalises by length, so "负有下列职责" in a
  long article with seven 项 would lose to any short article that mentions the same subject.

Usage::

    for passage in passages_of(provision, doc_title): ...
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from corpus.model import Provision

_SENTENCE = re.compile(r"[^。；]+[。；]?")
_MIN_SENTENCE = 12


@dataclass(frozen=True)
class Passage:
    """One indexed text; ``provision_id`` is the provision it is cited as."""

    id: str
    provision_id: str
    doc_id: str
    text: str
    dense: bool = True  # also embedded in the vector store (sparse-only passages are not)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def passages_of(provision: Provision, doc_title: str) -> list[Passage]:
    """The passages of one provision: the whole of it first."""
    head = f"{doc_title} {provision.unit} {provision.title}".strip()
    parts = [(f"{head}\n{provision.text}", True)]
    if provision.bodies or provision.general_bodies:
        parts += [(f"{provision.title}：{sentence}", True) for sentence in _sentences(provision.text)]
    else:
        if len(provision.paragraphs) > 1:
            parts += [
                (f"{head}\n{p.text}" + "".join(f"\n{item}" for item in p.items), True)
                for p in provision.paragraphs
            ]
        listed = [(p.text, item) for p in provision.paragraphs if len(p.items) >= 2 for item in p.items]
        parts += [(f"{head}\n{lead}{item}", True) for lead, item in listed]
        own = {item.strip() for _, item in listed}
        pieces = [piece for line in provision.text.splitlines() for piece in _sentences(line)]
        if len(pieces) > 1:
            parts += [(piece, False) for piece in pieces if piece not in own]
    return [
        Passage(f"{provision.id}#{number}", provision.id, provision.doc_id, text, dense)
        for number, (text, dense) in enumerate(parts)
    ]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= _MIN_SENTENCE]
