"""Quotable pieces of a provision: its clauses and 项 with their exact place in the text, and how well each
matches a question (shared character bigrams).

Usage::

    pieces = segments(provision)          # [Segment(start, end, text, paragraph, item), …]
    rank_segments("主要负责人有哪些职责", provision)[0].text
    NUMBER.findall("1小时内报告")          # ["1小时"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.model import Provision

# Clauses: split after 。；！？ and at line ends, never inside “…”.
_CLAUSE = re.compile(r"(?:“[^”]*”|[^。；！？\n“])+[。；！？]?")
ITEM_MARKER = re.compile(
    r"^(?:[（(][一二三四五六七八九十百零〇\d]+[）)]|\d+[.、．]|[一二三四五六七八九十]+、)\s*"
)
EDGE_PUNCTUATION = "；。，：、 "
_CN_DIGITS = "〇零一二三四五六七八九十百千万亿两"
_ARABIC = r"\d+(?:\.\d+)?(?:[—\-～至到]\d+(?:\.\d+)?)?"
_ARABIC_UNIT = r"(?:%|％|个?小时|分钟|个?工作日|日|天|周|个月|年|万?元|亿元|人|名|座|项|次|倍|米|公里|吨|处|家|个|级|岁|辆|台)"
_CN_UNIT = r"(?:个?小时|分钟|个?工作日|日|天|周|个月|年|万?元|亿元|人|名|次|倍|周岁|岁)"
_QUANTITY = rf"(?:{_ARABIC}{_ARABIC_UNIT}|(?<![同每第])(?<![^以][上下])(?<!^[上下])[{_CN_DIGITS}]+{_CN_UNIT}|百分之[{_CN_DIGITS}]+)"
_DATE = r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?(?:底|末|上旬|中旬|下旬)?(?:以?前)?|(?:今|本|当|明)?年底前?|月底前|年内"
# A number, duration, amount, share or deadline: 1小时, 三年, 一万元以上五万元以下, 60%至100%, 2025年6月底前.
NUMBER = re.compile(rf"{_DATE}|{_QUANTITY}(?:以上|以下)?(?:(?:至|到|—|～)?{_QUANTITY}(?:以上|以下)?)?")


@dataclass(frozen=True)
class Segment:
    """``segments(provision)[0].text``: a clause or a 项 of a provision and where it lies in provision.text."""

    start: int
    end: int
    text: str
    paragraph: int  # index of the 款 it belongs to
    item: bool = False  # a 项 line such as （一）…；


def segments(provision: Provision) -> list[Segment]:
    """The quotable clauses and 项 of a provision, in order; a notice item's heading and bodies are left out."""
    text = provision.text
    content_end = bodies_span(provision)[0]
    found: list[Segment] = []
    for offset, line, paragraph, item in _lines(provision):
        pieces = [(0, len(line))] if item else [m.span() for m in _CLAUSE.finditer(line)]
        for start, end in pieces:
            piece = _stripped(Segment(offset + start, offset + end, line[start:end], paragraph, item), text)
            if piece.text.strip(EDGE_PUNCTUATION) and piece.start < content_end:
                found.append(piece)
    heading = f"{provision.unit}{provision.title}"
    return [s for s in found if not (provision.title and s.text.rstrip("。") == heading)]


def overlap(question: str, text: str) -> int:
    """How many distinct character bigrams of the question occur in the text."""
    return len(_bigrams(question) & _bigrams(text))


def rank_segments(question: str, provision: Provision) -> list[Segment]:
    """The provision's segments, best bigram overlap with the question first, ties in text order."""
    return by_relevance(question, segments(provision))


def by_relevance(question: str, found: list[Segment]) -> list[Segment]:
    return sorted(found, key=lambda s: (-overlap(question, s.text), s.start))


def _bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in re.findall(r"\w+", text) for i in range(len(run) - 1)}


def _lines(provision: Provision) -> list[tuple[int, str, int, bool]]:
    """(offset in text, line, 款 index, is a 项) for each line of provision.text; a 项 with sub-items
    (1．…) spans several lines, each its own 项 line."""
    layout = [
        entry
        for index, paragraph in enumerate(provision.paragraphs)
        for entry in [(paragraph.text, index, False), *((item, index, True) for item in paragraph.items)]
    ]
    if "\n".join(line for line, _, _ in layout) != provision.text:
        layout = [(line, 0, False) for line in provision.text.split("\n")]
    found, offset = [], 0
    for entry, paragraph, item in layout:
        for line in entry.split("\n"):
            found.append((offset, line, paragraph, item))
            offset += len(line) + 1
    return found


def _stripped(segment: Segment, text: str) -> Segment:
    """The segment without surrounding white space."""
    start = segment.start + len(segment.text) - len(segment.text.lstrip())
    end = max(start, segment.end - (len(segment.text) - len(segment.text.rstrip())))
    return Segment(start, end, text[start:end], segment.paragraph, segment.item)


def bare(segment: Segment) -> Segment:
    """The segment without its leading （一） marker and its closing punctuation."""
    marker = ITEM_MARKER.match(segment.text)
    start = segment.start + (marker.end() if marker else 0)
    body = segment.text[start - segment.start :].rstrip(EDGE_PUNCTUATION)
    return Segment(start, start + len(body), body, segment.paragraph, segment.item)


def bodies_span(provision: Provision) -> tuple[int, int]:
    """Where a notice item's closing （…负责） lies in its text; an empty span at the end when there is none."""
    text = provision.text.rstrip()
    if (provision.bodies or provision.general_bodies) and text.endswith("）"):
        depth = 0
        for index in range(len(text) - 1, -1, -1):
            depth += {"）": 1, "（": -1}.get(text[index], 0)
            if depth == 0:
                return index, len(text)
    return len(provision.text), len(provision.text)


def sentence_of(provision: Provision, clause: Segment) -> Segment:
    """The whole sentence (up to 。) a clause belongs to: its neighbours joined by ； in the same line."""
    same = [s for s in segments(provision) if not s.item and s.paragraph == clause.paragraph]
    if clause not in same:
        return clause
    first = last = same.index(clause)
    while first > 0 and same[first - 1].text.endswith("；"):
        first -= 1
    while last < len(same) - 1 and same[last].text.endswith("；"):
        last += 1
    start, end = same[first].start, same[last].end
    return Segment(start, end, provision.text[start:end], clause.paragraph)
