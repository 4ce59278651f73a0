"""飞书 for the tests, speaking what lark-oapi speaks: the open API a bot replies through, the long connection's
endpoint and its protobuf frames, and encrypted, signed HTTP callbacks.

- ``/open-apis/auth/v3/tenant_access_token/internal`` checks the App ID and Secret; ``…/messages/{id}/reply``
  checks the token and takes interactive cards of at most 30 KB (code 230025 beyond, as 飞书 answers).
- ``/callback/ws/endpoint`` returns the WebSocket address (a wrong secret: an error code the SDK raises);
  ``/ws`` exchanges pbbp2 frames built with the SDK's own protobuf classes: pings are answered with pongs,
  events are pushed as data frames and the client's response frames (the callback's result) recorded.
- HTTP callbacks are encrypted as 飞书 documents (AES-256-CBC, key SHA-256 of the Encrypt Key, IV first,
  base64; the SDK can only decrypt) and signed (SHA-256 of timestamp + nonce + Encrypt Key + body).

Usage::

    with FeishuServer(app_id, app_secret) as server:       # FEISHU_DOMAIN = server.url
        server.push_message("ou_1", "发生事故多久上报")
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import time
from typing import Any

from aiohttp import ClientSession, WSMsgType, web
from Crypto.Cipher import AES
from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from platform_server import PlatformServer, Sent

CARD_LIMIT = 30 * 1024
CONTROL, DATA = 0, 1  # frame methods
SERVICE_ID = 7


class FeishuServer(PlatformServer):
    """The local 飞书 (see the module's docstring)."""

    def __init__(
        self, app_id: str, app_secret: str, verification_token: str = "", encrypt_key: str = ""
    ) -> None:
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.verification_token, self.encrypt_key = verification_token, encrypt_key
        self.responses: dict[str, dict[str, Any]] = {}  # event id → the client's decoded result
        self.pings = 0
        self.card_ids: dict[int, str] = {}  # position in ``sent`` → the card's message id
        self._tokens: set[str] = set()
        self._chats: dict[str, str] = {}  # message id → chat id
        self._socket: web.WebSocketResponse | None = None
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        app.router.add_post("/open-apis/im/v1/messages/{message_id}/reply", self._reply)
        app.router.add_post("/callback/ws/endpoint", self._endpoint)
        app.router.add_get("/ws", self._ws)

    # --- open API ----------------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("app_id"), body.get("app_secret")) != (self.app_id, self.app_secret):
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        token = f"t-tenant-token-{next(self._ids)}"
        self._tokens.add(token)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200})

    async def _reply(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self._tokens:
            return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."})
        chat = self._chats.get(request.match_info["message_id"])
        if chat is None:
            return web.json_response({"code": 230011, "msg": "The message was not found."})
        body = await request.json()
        size = len(body.get("content", "").encode("utf-8"))
        if body.get("msg_type") != "interactive" or size > CARD_LIMIT:
            return web.json_response(
                {"code": 230025, "msg": "The message content is too long or of the wrong type."}
            )
        card = json.loads(body["content"])
        message_id = self._message(chat)
        with self._changed:
            self.card_ids[len(self.sent)] = message_id
        self.record(Sent(chat, "card", card, size))
        return web.json_response(
            {"code": 0, "msg": "success", "data": {"message_id": message_id, "chat_id": chat}}
        )

    def _message(self, chat: str) -> str:
        message_id = f"om_{next(self._ids):08d}"
        self._chats[message_id] = chat
        return message_id

    # --- the long connection -------------------------------------------------------------------------

    async def _endpoint(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("AppID"), body.get("AppSecret")) != (self.app_id, self.app_secret):
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        config = {"ReconnectCount": -1, "ReconnectInterval": 2, "ReconnectNonce": 1, "PingInterval": 120}
        url = f"ws://127.0.0.1:{self.port}/ws?device_id=device-1&service_id={SERVICE_ID}"
        return web.json_response({"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": config}})

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        self.changed()
        async for message in socket:
            if message.type != WSMsgType.BINARY:
                continue
            frame = Frame()
            frame.ParseFromString(message.data)
            headers = {h.key: h.value for h in frame.headers}
            if frame.method == CONTROL and headers.get("type") == "ping":
                self.pings += 1
                await socket.send_bytes(_frame(CONTROL, {"type": "pong"}, b"").SerializeToString())
            elif frame.method == DATA:  # the client's response to an event
                result = json.loads(frame.payload)
                data = json.loads(base64.b64decode(result["data"])) if result.get("data") else {}
                self.responses[headers["message_id"]] = {"code": result.get("code"), "data": data}
                self.changed()
        return socket

    def connected(self) -> bool:
        return self._socket is not None

    def push(self, event: dict[str, Any]) -> str:
        """Push an event over the long connection; its event id."""
        event_id = event["header"]["event_id"]
        headers = {
            "type": "event",
            "message_id": event_id,
            "trace_id": f"trace-{event_id}",
            "sum": "1",
            "seq": "0",
        }
        frame = _frame(DATA, headers, json.dumps(event, ensure_ascii=False).encode("utf-8"))
        assert self._socket is not None
        self.run(self._socket.send_bytes(frame.SerializeToString()))
        return event_id

    # --- events ----------------------------------------------------------------------------------------

    def message_event(
        self, open_id: str, text: str, chat: str = "", message_type: str = "text"
    ) -> dict[str, Any]:
        """im.message.receive_v1 from ``open_id`` (in the group ``chat`` when given)."""
        chat = chat or f"oc_p2p_{open_id}"
        message_id = self._message(chat)
        content = json.dumps(
            {"text": text} if message_type == "text" else {"image_key": "img_1"}, ensure_ascii=False
        )
        message = {
            "message_id": message_id,
            "create_time": str(int(time.time() * 1000)),
            "chat_id": chat,
            "chat_type": "group" if chat.startswith("oc_group") else "p2p",
            "message_type": message_type,
            "content": content,
        }
        sender = {
            "sender_id": {"open_id": open_id, "user_id": "u1", "union_id": "on_1"},
            "sender_type": "user",
        }
        return self._event("im.message.receive_v1", {"sender": sender, "message": message})

    def press_event(self, open_id: str, card: Sent, data: str) -> dict[str, Any]:
        """card.action.trigger: ``open_id`` presses a button with ``data`` on a card the bot sent."""
        context = {"open_message_id": self.card_ids[self.sent.index(card)], "open_chat_id": card.to}
        action = {"value": {"d": data}, "tag": "button"}
        return self._event(
            "card.action.trigger", {"operator": {"open_id": open_id}, "action": action, "context": context}
        )

    def _event(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        header = {
            "event_id": f"ev_{next(self._ids):08d}",
            "token": self.verification_token,
            "create_time": str(int(time.time() * 1000)),
            "event_type": kind,
            "tenant_key": "tenant-1",
            "app_id": self.app_id,
        }
        return {"schema": "2.0", "header": header, "event": body}

    # --- HTTP callbacks ----------------------------------------------------------------------------------

    def sealed(
        self, payload: dict[str, Any], timestamp: int | None = None, signed: bool = True
    ) -> tuple[dict[str, str], bytes]:
        """Headers and body of an encrypted callback, signed unless ``signed`` is False."""
        body = json.dumps(
            {"encrypt": encrypt(self.encrypt_key, json.dumps(payload, ensure_ascii=False))}
        ).encode()
        if not signed:
            return {}, body
        stamp, nonce = str(timestamp or int(time.time())), f"nonce-{next(self._ids)}"
        signature = hashlib.sha256((stamp + nonce + self.encrypt_key).encode() + body).hexdigest()
        return {
            "X-Lark-Request-Timestamp": stamp,
            "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": signature,
        }, body

    def post(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        async def send() -> tuple[int, Any]:
            async with ClientSession() as session, session.post(url, headers=headers, data=body) as response:
                return response.status, await response.text()

        return self.run(send())


def encrypt(key: str, plaintext: str) -> str:
    """飞书's event encryption: AES-256-CBC with the SHA-256 of the key, a random IV before the ciphertext,
    PKCS#7 padding, base64."""
    data = plaintext.encode("utf-8")
    pad = AES.block_size - len(data) % AES.block_size
    iv = os.urandom(AES.block_size)
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return base64.b64encode(iv + cipher.encrypt(data + bytes([pad]) * pad)).decode()


def _frame(method: int, headers: dict[str, str], payload: bytes) -> Frame:
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = 0, 0, SERVICE_ID, method
    for key, value in headers.items():
        header = frame.headers.add()
        header.key, header.value = key, value
    frame.payload = payload
    return frame
