"""The question bank over an index: pools and the law in force worked out once, items built, checked and
drawn per request.

Usage::

    bank = QuizBank(index.provisions.values(), index.documents)
    result = bank.draw(bank.provisions, ("单选", "判断"), n=20, seed=7)
    result.items[0].to_dict(), result.shortfall, result.notes
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import assistant.quiz.builders  # noqa: F401 - registers the item builders
from assistant.quiz.config import PAPER, PaperConfig
from assistant.quiz.draw import Exclusion, Shortfall, draw_paper
from assistant.quiz.generate import Source, build_items
from assistant.quiz.in_force import LawInForce
from assistant.quiz.model import TYPES, QuizItem
from assistant.quiz.pools import Pools
from assistant.quiz.select import plan_counts
from assistant.quiz.validate import screen
from corpus.model import DocumentInfo, Provision

BATCH = 200  # provisions read at a time from a large selection


@dataclass
class QuizResult:
    """A drawn paper with what the selection gave: valid items found per type (all of them unless the
    selection is large, see QuizBank.draw), why others were dropped, the types that ran short and why,
    and notes on the law in force (a superseded figure, a document not yet in force)."""

    items: list[QuizItem]
    planned: dict[str, int] = field(default_factory=dict)
    available: dict[str, int] = field(default_factory=dict)
    dropped: Counter[str] = field(default_factory=Counter)
    provisions: int = 0
    shortfall: dict[str, Shortfall] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Items of each type in the paper, in type order."""
        found = Counter(item.type for item in self.items)
        return {name: found[name] for name in TYPES if found[name]}

    def shortfall_text(self) -> list[str]:
        """One line per type that ran short, in Chinese."""
        lines = []
        for name, short in self.shortfall.items():
            line = f"{name}：要求 {short.requested} 道，只能出 {short.possible} 道。{short.reason}"
            if short.topped_up:
                line += f"；已用其他题型补足 {short.topped_up} 道"
            lines.append(line + "。")
        return lines


class QuizBank:
    """Builds and checks items for any subset of the corpus; distractors come from the whole corpus."""

    def __init__(
        self,
        provisions: Iterable[Provision],
        documents: Mapping[str, DocumentInfo],
        today: date | None = None,
    ) -> None:
        self.provisions = list(provisions)
        self.documents = dict(documents)
        self.pools = Pools.build(self.provisions)
        self.law = LawInForce.build(self.provisions, self.documents, today)

    def source_text(self, item: QuizItem) -> str:
        """The cited text of an item: its units' texts, joined."""
        return "\n".join(self.pools.text_of(item.doc_id, unit) for unit in item.cited_units)

    def items(
        self, provisions: Iterable[Provision], seed: int, seen: set[tuple[object, ...]] | None = None
    ) -> tuple[list[QuizItem], Counter[str]]:
        """Every valid item of the provisions for this seed that teaches the law in force, and the dropped
        ones counted by reason."""
        built: list[QuizItem] = []
        for provision in provisions:
            document = self.documents.get(provision.doc_id)
            if document is not None:
                built += build_items(Source(provision, document, self.pools), seed)
        current = [item for item in built if self._current(item)]
        kept, dropped = screen(current, self.source_text, seen)
        if len(current) < len(built):
            dropped["superseded"] += len(built) - len(current)
        return kept, dropped

    def _current(self, item: QuizItem) -> bool:
        texts = [item.source, item.stem, *item.options.values(), item.answer]
        return self.law.is_current(item.doc_id, item.cited_units, *texts)

    def draw(
        self,
        provisions: Iterable[Provision],
        types: Mapping[str, int | None] | Sequence[str] = TYPES,
        n: int = 20,
        seed: int = 0,
        difficulties: Sequence[str] = (),
        *,
        role: str = "",
        exclusion: Exclusion | None = None,
        avoid: Sequence[str] = (),
        top_up: bool = True,
        config: PaperConfig = PAPER,
    ) -> QuizResult:
        """A paper of ``n`` items (or the explicit counts in ``types``) from the provisions; see draw.py for
        ``role``, ``exclusion``, ``avoid`` and ``top_up``.

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
        spare = config.spare
        for start in range(0, len(order), BATCH):
            kept, lost = self.items(order[start : start + BATCH], seed, seen)
            valid += [item for item in kept if not difficulties or item.difficulty in difficulties]
            dropped += lost
            found = Counter(item.type for item in valid)
            if all(found[name] >= spare * count + spare for name, count in plan.items()):
                break
        drawn = draw_paper(valid, plan, seed, config, role, avoid, exclusion, top_up)
        available = Counter(item.type for item in valid)
        return QuizResult(
            items=drawn.items,
            planned=plan,
            available={name: available[name] for name in plan},
            dropped=dropped,
            provisions=len(provisions),
            shortfall=drawn.shortfall,
            notes=self.law.notes(dict.fromkeys(p.doc_id for p in provisions)),
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
