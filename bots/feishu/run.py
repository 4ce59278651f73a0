"""Run the 飞书 bot until it is stopped: over the long connection, or serving the HTTP callback.

Usage::

    sys.exit(run(Settings.from_env()))   # what `python -m assistant bot --channel feishu` does
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial

from assistant.settings import Settings
from bots.core.conversation import BotCore
from bots.core.runner import Fail, launch, serve_http
from bots.feishu.config import CHANNEL, FeishuConfig

LOGGERS = ("Lark",)  # the SDK's logger (it logs the connection URL and failed requests)
REFUSED = "错误：飞书拒绝了长连接（{reason}）。请检查 FEISHU_APP_ID、FEISHU_APP_SECRET，以及应用是否已发布、是否选择了“使用长连接接收事件”。"


def run(settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """The bot until it is stopped: 0; 2 without credentials; 1 when 飞书 refuses them."""
    config = FeishuConfig.from_env(env)
    secrets = {
        config.app_secret: "<FEISHU_APP_SECRET>",
        config.encrypt_key: "<FEISHU_ENCRYPT_KEY>",
        config.verification_token: "<FEISHU_VERIFICATION_TOKEN>",
    }
    mode = f"HTTP 回调，监听 {config.listen}:{config.port}" if config.http else "长连接"
    return launch(CHANNEL, mode, settings, env, secrets, partial(serve, config), LOGGERS)


def serve(config: FeishuConfig, core: BotCore, fail: Fail) -> None:
    """Events over the long connection (the SDK reconnects), or the HTTP callback server."""
    import lark_oapi as lark  # imported here: the SDK's long connection keeps its event loop in this thread
    from lark_oapi.ws.exception import ClientException

    from bots.feishu.app import FeishuBot

    logging.getLogger("Lark").handlers.clear()  # log through ours, where secrets are redacted
    bot = FeishuBot(core, config)
    if config.http:
        serve_http(bot.web_app(), config.listen, config.port, fail)
        return
    client = lark.ws.Client(
        config.app_id,
        config.app_secret,
        event_handler=bot.handler,
        domain=config.domain,
        log_level=lark.LogLevel.INFO,
    )
    try:
        client.start()
    except ClientException as exc:
        fail(REFUSED.format(reason=exc))
