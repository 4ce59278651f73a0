"""Answers, provisions and source lists as channel-neutral replies: one block per provision, a button per source.

Usage::

    reply = answer_reply(assistant.ask("主要负责人有哪些职责"), context)
    reply.blocks[0].text     # "责任主体：生产经营单位的主要负责人[1]。\\n依据："
    reply.buttons[0][0].data  # "p:1": the chat context's key of the first citation
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from assistant.answer import Answer
from assistant.duties import GENERAL_ROLE, Responsibility
from assistant.quiz import QuizItem
from assistant.views import responsible_line
from bots.core.context import ChatContext, Source
from bots.core.messages import (
    QUIZ_EXPLANATION_LIMIT,
    Block,
    Button,
    Line,
    Quiz,
    Reply,
    bold,
    code,
    italic,
    plain,
)
from corpus.model import LEVELS, DocumentInfo, Provision, citation

PAGE_SIZE = 5  # sources per /sources page
QUOTE_PREVIEW = 150  # characters of a source's quote on a /sources page
LABEL_LIMIT = 40  # characters of a button label
PROVISION, PAGE = "p", "s"  # button data kinds: show a provision, show a page of sources

_MARKER = re.compile(r"\[(\d+)\]")


def answer_reply(answer: Answer, context: ChatContext) -> Reply:
    """The answer's direct reply (bold) and header, then its basis lines grouped by the provision they
    quote, each citation in bold; a button per citation that shows the provision."""
    lines = [line for line in answer.answer.split("\n") if line.strip()]
    if not lines:
        return Reply([])
    citations = [c.citation for c in answer.citations]
    head, rest = lines[:1], lines[1:]
    if rest and not _MARKER.search(rest[0]):  # 依据： / 最接近的条款：
        head, rest = lines[:2], lines[2:]
    blocks = [Block([[bold(head[0])], *([plain(line)] for line in head[1:])])]
    previous: set[str] | None = None
    for line in rest:
        markers = set(_MARKER.findall(line))
        starts = line.startswith("《")
        if starts or previous is None or (markers and markers != previous):
            blocks.append(Block([]))
        blocks[-1].lines.append(_cited_line(line, citations))
        previous = markers or previous
    buttons = [
        [provision_button(f"[{n}] {c.citation}", c.doc_id, c.unit, context)]
        for n, c in enumerate(answer.citations, start=1)
    ]
    return Reply(blocks, buttons)


def provision_reply(provision: Provision, document: DocumentInfo) -> Reply:
    """A provision in full: its citation, chapter and lead phrase, one block per 款 with its 项, and the
    responsible bodies of a notice item."""
    return Reply(provision_blocks(provision, document))


def provision_blocks(provision: Provision, document: DocumentInfo) -> list[Block]:
    """The blocks of ``provision_reply``, grouped by the provision's id."""
    head: list[Line] = [[bold(citation(document.title, provision.unit))]]
    place = " ".join(part for part in (provision.chapter, provision.section) if part)
    if place:
        head.append([italic(place)])
    if provision.title:
        head.append([plain(f"【{provision.title}】")])
    paragraphs = [(p.text, p.items) for p in provision.paragraphs] or [(provision.text, [])]
    bodies = [[plain(responsible_line(provision))]] if provision.bodies else []
    sections = [
        head,
        *([[plain(text)], *([plain(f"  {item}")] for item in items)] for text, items in paragraphs),
    ]
    return [Block(lines, provision.id) for lines in [*sections, *([bodies] if bodies else [])]]


def sources_page(context: ChatContext, page: int) -> Reply:
    """Page ``page`` (from 1) of the last answer's sources: each with its quote cut short and a button
    for the whole provision, and buttons to the previous and next pages."""
    sources = context.sources
    pages = max(1, math.ceil(len(sources) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    first = (page - 1) * PAGE_SIZE
    shown = list(enumerate(sources[first : first + PAGE_SIZE], start=first + 1))
    header = f"上一个回答的依据，共 {len(sources)} 条" + (f"（第 {page}/{pages} 页）" if pages > 1 else "")
    blocks = [Block([[bold(header)]])]
    blocks += [Block([[bold(f"[{n}] {s.citation}")], [plain(_shorten(s.quote))]]) for n, s in shown]
    buttons = [[provision_button(f"[{n}] 查看全文", s.doc_id, s.unit, context)] for n, s in shown]
    turns = [
        Button(label, f"{PAGE}:{context.sources_version}:{target}")
        for label, target in (("◀ 上一页", page - 1), ("下一页 ▶", page + 1))
        if 1 <= target <= pages
    ]
    return Reply(blocks, [*buttons, turns] if turns else buttons)


def responsibilities_reply(keyword: str, found: list[Responsibility], context: ChatContext) -> Reply:
    """Who carries the notice items that mention a task: per item its heading, bodies and matching
    tasks, and a button for the item's full text."""
    blocks = [Block([[bold(f"通知中与“{keyword}”有关的工作共 {len(found)} 项")]])]
    for n, r in enumerate(found, start=1):
        bodies = f"责任单位：{'、'.join(r.bodies)}（{r.role or '负责'}）"
        if r.general_bodies:
            bodies += f"；{'、'.join(r.general_bodies)}（{GENERAL_ROLE}）"
        lines = [[bold(f"[{n}] {r.item.heading}")], [plain(bodies)]]
        blocks.append(Block([*lines, *([plain(f"· {t.text}")] for t in r.tasks)]))
    buttons = [
        [provision_button(f"[{n}] {r.item.citation}", r.item.provision.doc_id, r.unit, context)]
        for n, r in enumerate(found, start=1)
    ]
    return Reply(blocks, buttons)


def quiz_message(item: QuizItem, title: str, context: ChatContext) -> Quiz:
    """An exam item as a quiz: options in letter order, the item's explanation when it fits a native quiz
    (else the answer and the citation), a button per cited provision."""
    letters = sorted(item.options)
    explanation = item.explanation
    if len(explanation) > QUIZ_EXPLANATION_LIMIT or explanation.count("\n") > 2:
        answer = f"{item.correct_letters}. {item.options[item.correct_letters]}"
        explanation = f"答案：{answer}。依据{item.citation}，点“查看出处”阅读原文。"
    buttons = [
        [provision_button(f"查看出处：{citation(title, unit)}", item.doc_id, unit, context)]
        for unit in item.cited_units
    ]
    options = [item.options[letter] for letter in letters]
    return Quiz(item.stem, options, letters.index(item.correct_letters), explanation, buttons)


def documents_reply(documents: Iterable[DocumentInfo]) -> Reply:
    """The collected documents by level, for /law without an argument."""
    by_level: dict[str, list[str]] = {level: [] for level in LEVELS}
    for document in documents:
        by_level.setdefault(document.level, []).append(f"《{document.title}》")
    blocks = [
        Block([[bold("已收录的文件")], [plain("发送 /law 文件名 条号 查看条文，例如 /law 安全生产法 21")]])
    ]
    blocks += [
        Block([[bold(level)], *([plain(t)] for t in titles)]) for level, titles in by_level.items() if titles
    ]
    return Reply(blocks)


def document_reply(document: DocumentInfo, count: int) -> Reply:
    """A document's facts and how to look up one of its ``count`` provisions (/law 安全生产法)."""
    effective = f"{document.effective} 施行" if document.effective else ""
    facts = "，".join(x for x in (document.level, document.doc_number, effective) if x)
    return Reply(
        [
            Block([[bold(f"《{document.title}》")], [plain(f"{facts}，共 {count} 条（项）。")]]),
            Block([[plain("查看某一条："), code(f"/law {document.title} 1")]]),
        ]
    )


def help_reply() -> Reply:
    """The command list with an example each."""
    examples = [
        ("/law 安全生产法 21", "查看条文（也可写 第二十一条、安法 21、通知 十三、安全生产法 20-25）"),
        ("/duty 市应急管理局", "这个单位在通知中负责哪些工作"),
        ("/duty 隐患排查", "这项工作由谁负责"),
        ("/sources", "上一个回答依据的条款，可翻页、看全文"),
        ("/quiz 安全生产法", "出一道练习题（也可写主题，如 /quiz 隐患排查）"),
        ("/reindex", "更新检索索引（仅管理员）"),
    ]
    return Reply(
        [
            Block([[bold("直接发送问题即可")], [plain("例如：新员工上岗前要培训多少学时？")]]),
            Block([[code(command), plain(f" {meaning}")] for command, meaning in examples]),
        ]
    )


def provision_button(label: str, doc_id: str, unit: str, context: ChatContext) -> Button:
    """A button that shows a provision, its data a short key into the chat context."""
    short = label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1] + "…"
    return Button(short, f"{PROVISION}:{context.key_for(doc_id, unit)}")


def sources_of(answer: Answer) -> list[Source]:
    return [Source(c.doc_id, c.unit, c.citation, c.quote) for c in answer.citations]


def _cited_line(line: str, citations: list[str]) -> Line:
    """A basis line with the citation it opens with (《…》第五条) in bold."""
    opening = next((c for c in sorted(citations, key=len, reverse=True) if line.startswith(c)), "")
    if not opening:
        return [plain(line)]
    return [bold(opening), plain(line[len(opening) :])]


def _shorten(text: str, limit: int = QUOTE_PREVIEW) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "……"
