"""A local server that speaks the OpenAI chat-completions protocol, plain and streamed (SSE), with scripted
replies: what vLLM, Ollama or an appliance would answer, without a model. It records every request.

Usage::

    with ScriptedLLM() as llm:                     # http://127.0.0.1:<port>/v1
        llm.script(Reply("不可以，……[1]。"))          # the next request gets this reply
        llm.script(Reply("…", delay_s=5))          # … or answers after 5 s
        llm.script(lambda body: Reply(...))        # … or a reply made from the request
        llm.script(quoting_reply)                  # … such as one quoting each provision it was given
        llm.requests[-1]["messages"]               # what the client sent
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "scripted-qwen"


@dataclass(frozen=True)
class Reply:
    """What the server answers to one request: the text (sent in pieces of ``piece_chars`` when streamed,
    ``piece_delay_s`` apart), after ``delay_s``; or an HTTP error ``status``."""

    text: str = ""
    delay_s: float = 0.0
    piece_chars: int = 6
    piece_delay_s: float = 0.0
    status: int = 200


Scripted = Reply | Callable[[dict[str, Any]], Reply]  # a reply, or one made from the request body


class ScriptedLLM:
    """The server; replies are taken in order from the script, then ``default`` answers."""

    def __init__(self, default: Scripted | None = None) -> None:
        self.default: Scripted = default or Reply("（没有安排回答）")
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Scripted] = deque()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Scripted) -> None:
        self._script.extend(replies)

    def reset(self) -> None:
        self._script.clear()
        self.requests.clear()

    def next_reply(self, body: dict[str, Any]) -> Reply:
        reply = self._script.popleft() if self._script else self.default
        return reply(body) if callable(reply) else reply

    def __enter__(self) -> ScriptedLLM:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(llm: ScriptedLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": "not found"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            llm.requests.append(body)
            reply = llm.next_reply(body)
            time.sleep(reply.delay_s)
            try:
                if reply.status != 200:
                    self._json(
                        reply.status, {"error": {"message": "scripted failure", "type": "server_error"}}
                    )
                elif body.get("stream"):
                    self._stream(reply)
                else:
                    self._json(200, _completion(reply.text))
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (its deadline)
                pass

        def _json(self, status: int, data: dict[str, Any]) -> None:
            payload = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            pieces = [
                reply.text[i : i + reply.piece_chars] for i in range(0, len(reply.text), reply.piece_chars)
            ]
            for index, piece in enumerate(pieces):
                delta = {"role": "assistant", "content": piece} if index == 0 else {"content": piece}
                self._event(_chunk(delta, None))
                time.sleep(reply.piece_delay_s)
            self._event(_chunk({}, "stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _event(self, data: dict[str, Any]) -> None:
            self.wfile.write(f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

    return Handler


def _completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


_PROVISION = re.compile(r"^\[(\d+)\] [^\n]+\n(.+?)(?=\n\n\[\d+\] |\Z)", re.MULTILINE | re.DOTALL)
_VERDICT = re.compile(r"【结论】\n(.+)\n")


def quoting_reply(body: dict[str, Any], extra: str = "", most: int = 3) -> Reply:
    """A faithful reply to an answer prompt: the verdict word first (when one is given), then for each
    provision (at most ``most``) its first clause, cited; ``extra`` is appended as it is."""
    prompt = body["messages"][-1]["content"]
    sentences = []
    for number, text in _PROVISION.findall(prompt)[:most]:
        clause = re.split(r"[。；：\n]", re.sub(r"^（[一二三四五六七八九十百]+）", "", text.strip()))[0]
        sentences.append(f"{clause[:60].rstrip('，')}[{number}]。")
    verdict = _VERDICT.search(prompt)
    if verdict and verdict.group(1) != "无" and sentences:
        sentences[0] = f"{verdict.group(1)}，{sentences[0]}"
    return Reply("".join(sentences) + extra, piece_chars=8, piece_delay_s=0.02)
