"""Item building: the ``Source`` every builder reads, the registry of builders, and the helpers they share.

Each builder takes a ``Source`` (the provision, its document, the corpus pools) and a seeded generator
and returns items of any type. A provision's items depend only on the seed and the provision, so the same
seed gives the same items whatever else is selected. Builders register in ``BUILDERS`` (see builders.py).

Usage::

    source = Source(provision, document, pools)
    items = build_items(source, seed=7)     # 单选, 多选, 判断 and 填空 items of this provision
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from assistant.quiz.candidates import Slot, number_slots
from assistant.quiz.difficulty import rate
from assistant.quiz.model import BLANK, LETTERS, QuizItem
from assistant.quiz.pools import Pools
from assistant.quiz.text import number_value
from corpus.model import DocumentInfo, Provision
from corpus.versions import cite

SINGLE_OPTIONS = 4
Builder = Callable[["Source", random.Random], list[QuizItem]]
BUILDERS: dict[str, Builder] = {}


def builder(function: Builder) -> Builder:
    """Register an item builder under its name."""
    BUILDERS[function.__name__] = function
    return function


@dataclass(frozen=True)
class Source:
    """A provision with what its items need: its document and the corpus-wide distractor pools."""

    provision: Provision
    document: DocumentInfo
    pools: Pools

    @property
    def name(self) -> str:
        """The document as a stem names it: 《安全生产法》."""
        return f"《{self.document.title.removeprefix('中华人民共和国')}》"

    def prefix(self, rng: random.Random) -> str:
        """How a stem opens: 依据《安全生产法》规定， (a notice: 根据《……通知》，)."""
        if self.document.kind == "notice":
            return f"根据{self.name}，"
        return rng.choice(("依据{}规定，", "根据{}规定，", "{}规定，")).format(self.name)

    def cite(self, units: tuple[str, ...] = ()) -> str:
        return cite(self.document, "、".join(units or (self.provision.unit,)))

    def item(self, units: tuple[str, ...] = (), **fields: object) -> QuizItem:
        """An item citing this provision (or ``units`` of its document), its difficulty rated."""
        units = tuple(dict.fromkeys(units or (self.provision.unit,)))
        item = QuizItem(
            doc_id=self.provision.doc_id,
            unit="、".join(units),
            citation=self.cite(units),
            units=units,
            difficulty="易",
            **fields,  # type: ignore[arg-type]
        )
        return rate(item)


def build_items(source: Source, seed: int) -> list[QuizItem]:
    """Every item of every type the provision supports (unchecked)."""
    items: list[QuizItem] = []
    for name, build in BUILDERS.items():
        rng = random.Random(f"{seed}:{name}:{source.provision.id}")
        items += build(source, rng)
    return items


def blanked(body: str, slot: Slot) -> str:
    """The sentence with the slot's text replaced by the blank."""
    return body[: slot.start] + BLANK + body[slot.end :]


def lettered(
    answers: list[str], distractors: list[str], rng: random.Random, by_value: bool = False
) -> tuple[dict[str, str], str]:
    """Options lettered A…, numbers in ascending order, others shuffled; returns (options, answer letters)."""
    texts = [*answers, *distractors]
    if by_value:
        texts.sort(key=lambda t: [number_value(n) for s in number_slots(t) for n in s.numerals])
    else:
        rng.shuffle(texts)
    options = dict(zip(LETTERS, texts, strict=False))
    return options, "".join(letter for letter, text in options.items() if text in answers)
