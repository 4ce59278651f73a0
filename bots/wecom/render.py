"""Neutral replies as 企业微信 messages: plain text for an application (≤ 2,048 bytes, links as <a>), Markdown
for the 智能机器人 (≤ 20,480 bytes); split between provisions, buttons as text (neither calls back here).

Usage::

    for text in app_texts(reply):   # client.message.send_text(agent_id, user, text)
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bots.core.markup import hint_blocks, html_link, markdown, plain_text
from bots.core.messages import Block, Quiz, Reply, split_blocks

APP_TEXT_LIMIT = 2048  # bytes of an application's text message (企业微信 cuts longer ones off)
AIBOT_MARKDOWN_LIMIT = 20480  # bytes of an 智能机器人 reply or message


def app_texts(reply: Reply | Quiz, limit: int = APP_TEXT_LIMIT) -> list[str]:
    """The reply as application text messages of at most ``limit`` UTF-8 bytes."""
    return _parts(reply, limit, lambda blocks: plain_text(blocks, html_link))


def aibot_markdowns(reply: Reply | Quiz, limit: int = AIBOT_MARKDOWN_LIMIT) -> list[str]:
    """The reply as 智能机器人 Markdown messages of at most ``limit`` UTF-8 bytes."""
    return _parts(reply, limit, markdown)


def _parts(reply: Reply | Quiz, limit: int, text: Callable[[Sequence[Block]], str]) -> list[str]:
    """The reply's blocks, then its buttons as text, packed into parts that fit; a quiz as text whose
    options are answered by their letter."""
    shown = Reply(reply.as_reply().blocks) if isinstance(reply, Quiz) else reply
    blocks = [*shown.blocks, *hint_blocks(shown.buttons)]
    parts = split_blocks(blocks, limit, lambda part: len(text(part).encode("utf-8")))
    return [text(part) for part in parts]
