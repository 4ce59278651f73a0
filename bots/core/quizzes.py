"""Exam items as quizzes: a native quiz where a messenger has one, else text answered by a button or a letter.

A quiz never names an option by its letter in what a native quiz shows (a Telegram poll shows no letters):
its explanation says 故选“百分之六十” rather than 故选C.

Usage::

    quiz = quiz_message(item, title, citer, version=3)
    quiz.choices[2].data, quiz.choices[2].reply  # "a:3:2", "C": press it, or send C
    quiz_result(quiz, 2).text                    # "回答正确！\\n\\n《…》第一百一十条规定：……故选“百分之六十”。"
"""

from __future__ import annotations

import re

from assistant.quiz import QuizItem
from bots.core.citing import Citer
from bots.core.messages import LETTERS, QUIZ_EXPLANATION_LIMIT, Block, Button, Quiz, Reply, bold, plain

ANSWER = "a"  # button data kind: answer the chat's open quiz
CHOICE_LIMIT = 40  # characters of an option's button label
_CHOSEN = re.compile(r"故选([A-J]+)。?$")
# A reply that answers an open quiz: C, c, 选C, 答案：C
_LETTER = re.compile(r"^\s*(?:选|答案?[:：]?)?\s*([A-Ja-j])\s*[。.!！]?\s*$")


def quiz_message(item: QuizItem, title: str, citer: Citer, version: int) -> Quiz:
    """An exam item as a quiz: options in letter order, the explanation naming the correct option's text,
    a shorter one for a native quiz when it does not fit, a button per cited provision and one per option
    (its data carries ``version``, so that a press on an older quiz is recognised)."""
    letters = sorted(item.options)
    options = [item.options[letter] for letter in letters]
    correct = letters.index(item.correct_letters)
    explanation = _CHOSEN.sub(lambda m: f"故选{_named(item, m.group(1))}。", item.explanation)
    labels = [citer.names.label(item.doc_id, unit) for unit in item.cited_units]
    brief = explanation
    if len(brief) > QUIZ_EXPLANATION_LIMIT or brief.count("\n") > 2:
        brief = f"答案：{options[correct]}。依据{'、'.join(labels)}，点“查看出处”阅读原文。"
    buttons = [
        [citer.button("查看出处：", item.doc_id, unit, reply=str(n))]
        for n, unit in enumerate(item.cited_units, start=1)
    ]
    choices = [
        Button(_cut(f"{LETTERS[n]}. {option}"), f"{ANSWER}:{version}:{n}", reply=LETTERS[n])
        for n, option in enumerate(options)
    ]
    return Quiz(item.stem, options, correct, explanation, buttons, choices, brief)


def chosen_option(text: str, quiz: Quiz) -> int | None:
    """The option a message picks (C, 选C, 答案：C), None when it is not an answer to this quiz."""
    match = _LETTER.match(text)
    if match is None:
        return None
    index = LETTERS.index(match.group(1).upper())
    return index if index < len(quiz.options) else None


def quiz_result(quiz: Quiz, chosen: int) -> Reply:
    """Right or wrong, the correct option, the explanation, and the quiz's source buttons."""
    right = f"{LETTERS[quiz.correct]}. {quiz.options[quiz.correct]}"
    verdict = "回答正确！" if chosen == quiz.correct else f"回答错误。正确答案：{right}"
    blocks = [
        Block([[bold(verdict)]]),
        Block([[plain(quiz.explanation)]]),
        Block([[plain("发送 /quiz 再来一道。")]]),
    ]
    return Reply(blocks, quiz.buttons)


def _named(item: QuizItem, letters: str) -> str:
    return "、".join(f"“{item.options[letter]}”" for letter in letters)


def _cut(text: str) -> str:
    return text if len(text) <= CHOICE_LIMIT else text[: CHOICE_LIMIT - 1] + "…"
