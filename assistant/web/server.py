"""One server for the web app and the HTTP API: FastAPI routes, the Gradio app mounted at /, uvicorn.

Usage::

    serve(Settings.from_env(), "127.0.0.1", 7860)   # python -m assistant serve
"""

from __future__ import annotations

import threading
import time
from html import escape
from typing import Any
from urllib.parse import quote

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi_offline import FastAPIOffline

from assistant import __version__
from assistant.answer import Answer
from assistant.hits import Hit
from assistant.indexing import BackgroundEmbedding, dense_complete, index_status
from assistant.service import Assistant, NotFoundError
from assistant.settings import Settings
from assistant.web.api import add_error_handlers, api_router
from assistant.web.app import HEAD, THEME, build_app
from assistant.web.language import ChinesePage
from indexers.build import SERVING_LAYOUT
from indexers.workers import limit_threads

WARM_UP_QUESTION = "安全生产责任制"


class SharedAssistant(Assistant):
    """``SharedAssistant(settings)``: an Assistant that the server's threads share; retrieval runs one
    call at a time, since the embedders are not known to be thread-safe (a call takes milliseconds);
    waiting for the user's model does not hold the lock."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._lock = threading.Lock()

    def search(self, query: str, k: int = 10, *args: Any, **kwargs: Any) -> list[Hit]:
        with self._lock:
            return super().search(query, k, *args, **kwargs)

    def extractive_answer(self, question: str, context_doc: str | None = None) -> Answer:
        with self._lock:  # the user's model, if any, is asked outside the lock (ask, ask_stream)
            return super().extractive_answer(question, context_doc)

    def warm_up(self) -> float:
        """Open the index and load the models with one question (the user's model is set up, not asked);
        the seconds it took."""
        start = time.perf_counter()
        self.extractive_answer(WARM_UP_QUESTION)
        _ = self.writer
        return time.perf_counter() - start


def create_app(assistant: Assistant, background: BackgroundEmbedding | None = None) -> FastAPI:
    """The FastAPI app: /api/…, /provision/<doc_id>/<unit>, OpenAPI at /openapi.json and /docs (its
    Swagger UI served from an installed package, so it works offline), and the Gradio app at /;
    ``background``: the embedding thread whose state /api/status reports."""
    app = FastAPIOffline(
        title="安全生产知识助手 API",
        version=__version__,
        description="检索、问答、文档与条款。回答和检索结果均附出处（精确到条、款、项或通知条目）。",
    )
    app.include_router(api_router(assistant, lambda: index_status(assistant.settings, background)))
    add_error_handlers(app)

    @app.get("/provision/{doc_id}/{unit}", include_in_schema=False, response_model=None)
    def provision_page(doc_id: str, unit: str, request: Request) -> RedirectResponse | HTMLResponse:
        """A provision's shareable address: opens it in the 法规库 (404 page when there is no such one)."""
        try:
            provision, _ = assistant.lookup(doc_id, unit)
        except NotFoundError as exc:
            return HTMLResponse(_not_found_page(str(exc)), status_code=404)
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/?p={quote(provision.id)}", status_code=302)

    app = gr.mount_gradio_app(
        app,
        build_app(assistant),
        path="/",
        theme=THEME,
        head=HEAD,
        footer_links=[],
        show_error=False,
        run_history=False,
    )
    app.add_middleware(ChinesePage)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Open the index, warm it up, and serve until interrupted; missing vectors are computed meanwhile in a
    background thread on one core (queries get the other: see indexers.workers)."""
    limit_threads(SERVING_LAYOUT["query_threads"])
    background = None if dense_complete(settings) else BackgroundEmbedding(settings)
    assistant = SharedAssistant(settings)
    print(f"正在加载索引和模型（{settings.data_dir}，{settings.embedder}）……", flush=True)
    seconds = assistant.warm_up()
    app = create_app(assistant, background)
    print(f"已就绪（加载用时 {seconds:.1f} 秒）。打开 http://{host}:{port} ，按 Ctrl+C 停止。", flush=True)
    if background is not None:
        background.start()
        print("语义向量在后台计算中，进度见网页顶部或 /api/status；在此之前按关键词检索。", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        if background is not None:
            background.stop()


def _not_found_page(message: str) -> str:
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>没有找到条款</title></head>"
        f"<body style='font: 18px/1.6 sans-serif; padding: 1em'><h1 style='font-size: 1.2em'>没有找到这一条</h1>"
        f"<p>{escape(message)}</p><p><a href='../../' style='display: inline-block; padding: 12px 0'>"
        "返回安全生产知识助手</a></p></body></html>"
    )
