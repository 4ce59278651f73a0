"""The passages that are indexed for each provision: the whole provision, plus its task sentences.

A notice item holds many tasks in 300–800 characters and loses to short law articles on the same subject,
so each of its sentences is indexed too; a hit on a sentence counts for the item it belongs to.

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def passages_of(provision: Provision, doc_title: str) -> list[Passage]:
    """The whole provision (headed by its document's title and unit), then its sentences for notice items."""
    head = f"{doc_title} {provision.unit} {provision.title}".strip()
    passages = [Passage(f"{provision.id}#0", provision.id, provision.doc_id, f"{head}\n{provision.text}")]
    if provision.bodies or provision.general_bodies:
        for sentence in _sentences(provision.text):
            number = len(passages)
            passages.append(
                Passage(
                    f"{provision.id}#{number}",
                    provision.id,
                    provision.doc_id,
                    f"{provision.title}：{sentence}",
                )
            )
    return passages


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= _MIN_SENTENCE]
