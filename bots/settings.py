"""Settings of the bot channels: environment variables with their defaults (the README's configuration table).

Usage::

    get = reader({"WECOM_BOT_ID": " aib123 "})
    get("WECOM_BOT_ID"), get("ASSISTANT_BOT_RATE")  # ("aib123", "10/60")
    missing(get, ("WECOM_BOT_ID", "WECOM_BOT_SECRET"))  # ["WECOM_BOT_SECRET"]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

# Name of each variable, its default, and what it configures.
ENVIRONMENT = {
    "ASSISTANT_BOT_RATE": ("10/60", "机器人每位用户的限速：条数/秒数；0 表示不限"),
    "ASSISTANT_BOT_ALLOWED_USERS": ("", "允许使用机器人的用户 ID（逗号分隔）；与下一项都为空时不限"),
    "ASSISTANT_BOT_ALLOWED_CHATS": ("", "允许使用机器人的群聊/会话 ID（逗号分隔）"),
    "ASSISTANT_BOT_ADMINS": ("", "机器人管理员的用户 ID（逗号分隔），可用 /reindex"),
    "ASSISTANT_PUBLIC_URL": ("", "网页版的公网地址；设置后机器人回答中的出处链接到网页版的条文页"),
    "ASSISTANT_BOT_LISTEN": ("0.0.0.0", "接收回调的本地监听地址（企业微信自建应用、飞书 HTTP 回调）"),
    "ASSISTANT_BOT_PORT": ("8090", "接收回调的本地监听端口"),
    "TELEGRAM_BOT_TOKEN": ("", "Telegram 机器人令牌（@BotFather 给出）；不会写入日志"),
    "TELEGRAM_BASE_URL": (
        "https://api.telegram.org/bot",
        "Bot API 地址前缀（令牌接在其后）：自建 Bot API 服务器或反向代理",
    ),
    "TELEGRAM_PROXY": ("", "连接 Telegram 的代理，如 http://127.0.0.1:7890（socks5:// 需安装 httpx[socks]）"),
    "TELEGRAM_WEBHOOK_URL": ("", "webhook 的公网 https 地址；为空时用长轮询"),
    "TELEGRAM_WEBHOOK_LISTEN": ("0.0.0.0", "webhook 本地监听地址"),
    "TELEGRAM_WEBHOOK_PORT": ("8443", "webhook 本地监听端口"),
    "WECOM_BOT_ID": ("", "企业微信智能机器人的 BotID（长连接模式）"),
    "WECOM_BOT_SECRET": ("", "企业微信智能机器人的 Secret（长连接模式）；不会写入日志"),
    "WECOM_BOT_WS_URL": ("wss://openws.work.weixin.qq.com", "企业微信智能机器人长连接地址"),
    "WECOM_CORP_ID": ("", "企业微信企业 ID（自建应用回调模式）"),
    "WECOM_AGENT_ID": ("", "企业微信自建应用的 AgentId"),
    "WECOM_SECRET": ("", "企业微信自建应用的 Secret；不会写入日志"),
    "WECOM_TOKEN": ("", "自建应用“接收消息”的 Token"),
    "WECOM_AES_KEY": ("", "自建应用“接收消息”的 EncodingAESKey（43 个字符）"),
    "WECOM_API_BASE": ("https://qyapi.weixin.qq.com/cgi-bin/", "企业微信服务端 API 地址（私有化部署或代理）"),
    "DINGTALK_CLIENT_ID": ("", "钉钉应用的 Client ID（原 AppKey）"),
    "DINGTALK_CLIENT_SECRET": ("", "钉钉应用的 Client Secret（原 AppSecret）；不会写入日志"),
    "DINGTALK_OPENAPI_ENDPOINT": ("https://api.dingtalk.com", "钉钉开放平台地址（Stream 模式建立连接用）"),
    "FEISHU_APP_ID": ("", "飞书应用的 App ID"),
    "FEISHU_APP_SECRET": ("", "飞书应用的 App Secret；不会写入日志"),
    "FEISHU_DOMAIN": (
        "https://open.feishu.cn",
        "飞书开放平台地址（Lark 国际版为 https://open.larksuite.com）",
    ),
    "FEISHU_ENCRYPT_KEY": ("", "飞书事件的 Encrypt Key；与下一项都设置时改用 HTTP 回调，否则用长连接"),
    "FEISHU_VERIFICATION_TOKEN": ("", "飞书事件的 Verification Token（HTTP 回调模式）"),
}


def reader(env: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """A function that reads a variable from ``env`` (the process environment by default), stripped, or
    its default when unset or empty."""
    source = os.environ if env is None else env

    def get(name: str) -> str:
        return (source.get(name) or ENVIRONMENT[name][0]).strip()

    return get


def missing(get: Callable[[str], str], names: Iterable[str]) -> list[str]:
    """The variables among ``names`` that are not set."""
    return [name for name in names if not get(name)]


def port(get: Callable[[str], str], name: str) -> int:
    """A port number setting; ValueError with a Chinese message when it is not one."""
    value = get(name)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{name} 应为端口号（例如 {ENVIRONMENT[name][0]}），收到的是“{value}”")
    return int(value)
