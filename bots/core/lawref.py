"""Read the argument of /law: which document (full name, short name, document number) and which units.

Usage::

    parse_law_argument("安法 第二十一条", aliases)   # LawRef("work-safety-law-2021", ["21"])
    parse_law_argument("安全生产法 20-22", aliases)  # LawRef("work-safety-law-2021", ["20", "21", "22"])
    parse_law_argument("通知 十三", aliases)         # LawRef("linfen-2025-1", ["13"])
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from assistant.query import NOTICE_ID
from corpus.numerals import cn_to_int

MAX_RANGE = 10  # provisions one /law may show
NOTICE_WORD = "通知"  # in the bot, "通知" alone means the municipal notice
_RANGE = re.compile(r"^(.+?)\s*(?:-|－|—|–|~|～|至|到)\s*(.+)$")
_DECORATION = re.compile(r"[《》〈〉“”\"'，,、：:的\s]+")


class LawRefError(ValueError):
    """An argument that names no document or an impossible range; the message says how to write it."""


@dataclass(frozen=True)
class LawRef:
    """The document named (None when the argument names none) and the units to show, as typed."""

    doc_id: str | None
    units: list[str] = field(default_factory=list)


def parse_law_argument(text: str, aliases: Mapping[str, str]) -> LawRef:
    """The document whose longest alias occurs in the text (or 通知), and the unit or range after it."""
    found = [alias for alias in aliases if alias in text]
    alias = max(found, key=len) if found else (NOTICE_WORD if NOTICE_WORD in text else "")
    doc_id = aliases[alias] if found else (NOTICE_ID if alias else None)
    rest = _DECORATION.sub(" ", text.replace(alias, " ", 1) if alias else text).strip()
    if not rest:
        return LawRef(doc_id)
    span = _RANGE.match(rest)
    bounds = [_number(part) for part in span.groups()] if span else [_number(rest)]
    if None in bounds:  # not a number: a label as written (段落3)
        return LawRef(doc_id, [rest.replace(" ", "")])
    first, last = min(bounds), max(bounds)
    if last - first + 1 > MAX_RANGE:
        raise LawRefError(
            f"一次最多查看 {MAX_RANGE} 条，请缩小范围，例如：/law 安全生产法 {first}-{first + 4}"
        )
    return LawRef(doc_id, [str(n) for n in range(first, last + 1)])


def _number(text: str) -> int | None:
    """21, 第二十一条, （十三）, 第十三项 → the number; None when the text is not a number."""
    bare = re.sub(r"^第|[条项]$|[（()）\s]", "", text)
    try:
        return cn_to_int(bare)
    except ValueError:
        return None
