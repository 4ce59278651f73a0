"""Item builders, one per type: every item a provision supports, before the validity check.

Each builder takes a ``Source`` (the provision, its document, the corpus pools) and a seeded generator
and returns items. A provision's items depend only on the seed and the provision, so the same seed gives
the same items whatever else is selected.

Usage::

    source = Source(provision, document, pools)
    items = build_items(source, seed=7)     # 单选, 多选, 判断 and 填空 items of this provision
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from assistant.quiz.candidates import MODALS, Slot, number_slots
from assistant.quiz.enumerations import (
    MAX_OPTION,
    Enumeration,
    bodies_quote,
    enumerations,
    is_collective,
    task_name,
)
from assistant.quiz.model import (
    BLANK,
    FALSE,
    FILL,
    JUDGE,
    JUDGE_OPTIONS,
    LETTERS,
    MULTI,
    SINGLE,
    TRUE,
    QuizItem,
)
from assistant.quiz.pools import Pools, is_generic
from assistant.quiz.text import Segment, is_catch_all, number_value, segments
from corpus.model import DocumentInfo, Provision
from corpus.versions import cite

NUMBER_KINDS = ("时限", "金额", "倍数", "数量", "比例")
DIFFICULTY = {
    "主体": "易",
    "责任单位": "易",
    "时限": "中",
    "数量": "中",
    "比例": "中",
    "金额": "难",
    "倍数": "难",
}
JUDGE_LENGTH = (12, 100)
SINGLE_OPTIONS = 4


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
        """An item citing this provision (or ``units`` of its document)."""
        units = units or (self.provision.unit,)
        return QuizItem(
            doc_id=self.provision.doc_id,
            unit="、".join(units),
            citation=self.cite(units),
            units=units,
            **fields,
        )


def build_items(source: Source, seed: int) -> list[QuizItem]:
    """Every item of every type the provision supports (unchecked)."""
    items: list[QuizItem] = []
    for builder in BUILDERS.values():
        rng = random.Random(f"{seed}:{builder.__name__}:{source.provision.id}")
        items += builder(source, rng)
    return items


def _blanked(segment: Segment, slot: Slot) -> str:
    body = segment.body
    return body[: slot.start] + BLANK + body[slot.end :]


def _choices(
    answer: str, distractors: list[str], rng: random.Random, by_value: bool
) -> tuple[dict[str, str], str]:
    """Options lettered A…, numbers in ascending order, others shuffled; returns (options, answer letters)."""
    texts = [answer, *distractors]
    if by_value:
        texts.sort(key=lambda t: [number_value(n) for s in number_slots(t) for n in s.numerals])
    else:
        rng.shuffle(texts)
    options = dict(zip(LETTERS, texts, strict=False))
    return options, next(letter for letter, text in options.items() if text == answer)


def single_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """单选: a number, time limit, amount or the subject who must act, blanked; distractors of the same form
    from other provisions; for a notice item, one of its responsible bodies."""
    provision, pools = source.provision, source.pools
    items = []
    for segment in segments(provision):
        if not segment.stem_ready:
            continue
        body = segment.body
        for slot in pools.finder.slots(body):
            if slot.kind in NUMBER_KINDS:
                distractors = pools.pick_numbers(slot, provision.text, rng, SINGLE_OPTIONS - 1)
            elif slot.kind == "主体" and pools.is_known_subject(slot):
                distractors = pools.pick_subjects(slot, body, provision, rng, SINGLE_OPTIONS - 1)
            else:
                continue
            if len(distractors) < SINGLE_OPTIONS - 1 or body.count(slot.text) != 1:
                continue
            question, quote = _blanked(segment, slot), _quote(segment)
            items.append(_single_item(source, rng, question, slot.text, distractors, quote, slot.kind, body))
    if provision.bodies and not any(map(is_collective, provision.bodies)):
        items += _body_items(source, rng)
    return items


def _body_items(source: Source, rng: random.Random) -> list[QuizItem]:
    provision = source.provision
    distractors = source.pools.pick_bodies(provision, rng, SINGLE_OPTIONS - 1)
    if len(distractors) < SINGLE_OPTIONS - 1:
        return []
    answer = rng.choice(provision.bodies)
    question = f"下列单位中，负责{task_name(provision)}一项工作的是{BLANK}"
    quote = bodies_quote(provision)
    return [_single_item(source, rng, question, answer, distractors, quote, "责任单位", quote)]


def _single_item(
    source: Source,
    rng: random.Random,
    question: str,
    answer: str,
    distractors: list[str],
    quote: str,
    topic: str,
    basis: str,
) -> QuizItem:
    """A 单选 item asking ``question`` (after the stem's opening) with the answer among the distractors
    (numbers in order, see _choices), an explanation quoting ``quote``, and ``basis`` as its source."""
    options, letter = _choices(answer, distractors, rng, by_value=topic in NUMBER_KINDS)
    return source.item(
        type=SINGLE,
        stem=f"{source.prefix(rng)}{question}。",
        options=options,
        answer=letter,
        explanation=f"{source.cite()}规定：“{quote}”。故选{letter}。",
        difficulty=DIFFICULTY[topic],
        topic=topic,
        source=basis,
    )


def multi_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """多选: two to four members of an enumeration (项, a notice item's bodies, a subject's rights) with
    members of sibling enumerations elsewhere as distractors."""
    own = enumerations(source.provision)
    rights = source.pools.rights_starting_at(source.provision)
    items = []
    for enum in own + rights:
        item = _multi_item(source, enum, rng)
        if item:
            items.append(item)
    return items


def _multi_item(source: Source, enum: Enumeration, rng: random.Random) -> QuizItem | None:
    eligible = [
        i for i, text in enumerate(enum.items) if 2 <= len(text) <= MAX_OPTION and not is_catch_all(text)
    ]
    if len(eligible) < 2:
        return None
    correct_count = rng.randint(2, min(4, len(eligible)))
    option_count = 5 if correct_count == 4 else 4
    chosen = sorted(rng.sample(eligible, correct_count))
    units = tuple(dict.fromkeys(enum.units[i] for i in chosen))
    text = "\n".join(source.pools.text_of(source.provision.doc_id, unit) for unit in units)
    wanted = option_count - correct_count
    if enum.category == "责任单位":
        distractors = source.pools.pick_bodies(source.provision, rng, wanted)
    else:
        distractors = source.pools.pick_siblings(enum, text, rng, wanted)
    if len(distractors) < wanted:
        return None
    correct = [enum.items[i] for i in chosen]
    texts = correct + distractors
    rng.shuffle(texts)
    options = dict(zip(LETTERS, texts, strict=False))
    letters = "".join(letter for letter, t in options.items() if t in correct)
    return source.item(
        type=MULTI,
        stem=f"{source.prefix(rng)}{enum.question}。",
        options=options,
        answer=letters,
        explanation=f"{source.cite(units)}规定：{_enum_quote(enum, chosen)}。故选{letters}。",
        difficulty="难" if correct_count >= 3 else "中",
        topic="列举" if enum.category not in ("责任单位", "权利") else enum.category,
        source="；".join(correct),
        units=units,
    )


def _enum_quote(enum: Enumeration, chosen: list[int]) -> str:
    if enum.category == "权利" and enum.distractors:
        parts = [f"“有权{enum.items[i]}”（{enum.units[i]}）" for i in chosen]
        return f"{enum.quote}{'；'.join(parts)}。其余选项是其应当履行的义务，不是权利"
    if enum.category == "责任单位":
        return f"“{enum.quote}”。其余选项是通知其他各项的责任单位"
    members = "……".join(enum.items[i] for i in chosen)
    return f"“{enum.quote}……{members}……”。其余选项出自其他条款，不是本条所列{enum.category}"


def judge_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """判断: per statement, either the text as written (正确) or one controlled change (错误): a number of
    the same form, the body in charge, or 应当/必须 ↔ 可以/不得."""
    provision, pools = source.provision, source.pools
    items = []
    for segment in segments(provision):
        body = segment.body
        if not segment.standalone or not JUDGE_LENGTH[0] <= len(body) <= JUDGE_LENGTH[1]:
            continue
        changes = _changes(source, body, rng)
        if not changes and not pools.finder.slots(body):
            continue
        prefix = source.prefix(rng)
        quote = f"{source.cite()}规定：“{body}”"
        if changes and rng.random() < 0.5:
            slot, replacement = rng.choice(changes)
            statement = body[: slot.start] + replacement + body[slot.end :]
            answer, explanation = FALSE, f"错误。{quote}，题中将“{slot.text}”改为“{replacement}”。"
            topic, difficulty = slot.kind, "易" if slot.kind == "情态" else "中"
        else:
            statement, answer, explanation, topic, difficulty = body, TRUE, f"正确。{quote}。", "原文", "易"
        items.append(
            source.item(
                type=JUDGE,
                stem=f"{prefix}{statement}。",
                options=dict(JUDGE_OPTIONS),
                answer=answer,
                explanation=explanation,
                difficulty=difficulty,
                topic=topic,
                source=body,
            )
        )
    return items


def _changes(source: Source, body: str, rng: random.Random) -> list[tuple[Slot, str]]:
    """The single changes that make the statement false, one per slot that allows one."""
    provision, pools = source.provision, source.pools
    changes = []
    for slot in pools.finder.slots(body):
        if slot.kind == "情态":
            replacements = list(MODALS[slot.text])
        elif slot.kind in NUMBER_KINDS:
            replacements = pools.pick_numbers(slot, provision.text, rng, 1)
        elif slot.form == "主体|部门" and pools.is_known_subject(slot) and not is_generic(slot.text):
            replacements = pools.pick_subjects(slot, body, provision, rng, 1)
        else:
            continue
        for replacement in replacements:
            changed = body[: slot.start] + replacement + body[slot.end :]
            if not pools.said_in_document(provision.doc_id, changed):
                changes.append((slot, replacement))
                break
    return changes


def fill_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """填空: a key term (quoted, or a term the corpus uses often) or a number with its unit, blanked."""
    provision, pools = source.provision, source.pools
    items = []
    for segment in segments(provision):
        body = segment.body
        if not segment.stem_ready:
            continue
        for slot in pools.finder.slots(body):
            if slot.kind not in (*NUMBER_KINDS, "术语") or body.count(slot.text) != 1:
                continue
            items.append(
                source.item(
                    type=FILL,
                    stem=f"{source.prefix(rng)}{_blanked(segment, slot)}。",
                    options={},
                    answer=slot.text,
                    explanation=f"{source.cite()}规定：“{_quote(segment)}”。",
                    difficulty="中" if slot.kind == "术语" else "难",
                    topic=slot.kind,
                    source=body,
                )
            )
    return items


def _quote(segment: Segment) -> str:
    return f"{segment.lead}……{segment.text}" if segment.lead else segment.text


BUILDERS: dict[str, Callable[[Source, random.Random], list[QuizItem]]] = {
    SINGLE: single_items,
    MULTI: multi_items,
    JUDGE: judge_items,
    FILL: fill_items,
}
