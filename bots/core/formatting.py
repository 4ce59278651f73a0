"""Answers, provisions and source lists as channel-neutral replies: one block per provision, a button per source.

Usage::

    reply = answer_reply(assistant.ask("主要负责人有哪些职责"), citer)
    reply.blocks[0].text      # "责任主体：生产经营单位的主要负责人[1]。\\n依据："
    reply.buttons[0][0].label  # "[1] 《安全生产法》第21条": a short label, its data a key into the chat context
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from assistant.answer import Answer
from assistant.duties import GENERAL_ROLE, Responsibility
from assistant.views import responsible_line
from bots.core.citing import Citer
from bots.core.commands import command_menu
from bots.core.context import Source
from bots.core.messages import Block, Button, Line, Reply, Span, bold, code, emphasized, italic, plain
from corpus.model import LEVELS, DocumentInfo, Provision, citation

PAGE_SIZE = 5  # sources per /sources page
QUOTE_PREVIEW = 150  # characters of a source's quote on a /sources page
PAGE = "s"  # button data kind: show a page of sources
CUT = "……"  # marks text left out of a quote
SENTENCE_END = "。！？"
_CLOSING = "”’）》"  # may follow a sentence end
_MARKER = re.compile(r"\[(\d+)\]")
_OPEN_QUOTE = re.compile(r"[；，、：,;]$")


def answer_reply(answer: Answer, citer: Citer) -> Reply:
    """The answer's first line (its verdict, or the direct reply) in bold, the header, then its basis lines
    grouped by the provision they quote, each citation in bold (a link with a public URL), 【…】 emphasis
    as bold, quotes that stop mid-sentence marked; a button per citation that shows the provision."""
    lines = [line for line in answer.answer.split("\n") if line.strip()]
    if not lines:
        return Reply([])
    head, rest = lines[:1], lines[1:]
    if rest and not _MARKER.search(rest[0]):  # 依据： / 最接近的条款：
        head, rest = lines[:2], lines[2:]
    blocks = [Block([emphasized(head[0], "bold"), *(emphasized(line) for line in head[1:])])]
    openings = sorted(
        ((c.citation, citer.url(c.doc_id, c.unit)) for c in answer.citations), key=lambda c: -len(c[0])
    )
    previous: set[str] | None = None
    for line in rest:
        markers = set(_MARKER.findall(line))
        if line.startswith("《") or previous is None or (markers and markers != previous):
            blocks.append(Block([]))
        blocks[-1].lines.append(_cited_line(_marked_cut(line), openings))
        previous = markers or previous
    buttons = [
        [citer.button(f"[{n}] ", c.doc_id, c.unit, reply=str(n))]
        for n, c in enumerate(answer.citations, start=1)
    ]
    return Reply(blocks, buttons)


def provision_reply(provision: Provision, document: DocumentInfo, url: str = "") -> Reply:
    """A provision in full: its citation and lead phrase, chapter, one block per 款 with its 项, and the
    responsible bodies of a notice item; the citation links to ``url`` if given."""
    return Reply(provision_blocks(provision, document, url))


def provision_blocks(provision: Provision, document: DocumentInfo, url: str = "") -> list[Block]:
    """The blocks of ``provision_reply``, grouped by the provision's id. A notice item says its lead phrase
    once (in the heading, not again at the start of its text) and its bodies once (in the 责任单位 line,
    not again in the bracket that closes its text)."""
    heading = citation(document.title, provision.unit) + provision.title
    head: list[Line] = [[Span(heading, "bold", url)]]
    place = " ".join(part for part in (provision.chapter, provision.section) if part)
    if place:
        head.append([italic(place)])
    paragraphs = [(p.text, p.items) for p in provision.paragraphs] or [(provision.text, [])]
    paragraphs = _without_repeats(provision, paragraphs)
    bodies = [[plain(responsible_line(provision))]] if provision.bodies else []
    sections = [
        head,
        *([[plain(text)], *([plain(f"  {item}")] for item in items)] for text, items in paragraphs),
    ]
    return [Block(lines, provision.id) for lines in [*sections, *([bodies] if bodies else [])] if lines]


def _without_repeats(
    provision: Provision, paragraphs: list[tuple[str, list[str]]]
) -> list[tuple[str, list[str]]]:
    """The paragraphs without the item's opening （十三）<lead phrase>。 and, when the bodies are listed
    apart, without the closing bracket that names them."""
    if not paragraphs or not provision.title:
        return paragraphs
    first, items = paragraphs[0]
    first = re.sub(rf"^{re.escape(provision.unit + provision.title)}[。．.]?", "", first)
    paragraphs = [(first, items), *paragraphs[1:]]
    last, items = paragraphs[-1]
    start = _closing_bracket(last)
    if provision.bodies and not items and start is not None and provision.bodies[0] in last[start:]:
        paragraphs[-1] = (last[:start], items)
    return [(text, items) for text, items in paragraphs if text.strip() or items]


def _closing_bracket(text: str) -> int | None:
    """Where the bracketed part that ends ``text`` opens (brackets may nest); None if it ends otherwise."""
    if not text.endswith("）"):
        return None
    depth = 0
    for position in range(len(text) - 1, -1, -1):
        depth += {"）": 1, "（": -1}.get(text[position], 0)
        if depth == 0:
            return position
    return None


def sources_page(citer: Citer, page: int) -> Reply:
    """Page ``page`` (from 1) of the last answer's sources: each with its quote previewed (whole sentences,
    cuts marked) and a button for the whole provision, and buttons to the previous and next pages."""
    context = citer.context
    sources = context.sources
    pages = max(1, math.ceil(len(sources) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    first = (page - 1) * PAGE_SIZE
    shown = list(enumerate(sources[first : first + PAGE_SIZE], start=first + 1))
    header = f"上一个回答的依据，共 {len(sources)} 条" + (f"（第 {page}/{pages} 页）" if pages > 1 else "")
    blocks = [Block([[bold(header)]])]
    blocks += [
        Block([[Span(f"[{n}] {s.citation}", "bold", citer.url(s.doc_id, s.unit))], [plain(preview(s.quote))]])
        for n, s in shown
    ]
    buttons = [[citer.button(f"[{n}] ", s.doc_id, s.unit, reply=str(n))] for n, s in shown]
    turns = [
        Button(label, f"{PAGE}:{context.sources_version}:{target}", reply=f"/sources {target}")
        for label, target in (("◀ 上一页", page - 1), ("下一页 ▶", page + 1))
        if 1 <= target <= pages
    ]
    return Reply(blocks, [*buttons, turns] if turns else buttons)


def responsibilities_reply(keyword: str, found: list[Responsibility], citer: Citer) -> Reply:
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
        [citer.button(f"[{n}] ", r.item.provision.doc_id, r.unit, reply=str(n))]
        for n, r in enumerate(found, start=1)
    ]
    return Reply(blocks, buttons)


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


HELP_EXAMPLES = {
    "law": ("/law 安全生产法 21", "查看条文（也可写 第二十一条、安法 21、通知 十三、安全生产法 20-25）"),
    "duty": ("/duty 市应急管理局", "这个单位在通知中负责哪些工作；/duty 隐患排查：这项工作由谁负责"),
    "sources": ("/sources", "上一个回答依据的条款，可翻页；回复出处的序号（如 1）看全文"),
    "quiz": ("/quiz 安全生产法", "出一道练习题（也可写主题，如 /quiz 隐患排查），回复选项字母作答"),
    "reindex": ("/reindex", "更新检索索引（管理员）"),
}


def help_reply(admin: bool = False) -> Reply:
    """The commands this user may use, with an example each (admin commands only for admins)."""
    examples = [HELP_EXAMPLES[name] for name in command_menu(admin) if name in HELP_EXAMPLES]
    return Reply(
        [
            Block([[bold("直接发送问题即可")], [plain("例如：新员工上岗前要培训多少学时？")]]),
            Block([[code(command), plain(f" {meaning}")] for command, meaning in examples]),
        ]
    )


def sources_of(answer: Answer) -> list[Source]:
    return [Source(c.doc_id, c.unit, c.citation, c.quote) for c in answer.citations]


def whole_sentences(quote: str, text: str) -> str:
    """The quote widened to the sentences it stands in within ``text`` (the provision), so that a preview
    can cut at a sentence end; the quote itself when it is not found there."""
    start = text.find(quote)
    if start < 0 or not quote:
        return quote
    begin = max(text.rfind(end, 0, start) for end in f"{SENTENCE_END}\n") + 1
    end = start + len(quote)
    while end < len(text) and text[end - 1] not in SENTENCE_END:
        end += 1
    while end < len(text) and text[end] in _CLOSING:
        end += 1
    return text[begin:end].strip()


def preview(quote: str, limit: int = QUOTE_PREVIEW) -> str:
    """The quote flattened to one line and, when longer than ``limit``, cut after its last sentence end
    within the limit (else after the last clause, else at the limit), the cut marked with ……; a quote
    that stops mid-sentence is marked too."""
    flat = " ".join(quote.split())
    if len(flat) <= limit:
        return _marked_end(flat)
    window = flat[:limit]
    for stops in (SENTENCE_END, "；", "，、"):
        cut = max(window.rfind(stop) for stop in stops)
        if cut >= limit // 3:
            return window[: cut + 1] + CUT
    return window + CUT


def _marked_end(text: str) -> str:
    """…… after a quote that ends inside a sentence (可以处以罚款；)."""
    return text + CUT if _OPEN_QUOTE.search(text) else text


def _marked_cut(line: str) -> str:
    """A basis line whose quote stops inside a sentence gets …… before its marker:
    …可以处以罚款；[2] → …可以处以罚款；……[2]."""
    match = re.search(r"(\[\d+\])+$", line)
    if match is None:
        return line
    return _marked_end(line[: match.start()]) + match.group(0)


def _cited_line(line: str, openings: list[tuple[str, str]]) -> Line:
    """A basis line with the citation it opens with (《…》第五条) in bold, linked where a URL is known,
    and its 【…】 emphasis in bold."""
    for opening, url in openings:
        if line.startswith(opening):
            return [Span(opening, "bold", url), *emphasized(line[len(opening) :])]
    return emphasized(line)
