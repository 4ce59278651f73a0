"""Quoting a provision whole where it matters and marking every cut: its 款 and 项 with their places in the
text, the excerpt of a long provision on a topic, its sentences, who an obligation binds, the penalty clause.

Usage::

    parts = excerpt(provision, matcher.matches)      # [Piece, None, Piece …]: None where a part was left out
    [provision.text[p.start : p.end] if p else CUT for p in parts]
    obligated("生产经营单位应当对从业人员进行安全生产教育和培训")   # "生产经营单位"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from corpus.model import Provision

CUT = "……"
WHOLE_LIMIT = 400  # a provision up to this length is quoted whole
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
_ITEM_MARKER = re.compile(r"^（[一二三四五六七八九十]+）")
_MODAL = re.compile(r"应当|必须|不得|严禁|禁止|负责(?!人)|有权|可以|履行|负有")
_NOT_A_SUBJECT = re.compile(r"^(?:对|在|未|为|依照|按照|根据|经|因|违反|有下列|除)")
_PENALTY = re.compile(r"罚款|处罚|处分|吊销|关闭|停产|停业|拘留|刑事责任|没收|警告|撤销")
_CONDITION = re.compile(r"[前后时的]$")  # 作业人员进入新的岗位前，应当……: a condition, not a party
SUBJECT_LIMIT = 20


@dataclass(frozen=True)
class Piece:
    """``Piece(0, 58, 0, False)``: a 款's lead (or a 款 without 项) or one 项, by its place in the text."""

    start: int
    end: int
    paragraph: int  # which 款
    item: bool  # a 项


def pieces(provision: Provision) -> list[Piece]:
    """The provision's 款 leads and 项 in order; one piece per line where the 款 do not lay out its text."""
    layout = [
        (line, index, item)
        for index, paragraph in enumerate(provision.paragraphs)
        for line, item in [(paragraph.text, False), *((text, True) for text in paragraph.items)]
    ]
    if "\n".join(line for line, _, _ in layout) != provision.text:
        layout = [(line, 0, False) for line in provision.text.split("\n")]
    found, offset = [], 0
    for line, index, item in layout:
        if line.strip():
            found.append(Piece(offset, offset + len(line), index, item))
        offset += len(line) + 1
    return found


def excerpt(
    provision: Provision, on_topic: Callable[[str], bool], limit: int = WHOLE_LIMIT
) -> list[Piece | None]:
    """The provision whole when short; else its 款 on the topic, whole, and of a 款 with 项 the lead and the
    项 on the topic; None stands where anything was left out (never two in a row)."""
    parts = pieces(provision)
    if len(provision.text) <= limit:
        return list(parts)
    text = provision.text
    by_paragraph: dict[int, list[Piece]] = {}
    for piece in parts:
        by_paragraph.setdefault(piece.paragraph, []).append(piece)
    chosen: list[Piece | None] = []
    for group in by_paragraph.values():
        lead, items = group[0], [p for p in group[1:] if p.item]
        if not items:
            kept = [p for p in group if on_topic(text[p.start : p.end])]
        else:
            topical = [p for p in items if on_topic(text[p.start : p.end])]
            kept = [lead, *topical] if topical or on_topic(text[lead.start : lead.end]) else []
            kept = group if kept == [lead] else kept  # the lead alone is on the topic: its 项 belong to it
        for piece in group:
            if piece in kept:
                chosen.append(piece)
            elif chosen[-1:] != [None]:
                chosen.append(None)
    return chosen


def sentences(provision: Provision) -> list[Piece]:
    """Every sentence of every 款 lead and every 项 (a 项 is one sentence)."""
    found = []
    for piece in pieces(provision):
        if piece.item:
            found.append(piece)
            continue
        line = provision.text[piece.start : piece.end]
        for match in _SENTENCE.finditer(line):
            if match.group(0).strip():
                found.append(
                    Piece(piece.start + match.start(), piece.start + match.end(), piece.paragraph, False)
                )
    return found


def obligated(sentence: str) -> str:
    """Whom a sentence obliges: the words before its modal (应当, 必须, 不得, 履行 …) when they name a party."""
    found = _MODAL.search(sentence)
    if not found:
        return ""
    who = sentence[: found.start()].strip()
    who = re.sub(
        r"(?<=..)对.*$", "", who
    )  # 煤矿企业主要负责人对本企业安全生产工作负有…: the party, not its object
    if (
        not who
        or len(who) > SUBJECT_LIMIT
        or "，" in who
        or _NOT_A_SUBJECT.match(who)
        or _CONDITION.search(who)
    ):
        return ""
    return who


def lead_of(provision: Provision, piece: Piece) -> Piece:
    """The lead of the 款 a piece belongs to (the piece itself when it is a lead)."""
    return next(p for p in pieces(provision) if p.paragraph == piece.paragraph and not p.item)


def is_penalty(text: str) -> bool:
    """The text imposes a penalty (罚款, 吊销, 责令停产停业, 追究刑事责任 …)."""
    return bool(_PENALTY.search(text))


def penalty_clause(lead: str) -> tuple[int, int, bool]:
    """Where the penalty of a lead such as “生产经营单位有下列行为之一的，责令限期改正，处十万元以下的罚款；
    逾期未改正的，……” begins and ends (its first clause, up to ；), and whether more follows."""
    start = lead.find("的，") + 2 if "的，" in lead else 0
    end = lead.find("；", start)
    end = len(lead.rstrip("：:。")) if end < 0 else end
    return start, end, end < len(lead.rstrip("：:。"))


def item_text(text: str) -> str:
    """A 项 without its （一） marker and its closing punctuation."""
    return _ITEM_MARKER.sub("", text).rstrip("；。，")
