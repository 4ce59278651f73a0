"""The checkable facts of a sentence: numbers with their units (amounts, durations, dates, shares), article
references (第二十一条, 第二款, 第三项, （十三）) and document titles (《消防法》), written so that 24小时 and
二十四小时, 5万元 and 五万元 compare equal.

Usage::

    quantities("事故发生后1小时内报告，罚款二万元")    # {(1.0, "小时"): "1小时", (20000.0, "元"): "二万元"}
    references("依照第二十一条第二款")                 # {("条", 21), ("款", 2)}
    titles("《消防法》规定")                          # ["消防法"]
"""

from __future__ import annotations

import re
from collections.abc import Collection

from corpus.numerals import cn_to_int

Quantity = tuple[float, str]  # value and normalised unit ("" for a bare Arabic number)
Reference = tuple[str, int]  # kind (条, 款, 项, 章, 节, 目) and number

_CN_DIGIT = "〇零一二两三四五六七八九"
_CN_CHARS = _CN_DIGIT + "十百千万亿"
# Units as written → the unit they compare as; longest first so that 个工作日 wins over 日.
_UNITS = {
    "个工作日": "工作日",
    "工作日": "工作日",
    "个小时": "小时",
    "小时": "小时",
    "分钟": "分钟",
    "个月": "个月",
    "周岁": "岁",
    "岁": "岁",
    "日": "日",
    "天": "日",
    "周": "周",
    "年": "年",
    "月": "月",
    "亿元": "元",
    "万元": "元",
    "元": "元",
    "人": "人",
    "名": "人",
    "次": "次",
    "倍": "倍",
    "%": "%",
    "％": "%",
    "平方米": "平方米",
    "立方米": "立方米",
    "公里": "公里",
    "千米": "公里",
    "米": "米",
    "吨": "吨",
    "千克": "千克",
    "公斤": "千克",
    "级": "级",
    "层": "层",
}
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_RANGE = "至|到|～|~|—|-"
_NUMBER = re.compile(
    rf"百分之(?P<share>[\d.{_CN_CHARS}]+)"
    rf"|(?P<arabic>\d+(?:\.\d+)?)(?P<scale>[万亿])?(?P<aunit>{_UNIT})?"
    rf"|(?P<cn>[{_CN_CHARS}]+)(?:(?P<cunit>{_UNIT})|(?=(?:{_RANGE})))"
)
# 一 used as the article "a" (一次性, 一名工人, 一人) is no number.
_INDEFINITE_UNITS = {"次", "人", "名"}
_REFERENCE = re.compile(rf"第([\d{_CN_CHARS}]+)(条|款|项|章|节|目)")
_ITEM = re.compile(rf"[（(]([\d{_CN_DIGIT}十百]+)[）)]")
_TITLE = re.compile(r"《([^》]+)》")
_MARKERS = re.compile(r"\[\d+\]")


def quantities(text: str) -> dict[Quantity, str]:
    """Every number of the text with its unit, and how it was first written; article references, items
    and [n] markers are not numbers."""
    text = _ITEM.sub(" ", _REFERENCE.sub(" ", _MARKERS.sub(" ", text)))
    found: dict[Quantity, str] = {}
    for match in _NUMBER.finditer(text):
        quantity = _quantity(match)
        if quantity is not None:
            found.setdefault(quantity, match.group(0))
    return found


def references(text: str) -> set[Reference]:
    """The article, 款, 项, chapter and section numbers the text names, and its notice items as ("项", n)."""
    text = _MARKERS.sub(" ", text)
    found = {(kind, number) for raw, kind in _REFERENCE.findall(text) if (number := _int(raw))}
    found |= {("（）", number) for raw in _ITEM.findall(text) if (number := _int(raw))}
    return found


def titles(text: str) -> list[str]:
    """The document titles the text names in 《》, without a leading 中华人民共和国."""
    return [title.removeprefix("中华人民共和国") for title in _TITLE.findall(text)]


def matches(quantity: Quantity, known: Collection[Quantity]) -> bool:
    """Whether a sentence's quantity is one the provision states; a bare number matches any unit."""
    value, unit = quantity
    return any(value == v and (unit == u or not unit or not u) for v, u in known)


def _quantity(match: re.Match[str]) -> Quantity | None:
    if match.group("share"):
        value = _value(match.group("share"))
        return None if value is None else (value, "%")
    if match.group("arabic"):
        value = float(match.group("arabic")) * {"万": 1e4, "亿": 1e8, None: 1}[match.group("scale")]
        written = match.group("aunit") or ""
        return value * _unit_scale(written), _UNITS.get(written, "")
    raw, written = match.group("cn"), match.group("cunit") or ""
    if raw == "一" and written in _INDEFINITE_UNITS:
        return None
    value = _value(raw)
    return None if value is None else (value * _unit_scale(written), _UNITS.get(written, ""))


def _unit_scale(written: str) -> float:
    return {"万元": 1e4, "亿元": 1e8}.get(written, 1)


def _value(raw: str) -> float | None:
    """The value of an Arabic or Chinese numeral with 万/亿 sections (二十万 → 200000), None when malformed."""
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    total = 0.0
    rest = raw
    for mark, scale in (("亿", 1e8), ("万", 1e4)):
        if mark in rest:
            head, rest = rest.split(mark, 1)
            part = _int(head) if head else 1
            if part is None:
                return None
            total += part * scale
    if rest:
        part = _int(rest)
        if part is None:
            return None
        total += part
    return total


def _int(raw: str) -> int | None:
    try:
        return cn_to_int(raw)
    except ValueError:
        return None
