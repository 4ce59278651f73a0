"""The question bank over an index: pools built once, items built, checked and drawn per request.

Usage::

    bank = QuizBank(index.provisions.values(), index.documents)
    result = bank.draw(bank.provisions, ("单选", "判断"), n=20, seed=7)
    result.items[0].to_dict()
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.quiz.generate import Source, build_items
from assistant.quiz.model import TYPES, QuizItem
from assistant.quiz.pools import Pools
from assistant.quiz.select import draw, plan_counts
from assistant.quiz.validate import screen
from corpus.model import DocumentInfo, Provision

BATCH = 200  # provisions read at a time from a large selection
SPARE = 3  # a type is covered when it has this many times its count (plus this many) valid items


@dataclass
class QuizResult:
    """A drawn paper with what the selection gave: valid items found per type (all of them unless the
    selection is large, see QuizBank.draw) and why others were dropped."""

    items: list[QuizItem]
    planned: dict[str, int] = field(default_factory=dict)
    available: dict[str, int] = field(default_factory=dict)
    dropped: Counter[str] = field(default_factory=Counter)
    provisions: int = 0

    def counts(self) -> dict[str, int]:
        """Items of each type in the paper, in type order."""
        found = Counter(item.type for item in self.items)
        return {name: found[name] for name in TYPES if found[name]}


class QuizBank:
    """Builds and checks items for any subset of the corpus; distractors come from the whole corpus."""

    def __init__(self, provisions: Iterable[Provision], documents: Mapping[str, DocumentInfo]) -> None:
        self.provisions = list(provisions)
        self.documents = dict(documents)
        self.pools = Pools.build(self.provisions)

    def source_text(self, item: QuizItem) -> str:
        """The cited text of an item: its units' texts, joined."""
        return "\n".join(self.pools.text_of(item.doc_id, unit) for unit in item.cited_units)

    def items(
        self, provisions: Iterable[Provision], seed: int, seen: set[tuple[object, ...]] | None = None
    ) -> tuple[list[QuizItem], Counter[str]]:
        """Every valid item of the provisions for this seed, and the dropped ones counted by reason."""
        built: list[QuizItem] = []
        for provision in provisions:
            document = self.documents.get(provision.doc_id)
            if document is not None:
                built += build_items(Source(provision, document, self.pools), seed)
        return screen(built, self.source_text, seen)

    def draw(
        self,
        provisions: Iterable[Provision],
        types: Mapping[str, int | None] | Sequence[str] = TYPES,
        n: int = 20,
        seed: int = 0,
        difficulties: Sequence[str] = (),
    ) -> QuizResult:
        """A paper of ``n`` items (or the explicit counts in ``types``) from the provisions.

        A large selection is read in a seeded order, a batch at a time, until every type has several times
        the items it needs, so that one item from the whole corpus does not build all of them.
        """
        provisions = list(provisions)
        plan = plan_counts(types, n)
        order = list(provisions)
        if len(order) > BATCH:
            random.Random(f"{seed}:order").shuffle(order)
        valid: list[QuizItem] = []
        dropped: Counter[str] = Counter()
        seen: set[tuple[object, ...]] = set()
        for start in range(0, len(order), BATCH):
            kept, lost = self.items(order[start : start + BATCH], seed, seen)
            valid += [item for item in kept if not difficulties or item.difficulty in difficulties]
            dropped += lost
            found = Counter(item.type for item in valid)
            if all(found[name] >= SPARE * count + SPARE for name, count in plan.items()):
                break
        available = Counter(item.type for item in valid)
        return QuizResult(
            items=draw(valid, plan, seed),
            planned=plan,
            available={name: available[name] for name in plan},
            dropped=dropped,
            provisions=len(provisions),
        )


def generate(
    provisions: Iterable[Provision],
    documents: Mapping[str, DocumentInfo],
    types: Mapping[str, int | None] | Sequence[str] = TYPES,
    n: int = 20,
    seed: int = 0,
    difficulties: Sequence[str] = (),
    corpus: Iterable[Provision] | None = None,
) -> list[QuizItem]:
    """A paper from ``provisions``; distractors are drawn from ``corpus`` (default: the provisions).

    For repeated calls over one index build a QuizBank once (Assistant.quiz does) instead.
    """
    provisions = list(provisions)
    bank = QuizBank(provisions if corpus is None else corpus, documents)
    return bank.draw(provisions, types, n, seed, difficulties).items
