"""Topic handouts for study sessions: the notice's items and the national provisions on a topic, grouped,
with key points (duties, deadlines and numbers, penalties) each cited, exported as Markdown or Word.

The handout is built from what the assistant already has: hybrid search restricted to the notice and to
the laws, the duty matrix and the notice's targets. Its sections: 一、学习要点 (each point cited),
二、通知要求 (the relevant items, their bodies and the tasks that mention the topic), 三、法律法规依据,
四、罚则 (provisions of the 法律责任 chapters), 五、自测题 (drawn by the exam generator from the
provisions the handout cites, when a question source is given), 出处.

Usage::

    handout = build_handout("重大事故隐患", assistant.search, matrix, targets, ("山西", "临汾"),
                            questions=bank_questions(assistant.quiz_bank))
    handout.outline()                       # ["一、学习要点", "二、通知要求", …]
    handout.save(Path("handout.docx"))      # or .md
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.answer import Citation
from assistant.duties import GENERAL_ROLE, DutyMatrix
from assistant.exports import Block, Document, Heading, NumberedList, Paragraph, save_document, to_markdown
from assistant.hits import Hit
from assistant.marks import CitationMarks
from assistant.notice_items import NoticeItem, Task
from assistant.query import NOTICE_ID
from assistant.quiz import TYPES, QuizBank, QuizItem
from assistant.retrieval import is_foreign_local
from assistant.segments import NUMBER, overlap, rank_segments, segments
from assistant.targets import Target
from corpus.model import Provision

LAW_LEVELS = ("法律", "行政法规", "部门规章", "地方性法规")
SEARCH_DEPTH = 100  # provisions fetched per law search (the topic filter keeps few of them)
NOTICE_SCORE_SHARE = 0.5  # a notice item must score at least this share of the best item
SENTENCE_TOPIC_SHARE = 0.4  # share of the topic's bigrams a sentence must hold (with its head and tail)
LAW_TOPIC_SHARE = 0.8  # the same for a law provision (its whole text)
MAX_NOTICE_ITEMS = 6
MAX_BASIS = 8
MAX_PENALTIES = 6
MAX_NUMBER_POINTS = 8
FULL_TEXT_LIMIT = 400  # a law provision up to this length is quoted whole, a longer one by its best sentences
POINT_LIMIT = 90  # characters of one quoted piece in a key point
SELF_TEST_COUNT = 5
_PENALTY = ("罚款", "处分", "吊销", "关闭", "停产", "拘留", "刑事责任", "没收")

SearchFn = Callable[..., list[Hit]]
QuestionSource = Callable[[list[Provision], int], Sequence[QuizItem]]
"""Where self-test questions come from: (the provisions the handout cites, how many) → exam items."""


def bank_questions(bank: QuizBank, seed: int = 0) -> QuestionSource:
    """Self-test questions drawn by the exam generator, the same for the same provisions and seed."""
    return lambda provisions, n: bank.draw(provisions, TYPES, n, seed).items


@dataclass
class Handout:
    """``handout.save(Path("学习材料.docx"))``: a built handout, its document and its numbered citations."""

    topic: str
    document: Document
    citations: list[Citation]

    def outline(self) -> list[str]:
        """The headings, sub-headings indented by two spaces."""
        return [f"{'  ' * (b.level - 1)}{b.text}" for b in self.document.blocks if isinstance(b, Heading)]

    def to_markdown(self) -> str:
        return to_markdown(self.document)

    def save(self, path: Path) -> Path:
        """Write .docx or .md by the path's suffix."""
        return save_document(self.document, path)


class NothingFoundError(ValueError):
    """No notice item and no law provision is on the topic; the message says so in Chinese."""


def build_handout(
    topic: str,
    search: SearchFn,
    matrix: DutyMatrix,
    targets: Sequence[Target],
    jurisdiction: Collection[str] = (),
    questions: QuestionSource | None = None,
) -> Handout:
    """The handout on a topic; ``search`` is Assistant.search, ``questions`` the self-test source (optional)."""
    topic = topic.strip()
    items = _notice_items(topic, search, matrix)
    basis, penalties = _law_provisions(topic, search, jurisdiction)
    if not items and not basis and not penalties:
        raise NothingFoundError(
            f"没有找到与“{topic}”相关的通知条目或法规条款，请换一个主题词，例如：应急预案、矿山。"
        )
    marks = CitationMarks()
    blocks: list[Block] = []
    blocks += _key_points(topic, items, basis, penalties, targets, marks)
    blocks += _notice_section(items, marks)
    blocks += _law_section("三、法律法规依据", topic, basis, marks)
    blocks += _law_section("四、罚则", topic, penalties, marks)
    cited = [item.provision for item, _ in items] + [hit.provision for hit in basis + penalties]
    blocks += _self_test(cited, questions)
    citations = marks.citations()
    blocks += [
        Heading("出处"),
        NumberedList([f"[{n}] {c.citation}" for n, c in enumerate(citations, 1)], False),
    ]
    subtitle = (
        f"依据《{matrix.doc_title}》和相关法律法规整理。方括号中的数字是出处编号，见文末。"
        if matrix.doc_title
        else "依据相关法律法规整理。方括号中的数字是出处编号，见文末。"
    )
    return Handout(topic, Document(f"专题学习材料：{topic}", blocks, subtitle), citations)


# --- what goes in ----------------------------------------------------------------------------------------


def topic_share(topic: str, text: str) -> float:
    """How much of the topic the text holds: the share of its character bigrams (1.0 when it contains it)."""
    if topic in text:
        return 1.0
    total = overlap(topic, topic)
    return overlap(topic, text) / total if total else 0.0


def on_topic(topic: str, sentence: str) -> bool:
    """A sentence on the topic: it contains it, or enough of its bigrams including the first and the last
    (重大隐患 is on 重大事故隐患; 重大……事故 alone is not)."""
    if topic in sentence:
        return True
    ends = topic[:2] in sentence and topic[-2:] in sentence
    return ends and topic_share(topic, sentence) >= SENTENCE_TOPIC_SHARE


def _on_topic(topic: str, tasks: Sequence[Task]) -> list[Task]:
    return [t for t in tasks if on_topic(topic, t.text)]


def _notice_items(topic: str, search: SearchFn, matrix: DutyMatrix) -> list[tuple[NoticeItem, list[Task]]]:
    """Notice items on the topic, in the notice's order, each with its tasks that mention the topic: items
    whose tasks contain the topic, and items the search ranks near the best that hold enough of it."""
    by_unit = {item.unit: item for item in matrix.items}
    chosen = {r.unit for r in matrix.who_is_responsible(topic)}
    if by_unit:
        hits = search(topic, k=len(by_unit), doc_ids=[NOTICE_ID])
        best = hits[0].score if hits else 0.0
        for hit in hits:
            item = by_unit.get(hit.unit)
            if len(chosen) >= MAX_NOTICE_ITEMS or hit.score < best * NOTICE_SCORE_SHARE:
                break
            if item is not None and _on_topic(topic, item.tasks):
                chosen.add(item.unit)
    return [(item, _on_topic(topic, item.tasks)) for item in matrix.items if item.unit in chosen]


def _law_provisions(
    topic: str, search: SearchFn, jurisdiction: Collection[str]
) -> tuple[list[Hit], list[Hit]]:
    """Provisions of laws, regulations and rules that hold the topic: (basis, penalties), in law order."""
    seen: dict[str, Hit] = {}
    for query in (topic, f"{topic} 法律责任 罚款"):
        for hit in search(query, k=SEARCH_DEPTH, levels=LAW_LEVELS):
            foreign = is_foreign_local(hit.document, jurisdiction)  # another province's or city's rules
            if topic_share(topic, hit.provision.text) >= LAW_TOPIC_SHARE and not foreign:
                seen.setdefault(hit.provision.id, hit)
    # the fuller mention first, then provisions that fine; the search rank breaks ties (sorted is stable)
    ranked = sorted(
        seen.values(), key=lambda h: (-topic_share(topic, h.provision.text), "罚款" not in h.provision.text)
    )
    penalties = [h for h in ranked if _is_penalty(h)][:MAX_PENALTIES]
    basis = [h for h in ranked if not _is_penalty(h)][:MAX_BASIS]
    return _in_law_order(basis), _in_law_order(penalties)


def _is_penalty(hit: Hit) -> bool:
    return "法律责任" in hit.provision.chapter or "罚则" in hit.provision.chapter


def _in_law_order(hits: list[Hit]) -> list[Hit]:
    """法律 before 行政法规 before 部门规章 before 地方性法规; a document's provisions by number."""
    first_seen = {h.doc_id: n for n, h in reversed(list(enumerate(hits)))}
    return sorted(
        hits, key=lambda h: (LAW_LEVELS.index(h.document.level), first_seen[h.doc_id], h.provision.number)
    )


# --- sections --------------------------------------------------------------------------------------------


def _key_points(
    topic: str,
    items: list[tuple[NoticeItem, list[Task]]],
    basis: list[Hit],
    penalties: list[Hit],
    targets: Sequence[Target],
    marks: CitationMarks,
) -> list[Block]:
    duties = [_duty_point(item, marks) for item, _ in items]
    relevant = {(item.unit, t.start) for item, tasks in items for t in tasks}
    values: dict[tuple[str, int], list[Target]] = {}
    for t in targets:
        if (t.unit, t.task.start) in relevant:
            values.setdefault((t.unit, t.task.start), []).append(t)
    numbers = [
        f"{found[0].unit}【{'、'.join(t.value for t in found)}】{_cut(found[0].text)}"
        f"{found[0].item.mark(marks, found[0].task.start, found[0].task.end)}"
        for found in values.values()
    ]
    for hit in basis:
        for segment in segments(hit.provision):
            if (
                len(numbers) < MAX_NUMBER_POINTS
                and NUMBER.search(segment.text)
                and on_topic(topic, segment.text)
            ):
                numbers.append(f"{hit.citation}：{_quote(hit, segment.start, segment.end, marks)}")
    punished = [_penalty_point(topic, hit, marks) for hit in penalties]
    blocks: list[Block] = [Heading("一、学习要点")]
    for label, points in (("责任分工", duties), ("时限与数字", numbers), ("罚则", punished)):
        if points:
            blocks += [Paragraph(label, bold=True), NumberedList(points)]
    return blocks if len(blocks) > 1 else []


def _duty_point(item: NoticeItem, marks: CitationMarks) -> str:
    p = item.provision
    general = f"；{'、'.join(p.general_bodies)}{GENERAL_ROLE}" if p.general_bodies else ""
    mark = item.mark(marks, *item.bodies_span())
    return f"{item.heading}：{'、'.join(p.bodies)}{p.bodies_role or '负责'}{general}{mark}"


def _penalty_point(topic: str, hit: Hit, marks: CitationMarks) -> str:
    """The sentence on the topic and the sentence that states the penalty (one when they are the same)."""
    ranked = rank_segments(topic, hit.provision)
    penalty = next((s for s in segments(hit.provision) if any(w in s.text for w in _PENALTY)), None)
    chosen = sorted(
        {s.start: s for s in (ranked[:1] + ([penalty] if penalty else []))}.values(), key=lambda s: s.start
    )
    text = "……".join(_cut(s.text) for s in chosen)
    return f"{hit.citation}：{text}{_mark_hit(hit, chosen[0].start, chosen[-1].end, marks)}"


def _notice_section(items: list[tuple[NoticeItem, list[Task]]], marks: CitationMarks) -> list[Block]:
    if not items:
        return []
    blocks: list[Block] = [Heading("二、通知要求")]
    for item, tasks in items:
        blocks.append(Heading(item.heading, level=2))
        blocks.append(Paragraph(f"责任单位：{_duty_point(item, marks).split('：', 1)[1]}"))
        shown = tasks or list(item.tasks)
        blocks.append(NumberedList([f"{t.text}{item.mark(marks, t.start, t.end)}" for t in shown]))
    return blocks


def _law_section(title: str, topic: str, hits: list[Hit], marks: CitationMarks) -> list[Block]:
    if not hits:
        return []
    blocks: list[Block] = [Heading(title)]
    for hit in hits:
        blocks.append(Heading(hit.citation, level=2))
        text = hit.provision.text
        if len(text) <= FULL_TEXT_LIMIT:
            lines = [line for line in text.split("\n") if line.strip()]
            blocks += [Paragraph(line) for line in lines[:-1]]
            blocks.append(Paragraph(f"{lines[-1]}{_mark_hit(hit, 0, len(text), marks)}"))
            continue
        best = sorted(rank_segments(topic, hit.provision)[:3], key=lambda s: s.start)
        blocks += [Paragraph(_quote(hit, s.start, s.end, marks, limit=len(s.text))) for s in best]
    return blocks


def _self_test(provisions: list[Provision], questions: QuestionSource | None) -> list[Block]:
    """五、自测题: the questions with their options, then the answers with their explanations."""
    found = list(questions(provisions, SELF_TEST_COUNT)) if questions and provisions else []
    if not found:
        return []
    blocks: list[Block] = [Heading("五、自测题")]
    for n, item in enumerate(found, start=1):
        blocks.append(Paragraph(f"{n}. （{item.type}）{item.stem}"))
        if item.options:
            blocks.append(Paragraph("　".join(f"{letter}. {text}" for letter, text in item.options.items())))
    blocks.append(Paragraph("参考答案", bold=True))
    answers = [
        f"{item.answer_text}。{item.explanation.removeprefix(f'{item.answer_text}。')}" for item in found
    ]
    blocks.append(NumberedList(answers))
    return blocks


# --- building blocks -------------------------------------------------------------------------------------


def _mark_hit(hit: Hit, start: int, end: int, marks: CitationMarks) -> str:
    return marks.mark(hit.provision, hit.citation, start, end)


def _quote(hit: Hit, start: int, end: int, marks: CitationMarks, limit: int = POINT_LIMIT) -> str:
    """provision.text[start:end], cut to ``limit`` characters, with its marker."""
    return f"{_cut(hit.provision.text[start:end], limit)}{_mark_hit(hit, start, end, marks)}"


def _cut(text: str, limit: int = POINT_LIMIT) -> str:
    text = text.strip().rstrip("；。，")
    return text if len(text) <= limit else f"{text[:limit]}……"


def handout_dict(handout: Handout) -> dict[str, Any]:
    """The handout as JSON: topic, outline, Markdown text and citations."""
    return {
        "topic": handout.topic,
        "outline": handout.outline(),
        "markdown": handout.to_markdown(),
        "citations": [asdict(c) for c in handout.citations],
    }
