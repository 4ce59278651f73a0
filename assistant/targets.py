"""Deadlines, frequencies and quantified targets of the notice, found by rules over each item's task sentences.

Passes over every task sentence, each masking what it found so that a number is counted once:

1. deadlines: a date or period that ends in 前/内 (2025年6月底前, 12月底前, 年底前, 年内); a period followed by
   what it counts (3个月内发生2起) is a count window, not a deadline;
2. frequencies: 每 + a period, with the count that follows (每半年至少召开一次, 每年至少解决1—2项);
3. quantities: a number with its measure word (10座, 90%, 100%, 1处, 600米), with a bound before it
   (至少, 不少于, 超过, 大于 …) and a scope (每个村（社区）) when written; a length of time (2小时, 超过3年) is a
   duration;
4. counts written in Chinese numerals: after a bound (至少召开一次, 达到二级), and the named counts of measures
   and programmes, also inside quotation marks (“八条硬措施”, 三年行动).

The object of a target is the thing measured: for a deadline the task it closes (the words after it, or
the phrase before it when only a verb such as 完成 follows); for a number the noun that follows it
(10座智能化煤矿, 90%的化工园区), the attribute it bounds (采深大于600米 → 采深, 停用时间超过3年 → 停用时间), or
the phrase before it when the number ends the phrase (覆盖率达到100%).

Usage::

    rows = extract_targets(items)
    rows[0].to_dict()  # {"unit": "（四）", "kind": "frequency", "value": "每年至少1—2项", ...}
    deadline_date("12月底前", 2025)  # date(2025, 12, 31)
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.answer import Citation
from assistant.exports import Table
from assistant.notice_items import NoticeItem, Task

KINDS = {
    "deadline": "时限",
    "frequency": "频次",
    "quantity": "数量指标",
    "duration": "时长",
    "window": "统计时段",
}

_CN = "一二三四五六七八九十两"
_NUM = rf"(?:\d+(?:\.\d+)?(?:[—\-～~至到]\d+(?:\.\d+)?)?|[{_CN}]+)"
_DATE = (
    r"(?:(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?(?:底|末|上旬|中旬|下旬)?|(?:\d{4}年|今年|本年|明年)?(?:年底|年末)"
    r"|月底|季度末)(?:以前|之前|前)"
    r"|(?:\d{4}年|今年|本年)?年内"
)
_PERIOD = rf"{_NUM}个?(?:小时|工作日|日|天|周|个?月|年)(?:以内|之内|内)"
DEADLINE = re.compile(rf"{_DATE}|{_PERIOD}")
# A period followed by what happens in it counts events (3个月内发生2起): a window, not a deadline.
_COUNTED = re.compile(r"(?:发生|出现|累计|连续|新增|再次|再发生)")
_BOUND = r"至少|不少于|不低于|不超过|超过|大于|小于|低于|最多"
_MEASURE = r"%|％|个百分点|座|项|处|次|起|所|家|名|人|支|辆|台|条|个|米|公里|吨|小时|个工作日|天|日|周|个月|年|倍|万元|元|级"
_TIME = ("小时", "个工作日", "天", "日", "周", "个月", "年")  # a number in these is a duration
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
# ... except the named counts of measures and of multi-year programmes, quoted or not: “八条硬措施”, 三年行动.
NAMED_COUNT = re.compile(
    rf"(?<![{_CN}\d])(?P<number>[{_CN}]+)(?P<measure>条|项)(?=(?P<noun>硬措施|措施|举措|任务|职责|要求|规定))"
    rf"|(?<![{_CN}\d])(?P<years>[{_CN}]+年)(?=(?P<programme>行动|攻坚|计划|规划))"
)
# The attribute a bounded number measures, written just before the bound: 采深大于600米, 停用时间超过3年.
_ATTRIBUTE = re.compile(
    r"[^\W\d]{0,2}(?:时间|时长|年限|采深|深度|高度|坝高|长度|面积|距离|速度|比例|比率|人数|数量|产能|规模|库容)$"
)
# The verb a task sentence opens with, left off an object read from the phrase before a number.
_LEADING_VERB = re.compile(
    r"^(?:统筹|着力|持续|深入|扎实|加快|大力|积极|全面|认真|严格|继续)?"
    r"(?:推进|推动|解决|打造|开展|实施|建设|落实|完成|建成|建立)"
)
_PHRASE_END = re.compile(r"[，。；：]")
_NOUN_END = re.compile(r"[、和与或的]")  # a counted noun ends at the next one listed beside it
_REACHES = re.compile(r"(?:要|应|应当|须|必须)?(?:全部|均|都|基本)?(?:达到|达)?$")
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》")
_SHORT_VERB = 4  # words after a deadline that are only its verb (完成, 前完成, 建成): the object lies before
_MASK = "\x00"
_TENTHS = {"上旬": 10, "中旬": 20}


@dataclass(frozen=True)
class Target:
    """``Target("（十五）", "deadline", "2025年6月底前", "深入推进煤矿区域性隐蔽致灾因素普查", …)``."""

    unit: str
    kind: str  # deadline | frequency | quantity | duration | window
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
    spans: list[tuple[int, str, str, str]] = []  # start, kind, value, object
    masked = _QUOTED.sub(lambda m: _MASK * len(m.group(0)), text)  # names in “…” and 《…》 are not targets
    for match in NAMED_COUNT.finditer(text):  # … but named counts are, quoted or not
        spans.append((match.start(), *_named(match, text)))
        masked = _masked(masked, match)
    for kind, pattern in (("deadline", DEADLINE), ("frequency", FREQUENCY), ("quantity", QUANTITY)):
        for match in pattern.finditer(masked):
            spans.append((match.start(), *_read(kind, match, text)))
            masked = _masked(masked, match)
    for match in QUANTITY_CN.finditer(masked):
        spans.append((match.start(), *_read("quantity", match, text)))
    return [Target(item.unit, kind, value, obj, text, item, task) for _, kind, value, obj in sorted(spans)]


def _masked(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + _MASK * (match.end() - match.start()) + text[match.end() :]


def _named(match: re.Match[str], text: str) -> tuple[str, str, str]:
    """kind, value and object of a named count: (quantity, 八条, 硬措施) or (duration, 三年, …三年行动)."""
    if match.group("years"):
        before = _LEADING_VERB.sub("", _phrase_before(text, match.start()).split("、")[-1])
        return "duration", match.group("years"), f"{before}{match.group('years')}{match.group('programme')}"
    return "quantity", f"{match.group('number')}{match.group('measure')}", match.group("noun")


def _read(kind: str, match: re.Match[str], text: str) -> tuple[str, str, str]:
    """The kind, value and object of one match."""
    before, after = _phrase_before(text, match.start()), _phrase_after(text, match.end())
    if kind == "deadline":
        value = match.group(0)
        if value.endswith("内") and _COUNTED.match(text, match.end()):
            return "window", value, _phrase_after(text, match.end(), listed=True).removesuffix("的")
        if len(after) <= _SHORT_VERB:
            return kind, value, before or after
        return kind, value, after
    groups = match.groupdict()
    bound = groups.get("bound") or ""
    if kind == "frequency":
        value = f"每{groups['period']}{bound}{groups.get('count') or ''}"
        return kind, value, f"{groups.get('verb') or ''}{after}" or before
    scope = text[match.start("scope") : match.end("scope")] if groups.get("scope") else ""
    number = text[match.start("number") : match.end()]
    if groups["measure"] in _TIME:
        kind = "duration"
    if bound == "达到" and before:  # 尾矿库要全部达到二级及以上标准: the object is the subject before
        return kind, f"{number}{after}", _REACHES.sub("", before)
    value = f"{scope}{bound}{number}"
    attribute = _ATTRIBUTE.search(before.split("、")[-1]) if bound else None
    if attribute:  # 采深大于600米煤矿: 600米 measures 采深, not 煤矿
        return kind, value, attribute.group(0)
    if kind == "duration":  # 无人机2小时可抵达: who takes the time, and doing what
        return kind, value, f"{_LEADING_VERB.sub('', before)}{after.split('的')[0]}"
    noun = _NOUN_END.split(after.removeprefix("的"), maxsplit=1)[0] or _shared_noun(text, match)
    if noun and not noun[0].isdigit():
        return kind, value, noun
    return kind, value, _REACHES.sub("", before)


def _shared_noun(text: str, match: re.Match[str]) -> str:
    """The noun of a count listed before another of the same measure (2起及以上或…3起及以上较大事故)."""
    measure = match.group("measure")
    stop = _PHRASE_END.search(text, match.end())
    rest = text[match.end() : stop.start() if stop else len(text)]
    later = re.search(rf"\d+{re.escape(measure)}{_FOLLOW}(?P<noun>[^\W\d]+)", rest)
    return later.group("noun").removesuffix("的") if later else ""


def _phrase_before(text: str, start: int) -> str:
    """The words between the last ，。；： before ``start`` and ``start``."""
    cuts = [0, *(m.end() for m in _PHRASE_END.finditer(text, 0, start))]
    phrase = text[cuts[-1] : start].strip("、 ")
    if (
        not phrase and len(cuts) > 1
    ):  # the value opens its phrase: take the phrase before (…普查，6月底前完成)
        phrase = text[cuts[-2] : cuts[-1] - 1].strip("、 ")
    return phrase


def _phrase_after(text: str, end: int, listed: bool = False) -> str:
    """The words from ``end`` to the next ，。；： (a 、 or 或 at the start ends the phrase at once, unless
    ``listed``)."""
    stop = _PHRASE_END.search(text, end)
    after = text[end : stop.start() if stop else len(text)]
    return "" if not listed and after[:1] in ("、", "或", "") else after.strip()


def deadline_date(value: str, year: int) -> date | None:
    """The last day a deadline allows, in the notice's year when it names none: 2025年6月底前 → 2025-06-30,
    12月底前 / 年底前 / 年内 → 12-31 of ``year``; None for what names no day (3个月内, 月底前, 季度末)."""
    written = re.match(r"(?:(?P<year>\d{4})年|(?P<next>明年))?", value)
    assert written is not None  # an optional group always matches
    year = int(written.group("year") or year) + (1 if written.group("next") else 0)
    rest = value[written.end() :]
    month = re.match(r"(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?(?P<part>上旬|中旬)?", rest)
    if month:
        number = int(month.group("month"))
        if not 1 <= number <= 12:
            return None
        last = calendar.monthrange(year, number)[1]
        day = int(month.group("day") or _TENTHS.get(month.group("part") or "", last))
        return date(year, number, day) if 1 <= day <= last else None
    if re.match(r"(?:今年|本年)?(?:年底|年末|年内)", rest):
        return date(year, 12, 31)
    return None


def notice_year(title: str, effective: str | None) -> int | None:
    """The year a notice plans for: the first year in its title (关于做好2025年…), else its effective year."""
    found = re.search(r"(\d{4})年", title) or re.match(r"(\d{4})", effective or "")
    return int(found.group(1)) if found else None


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
