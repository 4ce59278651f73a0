"""What every bot channel shares: the rate limit, the allowlists, the admins and the web app's public address,
read from the environment.

Usage::

    config = BotConfig.from_env({"ASSISTANT_BOT_RATE": "5/60", "ASSISTANT_BOT_ADMINS": "42"})
    config.rate, config.admins  # (5, 60.0), frozenset({"42"})
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bots.settings import reader


@dataclass(frozen=True)
class BotConfig:
    """Per-user rate limit (messages, seconds; None for no limit), allowlists (empty: everyone), admins and
    the web app's public address (citations link to it; empty: no links). Ids are text, as messengers write
    them: Telegram's 123456789 or -1001234567890, 飞书's ou_… ."""

    rate: tuple[int, float] | None = (10, 60.0)
    allowed_users: frozenset[str] = frozenset()
    allowed_chats: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    public_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> BotConfig:
        """Read ASSISTANT_BOT_*; a malformed value raises ValueError with a Chinese message."""
        get = reader(env)
        return cls(
            rate=parse_rate(get("ASSISTANT_BOT_RATE")),
            allowed_users=parse_ids("ASSISTANT_BOT_ALLOWED_USERS", get("ASSISTANT_BOT_ALLOWED_USERS")),
            allowed_chats=parse_ids("ASSISTANT_BOT_ALLOWED_CHATS", get("ASSISTANT_BOT_ALLOWED_CHATS")),
            admins=parse_ids("ASSISTANT_BOT_ADMINS", get("ASSISTANT_BOT_ADMINS")),
            public_url=parse_public_url(get("ASSISTANT_PUBLIC_URL")),
        )

    def allows(self, user_id: str, chat_id: str) -> bool:
        """Whether this user may use the bot in this chat: no allowlist, a listed user or chat, or an admin."""
        if not (self.allowed_users or self.allowed_chats):
            return True
        return user_id in self.allowed_users or chat_id in self.allowed_chats or user_id in self.admins

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins


def parse_rate(text: str) -> tuple[int, float] | None:
    """ "5/60" → (5, 60.0): at most 5 messages in any 60 seconds; "0" or "off" → no limit."""
    value = text.strip().lower()
    if value in ("", "0", "off", "none"):
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)", value)
    if not match or int(match.group(1)) == 0 or float(match.group(2)) == 0:
        raise ValueError(
            f"ASSISTANT_BOT_RATE 的格式应为“条数/秒数”，例如 5/60（每 60 秒最多 5 条），收到的是“{text}”"
        )
    return int(match.group(1)), float(match.group(2))


def parse_public_url(text: str) -> str:
    """ "https://anquan.example.cn/" → "https://anquan.example.cn": an http(s) address without the final
    slash; empty stays empty."""
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"ASSISTANT_PUBLIC_URL 应为网页版的地址，例如 https://anquan.example.cn，收到的是“{text}”"
        )
    return text.rstrip("/")


def parse_ids(name: str, text: str) -> frozenset[str]:
    """ "123, -100456" → {"123", "-100456"}: user or chat ids separated by commas or spaces."""
    ids = set()
    for part in re.split(r"[,，\s]+", text.strip()):
        if not part:
            continue
        if not re.fullmatch(r"[A-Za-z0-9_.:@-]+", part):
            raise ValueError(f"{name} 应为逗号分隔的 ID（例如 123456789,-1001234567890），“{part}”不是")
        ids.add(part)
    return frozenset(ids)
