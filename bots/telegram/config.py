"""Telegram settings from the environment: token, Bot API server, proxy, webhook.

Usage::

    config = TelegramConfig.from_env()
    config.token        # TELEGRAM_BOT_TOKEN ("" when unset)
    config.webhook_url  # None: long polling
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bots.settings import port, reader

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
REDACTED = "<TELEGRAM_BOT_TOKEN>"  # the token's placeholder in logs
LOGGERS = ("telegram", "tornado")  # libraries that may log the token (in the Bot API URL)


@dataclass(frozen=True)
class TelegramConfig:
    """How to reach Telegram and how Telegram reaches us; the token never shows in repr."""

    token: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    proxy: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TelegramConfig:
        get = reader(env)
        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            base_url=get("TELEGRAM_BASE_URL").rstrip("/") or DEFAULT_BASE_URL,
            proxy=get("TELEGRAM_PROXY") or None,
            webhook_url=get("TELEGRAM_WEBHOOK_URL") or None,
            webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN"),
            webhook_port=port(get, "TELEGRAM_WEBHOOK_PORT"),
        )

    @property
    def base_file_url(self) -> str:
        """The file endpoint beside the API endpoint: …/bot → …/file/bot."""
        root, slash, last = self.base_url.rstrip("/").rpartition("/")
        return f"{root}{slash}file/{last}" if slash else f"{self.base_url}/file"

    @property
    def webhook_path(self) -> str:
        """The path of the webhook URL, which the local webhook server listens on."""
        return urlsplit(self.webhook_url or "").path.lstrip("/")

    @property
    def webhook_secret(self) -> str:
        """The secret Telegram sends with every webhook update (derived from the token, so that it needs
        no setting of its own and changes with the token); updates without it are refused."""
        return hashlib.sha256(f"webhook:{self.token}".encode()).hexdigest()[:48]
