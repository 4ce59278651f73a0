"""钉钉 settings from the environment: the application's credentials for a robot in Stream mode.

Usage::

    config = DingTalkConfig.from_env()
    config.client_id, config.endpoint   # DINGTALK_CLIENT_ID, DINGTALK_OPENAPI_ENDPOINT
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bots.core.runner import MissingSettings
from bots.settings import missing, reader

CHANNEL = "钉钉"
VARIABLES = ("DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET")
HINT = "两者都在钉钉开发者后台该应用的“凭证与基础信息”页。"


@dataclass(frozen=True)
class DingTalkConfig:
    """The application's Client ID and Secret, and the open platform's address (the SDK's own setting)."""

    client_id: str
    client_secret: str = field(repr=False)
    endpoint: str = "https://api.dingtalk.com"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DingTalkConfig:
        get = reader(env)
        absent = missing(get, VARIABLES)
        if absent:
            raise MissingSettings(CHANNEL, absent, HINT)
        return cls(
            get("DINGTALK_CLIENT_ID"),
            get("DINGTALK_CLIENT_SECRET"),
            get("DINGTALK_OPENAPI_ENDPOINT").rstrip("/"),
        )
