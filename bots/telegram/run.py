"""Run the Telegram bot: check the token, protect it in logs, open the index, poll or serve a webhook.

Usage::

    sys.exit(run(Settings.from_env()))   # what `python -m assistant bot` does
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Mapping, Sequence

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from assistant.settings import Settings
from bots.core import BotConfig
from bots.core.logsafe import configure_logging
from bots.core.runner import open_core
from bots.telegram.app import UPDATES, build_application, protect_token
from bots.telegram.config import REDACTED, TelegramConfig

MISSING_TOKEN = (
    "错误：没有设置 TELEGRAM_BOT_TOKEN。请在 Telegram 里找 @BotFather 创建机器人，"
    "把它给出的令牌写入环境变量 TELEGRAM_BOT_TOKEN，再运行 `python -m assistant bot`。"
)
INVALID_TOKEN = "错误：Telegram 不认这个令牌，请检查 TELEGRAM_BOT_TOKEN（在 @BotFather 里可以重新获取）。"
UNREACHABLE = (
    "错误：连不上 Telegram Bot API（{url}）：{reason}。"
    "所在网络无法访问 Telegram 时，请设置 TELEGRAM_PROXY（代理）或 TELEGRAM_BASE_URL（可访问的 Bot API 服务器）。"
)
POLL_TIMEOUT = 30  # seconds a getUpdates long poll waits for updates
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)


def run(settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """The bot until it is stopped (Ctrl+C, SIGTERM): 0; 2 without a token."""
    config = TelegramConfig.from_env(env)
    if not config.token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    core_config = BotConfig.from_env(env)
    configure_logging(protect_token(config.token))  # before anything logs: stderr handler included
    application = build_application(open_core(settings, core_config), config)
    mode = f"webhook {config.webhook_url}" if config.webhook_url else "长轮询"
    print(f"Telegram 机器人正在启动（{mode}），按 Ctrl+C 停止。", file=sys.stderr, flush=True)
    try:
        serve(application, config)
    except InvalidToken:
        print(INVALID_TOKEN, file=sys.stderr)
        return 1
    except NetworkError as exc:
        reason = str(exc).replace(config.token, REDACTED)
        print(UNREACHABLE.format(url=config.base_url, reason=reason), file=sys.stderr)
        return 1
    print("Telegram 机器人已停止。", file=sys.stderr)
    return 0


def serve(
    application: Application, config: TelegramConfig, stop_signals: Sequence[int] | None = STOP_SIGNALS
) -> None:
    """Long polling, or a webhook when one is configured (Telegram must reach ``webhook_url``, usually
    through a TLS reverse proxy in front of ``webhook_listen:webhook_port``); returns when stopped."""
    if config.webhook_url:
        application.run_webhook(
            listen=config.webhook_listen,
            port=config.webhook_port,
            url_path=config.webhook_path,
            webhook_url=config.webhook_url,
            secret_token=config.webhook_secret,
            allowed_updates=UPDATES,
            stop_signals=stop_signals,
        )
    else:
        application.run_polling(allowed_updates=UPDATES, timeout=POLL_TIMEOUT, stop_signals=stop_signals)
