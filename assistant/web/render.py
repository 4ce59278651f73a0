"""HTML for the web app: a provision laid out by 款 and 项, a chat answer with its verdict and linked
citations, and the conversation they make.

Usage::

    provision_html(assistant.show("work-safety-law-2021", "21"))  # "<article class=\"provision\">…"
    conversation_html([("第21条", answer_html(answer, views, "t1"))], WELCOME, scroll_to_latest=True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from assistant.answer import Answer
from assistant.views import versions_text

_MARKER = re.compile(r"\[(\d+)\]")
LLM_NOTE = "这段回答由您配置的大模型依据下列出处撰写，每句都已与所引条款核对。"
WRITING_NOTE = "正在撰写，每句核对出处后显示……"


def provision_path(provision_id: str) -> str:
    """The shareable address of a provision, relative to the app's root: provision/<doc_id>/<unit>."""
    return "provision/" + quote(provision_id, safe="/")


def provision_html(view: dict[str, Any], heading: bool = True) -> str:
    """A provision view (Assistant.show) as an <article>: citation (if ``heading``), place, document facts,
    款 with their 项 indented, a notice item's responsible bodies, and its own address."""
    parts = ['<article class="provision">']
    if heading:
        parts.append(f'<h3 class="citation">{escape(view["citation"])}</h3>')
    place = " ".join(part for part in (view.get("chapter"), view.get("section")) if part)
    if place:
        parts.append(f'<p class="place">{escape(place)}</p>')
    parts.append(f'<p class="facts">{escape(document_facts(view))}</p>')
    if view.get("item_title"):
        parts.append(f'<p class="item-title">【{escape(view["item_title"])}】</p>')
    for paragraph in view["paragraphs"]:
        parts.append(f'<p class="paragraph">{escape(paragraph["text"])}</p>')
        parts.extend(f'<p class="item">{escape(item)}</p>' for item in paragraph["items"])
    if view.get("bodies") or view.get("general_bodies"):
        parts.append(_bodies_html(view))
    if len(view.get("versions") or ()) > 1:
        parts.append(f'<p class="versions">{escape(versions_text(view["versions"]))}</p>')
    parts.append(
        f'<p class="share"><a href="{escape(provision_path(view["id"]))}" target="_blank">'
        "本条链接（可分享）</a></p>"
    )
    parts.append("</article>")
    return "".join(parts)


def document_facts(document: dict[str, Any]) -> str:
    """层级 · 发布机关 · 文号 · 施行日期 · 时效性, from a provision view or a DocumentInfo dict."""
    facts = [
        document.get("level"),
        document.get("issuer"),
        document.get("doc_number"),
        f"{document['effective']} 施行" if document.get("effective") else None,
        document.get("status"),
    ]
    return " · ".join(fact for fact in facts if fact)


def answer_html(
    answer: Answer, views: Sequence[dict[str, Any] | None], anchor: str = "a", writing: bool = False
) -> str:
    """A chat reply: the verdict (when the answer has one) or the direct reply first and set apart, the
    other lines, then one expandable source per citation that opens the full provision (its quote when
    the provision is no longer in the index). Each [n] in the text links to source n, whose id is
    ``<anchor>-s<n>``. An answer written by the user's model says so; ``writing``: it is still coming."""
    lines = [line for line in answer.answer.split("\n") if line.strip()]
    paragraphs = [f'<p class="line">{_linked(line, answer, anchor)}</p>' for line in lines[1:]]
    if lines and answer.verdict:
        paragraphs.insert(
            0,
            f'<p class="verdict"><span class="verdict-tag">结论</span>{_linked(lines[0], answer, anchor)}</p>',
        )
    elif lines:
        paragraphs.insert(0, f'<p class="reply">{_linked(lines[0], answer, anchor)}</p>')
    if writing:
        paragraphs.append(f'<p class="writing" role="status">{WRITING_NOTE}</p>')
    elif answer.mode == "llm":
        paragraphs.append(f'<p class="llm-note">{LLM_NOTE}</p>')
    parts = [f'<div class="answer">{"".join(paragraphs)}']
    if answer.citations:
        parts.append('<div class="sources"><p class="sources-title">出处（点开看全文）</p>')
        for number, (citation, view) in enumerate(zip(answer.citations, views, strict=True), start=1):
            title = citation.citation + ((view or {}).get("item_title") or "")
            body = (
                provision_html(view, heading=False)
                if view
                else f'<p class="quote">{escape(citation.quote)}</p>'
            )
            parts.append(
                f'<details class="source" id="{anchor}-s{number}"><summary>[{number}] {escape(title)}'
                f"</summary>{body}</details>"
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def conversation_html(turns: Sequence[tuple[str, str]], welcome: str, scroll_to_latest: bool = False) -> str:
    """The chat log: each (question, answer HTML) as a turn, or the welcome when there is none;
    ``scroll_to_latest`` asks the page to bring the last turn into view once it shows."""
    if not turns:
        return f'<section class="chat-log empty" aria-label="对话记录"><p class="welcome">{escape(welcome)}</p></section>'
    body = "".join(
        f'<article class="turn"><p class="question"><span class="who">问</span>{escape(question)}</p>'
        f"{answer}</article>"
        for question, answer in turns
    )
    scroll = "latest" if scroll_to_latest else "none"
    return f'<section class="chat-log" aria-label="对话记录" data-scroll="{scroll}">{body}</section>'


def _linked(line: str, answer: Answer, anchor: str) -> str:
    """The line escaped, each [n] that names a citation made a link to source n."""

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(answer.citations):
            return match.group(0)
        name = f"出处{number}：{answer.citations[number - 1].citation}"
        return f'<a class="cite" href="#{anchor}-s{number}" aria-label="{escape(name)}">[{number}]</a>'

    return _MARKER.sub(link, escape(line))


def _bodies_html(view: dict[str, Any]) -> str:
    role = view.get("bodies_role") or "负责"
    lines = []
    if view.get("bodies"):
        lines.append(f"<b>责任单位</b>：{escape('、'.join(view['bodies']))}（{escape(role)}）")
    if view.get("general_bodies"):
        lines.append(
            f"<b>同时负责</b>：{escape('、'.join(view['general_bodies']))}（通知（一）规定各项工作均需负责）"
        )
    return f'<div class="bodies">{"<br>".join(lines)}</div>'
