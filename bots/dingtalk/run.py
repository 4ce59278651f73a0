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
    serving = partial(serve, config)
    return launch(CHANNEL, "Stream 模式", settings, env, secrets, serving, LOGGERS, partial(check, config))


def check(config: DingTalkConfig) -> str:
    """Whether 钉钉 opens a Stream connection for these credentials (before the index is opened): "" or
    what to check."""
    # The SDK reads its endpoint from this variable when it is imported.
    os.environ["DINGTALK_OPENAPI_ENDPOINT"] = config.endpoint
    from dingtalk_stream import Credential, DingTalkStreamClient

    client = DingTalkStreamClient(Credential(config.client_id, config.client_secret))
    return "" if client.open_connection() else REFUSED.format(endpoint=config.endpoint)


def serve(config: DingTalkConfig, core: BotCore, fail: Fail) -> None:
    """The Stream connection (the SDK reconnects), until the process stops."""
    from bots.dingtalk.app import DingTalkRobot

    asyncio.run(DingTalkRobot(core, config).client.start())
