"""多选 items from enumerations: two to four members of a list (the 项 of an article, a notice item's
responsible bodies, a subject's rights or duties across neighbouring articles) with members of sibling
lists as distractors; and the other way round (……不属于……的有), the outsiders being the answer.

Usage::

    multi_items(Source(provision, document, pools), random.Random(7))   # [QuizItem(type="多选", …), …]
"""

from __future__ import annotations

import random

from assistant.quiz.enumerations import MAX_OPTION, Enumeration, enumerations
from assistant.quiz.generate import Source, builder, lettered
from assistant.quiz.model import BLANK, MULTI, QuizItem
from assistant.quiz.text import is_catch_all

EXCLUDED = "不属于"  # the topic of a 多选 whose answer is the options outside the list


@builder
def multi_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """多选 on each enumeration of the provision (and the rights or duties starting at it): one item
    asking what the list includes and, where two outsiders are found, one asking what it does not."""
    items = []
    for enum in enumerations(source.provision) + source.pools.rights_starting_at(source.provision):
        for make in (_included, _excluded):
            item = make(source, enum, rng)
            if item:
                items.append(item)
    return items


def _eligible(enum: Enumeration) -> list[int]:
    return [i for i, text in enumerate(enum.items) if 2 <= len(text) <= MAX_OPTION and not is_catch_all(text)]


def _outsiders(source: Source, enum: Enumeration, chosen: list[int], rng: random.Random, k: int) -> list[str]:
    """k options outside the list, none that a provision of the corpus lists beside the chosen members."""
    units = tuple(dict.fromkeys(enum.units[i] for i in chosen))
    text = "\n".join(source.pools.text_of(source.provision.doc_id, unit) for unit in units)
    if enum.category == "责任单位":
        return source.pools.pick_bodies(source.provision, rng, k)
    members = [enum.items[i] for i in chosen]
    found = source.pools.pick_siblings(enum, text, rng, 2 * k + 2)
    return [d for d in found if not source.pools.listed_together(d, members)][:k]


def _included(source: Source, enum: Enumeration, rng: random.Random) -> QuizItem | None:
    eligible = _eligible(enum)
    if len(eligible) < 2:
        return None
    correct_count = rng.randint(2, min(4, len(eligible)))
    option_count = 5 if correct_count == 4 else 4
    chosen = sorted(rng.sample(eligible, correct_count))
    wanted = option_count - correct_count
    distractors = _outsiders(source, enum, chosen, rng, wanted)
    if len(distractors) < wanted:
        return None
    correct = [enum.items[i] for i in chosen]
    options, letters = lettered(correct, distractors, rng)
    units = tuple(dict.fromkeys(enum.units[i] for i in chosen))
    return source.item(
        type=MULTI,
        stem=f"{source.prefix(rng)}{enum.question}。",
        options=options,
        answer=letters,
        explanation=f"{source.cite(units)}规定：{_enum_quote(enum, chosen)}。故选{letters}。",
        topic="列举" if enum.category not in ("责任单位", "权利", "义务") else enum.category,
        source="；".join(correct),
        units=units,
    )


def _excluded(source: Source, enum: Enumeration, rng: random.Random) -> QuizItem | None:
    """……不属于……的有（  ）: two outsiders are the answer, two or three members the other options."""
    eligible = _eligible(enum)
    if len(eligible) < 3 or BLANK not in enum.question or enum.category == "责任单位":
        return None
    members = sorted(rng.sample(eligible, min(3, len(eligible))))
    outsiders = _outsiders(source, enum, members, rng, 2)
    if len(outsiders) < 2:
        return None
    inside = [enum.items[i] for i in members]
    options, letters = lettered(outsiders, inside, rng)
    question = _negated(enum.question)
    if not question:
        return None
    units = tuple(dict.fromkeys(enum.units[i] for i in members))
    return source.item(
        type=MULTI,
        stem=f"{source.prefix(rng)}{question}。",
        options=options,
        answer=letters,
        explanation=(
            f"{source.cite(units)}规定：{_members_quote(enum, members)}。"
            f"选项{letters}不是所列{enum.category}，故选{letters}。"
        ),
        topic=EXCLUDED,
        source="；".join(inside),
        units=units,
    )


def _negated(question: str) -> str:
    """……包括（  ） → ……不包括（  ）; 下列属于…… → 下列不属于……; "" when the question has neither."""
    if "下列属于" in question:
        return question.replace("下列属于", "下列不属于", 1)
    if "包括" in question and "不包括" not in question:
        return question.replace("包括", "不包括", 1)
    return ""


def _members_quote(enum: Enumeration, chosen: list[int]) -> str:
    """The lead-in and the chosen members as the text says them."""
    if enum.category in ("权利", "义务") and enum.distractors:
        verb = "有权" if enum.category == "权利" else "应当"
        parts = [f"“{verb}{enum.items[i]}”（{enum.units[i]}）" for i in chosen]
        return f"{enum.quote}{'；'.join(parts)}"
    if enum.category == "责任单位":
        return f"“{enum.quote}”"
    members = "……".join(enum.items[i] for i in chosen)
    return f"“{enum.quote}……{members}……”"


def _enum_quote(enum: Enumeration, chosen: list[int]) -> str:
    said = _members_quote(enum, chosen)
    if enum.category in ("权利", "义务") and enum.distractors:
        other = "义务" if enum.category == "权利" else "权利"
        return f"{said}。其余选项是其{other}，不是{enum.category}"
    if enum.category == "责任单位":
        return f"{said}。其余选项是通知其他各项的责任单位"
    return f"{said}。其余选项出自其他条款，不是本条所列{enum.category}"
