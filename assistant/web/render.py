"""HTML for the web app: a provision laid out by 款 and 项, and a chat answer with its citations.

Usage::

    provision_html(assistant.show("work-safety-law-2021", "21"))  # "<article class=\"provision\">…"
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from assistant.answer import Answer
from assistant.views import versions_text


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


def answer_html(answer: Answer, views: Sequence[dict[str, Any]]) -> str:
    """A chat reply: the answer's lines (direct reply first), then one expandable citation per source,
    numbered as the answer's [n] markers, that opens the full provision."""
    lines = "".join(f"<p>{escape(line)}</p>" for line in answer.answer.split("\n") if line.strip())
    parts = [f'<div class="answer">{lines}']
    if views:
        parts.append('<div class="sources"><p class="sources-title">出处（点开看全文）</p>')
        for number, view in enumerate(views, start=1):
            label = f"[{number}] {view['citation']}{view.get('item_title', '')}"
            parts.append(
                f'<details class="source"><summary>{escape(label)}</summary>{provision_html(view, heading=False)}</details>'
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


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
