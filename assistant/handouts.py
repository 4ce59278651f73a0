"""Topic handouts for study sessions: the notice's own items on a topic first, then the laws, the
regulations and rules, the local regulations and the penalties, with key points that say what is required,
of whom and by when, each cited, and self-test items on the topic; saved as Word, Markdown or slides.

The handout is built from what the assistant already has: hybrid search (restricted to the notice, then to
the laws), the duty matrix with its remit table, the notice's targets and the exam generator. Provisions are
quoted whole, or by whole 款 and 项 with every cut marked ……. Sections are numbered consecutively, whichever
are present: 学习要点, 通知要求, 法律规定, 行政法规和规章, 地方性法规, 罚则, 自测题; then 出处.

Usage::

    handout = build_handout("安全生产培训", assistant.search, matrix, targets, ("山西", "临汾"),
                            questions=bank_questions(assistant.quiz_bank))
    handout.outline()                       # ["一、学习要点", "二、通知要求", "  （十六）强化人员素质能力提升", …]
    handout.save(Path("学习材料.docx"))      # or .md, or .pptx (a study-session outline)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.answer import Citation
from assistant.duties import DIVIDED_ROLE, GENERAL_ROLE, PENDING, DutyMatrix
from assistant.excerpts import (
    CUT,
    Piece,
    excerpt,
    is_penalty,
    item_text,
    lead_of,
    obligated,
    penalty_clause,
    pieces,
    sentences,
)
from assistant.exports import (
    DOCUMENT_SUFFIXES,
    Block,
    Document,
    Heading,
    NumberedList,
    Paragraph,
    output_suffix,
    save_document,
    to_markdown,
)
from assistant.hits import Hit
from assistant.marks import CitationMarks
from assistant.notice_items import NoticeItem, Task
from assistant.query import NOTICE_ID
from assistant.quiz import TYPES, QuizBank, QuizItem
from assistant.quiz.draw import draw_paper
from assistant.quiz.select import plan_counts
from assistant.retrieval import is_foreign_local
from assistant.slides import SLIDE_SUFFIX, Deck, Slide, save_slides
from assistant.targets import Target
from assistant.topics import TopicMatcher
from corpus.model import Provision

HANDOUT_SUFFIXES = (*DOCUMENT_SUFFIXES, SLIDE_SUFFIX)
LAW_GROUPS = {  # section title → the levels it holds, in the order the handout shows them
    "法律规定": ("法律",),
    "行政法规和规章": ("行政法规", "部门规章"),
    "地方性法规": ("地方性法规",),
}
LAW_LEVELS = tuple(level for levels in LAW_GROUPS.values() for level in levels)
SEARCH_DEPTH = 100  # provisions fetched per law search (the topic filter keeps few of them)
MAX_NOTICE_ITEMS = 3
NOTICE_SHARE = 0.5  # a notice item must name the topic at least this share as often as the best item
MAX_PER_GROUP = 4  # provisions per law section
MAX_PER_DOCUMENT = 3  # provisions of one document per section
MAX_PENALTIES = 6
MAX_TASKS_PER_ITEM = 2  # key points from one notice item
MAX_LAW_POINTS = 2  # key points from one law section
SELF_TEST_COUNT = 5
NUMERALS = "一二三四五六七八九十"
PENALTY_CHAPTERS = ("法律责任", "罚则")
_MODAL_WORDS = re.compile(r"应当|必须|不得|严禁|禁止")

SearchFn = Callable[..., list[Hit]]
QuestionFilter = Callable[[QuizItem], bool]
QuestionSource = Callable[[list[Provision], int, QuestionFilter], Sequence[QuizItem]]
"""Where self-test questions come from: (the provisions the handout cites, how many, which to keep) → items."""


def bank_questions(bank: QuizBank, seed: int = 0) -> QuestionSource:
    """Self-test questions built by the exam generator from the handout's provisions, the same for the same
    provisions and seed, only those ``keep`` accepts."""

    def source(provisions: list[Provision], n: int, keep: QuestionFilter) -> list[QuizItem]:
        built, _ = bank.items(provisions, seed)
        kept = [item for item in built if keep(item)]
        return draw_paper(kept, plan_counts(TYPES, n), seed, top_up=True).items

    return source


@dataclass(frozen=True)
class KeyPoint:
    """``KeyPoint("【生产经营单位】应当……[3]", "《中华人民共和国安全生产法》第二十八条", "法定义务")``."""

    text: str  # the point as printed, its citation marker at the end
    citation: str
    kind: str  # 通知要求 | 法定义务 | 罚则


@dataclass
class Handout:
    """``handout.save(Path("学习材料.docx"))``: a built handout, its document, citations, points and questions."""

    topic: str
    document: Document
    citations: list[Citation]
    points: list[KeyPoint] = field(default_factory=list)
    questions: list[QuizItem] = field(default_factory=list)

    def outline(self) -> list[str]:
        """The headings, sub-headings indented by two spaces."""
        return [f"{'  ' * (b.level - 1)}{b.text}" for b in self.document.blocks if isinstance(b, Heading)]

    def to_markdown(self) -> str:
        return to_markdown(self.document)

    def save(self, path: Path) -> Path:
        """Write .docx, .md or .pptx (a study-session outline) by the path's suffix."""
        if output_suffix(path, HANDOUT_SUFFIXES) == SLIDE_SUFFIX:
            return save_slides(handout_deck(self), path)
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
    matcher = TopicMatcher(topic)
    items = _notice_items(matcher, search, matrix)
    groups, penalties = _law_provisions(matcher, search, jurisdiction)
    if not items and not penalties and not any(groups.values()):
        raise NothingFoundError(
            f"没有找到与“{matcher.topic}”相关的通知条目或法规条款，请换一个主题词，例如：应急预案、矿山。"
        )
    marks = CitationMarks()
    laws = [hit for hits in groups.values() for hit in hits]
    points = [
        *_notice_points(items, matrix, targets, marks),
        *(point for hits in groups.values() for point in _law_points(matcher, hits, marks)),
        *_penalty_points(matcher, penalties, marks),
    ]
    sections: list[tuple[str, list[Block]]] = [("学习要点", _point_blocks(points))]
    sections.append(("通知要求", _notice_section(items, matrix, marks)))
    sections += [(title, _law_section(matcher, hits, marks)) for title, hits in groups.items()]
    sections.append(("罚则", _law_section(matcher, penalties, marks)))
    cited = [item.provision for item, _ in items] + [hit.provision for hit in laws + penalties]
    chosen = _self_test_items(matcher, cited, questions)
    sections.append(("自测题", _self_test(chosen)))
    blocks: list[Block] = []
    for number, (title, content) in enumerate((s for s in sections if s[1]), start=0):
        blocks += [Heading(f"{NUMERALS[number]}、{title}"), *content]
    citations = marks.citations()
    blocks += [
        Heading("出处"),
        NumberedList([f"[{n}] {c.citation}" for n, c in enumerate(citations, 1)], False),
    ]
    source = f"《{matrix.doc_title}》和" if matrix.doc_title else ""
    subtitle = f"依据{source}相关法律法规整理。方括号中的数字是出处编号，见文末。"
    document = Document(f"专题学习材料：{matcher.topic}", blocks, subtitle)
    return Handout(matcher.topic, document, citations, points, chosen)


# --- what goes in ----------------------------------------------------------------------------------------


def _notice_items(
    matcher: TopicMatcher, search: SearchFn, matrix: DutyMatrix
) -> list[tuple[NoticeItem, list[Task]]]:
    """The notice's items on the topic with their tasks on it, the item that names it most first (the search
    rank breaks ties), none that names it less than half as often as the best."""
    if not matrix.items:
        return []
    hits = search(matcher.topic, k=len(matrix.items), doc_ids=[NOTICE_ID])
    rank = {hit.unit: n for n, hit in enumerate(hits)}
    scored = []
    for item in matrix.items:
        tasks = [t for t in item.tasks if matcher.matches(t.text)]
        mentions = sum(matcher.count(t.text) for t in tasks) + 2 * matcher.count(item.title)
        if tasks or matcher.matches(item.title):
            scored.append(
                (-max(mentions, 1), rank.get(item.unit, len(rank)), item.provision.number, item, tasks)
            )
    scored.sort(key=lambda s: s[:3])
    best = -scored[0][0] if scored else 0
    chosen = [(item, tasks) for mentions, _, _, item, tasks in scored if -mentions >= best * NOTICE_SHARE]
    return chosen[:MAX_NOTICE_ITEMS]


def _law_provisions(
    matcher: TopicMatcher, search: SearchFn, jurisdiction: Collection[str]
) -> tuple[dict[str, list[Hit]], list[Hit]]:
    """Provisions of laws, regulations and rules on the topic (local ones of the users' own province and
    city only): the basis by section, and the penalties; chosen by search rank, shown in law order."""
    rank: list[dict[str, int]] = [{}, {}]  # provision id → position in the topic search, the penalty search
    found: dict[str, Hit] = {}
    for number, query in enumerate((matcher.topic, f"{matcher.topic} 法律责任 罚款")):
        for position, hit in enumerate(search(query, k=SEARCH_DEPTH, levels=LAW_LEVELS)):
            if hit.provision.id not in found:
                text = hit.provision.text
                if is_foreign_local(hit.document, jurisdiction) or not any(
                    matcher.matches(text[s.start : s.end]) for s in sentences(hit.provision)
                ):
                    continue
                found[hit.provision.id] = hit
            rank[number].setdefault(hit.provision.id, position)

    def ranked(first: int) -> list[Hit]:
        """By the position in one search; those it did not find after, by the other."""

        def position(hit: Hit) -> int:
            own = rank[first].get(hit.provision.id)
            return own if own is not None else SEARCH_DEPTH + rank[1 - first].get(hit.provision.id, 0)

        return sorted(found.values(), key=position)

    penalties = _capped([hit for hit in ranked(1) if _is_penalty(matcher, hit)], MAX_PENALTIES)
    basis = [hit for hit in ranked(0) if not _is_penalty(matcher, hit)]
    groups = {
        title: _capped([hit for hit in basis if hit.document.level in levels], MAX_PER_GROUP)
        for title, levels in LAW_GROUPS.items()
    }
    return {title: _in_law_order(hits) for title, hits in groups.items()}, _in_law_order(penalties)


def _is_penalty(matcher: TopicMatcher, hit: Hit) -> bool:
    """A provision of a 法律责任 chapter, or (in a document without chapters) one that punishes the topic."""
    chapter = hit.provision.chapter
    if chapter:
        return any(word in chapter for word in PENALTY_CHAPTERS)
    text = hit.provision.text
    return any(matcher.matches(text[s.start : s.end]) and is_penalty(text) for s in sentences(hit.provision))


def _capped(hits: list[Hit], limit: int) -> list[Hit]:
    """The first ``limit`` hits, at most MAX_PER_DOCUMENT of one document while others are left, then the
    rest in rank order (a topic with one sector rule gets more of it)."""
    kept: list[Hit] = []
    for hit in hits:
        if sum(h.doc_id == hit.doc_id for h in kept) < MAX_PER_DOCUMENT:
            kept.append(hit)
    kept += [hit for hit in hits if hit not in kept]
    return [hit for hit in hits if hit in kept[:limit]]


def _in_law_order(hits: list[Hit]) -> list[Hit]:
    """法律 before 行政法规 before 部门规章 before 地方性法规; a document's provisions by number."""
    first_seen = {h.doc_id: n for n, h in reversed(list(enumerate(hits)))}
    return sorted(
        hits, key=lambda h: (LAW_LEVELS.index(h.document.level), first_seen[h.doc_id], h.provision.number)
    )


# --- key points: what is required, of whom, by when --------------------------------------------------------


def _notice_points(
    items: list[tuple[NoticeItem, list[Task]]],
    matrix: DutyMatrix,
    targets: Sequence[Target],
    marks: CitationMarks,
) -> list[KeyPoint]:
    """【who】the task（完成时限 / 频次）: the notice's tasks on the topic."""
    timing: dict[tuple[str, int], list[str]] = {}
    for t in targets:
        if t.kind in ("deadline", "frequency"):
            label = "完成时限" if t.kind == "deadline" else "频次"
            timing.setdefault((t.unit, t.task.start), []).append(f"{label}：{t.value}")
    points = []
    for item, tasks in items:
        for task in tasks[:MAX_TASKS_PER_ITEM]:
            when = "；".join(timing.get((item.unit, task.start), []))
            text = f"【{_who(item, task, matrix)}】{task.text}{f'（{when}）' if when else ''}"
            points.append(
                KeyPoint(f"{text}{item.mark(marks, task.start, task.end)}", item.citation, "通知要求")
            )
    return points


def _who(item: NoticeItem, task: Task, matrix: DutyMatrix) -> str:
    """Who carries a task: the bodies by remit where they 分工负责, else the item's bodies and their role."""
    p = item.provision
    if p.bodies_role == DIVIDED_ROLE:
        share = list(matrix.assignment(item, task))
        return f"{'、'.join(share)}按职责负责" if share else f"{PENDING}：{'、'.join(p.bodies)}等部门分工负责"
    return f"{'、'.join(p.bodies)}{p.bodies_role or '负责'}"


def _law_points(matcher: TopicMatcher, hits: list[Hit], marks: CitationMarks) -> list[KeyPoint]:
    """【who】what is required: of each provision of a section its first sentence (or 项) on the topic, whole,
    with whom it binds where the text names it; sentences that oblige in so many words (应当, 不得 …) first."""
    found = []
    for rank, hit in enumerate(hits):
        text = hit.provision.text
        topical = [s for s in _statements(hit.provision) if matcher.matches(text[s.start : s.end])]
        if topical:
            binding = [s for s in topical if _MODAL_WORDS.search(text[s.start : s.end])]
            found.append((not binding, rank, hit, (binding or topical)[0]))
    points = []
    for *_, hit, sentence in sorted(found, key=lambda f: f[:2])[:MAX_LAW_POINTS]:
        text = hit.provision.text
        lead = lead_of(hit.provision, sentence) if sentence.item else sentence
        said = text[lead.start : lead.end]
        who = obligated(said)
        if sentence.item:  # 【生产经营单位】应当建立下列有关安全生产管理制度：……危险作业管理制度
            required = f"{said.removeprefix(who)}{CUT}{item_text(text[sentence.start : sentence.end])}"
        else:
            required = said.removeprefix(who)
        line = f"{f'【{who}】' if who else ''}{required}{_mark(hit, lead.start, sentence.end, marks)}"
        points.append(KeyPoint(line, hit.citation, "法定义务"))
    return points


def _statements(provision: Provision) -> list[Piece]:
    """The sentences that say something by themselves: a lead that ends in ： stands for its 项."""
    parts = sentences(provision)
    leads = {p.paragraph for p in parts if p.item}
    return [
        p
        for p in parts
        if p.item or not (p.paragraph in leads and provision.text[p.start : p.end].endswith("："))
    ]


def _penalty_points(matcher: TopicMatcher, hits: list[Hit], marks: CitationMarks) -> list[KeyPoint]:
    """What is punished and how: the 项 or sentence on the topic with its penalty clause, cuts marked ……."""
    points = []
    for hit in hits:
        point = _penalty_point(matcher, hit, marks)
        if point:
            points.append(KeyPoint(point, hit.citation, "罚则"))
    return points


def _penalty_point(matcher: TopicMatcher, hit: Hit, marks: CitationMarks) -> str:
    text = hit.provision.text
    parts = pieces(hit.provision)
    for piece in parts:
        if piece.item and matcher.matches(text[piece.start : piece.end]):
            violation = item_text(text[piece.start : piece.end])
            if "罚款" in violation:  # the 项 names its own fine: 未对职工进行安全教育…的，处4万元以下的罚款
                return f"{violation}{_mark(hit, piece.start, piece.end, marks)}"
            lead = next(p for p in parts if p.paragraph == piece.paragraph and not p.item)
            start, end, more = penalty_clause(text[lead.start : lead.end])
            clause = f"{text[lead.start + start : lead.start + end]}{CUT if more else ''}"
            return f"{violation}：{clause}{_mark(hit, lead.start, piece.end, marks)}"
    found = [s for s in sentences(hit.provision) if matcher.matches(text[s.start : s.end])]
    punished = [s for s in found if is_penalty(text[s.start : s.end])]
    if punished:
        s = punished[0]
        return f"{text[s.start : s.end]}{_mark(hit, s.start, s.end, marks)}"
    penalty = next((s for s in sentences(hit.provision) if is_penalty(text[s.start : s.end])), None)
    if not found or penalty is None:
        return ""
    first, second = sorted((found[0], penalty), key=lambda s: s.start)
    joined = f"{text[first.start : first.end]}{CUT}{text[second.start : second.end]}"
    return f"{joined}{_mark(hit, first.start, second.end, marks)}"


def _point_blocks(points: list[KeyPoint]) -> list[Block]:
    blocks: list[Block] = []
    for kind in ("通知要求", "法定义务", "罚则"):
        lines = [p.text for p in points if p.kind == kind]
        if lines:
            blocks += [Paragraph(kind, bold=True), NumberedList(lines)]
    return blocks


# --- sections --------------------------------------------------------------------------------------------


def _notice_section(
    items: list[tuple[NoticeItem, list[Task]]], matrix: DutyMatrix, marks: CitationMarks
) -> list[Block]:
    """Each item on the topic: its bodies, then its tasks on the topic, whole, with …… where tasks are left out."""
    blocks: list[Block] = []
    for item, tasks in items:
        p = item.provision
        general = f"；{'、'.join(p.general_bodies)}{GENERAL_ROLE}" if p.general_bodies else ""
        bodies = f"责任单位：{'、'.join(p.bodies)}{p.bodies_role or '负责'}{general}"
        blocks += [
            Heading(item.heading, level=2),
            Paragraph(f"{bodies}{item.mark(marks, *item.bodies_span())}"),
        ]
        shown = set(tasks) or set(item.tasks)
        left_out = False
        for task in item.tasks:
            if task in shown:
                if left_out:
                    blocks.append(Paragraph(CUT))
                blocks.append(Paragraph(f"{task.text}。{item.mark(marks, task.start, task.end)}"))
                left_out = False
            else:
                left_out = True
        if left_out:
            blocks.append(Paragraph(CUT))
    return blocks


def _law_section(matcher: TopicMatcher, hits: list[Hit], marks: CitationMarks) -> list[Block]:
    """Each provision: whole when short, else its 款 and 项 on the topic whole, every cut marked ……."""
    blocks: list[Block] = []
    for hit in hits:
        parts = excerpt(hit.provision, matcher.matches)
        quoted = [p for p in parts if p is not None]
        if not quoted:
            continue
        blocks.append(Heading(hit.citation, level=2))
        texts = [CUT if piece is None else hit.provision.text[piece.start : piece.end] for piece in parts]
        last = max(n for n, piece in enumerate(parts) if piece is not None)
        texts[last] += _mark(hit, quoted[0].start, quoted[-1].end, marks)
        blocks += [Paragraph(text) for text in texts]
    return blocks


def _self_test_items(
    matcher: TopicMatcher, provisions: list[Provision], questions: QuestionSource | None
) -> list[QuizItem]:
    """Questions on the topic whose proving provisions are all in the handout."""
    if not questions or not provisions:
        return []
    units = {(p.doc_id, p.unit) for p in provisions}

    def keep(item: QuizItem) -> bool:
        in_handout = all((item.doc_id, unit) in units for unit in item.cited_units)
        return in_handout and matcher.matches(item.source or item.stem)

    return list(questions(provisions, SELF_TEST_COUNT, keep))


def _self_test(found: list[QuizItem]) -> list[Block]:
    """The questions with their options, then the answers with their explanations."""
    if not found:
        return []
    blocks: list[Block] = []
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


def _mark(hit: Hit, start: int, end: int, marks: CitationMarks) -> str:
    return marks.mark(hit.provision, hit.citation, start, end)


# --- other forms -----------------------------------------------------------------------------------------


def handout_deck(handout: Handout) -> Deck:
    """The study-session outline: a title slide, one slide per key point with its citation, and a closing
    slide of the self-test questions (their answers in the speaker notes)."""
    slides = [
        Slide(f"要点{n}　{point.kind}", [_unmarked(point.text)], footer=f"依据：{point.citation}")
        for n, point in enumerate(handout.points, start=1)
    ]
    if handout.questions:
        lines = [f"{n}. （{q.type}）{q.stem}" for n, q in enumerate(handout.questions, start=1)]
        notes = "\n".join(
            f"{n}. {q.answer_text}。{q.citation}" for n, q in enumerate(handout.questions, start=1)
        )
        slides.append(Slide("自测题", lines, notes=notes))
    return Deck(handout.document.title, handout.document.subtitle.split("。")[0], slides)


def _unmarked(text: str) -> str:
    """A point without its citation marker (the slide names the provision)."""
    return text[: text.rfind("[")] if text.endswith("]") else text


def handout_dict(handout: Handout) -> dict[str, Any]:
    """The handout as JSON: topic, outline, Markdown text, key points and citations."""
    return {
        "topic": handout.topic,
        "outline": handout.outline(),
        "markdown": handout.to_markdown(),
        "points": [asdict(p) for p in handout.points],
        "citations": [asdict(c) for c in handout.citations],
    }
