"""The app's page is Chinese from its first byte, whatever the browser's language: ``lang="zh-CN"`` on
<html>, and a script at the top of <head> so that Gradio, which reads navigator.language before anything
else runs, picks its Chinese words (loading, clear, remove …) and keeps the page's lang. The few accessible
names Gradio writes in English whatever the language (the upload area's) are renamed as they appear.

Usage::

    app.add_middleware(ChinesePage)      # on the FastAPI app that mounts the Gradio app at /
"""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LANGUAGE = "zh-CN"
LANGUAGE_SCRIPT = (
    "<script>"
    f'Object.defineProperty(navigator, "language", {{get: () => "{LANGUAGE}"}});'
    f'Object.defineProperty(navigator, "languages", {{get: () => ["{LANGUAGE}", "zh"]}});'
    "</script>"
).encode()
# Accessible names Gradio hard-codes in English, and what screen readers should announce instead.
CHINESE_LABELS = {"Click to upload or drop files": "点击上传或拖放文件"}
LABEL_SCRIPT = (
    "<script>"
    f"const chineseLabels = {json.dumps(CHINESE_LABELS, ensure_ascii=False)};"
    "new MutationObserver(() => document.querySelectorAll('[aria-label]').forEach(e => {"
    "  const label = chineseLabels[e.getAttribute('aria-label')]; if (label) e.setAttribute('aria-label', label);"
    "})).observe(document.documentElement, {subtree: true, childList: true, attributes: true,"
    " attributeFilter: ['aria-label']});"
    "</script>"
).encode()
PAGE_PATH = "/"  # where Gradio serves the page (its assets and API live elsewhere)


class ChinesePage:
    """ASGI middleware that rewrites the page served at PAGE_PATH (see chinese_page)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != PAGE_PATH:
            await self.app(scope, receive, send)
            return
        # Uncompressed, so that the page can be rewritten.
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        start: Message = {}
        body = bytearray()

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            response_headers = MutableHeaders(raw=list(start["headers"]))
            page = bytes(body)
            if response_headers.get("content-type", "").startswith("text/html"):
                page = chinese_page(page)
                response_headers["content-length"] = str(len(page))
            await send({**start, "headers": response_headers.raw})
            await send({"type": "http.response.body", "body": page})

        await self.app({**scope, "headers": headers}, receive, rewrite)


def chinese_page(page: bytes) -> bytes:
    """The page with ``lang="zh-CN"``, LANGUAGE_SCRIPT and LABEL_SCRIPT first in its <head>."""
    page = page.replace(b'lang="en"', f'lang="{LANGUAGE}"'.encode(), 1)
    return page.replace(b"<head>", b"<head>" + LANGUAGE_SCRIPT + LABEL_SCRIPT, 1)
