"""The channel-agnostic conversation core: commands, per-chat context, formatting, paging, rate limit, access.

Usage::

    core = BotCore(Assistant(Settings.from_env()), BotConfig.from_env())
    outcome = core.handle_message(Incoming(user_id="7", chat_id="7", text="发生事故多久上报"))
    outcome.replies[0].blocks  # text blocks at provision boundaries; .buttons: one per citation
"""

from bots.core.citing import Citer, ShortNames
from bots.core.commands import ADMIN_COMMANDS, COMMANDS, Command, command_menu, parse_command
from bots.core.config import BotConfig, parse_ids, parse_rate
from bots.core.context import ChatContext, ContextStore, Source
from bots.core.conversation import APOLOGY, NOT_TEXT, BotCore, Incoming, Outcome, Press, PressOutcome
from bots.core.lawref import LawRef, LawRefError, parse_law_argument
from bots.core.messages import Block, Button, Quiz, Reply, Span, split_blocks, text_reply
from bots.core.ratelimit import RateLimiter, Verdict

__all__ = [
    "ADMIN_COMMANDS",
    "APOLOGY",
    "COMMANDS",
    "NOT_TEXT",
    "Block",
    "BotConfig",
    "BotCore",
    "Button",
    "ChatContext",
    "Citer",
    "Command",
    "ContextStore",
    "Incoming",
    "LawRef",
    "LawRefError",
    "Outcome",
    "Press",
    "PressOutcome",
    "Quiz",
    "RateLimiter",
    "Reply",
    "ShortNames",
    "Source",
    "Span",
    "Verdict",
    "command_menu",
    "parse_command",
    "parse_ids",
    "parse_law_argument",
    "parse_rate",
    "split_blocks",
    "text_reply",
]
