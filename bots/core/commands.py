"""The bot's commands and how a message is read: a command with its argument, or a question.

Usage::

    parse_command("/law@anquan_bot 安全生产法 21")  # Command("law", "安全生产法 21", "anquan_bot")
    parse_command("发生事故多久上报？")              # None: a question
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Name and the one-line description every channel shows in its command menu; admins also see ADMIN_COMMANDS.
COMMANDS: dict[str, str] = {
    "start": "开始使用",
    "help": "使用说明和命令列表",
    "law": "查看条文，如 /law 安全生产法 21",
    "duty": "查职责，如 /duty 市应急管理局 或 /duty 隐患排查",
    "sources": "上一个回答依据的条款",
    "quiz": "出一道练习题，如 /quiz 安全生产法",
}
ADMIN_COMMANDS: dict[str, str] = {"reindex": "更新检索索引"}

# /name, /name@bot, then the argument after white space or straight after the name when it is not ASCII
# (/law安全生产法21).
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:(?:\s+|(?=[^\x00-\x7f]))(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Command:
    """``Command("law", "安全生产法 21")``: a command name (lower case), the text after it, and the bot it
    was addressed to in a group chat (/law@anquan_bot), if any."""

    name: str
    argument: str = ""
    addressee: str = ""

    def for_other_bot(self, bot_name: str | None) -> bool:
        """Addressed to another bot in the same group chat: not ours to answer."""
        return bool(self.addressee and bot_name and self.addressee.lower() != bot_name.lower())


def command_menu(admin: bool = False) -> dict[str, str]:
    """The commands a user may see: everyone's, and the admin commands for an admin."""
    return {**COMMANDS, **ADMIN_COMMANDS} if admin else dict(COMMANDS)


def parse_command(text: str) -> Command | None:
    """The command a message starts with, None for a question; the name lower-cased, the argument stripped."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    name, addressee, argument = match.groups()
    return Command(name.lower(), (argument or "").strip(), addressee or "")
