"""单选 items with a blank in the provision's own sentence: the subject who must act, a number (a time
limit, an amount, a quantity; in a penalty clause, the consequence), a key term, or a notice item's
responsible body; and concept items that ask which term a definition defines.

Usage::

    single_items(Source(provision, document, pools), random.Random(7))   # [QuizItem(type="单选", …), …]
"""

from __future__ import annotations

import random
import re

from assistant.quiz.enumerations import bodies_quote, is_collective, task_name
from assistant.quiz.generate import SINGLE_OPTIONS, Source, blanked, builder, lettered
from assistant.quiz.model import BLANK, NUMBER_KINDS, SINGLE, QuizItem
from assistant.quiz.text import segments

# A clause that says what follows a violation: the number in it is a consequence (后果).
_CONSEQUENCE = re.compile(r"罚款|责令|吊销|暂扣|撤职|降级|拘留|处分|没收|关闭|不得担任")
_CONDITION_END = "的，"


@builder
def single_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """单选 on a blank: distractors of the same form, the cited document's first (see Pools)."""
    provision, pools = source.provision, source.pools
    items = []
    for segment in segments(provision):
        if not segment.stem_ready:
            continue
        body = segment.body
        for slot in pools.finder.slots(body):
            if body.count(slot.text) != 1 or slot.start < segment.blank_from:
                continue
            if slot.kind in NUMBER_KINDS:
                distractors = pools.pick_numbers(slot, body, provision, rng, SINGLE_OPTIONS - 1)
                topic = "后果" if is_consequence(body, slot.start) else slot.kind
            elif slot.kind == "主体" and pools.is_known_subject(slot):
                distractors = pools.pick_subjects(slot, body, provision, rng, SINGLE_OPTIONS - 1)
                topic = "主体"
            elif slot.kind == "术语" and slot.form == "术语|term":
                distractors = pools.pick_terms(slot, body, provision, rng, SINGLE_OPTIONS - 1)
                topic = "术语"
            else:
                continue
            if len(distractors) < SINGLE_OPTIONS - 1:
                continue
            by_value = slot.kind in NUMBER_KINDS
            items.append(
                single_item(
                    source,
                    rng,
                    blanked(body, slot),
                    slot.text,
                    distractors,
                    segment.quote,
                    topic,
                    body,
                    by_value,
                )
            )
    if provision.bodies and not any(map(is_collective, provision.bodies)):
        items += _body_items(source, rng)
    return items


def is_consequence(body: str, start: int) -> bool:
    """Whether the position lies in what a violation brings: after a condition (……的，) in a clause that
    fines, orders or removes."""
    condition = body.rfind(_CONDITION_END, 0, start)
    return condition >= 0 and bool(_CONSEQUENCE.search(body[condition:]))


@builder
def concept_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """概念: which term a definition of the provision defines (（  ），是指……); other defined terms as
    distractors, the same document's first."""
    items = []
    for definition in source.pools.definitions:
        if (definition.doc_id, definition.unit) != (source.provision.doc_id, source.provision.unit):
            continue
        distractors = source.pools.pick_defined_terms(definition, rng, SINGLE_OPTIONS - 1)
        if len(distractors) < SINGLE_OPTIONS - 1:
            continue
        question = f"{BLANK}，是指{definition.meaning}"
        items.append(
            single_item(
                source,
                rng,
                question,
                definition.term,
                distractors,
                definition.sentence,
                "概念",
                definition.sentence,
            )
        )
    return items


def _body_items(source: Source, rng: random.Random) -> list[QuizItem]:
    provision = source.provision
    distractors = source.pools.pick_bodies(provision, rng, SINGLE_OPTIONS - 1)
    if len(distractors) < SINGLE_OPTIONS - 1:
        return []
    answer = rng.choice(provision.bodies)
    question = f"下列单位中，负责{task_name(provision)}一项工作的是{BLANK}"
    said = bodies_quote(provision)
    return [single_item(source, rng, question, answer, distractors, said, "责任单位", said)]


def single_item(
    source: Source,
    rng: random.Random,
    question: str,
    answer: str,
    distractors: list[str],
    said: str,
    topic: str,
    basis: str,
    by_value: bool = False,
) -> QuizItem:
    """A 单选 item asking ``question`` (after the stem's opening) with the answer among the distractors, an
    explanation quoting ``said``, and ``basis`` as its source sentence."""
    options, letter = lettered([answer], distractors, rng, by_value)
    return source.item(
        type=SINGLE,
        stem=f"{source.prefix(rng)}{question}。",
        options=options,
        answer=letter,
        explanation=f"{source.cite()}规定：“{said}”。故选{letter}。",
        topic=topic,
        source=basis,
    )
