"""钉钉 for the tests, speaking the Stream protocol the dingtalk-stream SDK uses, and robot session webhooks.

- ``POST /v1.0/gateway/connections/open`` checks the Client ID and Secret and returns a WebSocket endpoint
  and a one-time ticket (HTTP 401 for wrong credentials), as the open platform does.
- ``/connect?ticket=…`` is the Stream WebSocket: the server pushes CALLBACK frames (robot messages on
  topic /v1.0/im/bot/messages/get) and SYSTEM pings, and records the client's acknowledgements.
- ``POST /robot/sendBySession?session=…`` is a message's session webhook: it takes text, markdown and
  actionCard messages (title, text and buttons required) and records them.

Usage::

    with DingTalkServer(client_id, secret) as server:     # the bot's DINGTALK_OPENAPI_ENDPOINT = server.url
        message_id = server.push("staff-1", "发生事故多久上报")
        server.wait_for(lambda: server.sent_since(0, "staff-1"))
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from aiohttp import WSMsgType, web
from platform_server import PlatformServer, Sent

ROBOT_TOPIC = "/v1.0/im/bot/messages/get"
SESSION_LIFETIME_MS = 90 * 60 * 1000  # a session webhook stays valid about an hour and a half


class DingTalkServer(PlatformServer):
    """The local 钉钉 (see the module's docstring)."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.openings: list[dict[str, Any]] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self._tickets: set[str] = set()
        self._sessions: dict[str, str] = {}  # session token → the chat it answers
        self._socket: web.WebSocketResponse | None = None
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/connect", self._connect)
        app.router.add_post("/robot/sendBySession", self._send)

    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.openings.append({k: v for k, v in body.items() if k != "clientSecret"})
        if (body.get("clientId"), body.get("clientSecret")) != (self.client_id, self.client_secret):
            return web.json_response(
                {"code": "InvalidAuthentication", "message": "clientId or clientSecret is wrong"}, status=401
            )
        ticket = f"ticket-{next(self._ids)}"
        self._tickets.add(ticket)
        return web.json_response({"endpoint": f"ws://127.0.0.1:{self.port}/connect", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=403, text="invalid ticket")
        self._tickets.discard(ticket)  # one connection per ticket
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        self.changed()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                self.acks[ack.get("headers", {}).get("messageId", "")] = ack
                self.changed()
        return socket

    async def _send(self, request: web.Request) -> web.Response:
        chat = self._sessions.get(request.query.get("session", ""))
        if chat is None:
            return web.json_response({"errcode": 300001, "errmsg": "session 不存在或已过期"})
        body = await request.json()
        kind = body.get("msgtype")
        content = body.get(kind) or {}
        needed = {
            "text": ("content",),
            "markdown": ("title", "text"),
            "actionCard": ("title", "text", "btns"),
        }
        if kind not in needed or not all(content.get(field) for field in needed[kind]):
            return web.json_response({"errcode": 300005, "errmsg": f"msgtype {kind} 缺少必填字段"})
        text = content.get("text") or content.get("content", "")
        self.record(Sent(chat, kind, content, len(text)))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def connected(self) -> bool:
        return self._socket is not None

    def push(
        self, staff_id: str, text: str, group: str = "", message_id: str = "", msgtype: str = "text"
    ) -> str:
        """A robot message from ``staff_id`` (in the group ``group`` when given); its Stream message id."""
        now = int(time.time() * 1000)
        session = f"session-token-{next(self._ids)}"
        chat = group or f"cid-single-{staff_id}"
        self._sessions[session] = chat
        data: dict[str, Any] = {
            "conversationId": chat,
            "chatbotCorpId": "dingcorp0001",
            "chatbotUserId": "$:LWCP_v1:$robot",
            "msgId": message_id or f"msg-{next(self._ids)}",
            "senderNick": "工人",
            "isAdmin": False,
            "senderStaffId": staff_id,
            "sessionWebhookExpiredTime": now + SESSION_LIFETIME_MS,
            "createAt": now,
            "senderCorpId": "dingcorp0001",
            "conversationType": "2" if group else "1",
            "senderId": f"$:LWCP_v1:${staff_id}",
            "sessionWebhook": f"{self.url}/robot/sendBySession?session={session}",
            "robotCode": self.client_id,
            "msgtype": msgtype,
        }
        if msgtype == "text":
            data["text"] = {"content": text}
        else:
            data["content"] = {"downloadCode": "code-1"}
        if group:
            data.update(conversationTitle="安全生产群", isInAtList=True)
        return self._frame("CALLBACK", ROBOT_TOPIC, data, message_id=data["msgId"])

    def ping(self) -> str:
        """A SYSTEM ping; the client acknowledges it with the same opaque data."""
        return self._frame("SYSTEM", "ping", {"opaque": "opaque-42"})

    def _frame(self, kind: str, topic: str, data: dict[str, Any], message_id: str = "") -> str:
        message_id = f"stream-{message_id or next(self._ids)}"
        frame = {
            "specVersion": "1.0",
            "type": kind,
            "headers": {
                "appId": "app-1",
                "connectionId": "conn-1",
                "contentType": "application/json",
                "messageId": message_id,
                "time": str(int(time.time() * 1000)),
                "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        assert self._socket is not None
        self.run(self._socket.send_json(frame))
        return message_id
