"""Extractive answers composed from ranked hits: a short direct reply, then the quoted basis, all cited.

Every sentence and list line carries a marker such as [1] that points into ``Answer.citations``; the
citations are numbered in the order the answer first uses them, and each ``quote`` is the exact span
of the provision's text that the answer quotes from (for several quoted pieces of one provision, the
span from the first to the last). Only the direct reply and the 依据：/最接近的条款： header are
composed words; after the header come quotes under their citation, and a notice item's responsible
bodies as its closing bracket names them.

Usage::

    answer = compose("主要负责人有哪些职责", "duty", hits, supported=True)
    answer.to_dict()  # {"answer": "责任主体：生产经营单位的主要负责人[1]。\\n依据：\\n…", ...}
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

from assistant.hits import Hit
from assistant.segments import (
    EDGE_PUNCTUATION,
    ITEM_MARKER,
    NUMBER,
    Segment,
    bare,
    bodies_span,
    by_relevance,
    overlap,
    rank_segments,
    segments,
    sentence_of,
)
from assistant.verdict import PROHIBIT, YesNo, decide, modality, verdict_words, yes_no_question
from corpus.model import Provision

NO_BASIS = "在已收录的法规中没有找到直接依据。"
BASIS_HEADER = "依据："
NEAREST_HEADER = "最接近的条款："
GENERAL_NOTE = "对通知各项工作均需负责（通知（一））"

MAX_PROVISIONS = 3  # distinct provisions an answer draws on
MAX_ITEMS = 12  # checklist lines in all
MAX_ITEMS_PER_PROVISION = 8  # obligation sentences taken from one provision without 项
REPLY_LIMIT = 80  # characters of a quoted direct reply
QUOTE_LIMIT = 200  # characters of one quoted basis line
NUMBER_BONUS = 3  # how much a number, date or amount weighs against bigram overlap in fact answers
SECOND_SHARE = 0.6  # a second quoted sentence must score at least this share of the best one
SCREEN_LIMIT = 420  # characters of basis lines shown before the sources (about one phone screen)
MIN_OVERLAP = 2  # shared bigrams a further provision's quote needs to be shown at all
RELEVANT_SHARE = 0.5  # a checklist line of a notice item needs this share of its best line's overlap
DECIDING_DEPTH = 4  # best-matching sentences searched for the one that decides a yes/no question
VERDICT_HITS = 2  # leading provisions searched, in rank order, for a sentence that decides it
UNDECIDED = "收录的条文没有直接说“{yes}”还是“{no}”，请看以下规定："

# Where a long clause may be cut for an excerpt.
_CUT = re.compile(r"[，：；。]")
# Words nearly every provision shares with a question (its actors, modal and procedural words): a deciding
# sentence must share more than these with the question's situation.
_COMMON_WORDS = re.compile(
    r"生产经营单位|主要负责人|从业人员|用人单位|劳动者|职工|单位|负责人|人员|企业|规定|应当|必须|不得|可以|国家|有关|部门"
)
# Sentences of a law that state an obligation, a prohibition or a right.
_OBLIGATION = re.compile(r"应当|必须|不得|严禁|禁止|(?<![主重需])要(?![求点素])|负责(?!人)|有权|须")
# The verb after the subject of a duty sentence; 负责人 is a noun, not the verb.
_DUTY_VERB = re.compile(r"应当|必须|负有|不得|组织|依照|对[^，。；]*?负责(?!人)|负责(?!人)")
# Words that end the subject of a duty sentence: 对…, 是…, 依据/按照/根据…, 发现…, 在… (not 所在/存在/设在).
_SUBJECT_END = re.compile(r"对|是|依据|依照|按照|根据|发现|(?<![所存设])在")
_SUBJECT_MAX = 40

_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


@dataclass(frozen=True)
class Citation:
    """``Citation("work-safety-law-2021", "第五条", "《中华人民共和国安全生产法》第五条", "…")``: one numbered source."""

    doc_id: str
    unit: str
    citation: str
    quote: str


@dataclass
class Answer:
    """``compose(question, intent, hits, True).to_dict()``: the answer text, its intent and its citations."""

    answer: str
    intent: str
    supported: bool
    citations: list[Citation] = field(default_factory=list)
    # For a yes/no question: "yes" or "no" when the cited provisions decide it (the answer's first line
    # then states it plainly, e.g. "不合法。"), None otherwise.
    verdict: str | None = None
    # "llm" when the user's model wrote the text and every sentence in it was verified (assistant/llm/),
    # else "extractive"; ``dropped`` lists the model's sentences removed, with the reason (for the operator).
    mode: str = "extractive"
    dropped: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "intent": self.intent,
            "supported": self.supported,
            "verdict": self.verdict,
            "citations": [asdict(c) for c in self.citations],
            "mode": self.mode,
            "dropped": self.dropped,
        }


def compose(question: str, intent: str, hits: list[Hit], supported: bool, focus: str = "") -> Answer:
    """The cited answer to a question from its ranked hits; ``supported`` False gives the no-basis answer.

    ``focus`` is what quotes are matched against: the question and the law's words for the concepts it names
    (see assistant.concepts); the question alone when empty. A yes/no question gets its verdict first."""
    top = _distinct(hits)
    if not top:
        return Answer(NO_BASIS, intent, False, [])
    focus = focus or question
    sources = _Sources()
    header: str | None = BASIS_HEADER
    verdict: bool | None = None
    yes_no = yes_no_question(question) if supported and intent != "lookup" else None
    if not supported:
        reply, header, lines = NO_BASIS, NEAREST_HEADER, _quote_lines(focus, top, sources)
    elif intent == "lookup":
        (reply, lines), header = _lookup(top[0], sources), None
    else:
        reply, lines = _COMPOSERS.get(intent, _other)(focus, top, sources)
        if not lines:
            reply, lines = _other(focus, top, sources)
    if yes_no is not None:
        verdict, reply, decider = _verdict(yes_no, focus, top[:VERDICT_HITS], sources, reply)
        # The verdict line quoted the deciding provision: the basis goes on with the others.
        if decider is not None:
            lines = [line for line in lines if sources.ref(decider) not in line]
    text = "\n".join(part for part in (reply, header if lines else None, *_fitting(lines)) if part)
    text, citations = sources.finish(text)
    word = None if verdict is None else ("yes" if verdict else "no")
    return Answer(text, intent, supported, citations, verdict=word)


class _Sources:
    """Collects the cited provisions and their quoted spans; numbers them in order of use in the text."""

    def __init__(self) -> None:
        self._hits: dict[str, Hit] = {}
        self._spans: dict[str, tuple[int, int]] = {}

    def mark(self, hit: Hit, start: int, end: int) -> str:
        """The hit's marker, its quote widened to cover provision.text[start:end]."""
        key = hit.provision.id
        self._hits.setdefault(key, hit)
        low, high = self._spans.get(key, (start, end))
        self._spans[key] = (min(low, start), max(high, end))
        return self.ref(hit)

    def ref(self, hit: Hit) -> str:
        """The marker of a hit already marked (a placeholder until ``finish`` numbers it)."""
        return f"\x00{list(self._hits).index(hit.provision.id)}\x00"

    def finish(self, text: str) -> tuple[str, list[Citation]]:
        """The text with markers numbered [1], [2] … by first use, and the citations in that order."""
        keys = list(self._hits)
        order: list[str] = []

        def number(match: re.Match[str]) -> str:
            key = keys[int(match.group(1))]
            if key not in order:
                order.append(key)
            return f"[{order.index(key) + 1}]"

        return _PLACEHOLDER.sub(number, text), [self._citation(key) for key in order]

    def _citation(self, key: str) -> Citation:
        hit = self._hits[key]
        start, end = self._spans[key]
        return Citation(hit.doc_id, hit.unit, hit.citation, hit.provision.text[start:end])


# --- per intent: each returns the direct reply and the basis lines -------------------------------------


def _lookup(hit: Hit, sources: _Sources) -> tuple[str, list[str]]:
    """The whole provision, one 款 or 项 a line."""
    text = hit.provision.text
    mark = sources.mark(hit, 0, len(text))
    return f"{hit.citation}规定：", [f"{line}{mark}" for line in text.split("\n") if line.strip()]


def _duty(question: str, hits: list[Hit], sources: _Sources) -> tuple[str, list[str]]:
    """Who is responsible: a notice item's bodies, or the subject of a law's best-matching duty sentence."""
    lines: list[str] = []
    subjects: dict[str, str] = {}  # subject → its markers
    for hit in hits:
        if hit.provision.bodies:
            lines.append(_bodies_line(hit, sources))
            continue
        sentence = _duty_sentence(question, hit.provision)
        if sentence is None:
            continue
        lines += _sentence_lines(hit, sentence, sources)
        subject = duty_subject(sentence.text)
        if subject:
            subjects[subject] = subjects.get(subject, "") + sources.ref(hit)
    if hits[0].provision.bodies:
        return _bodies_reply(hits[0], sources), lines
    if subjects:
        return _subjects_reply(subjects), lines
    return _best_reply(question, hits[0], sources), lines


def _checklist(question: str, hits: list[Hit], sources: _Sources) -> tuple[str, list[str]]:
    """One obligation a line, numbered: the lead provision's, then the other provisions' that match the
    question about as well, without repeats."""
    found = [(hit, segment) for hit in hits for segment in _requirements(question, hit.provision)]
    if not found:
        return "", []
    best = max(overlap(question, segment.text) for _, segment in found)
    floor = max(1, best * RELEVANT_SHARE)
    chosen: list[tuple[Hit, Segment]] = []
    seen: set[str] = set()
    for hit, segment in found:
        key = re.sub(r"\W", "", segment.text)
        lead = hit is hits[0]
        if key not in seen and len(chosen) < MAX_ITEMS and (lead or overlap(question, segment.text) >= floor):
            seen.add(key)
            chosen.append((hit, segment))
    chosen = _within_screen(chosen)
    if not chosen:
        return "", []
    lines = [f"{n}. {_quoted(hit, s, sources)}" for n, (hit, s) in enumerate(chosen, start=1)]
    cited = list({hit.provision.id: hit for hit, _ in chosen}.values())
    marks = "".join(sources.ref(hit) for hit in cited)
    more = "等" if len(cited) > 1 else ""
    return f"以下共{len(lines)}项，出自{cited[0].citation}{more}{marks}。", lines


def _fact(question: str, hits: list[Hit], sources: _Sources) -> tuple[str, list[str]]:
    """The clause that states the number, date, amount or deadline asked for, the number in 【】; the basis
    quotes its whole sentence, and a second sentence with a number when it scores nearly as well."""
    ranked = _fact_clauses(question, hits)
    if not ranked:
        return "", []
    lines: list[str] = []
    quoted: set[tuple[int, int]] = set()
    for score, rank, clause in ranked:
        if len(lines) == 2 or (lines and score < ranked[0][0] * SECOND_SHARE):
            break
        sentence = sentence_of(hits[rank].provision, clause)
        if (rank, sentence.start) in quoted or (lines and not NUMBER.search(clause.text)):
            continue
        quoted.add((rank, sentence.start))
        focus = _number_focus(sentence.text, clause.start - sentence.start)
        lines.append(f"{hits[rank].citation}：{_quoted(hits[rank], sentence, sources, focus, marked=True)}")
    _, rank, clause = ranked[0]
    return _reply(hits[rank], clause, sources, _number_focus(clause.text, 0), marked=True), lines


def _fact_clauses(question: str, hits: list[Hit]) -> list[tuple[int, int, Segment]]:
    """(score, hit rank, clause) for every clause of the hits, best first: bigram overlap, plus
    NUMBER_BONUS when it holds a number; ties go to the better hit, then to the earlier clause."""
    scored = [
        (overlap(question, s.text) + (NUMBER_BONUS if NUMBER.search(s.text) else 0), rank, s)
        for rank, hit in enumerate(hits)
        for s in segments(hit.provision)
    ]
    return sorted(scored, key=lambda c: (-c[0], c[1], c[2].start))


def _other(question: str, hits: list[Hit], sources: _Sources) -> tuple[str, list[str]]:
    """The most relevant sentence as the reply, the best sentences of the top provisions as the basis."""
    return _best_reply(question, hits[0], sources), _quote_lines(question, hits, sources)


_COMPOSERS: dict[str, Callable[[str, list[Hit], _Sources], tuple[str, list[str]]]] = {
    "duty": _duty,
    "checklist": _checklist,
    "fact": _fact,
    "other": _other,
}


def _verdict(
    yes_no: YesNo, focus: str, leads: list[Hit], sources: _Sources, reply: str
) -> tuple[bool | None, str, Hit | None]:
    """(verdict, the line that states it, the provision it rests on): the plain verdict and the deciding
    sentence of the first of ``leads`` that decides it, as its reason; when none decides, a plain note
    before the reply."""
    for lead in leads:
        deciding = _deciding_sentence(yes_no, focus, lead.provision)
        verdict = decide(yes_no, None if deciding is None else deciding[1])
        if deciding is None or verdict is None:
            continue
        quote, start, end = _cut(deciding[0], QUOTE_LIMIT)
        text = quote.rstrip(EDGE_PUNCTUATION)
        line = (
            f"{verdict_words(yes_no, verdict)}。{lead.citation}规定：{text}{sources.mark(lead, start, end)}。"
        )
        return verdict, line, lead
    return None, f"{UNDECIDED.format(yes=yes_no.yes, no=yes_no.no)}\n{reply}", None


def _deciding_sentence(yes_no: YesNo, focus: str, provision: Provision) -> tuple[Segment, str] | None:
    """The best-matching sentence of the provision that states a modality, and that modality; a 项 takes the
    modality of its 款's lead (职工有下列情形之一的，应当认定为工伤：（六）在上下班途中……). For a legality
    question a prohibition among them comes first: that others have rights does not make a deed lawful."""
    pieces = segments(provision)
    leads = {s.paragraph: s for s in pieces if not s.item}
    found: list[tuple[Segment, str]] = []
    topical = _COMMON_WORDS.sub("", focus)
    for segment in by_relevance(focus, pieces)[:DECIDING_DEPTH]:
        if overlap(topical, _COMMON_WORDS.sub("", segment.text)) < MIN_OVERLAP:
            continue  # on the question's actors or modal words only: it decides nothing about the situation
        sentence = segment if segment.item else sentence_of(provision, segment)
        stated = modality(sentence.text, yes_no.kind)
        if stated is None and segment.item and segment.paragraph in leads:
            stated = modality(leads[segment.paragraph].text, yes_no.kind)
        if stated is not None:
            found.append((sentence, stated))
    if yes_no.kind == "legality":
        found.sort(key=lambda pair: pair[1] != PROHIBIT)
    return found[0] if found else None


def _within_screen(chosen: list[tuple[Hit, Segment]]) -> list[tuple[Hit, Segment]]:
    """The checklist items whose quotes fit on one phone screen (the first always)."""
    kept: list[tuple[Hit, Segment]] = []
    used = 0
    for hit, segment in chosen:
        used += min(len(segment.text), QUOTE_LIMIT) + 6
        if kept and used > SCREEN_LIMIT:
            break
        kept.append((hit, segment))
    return kept


def _fitting(lines: list[str]) -> list[str]:
    """The basis lines that fit on one phone screen (the first always)."""
    kept: list[str] = []
    used = 0
    for line in lines:
        used += len(_PLACEHOLDER.sub("", line))
        if kept and used > SCREEN_LIMIT:
            break
        kept.append(line)
    return kept


# --- building blocks -----------------------------------------------------------------------------------


def duty_subject(sentence: str) -> str:
    """Who a duty sentence binds: the clause before its first 应当/必须/负有/不得/组织/依照/负责, cut
    before 对/是/依据/按照/在…; empty when that clause is a condition (……的, ……前, ……后, ……时)."""
    verb = _DUTY_VERB.search(sentence)
    if verb is None:
        return ""
    head = re.split(r"[，；：]", sentence[: verb.start()].rstrip("，、：；"))[-1]
    subject = ITEM_MARKER.sub("", _SUBJECT_END.split(head)[0]).strip().removeprefix("由")
    conditional = subject.endswith(("的", "前", "后", "时"))  # the subject is hidden in the condition
    return subject if 1 < len(subject) <= _SUBJECT_MAX and not conditional else ""


def _subjects_reply(subjects: dict[str, str]) -> str:
    """责任主体：A[1]；B[2]。 with as many subjects as fit a phone line (the first always)."""
    named = [f"{subject}{marks}" for subject, marks in subjects.items()]
    while len(named) > 1 and len(_PLACEHOLDER.sub("", "；".join(named))) > REPLY_LIMIT - 6:
        named.pop()
    return f"责任主体：{'；'.join(named)}。"


def _distinct(hits: list[Hit]) -> list[Hit]:
    """The first hit of each provision, at most MAX_PROVISIONS."""
    first: dict[str, Hit] = {}
    for hit in hits:
        first.setdefault(hit.provision.id, hit)
    return list(first.values())[:MAX_PROVISIONS]


def _bodies_line(hit: Hit, sources: _Sources) -> str:
    """《…》（十三）强化矿山安全监督管理：由市应急管理局、……分工负责；各县……对通知各项工作均需负责[n]"""
    p = hit.provision
    line = f"{hit.citation}{p.title}：由{'、'.join(p.bodies)}{p.bodies_role or '负责'}"
    if p.general_bodies:
        line += f"；{'、'.join(p.general_bodies)}{GENERAL_NOTE}"
    return line + _bodies_mark(hit, sources)


def _bodies_reply(hit: Hit, sources: _Sources) -> str:
    """“强化矿山安全监督管理”由市应急管理局、市规划和自然资源局等4个单位分工负责，……也须负责[n]。"""
    p = hit.provision
    named = "、".join(p.bodies) if len(p.bodies) <= 2 else f"{'、'.join(p.bodies[:2])}等{len(p.bodies)}个单位"
    reply = f"{f'“{p.title}”' if p.title else ''}由{named}{p.bodies_role or '负责'}"
    if p.general_bodies:
        reply += f"，{'、'.join(p.general_bodies)}也须负责"
    return f"{reply}{_bodies_mark(hit, sources)}。"


def _bodies_mark(hit: Hit, sources: _Sources) -> str:
    """The marker of a notice item, quoting its closing （…负责） (the whole item when there is none)."""
    start, end = bodies_span(hit.provision)
    return sources.mark(hit, start, end) if start < end else sources.mark(hit, 0, len(hit.provision.text))


def _duty_sentence(question: str, provision: Provision) -> Segment | None:
    """The clause (not a 项) that best matches the question, preferring those that state a duty."""
    clauses = [s for s in rank_segments(question, provision) if not s.item]
    with_verb = [s for s in clauses if _DUTY_VERB.search(s.text)]
    return (with_verb or clauses or [None])[0]


def _sentence_lines(hit: Hit, sentence: Segment, sources: _Sources) -> list[str]:
    """The quoted sentence with its citation, followed by its 项 when it introduces a list (…下列职责：)."""
    lines = [f"{hit.citation}：{_quoted(hit, sentence, sources)}"]
    if sentence.text.endswith("："):
        items = [s for s in segments(hit.provision) if s.item and s.paragraph == sentence.paragraph]
        lines += [_quoted(hit, item, sources) for item in items[:MAX_ITEMS]]
    return lines


def _requirements(question: str, provision: Provision) -> list[Segment]:
    """The provision's 项, or else its obligation sentences (every task of a notice item), bare."""
    found = segments(provision)
    items = [s for s in found if s.item]
    if not items:
        tasks = [s for s in found if provision.bodies or _OBLIGATION.search(s.text)]
        best = by_relevance(question, tasks)[:MAX_ITEMS_PER_PROVISION]
        if provision.bodies:  # a notice item holds many tasks: only those on the question
            best = _relevant(question, best)
        items = sorted(best, key=lambda s: s.start)
    return [piece for piece in map(bare, items) if piece.text]


def _relevant(question: str, pieces: list[Segment]) -> list[Segment]:
    """The pieces that match the question well enough to be shown: RELEVANT_SHARE of the best piece's
    shared bigrams, and at least one (the best piece always)."""
    if not pieces:
        return []
    best = max(overlap(question, p.text) for p in pieces)
    floor = max(1, best * RELEVANT_SHARE)
    return [p for p in pieces if overlap(question, p.text) >= floor] or pieces[:1]


def _number_focus(text: str, default: int) -> int:
    """Where the first number at or after ``default`` lies (or any number), else ``default``."""
    match = NUMBER.search(text, default) or NUMBER.search(text)
    return match.start() if match else default


def _window(text: str, limit: int, focus: int) -> tuple[int, int]:
    """A span of at most ``limit`` characters around ``focus``, cut after punctuation where possible."""
    if len(text) <= limit:
        return 0, len(text)
    cuts = sorted({0, len(text), *(m.end() for m in _CUT.finditer(text))})
    low = bisect_right(cuts, focus) - 1
    high = low + 1
    grown = True
    while grown:
        grown = False
        if low > 0 and cuts[high] - cuts[low - 1] <= limit:
            low, grown = low - 1, True
        if high < len(cuts) - 1 and cuts[high + 1] - cuts[low] <= limit:
            high, grown = high + 1, True
    start = cuts[low]
    if cuts[high] - start > limit:  # one clause longer than the limit: cut it around the focus
        start = max(start, min(focus - limit // 4, cuts[high] - limit))
    end = min(cuts[high], start + limit)
    if end < len(text):
        end = start + len(text[start:end].rstrip(EDGE_PUNCTUATION))
    return start, end


def _cut(segment: Segment, limit: int, focus: int = 0) -> tuple[str, int, int]:
    """The segment cut to ``limit`` characters around ``focus``, …… where cut, and the span it quotes."""
    start, end = _window(segment.text, limit, focus)
    text = f"{'……' if start else ''}{segment.text[start:end]}{'……' if end < len(segment.text) else ''}"
    return text, segment.start + start, segment.start + end


def _numbers_marked(text: str) -> str:
    return NUMBER.sub(lambda m: f"【{m.group(0)}】", text)


def _quoted(hit: Hit, segment: Segment, sources: _Sources, focus: int = 0, marked: bool = False) -> str:
    """A basis quote of at most QUOTE_LIMIT characters, numbers in 【】 if ``marked``, with its marker."""
    text, start, end = _cut(segment, QUOTE_LIMIT, focus)
    return f"{_numbers_marked(text) if marked else text}{sources.mark(hit, start, end)}"


def _reply(hit: Hit, segment: Segment, sources: _Sources, focus: int = 0, marked: bool = False) -> str:
    """A direct reply of at most REPLY_LIMIT characters quoted from the segment, its marker before 。."""
    text, start, end = _cut(segment, REPLY_LIMIT, focus)
    text = (_numbers_marked(text) if marked else text).rstrip(EDGE_PUNCTUATION)
    return f"{text}{sources.mark(hit, start, end)}。"


def _best_reply(question: str, hit: Hit, sources: _Sources) -> str:
    """The hit's clause that best matches the question, as a direct reply."""
    ranked = rank_segments(question, hit.provision)
    if not ranked:
        return f"请看{hit.citation}{sources.mark(hit, 0, len(hit.provision.text))}。"
    return _reply(hit, ranked[0], sources)


def _quote_lines(question: str, hits: list[Hit], sources: _Sources) -> list[str]:
    """For each provision that shares words with the question (the first always), its best sentences."""
    lines = []
    for rank, hit in enumerate(hits):
        chosen = _best_sentences(question, hit.provision)
        if chosen and (rank == 0 or overlap(question, chosen[0].text) >= MIN_OVERLAP):
            lines.append(f"{hit.citation}：{_joined_quote(hit, chosen, sources)}")
    return lines


def _best_sentences(question: str, provision: Provision) -> list[Segment]:
    """The best sentence, and the second best when it nearly matches as well and both fit, in text order."""
    ranked = rank_segments(question, provision)
    if len(ranked) < 2:
        return ranked
    first, second = ranked[:2]
    close = overlap(question, second.text) >= max(1, overlap(question, first.text) * SECOND_SHARE)
    fits = len(first.text) + len(second.text) <= QUOTE_LIMIT
    return sorted([first, second], key=lambda s: s.start) if close and fits else [first]


def _joined_quote(hit: Hit, chosen: list[Segment], sources: _Sources) -> str:
    """The sentences quoted one after the other, …… where text between them is left out, one marker."""
    cuts = [_cut(s, QUOTE_LIMIT) for s in chosen]
    text = cuts[0][0]
    for (_, _, end), (part, start, _) in pairwise(cuts):
        text += ("……" if hit.provision.text[end:start].strip() else "") + part
    return f"{text}{sources.mark(hit, cuts[0][1], cuts[-1][2])}"
