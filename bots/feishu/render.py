"""Neutral replies as 飞书 interactive cards: Markdown in the card, a button per citation that calls back.

Usage::

    for card in cards(reply):
        client.im.v1.message.reply(… msg_type("interactive").content(json.dumps(card)) …)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bots.core.markup import markdown
from bots.core.messages import Block, Button, Quiz, Reply, split_blocks

CARD_LIMIT = 28_000  # bytes of a card's JSON (飞书 accepts up to 30 KB; the rest is headroom)
BUTTON_DATA = "d"  # the key of a button's data in its callback value


def cards(reply: Reply | Quiz) -> list[dict[str, Any]]:
    """The reply as cards of at most CARD_LIMIT bytes, split between provisions; the buttons (a quiz's: one
    per option) under the last."""
    shown = Reply(reply.as_reply().blocks, [[c] for c in reply.choices]) if isinstance(reply, Quiz) else reply
    budget = CARD_LIMIT - _size({"buttons": [_button(b) for row in shown.buttons for b in row]})
    parts = split_blocks(shown.blocks, budget, lambda blocks: _size(card(blocks, [])))
    if not parts:
        return []
    return [*(card(part, []) for part in parts[:-1]), card(parts[-1], shown.buttons)]


def card(blocks: Sequence[Block], rows: Sequence[Sequence[Button]]) -> dict[str, Any]:
    """A card (JSON 1.0) with the blocks as one Markdown element and a row of buttons per button row."""
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": markdown(blocks)}]
    elements += [{"tag": "action", "actions": [_button(b) for b in row]} for row in rows if row]
    return {"config": {"wide_screen_mode": True, "update_multi": True}, "elements": elements}


def _button(button: Button) -> dict[str, Any]:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": button.label},
        "type": "default",
        "value": {BUTTON_DATA: button.data},
    }


def _size(content: dict[str, Any]) -> int:
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))
