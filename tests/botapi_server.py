"""A local Telegram Bot API server for tests: the subset the bot uses, with the real protocol's shapes.

It answers ``POST /bot<token>/<method>`` the way api.telegram.org does (``{"ok": true, "result": …}`` or
``{"ok": false, "error_code": …, "description": …}``), holds ``getUpdates`` open for its ``timeout``
(long polling) and forgets updates below ``offset``, delivers updates to a webhook once one is set (with
the secret header), rejects what Telegram rejects (malformed HTML, texts over 4,096 characters, button
data over 64 bytes, bad command names), and records every request. Tests inject user messages and button
presses and read the bot's requests back.

Usage::

    with BotApiServer(TOKEN) as server:          # then run the bot with base_url=server.base_url
        mark = server.mark()
        server.send_text(user_id=7, text="/help")
        server.barrier()                          # every earlier update has been handled
        replies = server.calls_since(mark, "sendMessage")
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientConnectorError, ClientSession, web
from platform_server import PlatformServer

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_TAG = re.compile(r"</?[a-z][a-z-]*(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
# Parameters whose form value is a plain string; every other value is JSON (as python-telegram-bot sends it).
_STRING_PARAMETERS = {
    "text",
    "question",
    "explanation",
    "callback_query_id",
    "parse_mode",
    "explanation_parse_mode",
    "url",
    "secret_token",
    "inline_message_id",
    "action",
    "type",
    "ip_address",
}
BARRIER_DATA = "barrier"
BARRIER_USER = 999_999_999


class ApiError(Exception):
    """A Bot API error reply: ``ApiError(400, "Bad Request: message is too long")``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Call:
    """One request the bot made, with its parameters and what the server answered."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    result: Any = None
    done: bool = False  # answered (a long poll is recorded when it arrives, done when it returns)


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    open_queries: set[str] = field(default_factory=set)
    failures: dict[str, list[ApiError]] = field(default_factory=dict)
    webhook: dict[str, Any] | None = None


def telegram_html_errors(text: str) -> list[str]:
    """Why Telegram would refuse this text with parse_mode HTML: unknown tags, unbalanced or badly nested
    tags, unescaped < > &, unsupported entities. Empty when it is well formed."""
    errors = []
    bare = _ENTITY.sub("", _TAG.sub("", text))
    for char in "<>&":
        if char in bare:
            errors.append(f"unescaped {char!r}")
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    return errors + checker.errors


def visible_text(text: str) -> str:
    """The text after entity parsing: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _HtmlChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"unsupported tag <{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing tag <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack})")
        else:
            self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.errors.append(f"unsupported entity &{name};")

    def close(self) -> None:
        super().close()
        if self.stack:
            self.errors.append(f"unclosed tags {self.stack}")


class BotApiServer(PlatformServer):
    """The fake Bot API on 127.0.0.1 (a free port), served from its own thread and event loop."""

    def __init__(self, token: str, username: str = "anquan_test_bot") -> None:
        super().__init__()
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "安全助手",
            "username": username,
        }
        self.calls: list[Call] = []
        self._state = _State()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._new_update: asyncio.Condition | None = None
        self._closing = False

    # --- lifecycle -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What the bot's base_url should be: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    def routes(self, app: web.Application) -> None:
        self._new_update = asyncio.Condition()
        app.router.add_route(
            "*", "/bot{token}/{method}", self._handle
        )  # no access log: it would show the token

    async def stop(self) -> None:
        """Release long polls still held open (their clients are gone), then close."""
        assert self._new_update is not None
        async with self._new_update:
            self._closing = True
            self._new_update.notify_all()
        await super().stop()

    def recent(self) -> list[Call]:
        return self.calls[-5:]

    # --- what tests do -----------------------------------------------------------------------------

    def send_text(
        self, user_id: int, text: str, chat_id: int | None = None, first_name: str = "工人"
    ) -> dict[str, Any]:
        """A user writes ``text`` in a private chat (``chat_id`` None) or a group (a negative id)."""
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.send_message(user_id, {"text": text, "entities": entities}, chat_id, first_name)

    def send_message(
        self, user_id: int, content: dict[str, Any], chat_id: int | None = None, first_name: str = "工人"
    ) -> dict[str, Any]:
        """A user sends a message with any content (text, location, …); returns the update."""

        def body() -> dict[str, Any]:
            user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}
            chat = self._chat(chat_id if chat_id is not None else user_id, user)
            return {"message": self._new_message(user, chat, **{k: v for k, v in content.items() if v})}

        return self.run(self._deliver(body))

    def press(self, user_id: int, message: dict[str, Any] | None, data: str) -> str:
        """A user presses an inline button with ``data`` under a message the bot sent (None: an inline
        message); returns the callback query's id."""
        query_id = str(next(self._query_ids))

        def body() -> dict[str, Any]:
            user = {"id": user_id, "is_bot": False, "first_name": "工人"}
            query: dict[str, Any] = {"id": query_id, "from": user, "chat_instance": "1", "data": data}
            if message is None:
                query["inline_message_id"] = f"inline-{query_id}"
            else:
                query["message"] = self._state.messages[(message["chat"]["id"], message["message_id"])]
            self._state.open_queries.add(query_id)
            return {"callback_query": query}

        self.run(self._deliver(body))
        return query_id

    def barrier(self, timeout: float = 60) -> None:
        """Return once the bot has handled every update injected so far: a button press is injected
        last and waited for (the Application handles updates one at a time)."""
        query_id = self.press(BARRIER_USER, None, BARRIER_DATA)
        self.wait_for(
            lambda: any(
                c.done and c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id
                for c in self.calls
            ),
            timeout,
        )

    def fail_next(self, method: str, code: int, description: str) -> None:
        """The next call of ``method`` fails with this Bot API error."""
        self._state.failures.setdefault(method, []).append(ApiError(code, description))

    def mark(self) -> int:
        """A position in the call log (for ``calls_since``)."""
        with self._changed:
            return len(self.calls)

    def calls_since(self, mark: int, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        """Answered, successful calls after ``mark``, optionally of one method and to one chat."""
        with self._changed:
            calls = self.calls[mark:]
        return [
            c
            for c in calls
            if c.done
            and c.ok
            and (method is None or c.method == method)
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    # --- the Bot API ------------------------------------------------------------------------------

    def _chat(self, chat_id: int, user: dict[str, Any]) -> dict[str, Any]:
        if chat_id < 0:
            chat = {"id": chat_id, "type": "group", "title": "安全生产群"}
        else:
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        self._state.chats[chat_id] = chat
        return chat

    async def _deliver(self, body: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Make the update (on the server's loop) and queue it for getUpdates, or POST it to the webhook."""
        update = {"update_id": next(self._update_ids), **body()}
        webhook = self._state.webhook
        if webhook is not None:
            await self._post(webhook["url"], update, webhook.get("secret_token") or "")
            return update
        assert self._new_update is not None
        async with self._new_update:
            self._state.updates.append(update)
            self._new_update.notify_all()
        return update

    def forge_webhook_update(self, update: dict[str, Any], secret: str) -> int:
        """POST an update to the webhook with the given secret, as a forger would; the HTTP status."""
        assert self._state.webhook is not None
        return self.run(self._post(self._state.webhook["url"], update, secret))

    @staticmethod
    async def _post(url: str, update: dict[str, Any], secret: str, attempts: int = 50) -> int:
        """POST an update to a webhook; like Telegram, retry while the webhook's server does not answer."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with ClientSession() as session:
            for _ in range(attempts - 1):
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        return response.status
                except ClientConnectorError:
                    await asyncio.sleep(0.2)
            async with session.post(url, json=update, headers=headers) as response:
                return response.status

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _parameters(request)
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        call = Call(method, params)
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        try:
            failure = self._state.failures.get(method)
            if failure:
                raise failure.pop(0)
            handler = getattr(self, f"_api_{_snake(method)}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            call.result = await handler(params)
            response = web.json_response({"ok": True, "result": call.result})
        except ApiError as exc:
            call.ok, call.result = False, exc.description
            response = _error(exc.code, exc.description)
        with self._changed:
            call.done = True
            self._changed.notify_all()
        return response

    async def _api_get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._state.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        assert self._new_update is not None
        async with self._new_update:
            self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]  # confirmed
            if not self._state.updates and timeout > 0 and not self._closing:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout)
            return self._state.updates[:limit]

    async def _api_delete_webhook(self, params: dict[str, Any]) -> bool:
        self._state.webhook = None
        if params.get("drop_pending_updates"):
            self._state.updates.clear()
        return True

    async def _api_set_webhook(self, params: dict[str, Any]) -> bool:
        if not params.get("url"):
            raise ApiError(400, "Bad Request: bad webhook: an empty URL")
        self._state.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    async def _api_set_my_commands(self, params: dict[str, Any]) -> bool:
        for command in params.get("commands") or []:
            if (
                not _COMMAND_NAME.match(command.get("command", ""))
                or not 1 <= len(command.get("description", "")) <= 256
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = params.get("scope") or {"type": "default"}
        if scope["type"] == "chat":  # a menu for one chat: Telegram must know the chat
            self._known_chat(scope)
        elif scope["type"] != "default":
            raise ApiError(400, "Bad Request: unsupported scope in this test server")
        return True

    async def _api_send_chat_action(self, params: dict[str, Any]) -> bool:
        self._known_chat(params)
        return True

    async def _api_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        text = self._checked_text(params)
        markup = self._checked_markup(params)
        return self._bot_message(chat, text=text, **({"reply_markup": markup} if markup else {}))

    async def _api_edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self._state.messages.get(key)  # type: ignore[arg-type]
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = self._checked_text(params)
        markup = self._checked_markup(params)
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
            )
        message.update(text=text, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _api_answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._state.open_queries:
            raise ApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        if len(params.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._state.open_queries.discard(query_id)
        return True

    async def _api_send_poll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        options = params.get("options") or []
        if not 2 <= len(options) <= 12:
            raise ApiError(400, "Bad Request: POLL_ANSWERS_INVALID")
        is_quiz = params.get("type") == "quiz"
        correct = params.get("correct_option_ids")  # Bot API 9.6; before it, one correct_option_id
        if correct is None and "correct_option_id" in params:
            correct = [int(params["correct_option_id"])]
        valid = (
            bool(correct) and correct == sorted(set(correct)) and all(0 <= c < len(options) for c in correct)
        )
        if is_quiz and not valid:
            raise ApiError(400, "Bad Request: wrong correct option ID specified")
        if len(params.get("explanation") or "") > 200:
            raise ApiError(400, "Bad Request: explanation is too long")
        poll = {
            "id": str(next(self._query_ids)),
            "question": params.get("question", ""),
            "options": [
                {"text": o if isinstance(o, str) else o["text"], "voter_count": 0, "persistent_id": str(n)}
                for n, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": "quiz" if is_quiz else "regular",
            "allows_multiple_answers": bool(params.get("allows_multiple_answers")),
            "allows_revoting": False,  # required since Bot API 9.6
            "members_only": False,  # required since Bot API 10.0
        }
        if is_quiz:
            poll["correct_option_ids"] = correct
            if params.get("explanation"):
                poll["explanation"] = params["explanation"]
        return self._bot_message(chat, poll=poll)

    def _bot_message(self, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        """A message the bot sends, kept for later edits."""
        message = self._new_message(self.bot_user, chat, **content)
        self._state.messages[(chat["id"], message["message_id"])] = message
        return message

    def _new_message(self, sender: dict[str, Any], chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        """A message with the next id, sent now."""
        return {
            "message_id": next(self._message_ids),
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }

    def _known_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._state.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _checked_text(self, params: dict[str, Any]) -> str:
        text = params.get("text") or ""
        if params.get("parse_mode") == "HTML":
            errors = telegram_html_errors(text)
            if errors:
                raise ApiError(400, f"Bad Request: can't parse entities: {errors[0]}")
            text = visible_text(text)
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(text) > MESSAGE_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _checked_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup


async def _parameters(request: web.Request) -> dict[str, Any]:
    """The request's parameters: query string, then a JSON body or form fields (JSON-encoded values)."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        for name, value in (await request.post()).items():
            params[name] = value if name in _STRING_PARAMETERS or not isinstance(value, str) else _json(value)
    return params


def _json(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _snake(method: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower()


def _error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)
