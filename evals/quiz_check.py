"""An independent check of exam items, written apart from assistant/quiz/validate.py and sharing none of
its code: it reads only the item's JSON and the cited provision's text.

An item passes when the answer's text is in the cited text and no distractor's text is there in the
same slot: for 单选 and 填空 the words around the blank, filled with the answer, are in the text and,
filled with a distractor, are not; for 多选 every correct option is in the text and no distractor is;
for 判断 a true statement is in the text, a false one is not, while the original it quotes is.

Usage::

    failure = independent_failure(item.to_dict(), cited_text)   # None when the item passes
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_MARKER = re.compile(r"^\s*[（(][一二三四五六七八九十百0-9]+[）)]")
_OPENING = re.compile(r"^[^，]*《[^》]*》[^，]*，")
_BLANK = re.compile(r"（\s*）")
CONTEXT = 6  # characters taken on each side of a blank


def flatten(text: str) -> str:
    """The provision's text on one line, without 项 markers or any whitespace."""
    lines = [_MARKER.sub("", line) for line in text.splitlines()]
    return "".join("".join(line.split()) for line in lines)


def _statement(stem: str) -> str:
    body = _OPENING.sub("", stem, count=1)
    return "".join(body.split()).rstrip("。")


def _window(stem: str) -> tuple[str, str]:
    """The words just left and right of the single blank, within its 项 (a lead-in ends at ：)."""
    body = _statement(stem)
    parts = _BLANK.split(body)
    if len(parts) != 2:
        return "", ""
    left, right = parts
    return re.split("[：:]", left)[-1][-CONTEXT:], re.split("[：:]", right)[0][:CONTEXT]


def _present(text: str, needle: str) -> bool:
    needle = "".join(needle.split()).strip("。；，")
    return bool(needle) and needle in text


def independent_failure(item: Mapping[str, Any], cited_text: str) -> str | None:
    """Why the item fails the independent check, in words; None when it passes."""
    text = flatten(cited_text)
    kind, options, answer = item["type"], dict(item["options"]), item["answer"]
    if kind in ("单选", "多选"):
        correct = [options[letter] for letter in answer if letter in options]
        wrong = [value for letter, value in options.items() if letter not in answer]
        if not correct or len(correct) != len(answer):
            return "答案字母与选项不符"
        missing = [c for c in correct if not _present(text, c)]
        if missing:
            return f"正确选项不在条文中：{missing[0]}"
        found = [w for w in wrong if _present(text, w)]
        if found:
            return f"干扰项在条文中：{found[0]}"
        if kind == "单选":
            return _slot_failure(item["stem"], text, correct[0], wrong)
        return None
    if kind == "填空":
        if not _present(text, answer):
            return f"答案不在条文中：{answer}"
        return _slot_failure(item["stem"], text, answer, [])
    if kind == "判断":
        return _judge_failure(item, text)
    return f"未知题型：{kind}"


def _slot_failure(stem: str, text: str, answer: str, wrong: list[str]) -> str | None:
    """The words around the blank, filled with the answer, are in the text and, filled with a distractor,
    are not; a 单选 stem that only asks about the text (no word around its blank is in it: 下列单位中，
    负责……的是) has had its options checked already."""
    left, right = _window(stem)
    if not left and not right:
        return "题干中没有唯一的空"
    if wrong and (not left or left not in text) and (not right or right not in text):
        return None
    if f"{left}{answer}{right}" not in text:
        return f"填入答案后与条文不符：{left}{answer}{right}"
    for distractor in wrong:
        if f"{left}{distractor}{right}" in text:
            return f"填入干扰项后也与条文相符：{distractor}"
    return None


def _judge_failure(item: Mapping[str, Any], text: str) -> str | None:
    statement = _statement(item["stem"])
    if item["answer"] == "正确":
        return None if statement in text else "判断为正确，但表述不在条文中"
    if item["answer"] != "错误":
        return f"判断题答案应为正确或错误：{item['answer']}"
    if statement in text:
        return "判断为错误，但表述就在条文中"
    quoted = re.search(r"规定：“(.*)”，题中将", item["explanation"])
    original = "".join(quoted.group(1).split()) if quoted else ""
    if not original or original not in text:
        return "判断为错误，但解析没有引用条文原文"
    head = next((i for i, (a, b) in enumerate(zip(original, statement, strict=False)) if a != b), None)
    if head is None:
        return "错误表述与原文相同"
    tail = 0
    while tail < min(len(original), len(statement)) - head and original[-1 - tail] == statement[-1 - tail]:
        tail += 1
    changed = statement[head : len(statement) - tail]
    if changed and changed in original[head : len(original) - tail]:
        return "错误表述只删减了原文"
    return None
