"""判断 items: per statement of the provision, the statement as written or reworded (正确), and one false
version per kind of change that applies (a number, the subject, a condition, the scope, 应当/可以/不得);
per list (项), a membership statement true of a member or false of a sibling list's member. The paper's
draw decides which version of a statement is asked (see draw.py), so that 正确 and 错误 balance and
modal flips stay few.

Usage::

    judge_items(Source(provision, document, pools), random.Random(7))   # [QuizItem(type="判断", …), …]
"""

from __future__ import annotations

import random

from assistant.quiz.changes import MEMBER, REWORDED, false_changes, rewording
from assistant.quiz.enumerations import MAX_OPTION, enumerations
from assistant.quiz.generate import Source, builder
from assistant.quiz.model import BLANK, FALSE, JUDGE, JUDGE_OPTIONS, TRUE, QuizItem
from assistant.quiz.text import is_catch_all, segments

JUDGE_LENGTH = (12, 100)


@builder
def judge_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """判断 on every standalone statement: as written, reworded, and changed once per kind."""
    provision, pools = source.provision, source.pools
    items = []
    for segment in segments(provision):
        body = segment.body
        if not segment.standalone or not JUDGE_LENGTH[0] <= len(body) <= JUDGE_LENGTH[1]:
            continue
        said = f"{source.cite()}规定：“{segment.quote}”"
        items.append(_judge(source, rng, body, TRUE, f"正确。{said}。", "原文", body))
        reworded = rewording(body)
        if reworded:
            statement = reworded.apply(body)
            explanation = f"正确。{said}，题中把“{reworded.before}”改为“{reworded.after}”，意思不变。"
            items.append(_judge(source, rng, statement, TRUE, explanation, "转述", body, REWORDED))
        for change in false_changes(body, provision, pools):
            explanation = f"错误。{said}，题中将“{change.before}”改为“{change.after}”。"
            items.append(
                _judge(source, rng, change.apply(body), FALSE, explanation, change.kind, body, change.kind)
            )
    items += _membership_items(source, rng)
    return items


def _membership_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """For each 项 list asked as ……包括（  ）: a member is included (正确), a sibling's member is (错误)."""
    items = []
    for enum in enumerations(source.provision):
        if not enum.question.endswith(f"包括{BLANK}") or enum.category == "责任单位":
            continue
        members = [m for m in enum.items if 4 <= len(m) <= MAX_OPTION and not is_catch_all(m)]
        if not members:
            continue
        member = rng.choice(members)
        lead = f"{enum.quote}……"
        statement = enum.question.replace(BLANK, member)
        basis = f"{enum.quote}{member}"
        said = f"{source.cite()}规定：“{lead}{member}”"
        items.append(_judge(source, rng, statement, TRUE, f"正确。{said}。", "列举", basis, REWORDED))
        text = source.pools.text_of(source.provision.doc_id, source.provision.unit)
        for sibling in source.pools.pick_siblings(enum, text, rng, 1):
            statement = enum.question.replace(BLANK, sibling)
            explanation = f"错误。{source.cite()}规定：“{lead}”，所列{enum.category}中没有题中所说的这一项。"
            items.append(_judge(source, rng, statement, FALSE, explanation, "列举", basis, MEMBER))
    return items


def _judge(
    source: Source,
    rng: random.Random,
    statement: str,
    answer: str,
    explanation: str,
    topic: str,
    basis: str,
    change: str = "",
) -> QuizItem:
    return source.item(
        type=JUDGE,
        stem=f"{source.prefix(rng)}{statement}。",
        options=dict(JUDGE_OPTIONS),
        answer=answer,
        explanation=explanation,
        topic=topic,
        source=basis,
        change=change,
    )
