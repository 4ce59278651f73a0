"""Run the 企业微信 bot: the 智能机器人 long connection, or a self-built application's callback server.

Usage::

    sys.exit(run(Settings.from_env()))   # what `python -m assistant bot --channel wecom` does
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from functools import partial

from assistant.settings import Settings
from bots.core.conversation import BotCore
from bots.core.runner import Fail, launch, serve_http
from bots.wecom.config import CHANNEL, AibotConfig, AppConfig, wecom_config

LOGGERS = ("aibot", "wechatpy")  # SDK loggers that may log request URLs


def run(settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """The bot until it is stopped: 0; 2 without credentials; 1 when 企业微信 refuses them."""
    config = wecom_config(env)
    if isinstance(config, AibotConfig):
        secrets = {config.secret: "<WECOM_BOT_SECRET>"}
        return launch(
            CHANNEL, "智能机器人长连接", settings, env, secrets, partial(serve_aibot, config), LOGGERS
        )
    secrets = {
        config.secret: "<WECOM_SECRET>",
        config.aes_key: "<WECOM_AES_KEY>",
        config.token: "<WECOM_TOKEN>",
    }
    mode = f"自建应用回调，监听 {config.listen}:{config.port}"
    return launch(CHANNEL, mode, settings, env, secrets, partial(serve_app, config), LOGGERS)


def serve_aibot(config: AibotConfig, core: BotCore, fail: Fail) -> None:
    """The long connection, until the process stops."""
    from bots.wecom.aibot import WeComAibot  # the SDK loads only for this mode

    asyncio.run(WeComAibot(core, config, fail).serve())


def serve_app(config: AppConfig, core: BotCore, fail: Fail) -> None:
    """The callback server, until the process stops."""
    from bots.wecom.app import WeComApp  # wechatpy loads only for this mode

    serve_http(WeComApp(core, config).web_app(), config.listen, config.port, fail)
