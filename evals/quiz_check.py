"""An independent check of exam items, written apart from assistant/quiz/ and sharing none of its code (only
corpus.numerals reads Chinese numerals): it reads the item's JSON, the cited provisions' text and, for
distractors, the whole corpus's text.

An item passes when its answer is in the cited text and no distractor is true there or anywhere else:

- 单选 and 填空 with a blank: the words around the blank filled with the answer are in the cited text and,
  filled with a distractor, in no provision of the corpus;
- options that are statements (……的说法，正确的是): the right ones are in the cited text, the wrong ones
  in no provision; ……不包括/不属于…… the other way round;
- 多选 on a list: every correct option is in the cited text, no distractor is, and no provision of the
  corpus lists a distractor beside half of the correct options (a notice item's responsible bodies are
  its own: other items naming them together prove nothing);
- 判断: a true statement is in the cited text — as written, with its numbers written the other way or 应当
  as 必须, as a member of a list (……包括<项>), or as one violation of a list told with what it brings; a
  false one is in no provision, while the original its explanation quotes is in the cited text;
- a case (某企业发生一起生产安全事故，造成……): the keyed grade is the one whose figures the cited definitions
  (……事故，是指造成……的事故) hold, and the keyed body the one the cited text says investigates that grade.

Numbers are compared in digits (三十日 = 30日, 百分之六十 = 60%).

Usage::

    failure = independent_failure(item.to_dict(), cited_text, corpus_text)   # None when the item passes
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from corpus.numerals import cn_to_int

_MARKER = re.compile(r"^\s*[（(][一二三四五六七八九十百0-9]+[）)]")
_OPENING = re.compile(r"^[^，]*《[^》]*》[^，]*，")
_BLANK = re.compile(r"（\s*）")
# A Chinese numeral that counts something (三十日, 二万元); 一般, 统一 stay words.
_CN_NUMBER = re.compile(
    r"[零〇一二两三四五六七八九十百千]+(?=[万亿人日年月天个元倍米吨次项名周层辆公千平立毫厘%]|小时|周岁)"
)
_PERCENT = re.compile(r"百分之([零〇一二两三四五六七八九十百千]+|\d+(?:\.\d+)?)")
_CASE = re.compile(r"造成(?P<figures>[^。]*?)，?直接经济损失(?P<loss>[\d.]+)(?P<unit>万|亿)元")
_GRADE = re.compile(r"(?P<grade>[\u4e00-\u9fff]{2,6}事故)，是指造成(?P<rest>[^；。]+?)的事故")
_BOUND = re.compile(r"([\d.]+)(万|亿)?(人|元)(以上|以下)")
CONTEXT = 6  # characters taken on each side of a blank
HALF = 0.5


def flatten(text: str) -> str:
    """The text on one line, without 项 markers or any whitespace, numbers in digits."""
    lines = [_MARKER.sub("", line) for line in text.splitlines()]
    return digits("".join("".join(line.split()) for line in lines))


def digits(text: str) -> str:
    """Chinese numerals that count as digits (三十日 → 30日, 二十万元 → 20万元) and 百分之N as N%."""
    text = _PERCENT.sub(lambda m: f"{m[1] if m[1][0].isdigit() else cn_to_int(m[1])}%", text)
    return _CN_NUMBER.sub(lambda m: str(cn_to_int(m.group())), text)


def _flat(text: str) -> str:
    return digits("".join(text.split()).strip("。；，"))


def _statement(stem: str) -> str:
    return _flat(_OPENING.sub("", stem, count=1)).rstrip("。")


def _present(text: str, needle: str) -> bool:
    """Whether the needle is in the text; a number only as a whole number (50% is not in 150%)."""
    needle = _flat(needle)
    if not needle:
        return False
    if not needle[0].isdigit():
        return needle in text
    return re.search(rf"(?<![\d.]){re.escape(needle)}", text) is not None


def _window(stem: str) -> tuple[str, str]:
    """The words just left and right of the single blank, within its 项 (a lead-in ends at ：)."""
    parts = _BLANK.split(_OPENING.sub("", stem, count=1))
    if len(parts) != 2:
        return "", ""
    left, right = (digits("".join(part.split())) for part in parts)
    return re.split("[：:]", left)[-1][-CONTEXT:], re.split("[：:]", right.rstrip("。"))[0][:CONTEXT]


def independent_failure(item: Mapping[str, Any], cited_text: str, corpus_text: str = "") -> str | None:
    """Why the item fails the independent check, in words; None when it passes. ``corpus_text`` is every
    provision's text (flattened or not); without it distractors are checked against the cited text only."""
    text = flatten(cited_text)
    corpus = _corpus(corpus_text) if corpus_text else text
    kind, options, answer = item["type"], dict(item["options"]), item["answer"]
    if kind in ("单选", "多选"):
        correct = [options[letter] for letter in answer if letter in options]
        wrong = [value for letter, value in options.items() if letter not in answer]
        if not correct or len(correct) != len(answer):
            return "答案字母与选项不符"
        stem = item["stem"]
        if "某企业发生一起" in stem:
            return _case_failure(stem, text, correct[0])
        if "说法" in stem:
            trues, falses = (wrong, correct) if "错误" in stem else (correct, wrong)
            return _statements_failure(trues, falses, text, corpus)
        if "不包括" in stem or "不属于" in stem:
            correct, wrong = wrong, correct
        missing = [c for c in correct if not _present(text, c)]
        if missing:
            return f"正确选项不在条文中：{missing[0]}"
        found = [w for w in wrong if _present(text, w)]
        if found:
            return f"干扰项在条文中：{found[0]}"
        if kind == "单选":
            return _slot_failure(stem, text, corpus, correct[0], wrong)
        if "责任单位" in stem:  # a notice item's bodies: other items naming them together is no answer here
            return None
        return _listed_elsewhere(correct, wrong, corpus_text)
    if kind == "填空":
        if not _present(text, answer):
            return f"答案不在条文中：{answer}"
        return _slot_failure(item["stem"], text, corpus, answer, [])
    if kind == "判断":
        return _judge_failure(item, text, corpus)
    return f"未知题型：{kind}"


def _slot_failure(stem: str, text: str, corpus: str, answer: str, wrong: list[str]) -> str | None:
    """The words around the blank, filled with the answer, are in the text and, filled with a distractor,
    are in no provision; a 单选 that only asks about the text (下列单位中，负责……的是) has had its options
    checked already."""
    left, right = _window(stem)
    if not left and not right:
        return "题干中没有唯一的空"
    if wrong and (not left or left not in text) and (not right or right not in text):
        return None
    if f"{left}{_flat(answer)}{right}" not in text:
        return f"填入答案后与条文不符：{left}{answer}{right}"
    for distractor in wrong:
        if f"{left}{_flat(distractor)}{right}" in corpus:
            return f"填入干扰项后与某一条文相符：{distractor}"
    return None


def _statements_failure(trues: list[str], falses: list[str], text: str, corpus: str) -> str | None:
    missing = [t for t in trues if not _present(text, t)]
    if missing:
        return f"正确的说法不在条文中：{missing[0]}"
    said = [f for f in falses if _present(corpus, f)]
    if said:
        return f"错误的说法在某一条文中：{said[0]}"
    return None


def _listed_elsewhere(correct: list[str], wrong: list[str], corpus_text: str) -> str | None:
    """A distractor that some provision lists beside half of the correct options."""
    for flat in _blocks(corpus_text):
        for distractor in wrong:
            if _present(flat, distractor) and sum(_present(flat, c) for c in correct) >= HALF * len(correct):
                return f"干扰项在另一条文中与正确选项并列：{distractor}"
    return None


@lru_cache(maxsize=2)
def _corpus(corpus_text: str) -> str:
    """The whole corpus flattened, once per corpus."""
    return flatten(corpus_text)


@lru_cache(maxsize=2)
def _blocks(corpus_text: str) -> tuple[str, ...]:
    """The corpus's provisions (separated by an empty line), flattened."""
    return tuple(flatten(block) for block in corpus_text.split("\n\n")) if corpus_text else ()


def _judge_failure(item: Mapping[str, Any], text: str, corpus: str) -> str | None:
    statement = _statement(item["stem"])
    if item["answer"] == "正确":
        return None if _true_in(statement, text) else "判断为正确，但表述不在条文中"
    if item["answer"] != "错误":
        return f"判断题答案应为正确或错误：{item['answer']}"
    if _true_in(statement, corpus, whole=False):
        return "判断为错误，但表述在某一条文中"
    quoted = re.search(r"规定：“(.*?)”[，。]", item["explanation"])
    original = _flat(quoted.group(1)) if quoted else ""
    pieces = [p for p in original.split("……") if p]
    if not pieces or not all(p in text for p in pieces):
        return "判断为错误，但解析没有引用条文原文"
    return None


def _true_in(statement: str, text: str, whole: bool = True) -> bool:
    """Whether the text says the statement: as written (numbers in digits), with 必须 for 应当 and, where the
    text is one provision (``whole``), as a list member or as one violation of a list told with its
    penalty (across the corpus these readings would find a list anywhere)."""
    if any(variant in text for variant in _readings(statement)):
        return True
    if not whole:
        return False
    if "包括" in statement:
        head, member = statement.rsplit("包括", 1)
        if member and member in text and _mostly_in(head.replace("的", ""), text):
            return True
    return _told_violation(statement, text)


def _readings(statement: str) -> list[str]:
    """The statement, and the statement with one of its 必须 read as 应当 (the text's usual word)."""
    found = [statement]
    at = statement.find("必须")
    while at >= 0:
        found.append(statement[:at] + "应当" + statement[at + 2 :])
        at = statement.find("必须", at + 1)
    return found


def _mostly_in(words: str, text: str, share: float = 0.6) -> bool:
    """Whether most of the words' character pairs occur in the text (事故调查组履行职责 in 事故调查组履行下列职责)."""
    pairs = {words[i : i + 2] for i in range(len(words) - 1)}
    return bool(pairs) and sum(pair in text for pair in pairs) >= share * len(pairs)


def _told_violation(statement: str, text: str) -> bool:
    """有下列行为之一的，<penalty>：（一）<violation>的 → <subject><violation>的，<penalty>."""
    for lead in re.findall(r"([^。]*?)有下列(?:行为|情形)之一的，([^；：]+)", text):
        subject, penalty = lead[0].rsplit("。", 1)[-1].rsplit("；", 1)[-1], lead[1]
        for reading in _readings(statement):
            if reading.startswith(subject) and reading.endswith(penalty):
                violation = reading[len(subject) : len(reading) - len(penalty)].removesuffix("，")
                if violation and violation in text:
                    return True
    return False


def _case_failure(stem: str, text: str, keyed: str) -> str | None:
    """Grade the case by the cited definitions; the keyed option must be that grade or its investigator."""
    found = _CASE.search(_flat(stem))
    if not found:
        return "案例题干读不出伤亡和损失数字"
    people = dict((measure, int(n)) for n, measure in re.findall(r"(\d+)人(死亡|重伤)", found["figures"]))
    loss = float(found["loss"]) * (1e4 if found["unit"] == "万" else 1e8)
    grades = []
    for match in _GRADE.finditer(text):
        if _meets(match["rest"], people, loss):
            grades.append(match["grade"])
    if not grades:
        return "案例不符合条文中任何等级的标准"
    grade = grades[0]  # definitions run from the gravest down: the first met is the grade
    if "属于" in stem:
        return None if keyed == grade else f"按条文应为{grade}，答案为{keyed}"
    assigned = [s for s in re.split("[。；]", text) if grade in s and keyed in s and "调查" in s]
    if not assigned:
        return f"条文没有说{grade}由{keyed}调查"
    return None


def _meets(rest: str, people: Mapping[str, int], loss: float) -> bool:
    """Whether any figure of the case lies in one measure's range (以上 includes the number, 以下 not)."""
    for part in re.sub(r"（[^）]*）", "", rest).split("或者"):
        bounds = _BOUND.findall(part)
        measure = "死亡" if "死亡" in part else "重伤" if "重伤" in part else "损失"
        value = loss if measure == "损失" else people.get(measure, 0)
        low, high = 0.0, float("inf")
        for number, scale, _, side in bounds:
            amount = float(number) * {"万": 1e4, "亿": 1e8}.get(scale, 1)
            low, high = (amount, high) if side == "以上" else (low, amount)
        if bounds and low <= value < high and value > 0:
            return True
    return False
