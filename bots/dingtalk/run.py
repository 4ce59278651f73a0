"""Run the 钉钉 robot in Stream mode until it is stopped.

Usage::

    sys.exit(run(Settings.from_env()))   # what `python -m assistant bot --channel dingtalk` does
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from functools import partial

from assistant.settings import Settings
from bots.core.conversation import BotCore
from bots.core.runner import Fail, launch
from bots.dingtalk.config import CHANNEL, DingTalkConfig

LOGGERS = ("dingtalk_stream",)  # the SDK logs failed requests with their URLs (a session webhook's token)
REFUSED = (
    "错误：钉钉没有接受 Stream 连接（凭证不对或网络不通，详见上面的日志）。"
    "请检查 DINGTALK_CLIENT_ID、DINGTALK_CLIENT_SECRET，以及本机能否访问 {endpoint}。"
)


def run(settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """The robot until it is stopped: 0; 2 without credentials; 1 when 钉钉 refuses the connection."""
    config = DingTalkConfig.from_env(env)
    secrets = {config.client_secret: "<DINGTALK_CLIENT_SECRET>"}
    return launch(CHANNEL, "Stream 模式", settings, env, secrets, partial(serve, config), LOGGERS)


def serve(config: DingTalkConfig, core: BotCore, fail: Fail) -> None:
    """Check that 钉钉 accepts the credentials, then keep the Stream connection (the SDK reconnects)."""
    # The SDK reads its endpoint from this variable when it is imported.
    os.environ["DINGTALK_OPENAPI_ENDPOINT"] = config.endpoint
    from bots.dingtalk.app import DingTalkRobot

    robot = DingTalkRobot(core, config)
    if not robot.client.open_connection():
        fail(REFUSED.format(endpoint=config.endpoint))
        return
    asyncio.run(robot.client.start())
