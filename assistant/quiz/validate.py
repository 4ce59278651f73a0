"""The validity check every item passes before it reaches a paper; failing items are dropped and counted.

An item is valid when its answer can be read in the cited text, no distractor is said there too, its
options are distinct and alike in form, its stem does not give the answer away, a false 判断 differs from
the text by exactly one controlled change, and its explanation quotes the text word for word.

Usage::

    kept, dropped = screen(items, lambda item: cited_text(item))
    dropped  # Counter({"distractor_in_source": 3, "duplicate": 2})
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from assistant.quiz.candidates import MODALS, modal_slots, number_slots, subject_category, subject_slots
from assistant.quiz.changes import (
    BOUND_FLIPS,
    CONDITION,
    CONDITION_SWAPS,
    MEMBER,
    REWORDED,
    SCOPE,
    SCOPE_WIDENINGS,
    is_swap,
)
from assistant.quiz.model import (
    BLANK,
    DIFFICULTIES,
    FALSE,
    FILL,
    JUDGE,
    JUDGE_OPTIONS,
    LETTERS,
    MULTI,
    NUMBER_KINDS,
    SINGLE,
    TRUE,
    TYPES,
    QuizItem,
)
from assistant.quiz.pools import SAYS_SO, is_generic
from assistant.quiz.text import common_ends, composed_in, contains, core, coverage, shares_words
from assistant.quiz.variants import arabic_numbers

REASONS = {
    "malformed": "题目结构不完整（类型、空格、选项或答案不对）",
    "too_long": "题干过长",
    "answer_not_in_source": "答案在所引条文中找不到",
    "quote_not_in_source": "解析引用的原文与条文不符",
    "distractor_in_source": "干扰项在所引条文中也能找到，可能同样正确",
    "options_not_distinct": "选项重复或互相包含",
    "options_unlike": "选项类别或长度不一致",
    "giveaway": "题干泄露了答案",
    "no_context": "空格前后没有上下文，无从作答",
    "judge_change": "错误表述与原文不是恰好一处受控改动",
    "duplicate": "与已出的题重复",
    "superseded": "考的是已被上位法或新法取代的数额或规定",
}
NUMBER_TOPICS = (*NUMBER_KINDS, "后果")  # a consequence item asks for a fine or a term too
_SENTENCES = re.compile(r"[。；\n]")
STEM_PREFIX = re.compile(r"^(?:依据|根据)?《[^》]+》(?:规定)?，")
MAX_STEM = 220


def stem_body(stem: str) -> str:
    """The stem without its opening (依据《…》规定，) and closing punctuation."""
    return STEM_PREFIX.sub("", stem).rstrip("。")


def check(item: QuizItem, source: str) -> list[str]:
    """The reasons (keys of REASONS) why the item is not valid against the cited text; [] when valid."""
    if item.type not in TYPES or item.difficulty not in DIFFICULTIES or not item.stem:
        return ["malformed"]
    if len(item.stem) > MAX_STEM:
        return ["too_long"]
    checker = {SINGLE: _check_single, MULTI: _check_multi, JUDGE: _check_judge, FILL: _check_fill}[item.type]
    reasons = checker(item, source)
    if not _quotes_hold(item.explanation, source):
        reasons.append("quote_not_in_source")
    return list(dict.fromkeys(reasons))


def screen(
    items: Iterable[QuizItem],
    source_of: Callable[[QuizItem], str],
    seen: set[tuple[object, ...]] | None = None,
) -> tuple[list[QuizItem], Counter[str]]:
    """The valid items, duplicates removed (first kept), and the dropped ones counted by first reason;
    ``seen`` carries the items already kept over several calls."""
    kept: list[QuizItem] = []
    dropped: Counter[str] = Counter()
    seen = set() if seen is None else seen
    for item in items:
        reasons = check(item, source_of(item))
        key = (item.type, core(stem_body(item.stem)), frozenset(item.options.values()))
        if not reasons and key in seen:
            reasons = ["duplicate"]
        if reasons:
            dropped[reasons[0]] += 1
            continue
        seen.add(key)
        kept.append(item)
    return kept, dropped


def quotations(text: str) -> list[str]:
    """The outermost “…” quotations of a text, nested quotation marks kept inside; none after 改为."""
    found, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch == "”" and depth:
            depth -= 1
            if depth == 0 and not text[: start - 1].endswith("改为"):
                found.append(text[start:i])
    return found


def _quotes_hold(explanation: str, source: str) -> bool:
    """Every quotation in the explanation (pieces between ……) is in the text, except what a change 改为."""
    quotes = quotations(explanation)
    pieces = [piece for quote in quotes for piece in quote.split("……") if piece.strip("（）")]
    return bool(quotes) and all(contains(source, piece) for piece in pieces)


def said(source: str, text: str) -> bool:
    """Whether the text says ``text``; a 项 stem (lead-in：项) may have other 项 between its two parts, and
    a violation of a list may be told with what it brings (see text.composed)."""
    if contains(source, text) or composed_in(source, text):
        return True
    lead, colon, rest = text.partition("：")
    return bool(colon) and contains(source, lead + colon) and contains(source, rest)


def _options_ok(item: QuizItem, low: int, high: int) -> bool:
    letters = "".join(item.options)
    answer_ok = all(letter in item.options for letter in item.answer) and item.answer == "".join(
        sorted(set(item.answer))
    )
    return low <= len(letters) <= high and letters == LETTERS[: len(letters)] and answer_ok


def _distinct(texts: list[str]) -> bool:
    flat = [core(t) for t in texts]
    return len(set(flat)) == len(flat) and all(a == b or a not in b for a in flat for b in flat)


def _alike_lengths(texts: list[str], factor: float, slack: int) -> bool:
    lengths = [len(t) for t in texts]
    return max(lengths) <= factor * min(lengths) + slack


def _check_single(item: QuizItem, source: str) -> list[str]:
    if item.topic == "说法":
        return _check_statements(item, source, 1)
    if item.topic == "案例":
        return _check_case(item, source)
    body = stem_body(item.stem)
    if not _options_ok(item, 4, 6) or len(item.answer) != 1 or body.count(BLANK) != 1:
        return ["malformed"]
    answer = item.options[item.answer]
    distractors = [t for letter, t in item.options.items() if letter != item.answer]
    reasons = [] if _has_context(body) else ["no_context"]
    quoted = item.topic != "责任单位"  # 下列单位中，负责……的是（  ） asks about the text, does not quote it
    if not contains(source, answer) or (quoted and not said(source, body.replace(BLANK, answer))):
        reasons.append("answer_not_in_source")
    if any(contains(source, d) or said(source, body.replace(BLANK, d)) for d in distractors):
        reasons.append("distractor_in_source")
    if item.topic in NUMBER_TOPICS and _number_said(distractors, source):
        reasons.append("distractor_in_source")
    if not _distinct(list(item.options.values())):
        reasons.append("options_not_distinct")
    lengths_ok = item.topic == "责任单位" or _alike_lengths(list(item.options.values()), 2, 6)  # names vary
    if not _same_form(item.topic, list(item.options.values()), answer) or not lengths_ok:
        reasons.append("options_unlike")
    if core(answer) in core(body):
        reasons.append("giveaway")
    return reasons


def _has_context(body: str) -> bool:
    """Whether the blank's sentence (after a lead-in's ：) says something besides the blank."""
    clause = body.rsplit("：", 1)[-1].replace(BLANK, "")
    return len(clause.strip("，、；。“”《》 ")) >= 4


def _number_said(distractors: list[str], source: str) -> bool:
    """Whether a distractor's number (with its unit) is one the text itself uses."""
    said = {(_unit(s.form), v) for s in number_slots(core(source)) for v in s.values}
    return any((_unit(s.form), v) in said for d in distractors for s in number_slots(d) for v in s.values)


def _same_form(topic: str, texts: list[str], answer: str = "") -> bool:
    """Options of one kind: numbers with the same unit and wording, or all subjects (who must act)."""
    if topic in NUMBER_TOPICS:
        forms = set()
        for text in texts:
            slots = number_slots(text)
            if len(slots) != 1 or slots[0].text != text:
                return False
            forms.add(slots[0].form.rsplit("|", 1)[0])
        return len(forms) == 1
    if topic == "主体":  # all who can act; of one kind unless the answer covers others (生产经营单位)
        kinds = [subject_category(t) for t in texts]
        return all(kinds) and (len(set(kinds)) == 1 or is_generic(answer))
    return True


def _check_multi(item: QuizItem, source: str) -> list[str]:
    if item.topic == "说法":
        return _check_statements(item, source, 2)
    if not _options_ok(item, 4, 6) or not 2 <= len(item.answer) < len(item.options):
        return ["malformed"]
    correct = [item.options[letter] for letter in item.answer]
    distractors = [t for letter, t in item.options.items() if letter not in item.answer]
    if item.topic == "不属于":  # the answer is the options outside the list
        correct, distractors = distractors, correct
    reasons = []
    if not all(contains(source, c) for c in correct):
        reasons.append("answer_not_in_source")
    if any(contains(source, d) or coverage(d, source) >= SAYS_SO for d in distractors):
        reasons.append("distractor_in_source")
    if not _distinct(list(item.options.values())):
        reasons.append("options_not_distinct")
    if not _alike_lengths(list(item.options.values()), 3, 10):
        reasons.append("options_unlike")
    if any(core(c) in core(item.stem) for c in correct):
        reasons.append("giveaway")
    return reasons


def _check_judge(item: QuizItem, source: str) -> list[str]:
    statement = stem_body(item.stem)
    if item.options != JUDGE_OPTIONS or item.answer not in (TRUE, FALSE) or BLANK in statement:
        return ["malformed"]
    if item.answer == TRUE:
        if item.change == REWORDED:
            holds = _member_holds(source, statement, item.source) or (
                said(source, item.source) and same_meaning(item.source, statement)
            )
            return [] if holds else ["answer_not_in_source"]
        return [] if said(source, statement) else ["answer_not_in_source"]
    reasons = []
    if said(source, statement):
        reasons.append("distractor_in_source")
    if not said(source, item.source):
        reasons.append("answer_not_in_source")
    if item.change == MEMBER:
        if _member_holds(source, statement, item.source, any_member=True):
            reasons.append("distractor_in_source")
    elif not one_controlled_change(item.source, statement):
        reasons.append("judge_change")
    return reasons


def same_meaning(original: str, reworded: str) -> bool:
    """Whether a rewording says the same: numbers written the other way, or one 应当 as 必须."""
    a, b = core(original), core(reworded)
    if a != b and arabic_numbers(a) == arabic_numbers(b):
        return True
    at = a.find("应当")
    while at >= 0:
        if a[:at] + "必须" + a[at + 2 :] == b:
            return True
        at = a.find("应当", at + 1)
    return False


def _member_holds(source: str, statement: str, basis: str, any_member: bool = False) -> bool:
    """Whether the statement says that the basis's 项 (lead-in：项) belongs to its list: the basis is in the
    text, the statement ends with the 项 (with ``any_member``: with any text the source says) and the rest
    of the statement holds most of the lead-in's words."""
    lead, colon, member = basis.partition("：")
    if not colon or not said(source, basis):
        return False
    flat = core(statement)
    if any_member:
        tail = flat.rsplit("包括", 1)[-1]
        return "包括" in flat and contains(source, tail)
    return flat.endswith(core(member)) and coverage(flat[: -len(core(member))], lead) >= 0.4


def _check_statements(item: QuizItem, source: str, fewest: int) -> list[str]:
    """说法 items: the keyed options are said (正确的是/有) or each one controlled change of a sentence of
    the text (错误的是), and the others the other way round."""
    if not _options_ok(item, 4, 6) or not fewest <= len(item.answer) < len(item.options):
        return ["malformed"]
    keyed = [item.options[letter] for letter in item.answer]
    others = [t for letter, t in item.options.items() if letter not in item.answer]
    trues, falses = (others, keyed) if "错误" in stem_body(item.stem) else (keyed, others)
    sentences = [s for s in _SENTENCES.split(source) if s.strip()]
    reasons = []
    if not all(contains(source, t) for t in trues):
        reasons.append("answer_not_in_source")
    for text in falses:
        if contains(source, text):
            reasons.append("distractor_in_source")
        elif not any(
            _near(core(s), core(text)) and one_controlled_change(core(s), core(text)) for s in sentences
        ):
            reasons.append("judge_change")
    if not _distinct(list(item.options.values())):
        reasons.append("options_not_distinct")
    if not _alike_lengths(list(item.options.values()), 3, 10):
        reasons.append("options_unlike")
    return reasons


def _near(original: str, changed: str) -> bool:
    """Whether two texts differ in one short stretch only (a quick test before one_controlled_change)."""
    head, tail = common_ends(original, changed)
    return len(original) - head - tail <= 12 and abs(len(original) - len(changed)) <= 12


def _check_case(item: QuizItem, source: str) -> list[str]:
    """案例 items: a well-formed 单选 whose options the text names and whose answer it states."""
    if not _options_ok(item, 4, 6) or len(item.answer) != 1 or item.stem.count(BLANK) != 1:
        return ["malformed"]
    reasons = []
    if not all(contains(source, option) for option in item.options.values()):
        reasons.append("answer_not_in_source")
    if len(set(item.options.values())) != len(item.options):  # 重大事故 beside 特别重大事故 is fine here
        reasons.append("options_not_distinct")
    return reasons


def one_controlled_change(original: str, changed: str) -> bool:
    """Whether ``changed`` is ``original`` with exactly one controlled change: a number by a number of the
    same unit, 应当/必须/不得/可以/禁止 by its opposite, a subject by another of its kind, or a reviewed
    condition or scope swap (see changes.py)."""
    if original == changed:
        return False
    head, tail = common_ends(original, changed)
    for slot in number_slots(original) + subject_slots(original) + modal_slots(original):
        if slot.start <= head and slot.end >= len(original) - tail:
            before = slot.text
            after = changed[slot.start : len(changed) - (len(original) - slot.end)]
            if _controlled(slot.kind, before, after):
                return True
    return _swapped(original, changed, head, tail)


def _swapped(original: str, changed: str, head: int, tail: int) -> bool:
    """Whether one reviewed condition or scope word around the difference was swapped (书面 → 口头)."""
    for kind, table in ((CONDITION, CONDITION_SWAPS), (SCOPE, SCOPE_WIDENINGS), (CONDITION, BOUND_FLIPS)):
        for word, replacement in table.items():
            after = replacement[0] if isinstance(replacement, tuple) else replacement
            start = original.find(word, max(head - len(word), 0))
            while 0 <= start <= head:
                end = start + len(word)
                if end >= len(original) - tail and changed == original[:start] + after + original[end:]:
                    return is_swap(kind, word, after)
                start = original.find(word, start + 1)
    return False


def _controlled(kind: str, before: str, after: str) -> bool:
    if kind == "情态":
        return after in MODALS.get(before, ())
    if kind == "主体":
        category = subject_category(before)
        return bool(category) and subject_category(after) == category and after != before
    slots = number_slots(after)
    return (
        len(slots) == 1
        and slots[0].text == after
        and _unit(slots[0].form) == _unit(number_slots(before)[0].form)
    )


def _unit(form: str) -> tuple[str, ...]:
    """Kind and unit of a number form: ("时限", "日")."""
    return tuple(form.split("|")[:2])


def _check_fill(item: QuizItem, source: str) -> list[str]:
    body = stem_body(item.stem)
    if item.options or body.count(BLANK) != 1 or not item.answer or len(item.answer) > 20:
        return ["malformed"]
    reasons = [] if _has_context(body) else ["no_context"]
    if not said(source, body.replace(BLANK, item.answer)):
        reasons.append("answer_not_in_source")
    if core(item.answer) in core(body) or _given(item.answer, body):
        reasons.append("giveaway")
    return reasons


def _given(answer: str, body: str) -> bool:
    """Whether the stem gives the answer away: a number it says too (in either writing), or four characters
    in a row of a term."""
    numbers = number_slots(answer)
    if numbers:
        said_values = {(_unit(s.form), s.values) for s in number_slots(arabic_numbers(body))}
        return any((_unit(s.form), s.values) in said_values for s in number_slots(arabic_numbers(answer)))
    return shares_words(answer, body.replace(BLANK, ""))
