"""Text helpers for exam items: a provision's sentences, comparable (normalised) text, number values.

Usage::

    for segment in segments(provision): segment.body   # "生产经营单位……应当……"
    normalize(provision.text)                          # no spaces, no 项 markers, one line
    number_value("一千五百万")                          # 15000000.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.model import Provision
from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int
from indexers.parse_notice import trailing_parenthetical

NUMERAL = CN_NUMERAL_CHARS + "0123456789.万亿"
_ITEM_MARKER = re.compile(r"^[（(][一二三四五六七八九十\d]+[）)]\s*")
_SENTENCE_END = re.compile(r"[。；;]")
_LEAD_END = "：:"
_TRAILING = "，,。；;：:、 "
# A statement that needs its neighbours to make sense is not used on its own.
_REFERENCE = r"前款|前两款|前三款|前条|本条|上述|前项|第[一二三四五六七八九十]+项"
# 将其存入…: 其 is the sentence before; 以下 is "the following" unless a number comes before it (五万元以下).
_NEEDS_CONTEXT = re.compile(
    rf"{_REFERENCE}|下列|(?<![元人日年月天倍米吨次个时周岁名%\d{CN_NUMERAL_CHARS}])以下|如下|将其|把其"
)
_LEAD_NEEDS_CONTEXT = re.compile(_REFERENCE)
_BAD_START = re.compile(r"^(并|但|且|或者|以及|其中|同时|该|其|此|对此|所述|除此|否则|如|即)")
_CATCH_ALL = re.compile(r"其他[\u4e00-\u9fff、]{0,10}$")
MAX_SEGMENT = 110
# A list of violations and what they bring: 生产经营单位有下列行为之一的，责令限期改正，处十万元以下的罚款……：
_VIOLATIONS = re.compile(r"^(?P<who>[^，。；：]*?)有下列(?:行为|情形)之一的，(?P<then>[^；：]+)")
SHARED_WORDS = 4  # characters in a row a 填空 answer may not share with its own stem
BLANK_CONTEXT = 6  # characters of a composed sentence's consequence that come before any blank


@dataclass(frozen=True)
class Segment:
    """One sentence of a provision; ``lead`` is the paragraph's lead-in when the sentence is a 项."""

    text: str
    lead: str = ""
    quoted: str = ""  # how an explanation quotes a composed sentence (lead-in……项)
    blank_from: int = 0  # a composed sentence takes blanks only well inside what the violation brings

    @property
    def quote(self) -> str:
        """The sentence as an explanation quotes it: a 项 after its lead-in and an ellipsis."""
        if self.quoted:
            return self.quoted
        return f"{self.lead}……{self.text}" if self.lead else self.text

    @property
    def body(self) -> str:
        """The sentence as it reads in an item: the lead-in (ending in ：) and the 项 together."""
        return f"{self.lead}{self.text}"

    @property
    def standalone(self) -> bool:
        """Whether the sentence can be stated alone (a 判断 statement) without its neighbours."""
        return not self.lead and self.stem_ready

    @property
    def stem_ready(self) -> bool:
        """Whether the sentence can carry a blank in a stem: no reference to 前款, 本条 … outside its lead."""
        return not (
            _NEEDS_CONTEXT.search(self.text)
            or _LEAD_NEEDS_CONTEXT.search(self.lead)
            or _BAD_START.match(self.body)
        )


def segments(provision: Provision) -> list[Segment]:
    """The provision's sentences in order; a notice item loses its label, lead phrase and bodies clause."""
    result: list[Segment] = []
    for paragraph in provision.paragraphs:
        text = _strip_notice_parts(paragraph.text, provision) if provision.bodies else paragraph.text
        sentences = [s.strip(_TRAILING) for s in _SENTENCE_END.split(text)]
        sentences = [s for s in sentences if s]
        for sentence in sentences:
            if sentence.endswith(tuple(_LEAD_END)) or len(sentence) > MAX_SEGMENT:
                continue
            result.append(Segment(_ITEM_MARKER.sub("", sentence).strip(_TRAILING)))
        lead = text.split("。")[-1].strip() if paragraph.items else ""
        if not lead.endswith(tuple(_LEAD_END)):
            continue
        for item in paragraph.items:
            body = _ITEM_MARKER.sub("", item.strip()).strip(_TRAILING)
            if body and len(lead) + len(body) <= MAX_SEGMENT and not is_catch_all(body):
                result.append(Segment(body, lead))
            statement = composed(lead, body)
            if statement and len(statement) <= MAX_SEGMENT and not is_catch_all(body):
                told = f"{lead.split('；')[0]}……{body}"
                then = statement.index("的，") + 2  # the words around a blank stay the text's own words
                result.append(Segment(statement, quoted=told, blank_from=then + BLANK_CONTEXT))
    return [s for s in result if len(s.body) >= 8]


def composed(lead: str, item: str) -> str:
    """A violation of a list told with what it brings: 生产经营单位有下列行为之一的，责令限期改正，处十万元以下
    的罚款……：（一）未如实记录……情况的 → 生产经营单位未如实记录……情况的，责令限期改正，处十万元以下的罚款;
    "" when the lead-in is not such a list."""
    match = _VIOLATIONS.match(lead)
    item = _ITEM_MARKER.sub("", item.strip()).strip(_TRAILING)
    if not match or not item.endswith("的") or "的，" in item or is_catch_all(item.removesuffix("的")):
        return ""
    return f"{match['who']}{item}，{match['then'].strip(_TRAILING)}"


def composed_in(source: str, statement: str) -> bool:
    """Whether the statement is one of the text's violation lists told item by item (see composed)."""
    wanted, lead = core(statement), ""
    for line in source.splitlines():
        line = line.strip()
        if _ITEM_MARKER.match(line):
            if lead and core(composed(lead, line)) == wanted:
                return True
        elif line:
            lead = line
    return False


def is_catch_all(item: str) -> bool:
    """A 项 that only points elsewhere: 法律、行政法规规定的其他职责."""
    return bool(_CATCH_ALL.search(item))


def _strip_notice_parts(text: str, provision: Provision) -> str:
    text = _ITEM_MARKER.sub("", text)
    if provision.title and text.startswith(provision.title):
        text = text[len(provision.title) :].lstrip("。，")
    clause = trailing_parenthetical(text)
    return text[: len(text) - len(clause) - 2] if clause else text


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Text as compared: 项 markers at line starts removed, then all whitespace."""
    lines = (_ITEM_MARKER.sub("", line.strip()) for line in text.splitlines())
    return re.sub(r"\s+", "", "".join(lines))


def core(text: str) -> str:
    """A statement without surrounding punctuation and whitespace, normalised."""
    return normalize(text).strip(_TRAILING)


def contains(haystack: str, needle: str) -> bool:
    """Whether the normalised needle occurs in the normalised haystack."""
    needle = core(needle)
    return bool(needle) and needle in normalize(haystack)


def number_value(text: str) -> float:
    """The value of a numeral such as 三十, 1.5, 一千五百万, 5000万, 1亿; ValueError if it is none."""
    text = text.strip()
    for unit, factor in (("亿", 1e8), ("万", 1e4)):
        if unit in text:
            high, _, low = text.partition(unit)
            return (number_value(high) if high else 1.0) * factor + (number_value(low) if low else 0.0)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    return float(cn_to_int(text))


@lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the normalised text (for similarity between options)."""
    flat = core(text)
    return frozenset(flat[i : i + 2] for i in range(len(flat) - 1)) or frozenset((flat,))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams: 1.0 for the same text."""
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def coverage(part: str, whole: str) -> float:
    """Share of the part's bigrams that occur in the whole: near 1.0 when the whole says the same."""
    x = bigrams(part)
    return len(x & bigrams(whole)) / len(x) if x else 1.0


def common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common start and the common end (not overlapping the start) of two texts."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def shares_words(answer: str, stem: str, length: int = SHARED_WORDS) -> bool:
    """Whether the stem already holds ``length`` characters in a row of the answer (the whole answer when
    it is shorter): 安全生产责任制 in a stem that says 安全生产 is given away."""
    flat, where = core(answer), core(stem)
    size = min(length, len(flat))
    return any(flat[i : i + size] in where for i in range(len(flat) - size + 1))
