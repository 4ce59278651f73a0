"""说法 items: options that are whole statements of the provision and its neighbours in the chapter, some
as written, some changed once (see changes.py). 单选 asks which one is right (or wrong), 多选 which are.

Usage::

    statement_items(Source(provision, document, pools), random.Random(7))
    # 单选 “关于生产经营单位的安全生产保障的说法，正确的是（  ）”, 多选 “……正确的有（  ）”
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from assistant.quiz.changes import MODAL, Change, false_changes
from assistant.quiz.generate import SINGLE_OPTIONS, Source, builder, lettered
from assistant.quiz.model import BLANK, MULTI, SINGLE, QuizItem
from assistant.quiz.text import segments
from corpus.model import Provision

OPTION_LENGTH = (12, 45)
NEIGHBOURS = 2  # articles on either side, in the same chapter, that statements are drawn from
TOPIC = "说法"


@dataclass(frozen=True)
class _Statement:
    text: str
    provision: Provision

    @property
    def unit(self) -> str:
        return self.provision.unit


@dataclass(frozen=True)
class _Falsehood:
    statement: _Statement
    change: Change

    @property
    def text(self) -> str:
        return self.change.apply(self.statement.text)


@builder
def statement_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """One 单选 “正确的是”, one 单选 “错误的是” and one 多选 “正确的有” keyed on a statement of this
    provision, the other options from it and its neighbours; none when too few statements are found."""
    own = _statements([source.provision])
    if not own:
        return []
    pool = _statements(source.pools.neighbours(source.provision, NEIGHBOURS))
    keyed = rng.choice(own)
    others = [s for s in pool if s != keyed]
    falsehoods = _falsehoods(others, source, rng)
    items = []
    if len(falsehoods) >= SINGLE_OPTIONS - 1:
        items.append(_item(source, rng, SINGLE, [keyed], falsehoods[: SINGLE_OPTIONS - 1], right=True))
    keyed_false = _falsehoods([keyed], source, rng)
    if keyed_false and len(others) >= SINGLE_OPTIONS - 1:
        trues = rng.sample(others, SINGLE_OPTIONS - 1)
        items.append(_item(source, rng, SINGLE, trues, keyed_false[:1], right=False))
    true_count = rng.randint(2, 3)
    falses = falsehoods[: 4 - true_count]
    changed = {f.statement.text for f in falses}
    rest = [s for s in others if s.text not in changed]  # never a statement beside its own change
    if len(rest) >= true_count - 1 and len(falses) == 4 - true_count:
        trues = [keyed, *rng.sample(rest, true_count - 1)]
        items.append(_item(source, rng, MULTI, trues, falses, right=True))
    return items


def _statements(provisions: list[Provision]) -> list[_Statement]:
    found: dict[str, _Statement] = {}
    for provision in provisions:
        for segment in segments(provision):
            if segment.standalone and OPTION_LENGTH[0] <= len(segment.body) <= OPTION_LENGTH[1]:
                found.setdefault(segment.body, _Statement(segment.body, provision))
    return list(found.values())


def _falsehoods(statements: list[_Statement], source: Source, rng: random.Random) -> list[_Falsehood]:
    """One false version per statement, a change other than a modal flip where the statement allows one."""
    found = []
    for statement in statements:
        changes = false_changes(statement.text, statement.provision, source.pools)
        if changes:
            plain = [c for c in changes if c.kind != MODAL]
            found.append(_Falsehood(statement, rng.choice(plain or changes)))
    rng.shuffle(found)
    found.sort(key=lambda f: f.change.kind == MODAL)  # modal flips last
    return found


def _item(
    source: Source,
    rng: random.Random,
    kind: str,
    trues: list[_Statement],
    falses: list[_Falsehood],
    right: bool,
) -> QuizItem:
    """Options from the true and false statements; the answer is the true ones (``right``) or the false."""
    answers = [s.text for s in trues] if right else [f.text for f in falses]
    others = [f.text for f in falses] if right else [s.text for s in trues]
    options, letters = lettered(answers, others, rng)
    letter_of = {text: letter for letter, text in options.items()}
    notes = [f"{letter_of[s.text]}项见{s.unit}：“{s.text}”" for s in trues]
    notes += [
        f"{letter_of[f.text]}项错误，{f.statement.unit}规定：“{f.statement.text}”，题中将“{f.change.before}”改为“{f.change.after}”"
        for f in falses
    ]
    notes.sort()
    scope = _scope(source)
    ask = ("正确的是" if right else "错误的是") if kind == SINGLE else "正确的有"
    cited = {s.provision.number: s.unit for s in [*trues, *(f.statement for f in falses)]}
    units = tuple(dict.fromkeys((source.provision.unit, *(cited[n] for n in sorted(cited)))))  # its own first
    keyed = trues[0] if right else falses[0].statement
    return source.item(
        type=kind,
        stem=f"{source.prefix(rng)}{scope}{ask}{BLANK}。",
        options=options,
        answer=letters,
        explanation=f"依据{source.cite(units)}：{'；'.join(notes)}。故选{letters}。",
        topic=TOPIC,
        source=keyed.text,
        units=units,
    )


def _scope(source: Source) -> str:
    """关于生产经营单位的安全生产保障的说法， (the chapter's name), or 下列说法中，"""
    chapter = source.provision.chapter.split(" ", 1)[-1].strip() if source.provision.chapter else ""
    if chapter and source.document.kind == "law" and len(chapter) <= 16:
        return f"关于{chapter}的说法，"
    return "下列说法中，"
