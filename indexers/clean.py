"""Clean extracted text: page numbers and running headers, broken lines, punctuation widths, stray spaces.

Usage::

    text = normalize_text(rejoin_lines(raw))
"""

from __future__ import annotations

import re
from collections import Counter

from corpus.numerals import CN_NUMERAL_CHARS

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_N = CN_NUMERAL_CHARS
# A line that starts a new structural unit (never glued to the line before it).
STRUCTURE_START = re.compile(
    rf"^(#|---|第[{_N}\s]+[编章节条]|[{_N}]+、|[（(][{_N}]+[）)]|\d+[.．、]|[（(]\d+[）)]|附件|附表|抄送)"
)
_HEADING = re.compile(rf"^(第[{_N}\s]+[编章节](\s|$)|[{_N}]+、)")
_TERMINAL = "。！？；：!?;:"
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(第\s*)?\d+\s*(页)?(\s*[/／共]\s*\d+\s*页?)?[-—–\s]*$|^[-—–\s]*[ivxlc]+[-—–\s]*$",
    re.IGNORECASE,
)
_HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def remove_page_furniture(pages: list[str]) -> list[str]:
    """Drop page numbers and the running headers/footers repeated at the top or bottom of most pages."""
    page_lines = [[line for line in page.splitlines() if line.strip()] for page in pages]
    repeated: Counter[str] = Counter()
    for lines in page_lines:
        edges = {_furniture_key(line) for line in lines[:2] + lines[-2:]}
        repeated.update(edges)
    threshold = max(3, len(pages) // 2 + 1)
    furniture = {key for key, count in repeated.items() if count >= threshold}
    cleaned = []
    for lines in page_lines:
        kept = [
            line
            for i, line in enumerate(lines)
            if not (_PAGE_NUMBER.match(line.strip()) and (i < 2 or i >= len(lines) - 2))
            and _furniture_key(line) not in furniture
        ]
        cleaned.append("\n".join(kept))
    return cleaned


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", "".join(line.split()))


def rejoin_lines(text: str) -> str:
    """Re-join words and sentences broken across lines, blank lines or page breaks.

    A line continues the previous one unless the previous one ends a sentence or the line opens a
    structural unit (a heading, 第X条, （一）, 一、 …). Paragraphs are separated by one newline.
    """
    paragraphs: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if paragraphs and not STRUCTURE_START.match(line) and _continues(paragraphs[-1]):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return "\n".join(paragraphs)


def _continues(previous: str) -> bool:
    standalone_bracket = previous.startswith(("（", "(")) and previous.endswith(("）", ")"))
    return (
        not previous.startswith("#")
        and previous[-1] not in _TERMINAL
        and not standalone_bracket
        and not _is_heading_like(previous)
    )


def _is_heading_like(line: str) -> bool:
    return bool(_HEADING.match(line)) and len(line) <= 40 and "。" not in line


def normalize_text(text: str) -> str:
    """Full-width Chinese punctuation and no stray spaces inside Chinese text ("第 六 条", "2 4 小时")."""
    return "\n".join(_normalize_line(line) for line in text.splitlines())


def _normalize_line(line: str) -> str:
    line = line.replace("\u3000", " ").replace("\xa0", " ").strip()
    line = re.sub(r"[,;:](?!\d)|(?<!\d)[,;:]|[()?!]", lambda m: _HALF_TO_FULL[m.group()], line)
    line = re.sub(rf"(?<=[{_CJK}\d（）“”《》，。；：、])\s+(?=[{_CJK}\d（）“”《》，。；：、])", "", line)
    line = re.sub(rf"(?<=[{_CJK}])\s+(?=[A-Za-z])|(?<=[A-Za-z])\s+(?=[{_CJK}])", "", line)
    return line


def normalize_for_compare(text: str) -> str:
    """Text with all whitespace removed, for comparing two renderings of the same document."""
    return "".join(normalize_text(text).split())
