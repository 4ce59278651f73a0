"""Replies as the text that messengers without HTML take: Markdown (钉钉, 飞书 cards, 企业微信 智能机器人) or
plain text with <a> links (企业微信 application messages), and buttons as text where none call back.

Usage::

    markdown(reply.blocks)                       # "**《中华人民共和国安全生产法》第二十一条**\\n生产经营单位……"
    plain_text(reply.blocks, html_link)          # bold shown as plain text, links as <a href="…">…</a>
    hint_blocks(reply.buttons)                   # "回复序号查看条文原文：\\n[1] 《安全生产法》第21条"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from bots.core.messages import Block, Button, Line, Span, plain

_MARKS = {"bold": "**", "italic": "*", "code": "`"}
_SPECIAL = re.compile(r"([\\`*_])")  # [ ] stay: without (…) after them they make no link
NUMBERED_HINT = "回复序号查看条文原文："


def markdown(blocks: Sequence[Block], line_break: str = "\n") -> str:
    """Blocks separated by blank lines, lines by ``line_break``; styles as ** * `, links as [text](url),
    Markdown's own characters escaped."""
    return "\n\n".join(line_break.join(markdown_line(line) for line in block.lines) for block in blocks)


def markdown_line(line: Line) -> str:
    parts = []
    for span in merged(line):
        text = _SPECIAL.sub(r"\\\1", span.text) if span.style != "code" else span.text.replace("`", "'")
        mark = _MARKS.get(span.style, "") if text.strip() else ""
        text = f"{mark}{text}{mark}"
        parts.append(f"[{text}]({span.url})" if span.url else text)
    return "".join(parts)


def merged(line: Line) -> Line:
    """Neighbouring spans of one style and link joined (**a****b** would not be bold in Markdown)."""
    joined: Line = []
    for span in line:
        if joined and (joined[-1].style, joined[-1].url) == (span.style, span.url):
            joined[-1] = Span(joined[-1].text + span.text, span.style, span.url)
        else:
            joined.append(span)
    return joined


def html_link(text: str, url: str) -> str:
    """An <a> link, as 企业微信 text messages show them."""
    return f'<a href="{escape(url)}">{text}</a>'


def plain_text(blocks: Sequence[Block], link: Callable[[str, str], str] | None = None) -> str:
    """Blocks as plain text (styles dropped); spans with a URL through ``link(text, url)`` if given."""

    def line_text(line: Line) -> str:
        return "".join(link(s.text, s.url) if link and s.url else s.text for s in line)

    return "\n\n".join("\n".join(line_text(line) for line in block.lines) for block in blocks)


def hint_blocks(rows: Sequence[Sequence[Button]]) -> list[Block]:
    """Buttons as text for a channel without buttons that call back: a button with a URL as a link line,
    the numbered sources under one "回复序号" line, any other button with the reply that does the same."""
    numbered: list[Line] = []
    others: list[Line] = []
    for button in (b for row in rows for b in row):
        if button.url:
            others.append([Span(button.label, url=button.url)])
        elif button.reply and button.label.startswith(f"[{button.reply}]"):
            numbered.append([plain(button.label)])
        elif button.reply:
            others.append([plain(f"{button.label}：回复 {button.reply}")])
    blocks = [Block([[plain(NUMBERED_HINT)], *numbered])] if numbered else []
    return blocks + ([Block(others)] if others else [])
