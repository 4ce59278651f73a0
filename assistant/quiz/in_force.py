"""Which figures are the law in force: where two documents give one figure (or one 应当/可以 rule)
differently, the prevailing document's figure stands and the other sentence is superseded, so no item
teaches it.

How a conflict is found, two ways:

- the same sentence in two documents once its number (or modal word) is set aside —
  ``发生一般事故的，处⟨金额⟩的罚款`` in 《生产安全事故报告和调查处理条例》第三十七条 (10万元以上20万元以下)
  and 《安全生产法》第一百一十四条 (三十万元以上一百万元以下) — with what precedes it in its paragraph (the
  lead-in of a 项 list) saying mostly the same; wording that several provisions of one document share
  (对其直接负责的主管人员…处…罚款) is boilerplate and never compared;
- the same fine on a person's income for the same violation: a share with the same words around it
  (上一年年收入⟨比例⟩的罚款) after a condition (……的，) that says mostly the same — 事故发生单位主要负责人
  不立即组织事故抢救的 (条例 第三十五条, 40%至80%) beside 生产经营单位的主要负责人……不立即组织抢救……的
  (安全生产法 第一百一十条, 百分之六十至百分之一百). A list of violations is read item by item (see
  text.composed). Only shares are compared this way: fixed amounts legitimately differ by sector (a
  chemicals law fines more than the general law for a like violation), a share of the same person's
  income does not.

A narrower range inside the prevailing one (a sector's regulation setting 50万元以上100万元以下 within the
law's 30万–100万) is consistent, not a conflict.

Which document prevails: one in force on the day over one not yet in force, then the higher level
(法律 > 行政法规 > 部门规章 > 地方性法规 > 规范性文件), then the later effective date. A document's standing
is read from the manifest's level and effective date in ``in_force``; when documents carry a status field
(现行有效 / 已被修改 / 尚未施行 / 已废止), that function is the one place to read it.

Usage::

    law = LawInForce.build(provisions, documents, today=date(2026, 11, 29))
    law.superseded("accident-reporting-investigation-regulation-2007", "第三十七条")  # [Supersession, …]
    law.notes({"accident-reporting-investigation-regulation-2007"})   # ["《…条例》第三十七条…已被…取代…"]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from assistant.quiz.candidates import Slot, modal_slots, number_slots
from assistant.quiz.text import composed, core, coverage, normalize
from corpus.model import LEVELS, DocumentInfo, Provision

MIN_FRAME = 8  # characters a sentence must keep besides its figure to be compared
SAME_CONTEXT = 0.4  # share of the shorter context's bigrams found in the longer one
SAME_VIOLATION = 0.6  # share of the shorter condition's bigrams found in the longer one
PENALTY_FRAME = 6  # characters before the figure (and 4 after) that must be the same
_CONDITION_END = "的，"
_SENTENCE = re.compile(r"(?<=[。；])")
_MARKER = re.compile(r"^[（(][一二三四五六七八九十\d]+[）)]\s*")


@dataclass(frozen=True)
class Supersession:
    """A sentence whose figure (or rule) another document's provision replaces."""

    doc_id: str
    unit: str
    sentence: str
    figure: str
    by_doc: str
    by_unit: str
    by_figure: str
    number: int = 0  # the superseded provision's ordinal, for listing in document order


@dataclass(frozen=True)
class _Statement:
    provision: Provision
    sentence: str
    context: str  # what precedes the sentence in its paragraph (a 项's lead-in), or its violation
    slot: Slot
    share: float = SAME_CONTEXT  # how much of the shorter context the longer one must hold


def in_force(document: DocumentInfo, today: date) -> bool:
    """Whether the document is in force on the day: its effective date has come (no date: in force)."""
    return not document.effective or document.effective <= today.isoformat()


def precedence(document: DocumentInfo, today: date) -> tuple[int, int, str]:
    """A key that sorts the prevailing document last: in force, higher level, later effective date."""
    level = LEVELS.index(document.level) if document.level in LEVELS else len(LEVELS)
    return (int(in_force(document, today)), -level, document.effective or "")


class LawInForce:
    """The superseded sentences of a corpus and the notes a trainer sees; see the module docstring."""

    def __init__(
        self,
        documents: Mapping[str, DocumentInfo],
        supersessions: Iterable[Supersession],
        today: date,
    ) -> None:
        self.documents = dict(documents)
        self.today = today
        self._by_unit: dict[tuple[str, str], list[Supersession]] = defaultdict(list)
        for supersession in supersessions:
            self._by_unit[(supersession.doc_id, supersession.unit)].append(supersession)

    @classmethod
    def build(
        cls,
        provisions: Iterable[Provision],
        documents: Mapping[str, DocumentInfo],
        today: date | None = None,
    ) -> LawInForce:
        today = today or date.today()
        frames: dict[str, list[_Statement]] = defaultdict(list)
        penalties: dict[str, list[_Statement]] = defaultdict(list)
        for statement in _statements(provisions):
            frames[_frame(statement)].append(statement)
            frame = _penalty_frame(statement) if statement.slot.kind == "比例" else ""
            if frame and _condition(statement):
                penalties[frame].append(statement)
        groups = [_without_boilerplate(group) for frame, group in frames.items() if frame]
        # a sentence that another document says in the same words is judged by those words alone
        matched = {id(s) for group in groups if len({s.provision.doc_id for s in group}) > 1 for s in group}
        for group in penalties.values():
            unmatched = [s for s in _without_boilerplate(group) if id(s) not in matched]
            if len(unmatched) > 1:
                groups.append(_with_conditions(unmatched))
        found: dict[tuple[str, str, str], Supersession] = {}
        for group in groups:
            group = [s for s in group if s.provision.doc_id in documents]
            group.sort(key=lambda s: precedence(documents[s.provision.doc_id], today), reverse=True)
            current: list[_Statement] = []  # prevailing statements, the strongest first
            for statement in group:
                winner = next(
                    (
                        c
                        for c in current
                        if c.provision.doc_id != statement.provision.doc_id and _conflict(statement, c)
                    ),
                    None,
                )
                if winner is None:
                    current.append(statement)
                else:
                    key = (statement.provision.doc_id, statement.provision.unit, statement.sentence)
                    found.setdefault(key, _supersession(statement, winner))
        return cls(documents, found.values(), today)

    def superseded(self, doc_id: str, unit: str) -> list[Supersession]:
        """The superseded sentences of one provision."""
        return self._by_unit.get((doc_id, unit), [])

    def is_current(self, doc_id: str, units: Iterable[str], *texts: str) -> bool:
        """Whether none of the texts (an item's source, stem, options) states a superseded sentence of the
        cited units: the sentence holds the text or the text holds the sentence's figure in its wording."""
        for unit in units:
            for supersession in self.superseded(doc_id, unit):
                sentence = core(supersession.sentence)
                for text in texts:
                    flat = core(text)
                    if flat and (flat in sentence or sentence in flat or _shares_figure(flat, supersession)):
                        return False
        return True

    def in_force(self, doc_id: str) -> bool:
        document = self.documents.get(doc_id)
        return document is None or in_force(document, self.today)

    def notes(self, doc_ids: Collection[str]) -> list[str]:
        """What a trainer should know about the selected documents, in Chinese: superseded figures, and a
        document not yet in force."""
        notes = []
        for doc_id in doc_ids:
            document = self.documents.get(doc_id)
            if document is None:
                continue
            if not in_force(document, self.today):
                notes.append(f"《{document.title}》自{_date(document.effective)}起施行，目前尚未生效。")
            replaced = [s for (doc, _), group in self._by_unit.items() if doc == doc_id for s in group]
            replaced.sort(key=lambda s: s.number)
            if replaced:
                notes.append(_replaced_note(document, replaced, self.documents))
        return notes


def _statements(provisions: Iterable[Provision]) -> Iterator[_Statement]:
    """Every sentence with a figure or a modal word, with what precedes it in its paragraph; a list of
    violations also item by item, with what it brings (see text.composed)."""
    for provision in provisions:
        for paragraph in provision.paragraphs:
            sentences = [s for s in _SENTENCE.split(paragraph.text.strip()) if s.strip()]
            for rank, sentence in enumerate(sentences):
                yield from _slots_of(provision, sentence, "".join(sentences[:rank]))
            for item in paragraph.items:
                yield from _slots_of(provision, _MARKER.sub("", item.strip()), paragraph.text)
                told = composed(paragraph.text.strip(), item)
                if told:
                    yield from _slots_of(provision, told, "")


def _slots_of(provision: Provision, sentence: str, context: str) -> Iterator[_Statement]:
    flat = normalize(sentence).rstrip("。；;，")
    for slot in number_slots(flat) + modal_slots(flat):
        yield _Statement(provision, flat, normalize(context), slot)


def _frame(statement: _Statement) -> str:
    """The sentence with its figure set aside: 发生一般事故的，处⟨金额|元|range⟩的罚款."""
    slot, sentence = statement.slot, statement.sentence
    frame = sentence[: slot.start] + f"⟨{_placeholder(slot)}⟩" + sentence[slot.end :]
    return frame if len(sentence) - len(slot.text) >= MIN_FRAME else ""  # "": never compared


def _condition(statement: _Statement) -> str:
    """The violation before a penalty figure: the sentence up to its last ……的， before the figure."""
    end = statement.sentence.rfind(_CONDITION_END, 0, statement.slot.start)
    if end < 0 or statement.slot.kind == "情态" or "罚款" not in statement.sentence[statement.slot.end :]:
        return ""
    return statement.sentence[:end]


def _penalty_frame(statement: _Statement) -> str:
    """The words right around a penalty figure: 上一年年收入⟨比例|range⟩的罚款; "" when fewer than
    PENALTY_FRAME characters of its clause come before it (处⟨金额⟩的罚款 says nothing particular)."""
    slot, sentence = statement.slot, statement.sentence
    before = sentence[max(slot.start - PENALTY_FRAME, 0) : slot.start].rsplit("，", 1)[-1].lstrip("处")
    if len(before) < PENALTY_FRAME - 1:
        return ""
    return f"{before}⟨{_placeholder(slot)}⟩{sentence[slot.end : slot.end + 4]}"


def _with_conditions(group: list[_Statement]) -> list[_Statement]:
    """A penalty frame's statements, compared by their conditions instead of their paragraph context."""
    return [_Statement(s.provision, s.sentence, _condition(s), s.slot, SAME_VIOLATION) for s in group]


def _placeholder(slot: Slot) -> str:
    """What a figure is, without its value or writing: 金额|元|range, 比例|range (30% = 百分之三十)."""
    if slot.kind == "情态":
        return slot.kind
    parts = slot.form.split("|")
    if slot.kind == "比例":
        return f"比例|{'range' if parts[-1] == 'range' else ''}"
    return "|".join(parts[:3])


def _without_boilerplate(group: list[_Statement]) -> list[_Statement]:
    """The statements of a frame, without documents that use the frame in more than one provision."""
    units: dict[str, set[str]] = defaultdict(set)
    for statement in group:
        units[statement.provision.doc_id].add(statement.provision.unit)
    return [s for s in group if len(units[s.provision.doc_id]) == 1]


def _conflict(a: _Statement, b: _Statement) -> bool:
    """Same frame in two documents, the same context (or violation), and figures (or rules) that disagree."""
    if not _same_context(a.context, b.context, max(a.share, b.share)):
        return False
    if a.slot.kind == "情态":
        return a.slot.text != b.slot.text
    return not (_within(a.slot, b.slot) or _within(b.slot, a.slot))


def _same_context(a: str, b: str, share: float = SAME_CONTEXT) -> bool:
    if not a and not b:
        return True
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    return coverage(shorter, longer) >= share


def _within(inner: Slot, outer: Slot) -> bool:
    """Whether one figure agrees with the other: equal, or a range inside the other range."""
    low, high = min(inner.values), max(inner.values)
    return (
        min(outer.values) <= low
        and high <= max(outer.values)
        and (len(outer.values) == 2 or inner.values == outer.values)
    )


def _supersession(loser: _Statement, winner: _Statement) -> Supersession:
    return Supersession(
        doc_id=loser.provision.doc_id,
        unit=loser.provision.unit,
        sentence=loser.sentence,
        figure=loser.slot.text,
        by_doc=winner.provision.doc_id,
        by_unit=winner.provision.unit,
        by_figure=winner.slot.text,
        number=loser.provision.number,
    )


def _shares_figure(text: str, supersession: Supersession) -> bool:
    """Whether the text says the superseded figure in the sentence's words around it."""
    sentence, figure = core(supersession.sentence), supersession.figure
    at = sentence.find(figure)
    if at < 0:
        return False
    before, after = sentence[max(at - 4, 0) : at], sentence[at + len(figure) : at + len(figure) + 4]
    return f"{before}{figure}" in text or f"{figure}{after}" in text


def _replaced_note(
    document: DocumentInfo, replaced: list[Supersession], documents: Mapping[str, DocumentInfo]
) -> str:
    units = "、".join(dict.fromkeys(s.unit for s in replaced))
    by_doc: dict[str, dict[str, None]] = defaultdict(dict)
    for s in replaced:
        by_doc[s.by_doc][s.by_unit] = None
    by = "、".join(f"《{documents[doc].title}》{'、'.join(units_)}" for doc, units_ in by_doc.items())
    return (
        f"《{document.title}》{units}中的数额或规定已被{by}取代（上位法或后施行的规定优先），"
        f"这些内容不出题，相关题目以现行规定为准。"
    )


def _date(effective: str | None) -> str:
    if not effective:
        return "施行日"
    year, month, day = (int(part) for part in effective.split("-"))
    return f"{year}年{month}月{day}日"
