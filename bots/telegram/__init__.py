"""The Telegram adapter over the conversation core (python-telegram-bot v22).

Usage::

    python -m assistant bot        # TELEGRAM_BOT_TOKEN required; TELEGRAM_WEBHOOK_URL for a webhook
"""

from bots.telegram.app import TelegramAdapter, build_application, protect_token
from bots.telegram.config import TelegramConfig
from bots.telegram.render import TelegramMessage, render
from bots.telegram.run import run, serve

__all__ = [
    "TelegramAdapter",
    "TelegramConfig",
    "TelegramMessage",
    "build_application",
    "protect_token",
    "render",
    "run",
    "serve",
]
