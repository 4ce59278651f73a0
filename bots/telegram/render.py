"""Neutral replies as Telegram messages: HTML (every text escaped), parts under 4,096 characters, inline keyboards.

Usage::

    for part in render(reply):
        await bot.send_message(chat_id, part.html, parse_mode="HTML", reply_markup=part.keyboard)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bots.core.messages import Block, Button, Line, Reply, split_blocks

MESSAGE_LIMIT = 4096  # Telegram's limit on a message's text, in UTF-16 code units
_TAGS = {"bold": "b", "italic": "i", "code": "code"}


@dataclass(frozen=True)
class TelegramMessage:
    """``TelegramMessage("<b>…</b>", keyboard)``: one message to send, its keyboard only on the last part."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


def render(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[TelegramMessage]:
    """The reply as one or more messages, split between blocks (provisions) so that each part's HTML,
    tags included, stays within ``limit``; the buttons go under the last part."""
    parts = split_blocks(reply.blocks, limit, lambda blocks: _length(blocks_html(blocks)))
    if not parts:
        return []
    texts = [blocks_html(part) for part in parts]
    messages = [TelegramMessage(text) for text in texts[:-1]]
    return [*messages, TelegramMessage(texts[-1], keyboard(reply.buttons))]


def blocks_html(blocks: Sequence[Block]) -> str:
    """Blocks separated by blank lines, lines by newlines."""
    return "\n\n".join("\n".join(line_html(line) for line in block.lines) for block in blocks)


def line_html(line: Line) -> str:
    """Spans as HTML: styles as tags, links as <a href>."""
    parts = []
    for span in line:
        text = html.escape(span.text, quote=False)
        tag = _TAGS.get(span.style)
        text = f"<{tag}>{text}</{tag}>" if tag and text else text
        parts.append(f'<a href="{html.escape(span.url)}">{text}</a>' if span.url and text else text)
    return "".join(parts)


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard with the buttons' data as callback data; None without buttons."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows if row]
    )


def _length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
