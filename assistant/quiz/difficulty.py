"""Difficulty from features of the item that a trainer can check, not from its type:

| feature | points |
| --- | --- |
| fact type (``topic``): who acts, a statement as written | 0 |
| a term, a time limit or quantity, a concept, a list, a statement reworded | 1 |
| an amount, a share or multiple, a consequence, a case, what a list does not include | 2 |
| how a false statement was made (``change``): 应当/可以/不得 turned | 0 |
| a number, the subject, a condition, a list member changed | 1 |
| the scope widened | 2 |
| distractors alike: mean character-bigram similarity to the answer ≥ ALIKE | +1 |
| a long stem: more than LONG_STEM characters after its opening | +1 |
| much of the article needed: several provisions cited, or three or more correct options | +1 |

Points 0–1 are 易, 2 is 中, 3 or more 难.

Usage::

    rate(item).difficulty       # "中"
    features(item)              # {"fact": 1, "distractors": 0, "stem": 1, "breadth": 0}
"""

from __future__ import annotations

import re
from dataclasses import replace
from statistics import mean

from assistant.quiz.model import FALSE, JUDGE, MULTI, SINGLE, QuizItem
from assistant.quiz.text import similarity

FACT = {
    "原文": 0,
    "主体": 0,
    "责任单位": 0,
    "术语": 1,
    "时限": 1,
    "数量": 1,
    "概念": 1,
    "列举": 1,
    "权利": 1,
    "义务": 1,
    "说法": 1,
    "转述": 1,
    "金额": 2,
    "比例": 2,
    "倍数": 2,
    "后果": 2,
    "案例": 2,
    "不属于": 2,
}
CHANGE = {"情态": 0, "数字": 1, "主体": 1, "条件": 1, "列举": 1, "范围": 2}
ALIKE = 0.3
LONG_STEM = 60
LEVELS = ((1, "易"), (2, "中"))  # highest points of each label; more is 难
_OPENING = re.compile(r"^(?:依据|根据)?《[^》]+》(?:规定)?，")


def features(item: QuizItem) -> dict[str, int]:
    """The points of each feature (see the module docstring)."""
    if item.type == JUDGE and item.answer == FALSE:
        fact = CHANGE.get(item.change, 1)
    elif item.type == JUDGE and item.change == "转述":
        fact = 1
    else:
        fact = FACT.get(item.topic, 1)
    return {
        "fact": fact,
        "distractors": int(_alike_distractors(item)),
        "stem": int(len(_OPENING.sub("", item.stem)) > LONG_STEM),
        "breadth": int(len(item.cited_units) > 1 or (item.type == MULTI and len(item.answer) >= 3)),
    }


def rate(item: QuizItem) -> QuizItem:
    """The item with its difficulty set from its features."""
    points = sum(features(item).values())
    label = next((name for most, name in LEVELS if points <= most), "难")
    return replace(item, difficulty=label)


def _alike_distractors(item: QuizItem) -> bool:
    if item.type not in (SINGLE, MULTI) or not item.options:
        return False
    correct = [item.options[letter] for letter in item.answer if letter in item.options]
    wrong = [text for letter, text in item.options.items() if letter not in item.answer]
    if not correct or not wrong:
        return False
    return mean(max(similarity(w, c) for c in correct) for w in wrong) >= ALIKE
