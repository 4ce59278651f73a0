"""Canonical unit labels from what people type: 21, 第21条, 第 二十一 条, 十三, (十三).

Usage::

    canonical_unit("21")         # "第二十一条"
    canonical_unit("13", "notice")  # "（十三）"
"""

from __future__ import annotations

import re

from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int, int_to_cn

_N = CN_NUMERAL_CHARS
_ARTICLE = re.compile(rf"^第?\s*([\d{_N}]+)\s*条?$")
_ITEM = re.compile(rf"^[（(]?\s*([\d{_N}]+)\s*[）)]?$")


def canonical_unit(raw: str, kind: str = "law") -> str:
    """The label as written in the text (第二十一条 or （十三）); the input unchanged when not a number."""
    text = "".join(raw.split())
    pattern = _ITEM if kind == "notice" else _ARTICLE
    match = pattern.match(text)
    if not match:
        return text
    try:
        number = cn_to_int(match.group(1))
    except ValueError:
        return text
    if not 0 < number < 10000:
        return text
    return f"（{int_to_cn(number)}）" if kind == "notice" else f"第{int_to_cn(number)}条"
