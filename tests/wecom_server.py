"""企业微信 for the tests, speaking its protocols: the server API a self-built application sends with, the
encrypted callbacks it receives, and the 智能机器人 long connection.

- API (``/cgi-bin/``): ``gettoken`` checks the corp id and secret; ``message/send`` checks the access token
  and the agent, and cuts a text after 2,048 bytes as 企业微信 does (the test sees the size sent).
- Callbacks: messages encrypted and signed with wechatpy's WeChat Work crypto (what 企业微信 does, with the
  SDK's own functions), URL verification with an encrypted echostr, and the same request again (a replay).
- 智能机器人 (``/aibot``, a WebSocket over TLS): ``aibot_subscribe`` checks the BotID and Secret, ``ping``
  is acknowledged, callbacks are pushed, and replies are acknowledged (refused beyond 20,480 bytes).

Usage::

    with WeComServer(credentials) as server:
        status, _ = server.deliver(callback_url, "zhangsan", "发生事故多久上报")
        server.wait_for(lambda: server.sent_since(0, "zhangsan"))
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

import xmltodict
from aiohttp import ClientSession, WSMsgType, web
from platform_server import PlatformServer, Sent
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

APP_TEXT_LIMIT = 2048
AIBOT_LIMIT = 20480


@dataclass(frozen=True)
class WeComCredentials:
    """What the console shows an application and an 智能机器人, in test values."""

    corp_id: str = "ww4f1c2a9d3e5b7c60"
    agent_id: int = 1000017
    secret: str = "AppSecretForTestsOnly-0123456789abcdefghij"
    token: str = "CallbackTokenForTests"
    aes_key: str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the console makes it
    bot_id: str = "aibTestBot0123456789"
    bot_secret: str = "AibotSecretForTestsOnly-zyxwvutsrq9876543210"


@dataclass
class Posted:
    """A callback as it was sent, for sending it again."""

    url: str
    query: dict[str, str]
    body: str


class WeComServer(PlatformServer):
    """The local 企业微信 (see the module's docstring)."""

    def __init__(self, credentials: WeComCredentials, tls: Any = None) -> None:
        super().__init__(tls)
        self.credentials = credentials
        self.crypto = WeChatCrypto(credentials.token, credentials.aes_key, credentials.corp_id)
        self.tokens: set[str] = set()
        self.subscriptions: list[dict[str, Any]] = []
        self.acks: list[dict[str, Any]] = []
        self._socket: web.WebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[str, str] = {}  # callback req_id → the chat it came from
        self.failures: list[tuple[int, str]] = []  # errors the next message/send calls answer with

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/message/send", self._send)
        app.router.add_get("/aibot", self._aibot)

    # --- the server API ----------------------------------------------------------------------------

    async def _gettoken(self, request: web.Request) -> web.Response:
        query, expected = request.query, self.credentials
        if query.get("corpid") != expected.corp_id:
            return web.json_response({"errcode": 40013, "errmsg": "invalid corpid"})
        if query.get("corpsecret") != expected.secret:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        token = f"wecom-token-{next(self._ids)}"
        self.tokens.add(token)
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})

    async def _send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") not in self.tokens:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        if self.failures:
            code, message = self.failures.pop(0)
            return web.json_response({"errcode": code, "errmsg": message})
        body = json.loads(await request.read())
        if int(body.get("agentid", 0)) != self.credentials.agent_id:
            return web.json_response(
                {"errcode": 301002, "errmsg": "not allow operate another agent with this accesstoken"}
            )
        if body.get("msgtype") != "text":
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        content = body["text"]["content"]
        size = len(content.encode("utf-8"))
        shown = content.encode("utf-8")[:APP_TEXT_LIMIT].decode("utf-8", "ignore")  # 企业微信 cuts it off
        self.record(Sent(body["touser"], "text", shown, size))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"msg{next(self._ids)}"})

    # --- callbacks to the application ------------------------------------------------------------

    def deliver(
        self, url: str, user: str, text: str = "", msgtype: str = "text", timestamp: int | None = None
    ) -> tuple[int, Posted]:
        """A user's message to the application: encrypted, signed and POSTed to its callback URL; the
        HTTP status and the request, for sending again."""
        c = self.credentials
        stamp, nonce, msg_id = (
            str(timestamp or int(time.time())),
            f"n{next(self._ids)}",
            7_000_000 + next(self._ids),
        )
        content = (
            f"<Content><![CDATA[{text}]]></Content>"
            if msgtype == "text"
            else "<MediaId><![CDATA[m1]]></MediaId>"
        )
        plain = (
            f"<xml><ToUserName><![CDATA[{c.corp_id}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{stamp}</CreateTime><MsgType><![CDATA[{msgtype}]]></MsgType>{content}"
            f"<MsgId>{msg_id}</MsgId><AgentID>{c.agent_id}</AgentID></xml>"
        )
        sealed = xmltodict.parse(self.crypto.encrypt_message(plain, nonce, stamp))["xml"]
        body = (
            f"<xml><ToUserName><![CDATA[{c.corp_id}]]></ToUserName><AgentID><![CDATA[{c.agent_id}]]></AgentID>"
            f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        )
        posted = Posted(
            url, {"msg_signature": sealed["MsgSignature"], "timestamp": stamp, "nonce": nonce}, body
        )
        return self.post(posted), posted

    def post(self, posted: Posted) -> int:
        """POST a callback as it is (again, or changed by a test); the HTTP status."""

        async def send() -> int:
            async with (
                ClientSession() as session,
                session.post(posted.url, params=posted.query, data=posted.body) as r,
            ):
                return r.status

        return self.run(send())

    def verify_url(self, url: str, signature: str | None = None) -> tuple[int, str]:
        """The console's check of a callback URL: an encrypted echostr that the bot must decrypt."""
        c = self.credentials
        echo, stamp, nonce = f"echo-{next(self._ids)}", str(int(time.time())), f"n{next(self._ids)}"
        encrypted = PrpCrypto(self.crypto.key).encrypt(echo, c.corp_id)
        encrypted = encrypted.decode() if isinstance(encrypted, bytes) else encrypted
        signer = WeChatSigner()
        signer.add_data(c.token, stamp, nonce, encrypted)
        query = {
            "msg_signature": signature or signer.signature,
            "timestamp": stamp,
            "nonce": nonce,
            "echostr": encrypted,
        }

        async def get() -> tuple[int, str]:
            async with ClientSession() as session, session.get(url, params=query) as response:
                return response.status, (await response.text()) if response.status == 200 else echo

        return self.run(get())

    # --- the 智能机器人 long connection -----------------------------------------------------------------

    async def _aibot(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            await self._frame(socket, frame)
        return socket

    async def _frame(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        cmd, req_id, body = (
            frame.get("cmd"),
            frame.get("headers", {}).get("req_id", ""),
            frame.get("body") or {},
        )
        if cmd == "aibot_subscribe":
            self.subscriptions.append(body)
            good = (body.get("bot_id"), body.get("secret")) == (
                self.credentials.bot_id,
                self.credentials.bot_secret,
            )
            await socket.send_json(
                {"headers": {"req_id": req_id}, **_status(good, 40001, "invalid credential")}
            )
            if good:
                self._socket = socket
            self.changed()
            return
        if cmd == "ping":
            await socket.send_json({"headers": {"req_id": req_id}, "errcode": 0, "errmsg": "ok"})
            return
        kinds = {
            "aibot_respond_msg": "reply",
            "aibot_send_msg": "message",
            "aibot_respond_welcome_msg": "welcome",
        }
        if cmd not in kinds:
            await socket.send_json({"headers": {"req_id": req_id}, "errcode": 40008, "errmsg": "unknown cmd"})
            return
        content = _content(body)
        fits = len(content.encode("utf-8")) <= AIBOT_LIMIT
        if fits:
            to = body.get("chatid") or self._pending.get(req_id, "")
            self.record(Sent(to, kinds[cmd], body, len(content.encode("utf-8"))))
        ack = {"headers": {"req_id": req_id}, **_status(fits, 40058, "content exceed max length")}
        self.acks.append(ack)
        await socket.send_json(ack)

    def connected(self) -> bool:
        return self._socket is not None

    def push(self, user: str, text: str = "", chat: str = "", event: str = "", msgtype: str = "text") -> str:
        """企业微信 pushes a user's text (in a group when ``chat`` is given) or an event; the callback's req_id."""
        req_id = f"cb_{next(self._ids)}"
        body: dict[str, Any] = {
            "msgid": f"m{next(self._ids)}",
            "aibotid": self.credentials.bot_id,
            "chattype": "group" if chat else "single",
            "from": {"userid": user},
            "msgtype": "event" if event else msgtype,
        }
        if chat:
            body["chatid"] = chat
        if event:
            body["event"] = {"eventtype": event}
        elif msgtype == "text":
            body["text"] = {"content": text}
        else:
            body[msgtype] = {"url": "https://example.invalid/media", "aeskey": "k"}
        self._pending[req_id] = chat or user
        cmd = "aibot_event_callback" if event else "aibot_msg_callback"
        assert self._socket is not None
        self.run(self._socket.send_json({"cmd": cmd, "headers": {"req_id": req_id}, "body": body}))
        return req_id


def aibot_text(sent: Sent) -> str:
    """The Markdown of an 智能机器人 reply or message."""
    return _content(sent.payload)


def _content(body: dict[str, Any]) -> str:
    for kind in ("stream", "markdown", "text"):
        if kind in body:
            return body[kind].get("content", "")
    return ""


def _status(good: bool, code: int, message: str) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok"} if good else {"errcode": code, "errmsg": message}
