"""企业微信 settings from the environment: the 智能机器人 long connection, or a self-built application's callback.

Usage::

    config = wecom_config({"WECOM_BOT_ID": "aib…", "WECOM_BOT_SECRET": "…"})  # AibotConfig
    config = wecom_config({"WECOM_CORP_ID": "ww…", …})                         # AppConfig
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bots.core.runner import MissingSettings
from bots.settings import missing, port, reader

CHANNEL = "企业微信"
AIBOT_VARIABLES = ("WECOM_BOT_ID", "WECOM_BOT_SECRET")
APP_VARIABLES = ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_AES_KEY")
CALLBACK_PATH = "/wecom/callback"  # where the application's messages arrive (its 接收消息 URL ends so)
HINT = (
    "智能机器人（无需公网地址）设置 WECOM_BOT_ID、WECOM_BOT_SECRET；"
    "或自建应用（需要公网回调地址）设置 WECOM_CORP_ID、WECOM_AGENT_ID、WECOM_SECRET、WECOM_TOKEN、WECOM_AES_KEY。"
)


@dataclass(frozen=True)
class AibotConfig:
    """An 智能机器人 in long-connection mode: its BotID and Secret, and the WebSocket address."""

    bot_id: str
    secret: str = field(repr=False)
    ws_url: str


@dataclass(frozen=True)
class AppConfig:
    """A self-built application: it sends messages through the message API and receives them at the
    callback URL (ASSISTANT_BOT_LISTEN:ASSISTANT_BOT_PORT behind the public address), encrypted."""

    corp_id: str
    agent_id: int
    secret: str = field(repr=False)
    token: str = field(repr=False)
    aes_key: str = field(repr=False)
    api_base: str
    listen: str
    port: int


def wecom_config(env: Mapping[str, str] | None = None) -> AibotConfig | AppConfig:
    """The mode whose settings are given (智能机器人 when both are); MissingSettings names what is missing,
    ValueError what is malformed."""
    get = reader(env)
    if not missing(get, AIBOT_VARIABLES):
        return AibotConfig(get("WECOM_BOT_ID"), get("WECOM_BOT_SECRET"), get("WECOM_BOT_WS_URL"))
    absent = missing(get, APP_VARIABLES)
    if len(absent) == len(APP_VARIABLES):  # neither mode started: name both
        raise MissingSettings(CHANNEL, missing(get, AIBOT_VARIABLES), HINT)
    if absent:
        raise MissingSettings(CHANNEL, absent, HINT)
    if not get("WECOM_AGENT_ID").isdigit():
        raise ValueError(f"WECOM_AGENT_ID 应为应用的 AgentId（一串数字），收到的是“{get('WECOM_AGENT_ID')}”")
    if len(get("WECOM_AES_KEY")) != 43:
        raise ValueError("WECOM_AES_KEY 应为应用“接收消息”设置中的 EncodingAESKey（43 个字符）")
    return AppConfig(
        corp_id=get("WECOM_CORP_ID"),
        agent_id=int(get("WECOM_AGENT_ID")),
        secret=get("WECOM_SECRET"),
        token=get("WECOM_TOKEN"),
        aes_key=get("WECOM_AES_KEY"),
        api_base=get("WECOM_API_BASE").rstrip("/") + "/",
        listen=get("ASSISTANT_BOT_LISTEN"),
        port=port(get, "ASSISTANT_BOT_PORT"),
    )
