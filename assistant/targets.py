"""Deadlines, frequencies and quantified targets of the notice, found by rules over each item's task sentences.

Three passes over every task sentence, each masking what it found so that a number is counted once:

1. deadlines: a date or period that ends in 前/内 (2025年6月底前, 12月底前, 年底前, 年内, 3个月内);
2. frequencies: 每 + a period, with the count that follows (每半年至少召开一次, 每年至少解决1—2项);
3. quantities: a number with its measure word (10座, 90%, 100%, 1处, 600米), with a bound before it
   (至少, 不少于, 超过, 大于 …) and a scope (每个村（社区）) when written.

The object of a target is what the value applies to: for a deadline the task it closes (the words after
it, or the phrase before it when only a verb such as 完成 follows); for a number the noun that follows it
(10座智能化煤矿, 90%的化工园区), or the phrase before it when the number ends the phrase (覆盖率达到100%).

Usage::

    rows = extract_targets(items)
    rows[0].to_dict()  # {"unit": "（四）", "kind": "frequency", "value": "每年至少1—2项", ...}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.answer import Citation
from assistant.exports import Table
from assistant.notice_items import NoticeItem, Task

KINDS = {"deadline": "时限", "frequency": "频次", "quantity": "数量指标"}

_CN = "一二三四五六七八九十两"
_NUM = rf"(?:\d+(?:\.\d+)?(?:[—\-～~至到]\d+(?:\.\d+)?)?|[{_CN}]+)"
_DATE = (
    r"(?:(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?(?:底|末|上旬|中旬|下旬)?|(?:\d{4}年|今年|本年|明年)?(?:年底|年末)"
    r"|月底|季度末)(?:以前|之前|前)"
    r"|(?:\d{4}年|今年|本年)?年内"
)
_PERIOD = rf"{_NUM}个?(?:小时|工作日|日|天|周|个?月|年)(?:以内|之内|内)"
DEADLINE = re.compile(rf"{_DATE}|{_PERIOD}")
_BOUND = r"至少|不少于|不低于|不超过|超过|大于|小于|低于|最多"
_MEASURE = r"%|％|个百分点|座|项|处|次|起|所|家|名|人|支|辆|台|条|个|米|公里|吨|小时|个工作日|天|日|周|个月|年|倍|万元|元|级"
_FOLLOW = r"(?:及以上|以上|以下|以内)?"
FREQUENCY = re.compile(
    rf"每(?P<period>半年|年度?|季度?|月|周|旬|日|天)(?:(?P<bound>{_BOUND})(?P<verb>[^\W\d{_CN}]{{0,4}}?)"
    rf"(?P<count>{_NUM}(?:次|项|个|场|批|轮)))?"
)
QUANTITY = re.compile(
    rf"(?:(?P<scope>每[^，。；、\d]{{1,8}}?)?(?P<bound>{_BOUND})(?P<verb>[^\W\d]{{0,4}}?))?"
    rf"(?<!\d)(?!\d{{4}}年)(?P<number>\d+(?:\.\d+)?(?:[—\-～~至到]\d+(?:\.\d+)?)?)(?P<measure>{_MEASURE}){_FOLLOW}"
)
# Chinese numerals count only after a bound (至少召开一次, 达到二级): elsewhere they are names (“三同时”).
QUANTITY_CN = re.compile(
    rf"(?:(?P<scope>每[^，。；、\d]{{1,8}}?)?(?P<bound>{_BOUND}|达到)(?P<verb>[^\W\d]{{0,4}}?))"
    rf"(?P<number>[{_CN}]+)(?P<measure>次|项|处|座|个|级|名|家|倍){_FOLLOW}"
)
_PHRASE_END = re.compile(r"[，。；：]")
_NOUN_END = re.compile(r"[、和与或]")  # a counted noun ends at the next one listed beside it
_REACHES = re.compile(r"(?:要|应|应当|须|必须)?(?:全部|均|都|基本)?(?:达到|达)?$")
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》")
_SHORT_VERB = 4  # words after a deadline that are only its verb (完成, 前完成, 建成): the object lies before
_MASK = "\x00"


@dataclass(frozen=True)
class Target:
    """``Target("（十五）", "deadline", "2025年6月底前", "深入推进煤矿区域性隐蔽致灾因素普查", …)``."""

    unit: str
    kind: str  # deadline | frequency | quantity
    value: str
    object: str
    text: str  # the task sentence it was found in
    item: NoticeItem
    task: Task

    @property
    def citation(self) -> Citation:
        """The item, quoting the task sentence."""
        return self.item.cite(self.task.start, self.task.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "kind": self.kind,
            "value": self.value,
            "object": self.object,
            "text": self.text,
            "title": self.item.title,
            "citation": self.item.citation,
        }


def extract_targets(items: Iterable[NoticeItem]) -> list[Target]:
    """Every deadline, frequency and quantity in the items' tasks, in text order within each task."""
    found: list[Target] = []
    for item in items:
        for task in item.tasks:
            found += task_targets(item, task)
    return found


def task_targets(item: NoticeItem, task: Task) -> list[Target]:
    """The targets of one task sentence."""
    text = task.text
    masked = _QUOTED.sub(lambda m: _MASK * len(m.group(0)), text)  # names in “…” and 《…》 are not targets
    spans: list[tuple[int, str, str, str]] = []  # start, kind, value, object
    for kind, pattern in (("deadline", DEADLINE), ("frequency", FREQUENCY), ("quantity", QUANTITY)):
        for match in pattern.finditer(masked):
            spans.append((match.start(), kind, *_read(kind, match, text)))
            masked = masked[: match.start()] + _MASK * len(match.group(0)) + masked[match.end() :]
    for match in QUANTITY_CN.finditer(masked):
        spans.append((match.start(), "quantity", *_read("quantity", match, text)))
    return [Target(item.unit, kind, value, obj, text, item, task) for _, kind, value, obj in sorted(spans)]


def _read(kind: str, match: re.Match[str], text: str) -> tuple[str, str]:
    """The value and the object of one match."""
    before, after = _phrase_before(text, match.start()), _phrase_after(text, match.end())
    if kind == "deadline":
        value = match.group(0)
        if len(after) <= _SHORT_VERB:
            return value, before or after
        return value, after
    groups = match.groupdict()
    bound = groups.get("bound") or ""
    if kind == "frequency":
        value = f"每{groups['period']}{bound}{groups.get('count') or ''}"
        return value, f"{groups.get('verb') or ''}{after}" or before
    scope = text[match.start("scope") : match.end("scope")] if groups.get("scope") else ""
    number = text[match.start("number") : match.end()]
    if bound == "达到" and before:  # 尾矿库要全部达到二级及以上标准: the object is the subject before
        return f"{number}{after}", _REACHES.sub("", before)
    value = f"{scope}{bound}{number}"
    noun = _NOUN_END.split(after.removeprefix("的"), maxsplit=1)[0]
    if noun and not noun[0].isdigit():
        return value, noun
    return value, _REACHES.sub("", before)


def _phrase_before(text: str, start: int) -> str:
    """The words between the last ，。；： before ``start`` and ``start``."""
    cuts = [0, *(m.end() for m in _PHRASE_END.finditer(text, 0, start))]
    phrase = text[cuts[-1] : start].strip("、 ")
    if (
        not phrase and len(cuts) > 1
    ):  # the value opens its phrase: take the phrase before (…普查，6月底前完成)
        phrase = text[cuts[-2] : cuts[-1] - 1].strip("、 ")
    return phrase


def _phrase_after(text: str, end: int) -> str:
    """The words from ``end`` to the next ，。；： (a 、 or 或 at the start ends the phrase at once)."""
    stop = _PHRASE_END.search(text, end)
    after = text[end : stop.start() if stop else len(text)]
    return "" if after[:1] in ("、", "或", "") else after.strip()


def target_table(targets: list[Target]) -> Table:
    """One row per target, with the item and its citation."""
    return Table(
        ["事项", "工作", "类型", "时限/指标", "对象", "原文", "出处"],
        [[t.unit, t.item.title, KINDS[t.kind], t.value, t.object, t.text, t.item.citation] for t in targets],
        title="时限与指标",
    )


def format_targets(targets: list[Target]) -> str:
    """Plain text for the CLI and bots: one line per target, grouped by item."""
    lines: list[str] = []
    unit = None
    for t in targets:
        if t.unit != unit:
            unit = t.unit
            lines.append(f"{t.item.heading}")
        lines.append(f"  [{KINDS[t.kind]}] {t.value}：{t.object}")
    return "\n".join(lines) if lines else "通知中没有找到时限或数量指标。"
