"""Neutral replies as 钉钉 robot messages: Markdown, the last part an ActionCard with a button per citation.

A button opens the provision's page in the web app when the public URL is known; otherwise it is a
dtmd://dingtalkclient/sendMessage link that sends the button's reply for the user (1 shows source [1],
C answers a quiz), since a robot's session webhook has no buttons that call back.

Usage::

    for payload in messages(reply):
        requests.post(incoming.session_webhook, json=payload)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bots.core.markup import markdown
from bots.core.messages import Button, Quiz, Reply, split_blocks

MARKDOWN_LIMIT = 5000  # characters of a message's Markdown text (a conservative limit: 钉钉 documents none)
TITLE_LIMIT = 20  # characters of the title the conversation list shows
LINE_BREAK = "  \n"  # a line break in 钉钉 Markdown (a bare newline may join the lines)


def messages(reply: Reply | Quiz) -> list[dict[str, Any]]:
    """The reply as session-webhook payloads: Markdown parts of at most MARKDOWN_LIMIT characters; the
    last an ActionCard when the reply has buttons (a quiz: one per option)."""
    shown = reply.as_reply() if isinstance(reply, Quiz) else reply
    parts = split_blocks(shown.blocks, MARKDOWN_LIMIT, lambda blocks: len(markdown(blocks, LINE_BREAK)))
    if not parts:
        return []
    title = _title(shown)
    payloads: list[dict[str, Any]] = [
        {"msgtype": "markdown", "markdown": {"title": title, "text": markdown(part, LINE_BREAK)}}
        for part in parts
    ]
    buttons = [button for row in shown.buttons for button in row]
    if buttons:
        card = {"title": title, "text": payloads[-1]["markdown"]["text"], "btnOrientation": "0"}
        card["btns"] = [{"title": b.label, "actionURL": action_url(b)} for b in buttons]
        payloads[-1] = {"msgtype": "actionCard", "actionCard": card}
    return payloads


def action_url(button: Button) -> str:
    """The web page, or a link that sends the button's reply as the user's message."""
    if button.url:
        return button.url
    return f"dtmd://dingtalkclient/sendMessage?content={quote(button.reply or button.label)}"


def _title(reply: Reply) -> str:
    first = reply.blocks[0].lines[0] if reply.blocks and reply.blocks[0].lines else []
    text = "".join(span.text for span in first) or "安全生产知识助手"
    return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1] + "…"
