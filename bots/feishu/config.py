"""飞书 settings from the environment: the app's credentials, and the HTTP callback's keys when events come
that way instead of over the long connection.

Usage::

    config = FeishuConfig.from_env()
    config.http  # False: the long connection (no public address); True with an Encrypt Key and a token
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bots.core.runner import MissingSettings
from bots.settings import missing, port, reader

CHANNEL = "飞书"
VARIABLES = ("FEISHU_APP_ID", "FEISHU_APP_SECRET")
CALLBACK_VARIABLES = ("FEISHU_ENCRYPT_KEY", "FEISHU_VERIFICATION_TOKEN")
EVENTS_PATH = "/feishu/events"  # where events and card callbacks arrive in HTTP mode
HINT = (
    "App ID 和 App Secret 在飞书开放平台该应用的“凭证与基础信息”页；"
    "用 HTTP 回调时还要设置“事件与回调 > 加密策略”中的 Encrypt Key 和 Verification Token。"
)


@dataclass(frozen=True)
class FeishuConfig:
    """The app's credentials, the open platform's address, and for HTTP callbacks the Encrypt Key, the
    Verification Token and where to listen."""

    app_id: str
    app_secret: str = field(repr=False)
    domain: str = "https://open.feishu.cn"
    encrypt_key: str = field(default="", repr=False)
    verification_token: str = field(default="", repr=False)
    listen: str = "0.0.0.0"
    port: int = 8090

    @property
    def http(self) -> bool:
        """Events by HTTP callback (both keys set) rather than over the long connection."""
        return bool(self.encrypt_key and self.verification_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FeishuConfig:
        get = reader(env)
        absent = missing(get, VARIABLES)
        keys = missing(get, CALLBACK_VARIABLES)
        if len(keys) == 1:  # one key without the other: the HTTP callback cannot be checked
            absent += keys
        if absent:
            raise MissingSettings(CHANNEL, absent, HINT)
        return cls(
            app_id=get("FEISHU_APP_ID"),
            app_secret=get("FEISHU_APP_SECRET"),
            domain=get("FEISHU_DOMAIN").rstrip("/"),
            encrypt_key=get("FEISHU_ENCRYPT_KEY"),
            verification_token=get("FEISHU_VERIFICATION_TOKEN"),
            listen=get("ASSISTANT_BOT_LISTEN"),
            port=port(get, "ASSISTANT_BOT_PORT"),
        )
