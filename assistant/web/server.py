"""One server for the web app and the HTTP API: FastAPI routes, the Gradio app mounted at /, uvicorn.

Questions and searches run in worker processes (ASSISTANT_WORKERS, one OpenMP thread each by default: see
assistant.workers), everything else in the server process; when `index` finishes, the server opens the new
build and starts workers over it, then switches, so it goes live without a restart (assistant.live). A build's
missing vectors are computed in a background thread of the server (assistant.indexing), and the workers'
searches use them as they arrive. /healthz, /readyz and /metrics report on the process, every answer is
recorded (assistant.questionlog), /api has a per-client rate limit, and /admin, when a password is set, takes
documents from the browser.

Usage::

    serve(Settings.from_env(), "127.0.0.1", 7860)   # python -m assistant serve
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
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
from assistant.live import LiveAssistant, warm
from assistant.logs import configure_json_logging
from assistant.questionlog import QuestionLog
from assistant.service import Assistant, NotFoundError
from assistant.settings import Settings
from assistant.web.admin import admin_router
from assistant.web.api import add_error_handlers, api_router
from assistant.web.app import HEAD, THEME, build_app
from assistant.web.health import health_router
from assistant.web.language import ChinesePage
from assistant.web.metrics import Metrics, RequestMetrics
from assistant.web.ratelimit import ApiRateLimit, TokenBuckets
from assistant.web.recorder import Recorder
from assistant.workers import WorkerPool
from indexers.workers import limit_threads

log = logging.getLogger(__name__)


def open_index(assistant: Assistant) -> float:
    """Open the index and the query analyser (what the server process needs when workers answer) and set up
    the user's model, if any (it streams its answers here); seconds."""
    start = time.perf_counter()
    assistant.index  # noqa: B018
    assistant.analyzer  # noqa: B018
    assistant.writer  # noqa: B018
    return time.perf_counter() - start


class ServedAssistant(LiveAssistant):
    """``ServedAssistant(settings, pool)``: the server's assistant over the live build; ``ask`` and ``search``
    go to the worker pool when there is one, else run here, several at a time. The live build's missing
    vectors are computed in a background thread (``embed_missing``), again after each switch."""

    def __init__(self, settings: Settings, pool: WorkerPool | None = None) -> None:
        super().__init__(settings, warmer=open_index if pool else warm)
        self.pool = pool
        self.background: BackgroundEmbedding | None = None

    def _open(self) -> Assistant:
        """The new build in this process and, before the switch, in a new set of workers."""
        fresh = super()._open()
        if self.pool is not None:
            self.pool.replace()
        return fresh

    def refresh(self) -> bool:
        switched = super().refresh()
        if switched:
            self.embed_missing()
        return switched

    def embed_missing(self) -> None:
        """Compute the live build's missing vectors in a background thread (one core), unless it has them all;
        a thread over an older build stops by itself, and one whose build another process embeds (an `index`
        run) ends at once."""
        if not dense_complete(self.settings):
            self.background = BackgroundEmbedding(self.settings).start()

    def status(self) -> dict[str, Any]:
        """What /api/status reports: the live build and how far its vectors have come."""
        return index_status(self.settings, self.background)

    def ask(self, question: str, context_doc: str | None = None) -> Answer:
        """Assistant.ask with the extractive answer from a worker (or all here without workers); the user's
        model, if any, is asked here, so waiting for it holds no worker."""
        if self.pool is None:
            return self.current.ask(question, context_doc)
        current = self.current
        return current.rewritten(question, self._extractive(current, question, context_doc))

    def ask_stream(self, question: str, context_doc: str | None = None) -> Iterator[Answer]:
        """Assistant.ask_stream, the extractive answer from a worker as in ``ask``."""
        if self.pool is None:
            yield from self.current.ask_stream(question, context_doc)
            return
        current = self.current
        yield from current.written(question, self._extractive(current, question, context_doc))

    def _extractive(self, current: Assistant, question: str, context_doc: str | None) -> Answer:
        asked = current.retrieval_question(question)
        return self.pool.call("extractive_answer", asked, context_doc)

    def search(self, *args: Any, **kwargs: Any) -> list[Hit]:
        """Assistant.search in a worker (or here without workers)."""
        return (
            self.pool.call("search", *args, **kwargs) if self.pool else self.current.search(*args, **kwargs)
        )


def create_app(assistant: ServedAssistant) -> FastAPI:
    """The FastAPI app: /api/…, /healthz, /readyz, /metrics, /admin, /provision/<doc_id>/<unit>, OpenAPI at
    /openapi.json and /docs (its Swagger UI served from an installed package, so it works offline), and
    the Gradio app at /."""
    settings = assistant.settings
    app = FastAPIOffline(
        title="安全生产知识助手 API",
        version=__version__,
        description="检索、问答、文档与条款。回答和检索结果均附出处（精确到条、款、项或通知条目）。",
    )
    metrics = Metrics(assistant)
    recorder = Recorder(QuestionLog.open(settings), metrics, lambda: assistant.build.name)
    app.include_router(api_router(assistant, assistant.status, recorder))
    app.include_router(health_router(assistant))
    app.include_router(admin_router(assistant, recorder))
    app.add_api_route("/metrics", metrics.endpoint, methods=["GET"], include_in_schema=False)
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

    blocks = build_app(assistant, recorder=recorder)
    # Each chat event waits for a worker, not for the other users' events (Gradio's default is one at a time).
    blocks.queue(default_concurrency_limit=None)
    app = gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        theme=THEME,
        head=HEAD,
        footer_links=[],
        show_error=False,
        run_history=False,
    )
    app.add_middleware(ChinesePage)
    limiter = TokenBuckets.parse(settings.api_rate)
    if limiter is not None:
        app.add_middleware(ApiRateLimit, limiter=limiter, metrics=metrics)
    app.add_middleware(RequestMetrics, metrics=metrics)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Start the workers, open the index, and serve until interrupted; missing vectors are computed meanwhile
    in a background thread on one core. Logs are JSON lines on stderr."""
    configure_json_logging(secrets=[settings.admin_password])
    limit_threads(settings.worker_threads)
    _say(f"正在加载索引和模型（{settings.data_dir}，{settings.embedder}）……")
    log.info("starting", extra={"data_dir": str(settings.data_dir), "embedder": settings.embedder})
    start = time.perf_counter()
    pool = WorkerPool(settings, settings.workers, settings.worker_threads) if settings.workers else None
    if pool is not None:
        pool.start()
    assistant = ServedAssistant(settings, pool)
    assistant.warm_up()
    app = create_app(assistant)
    if pool is not None:  # on the way out of uvicorn (which then re-raises the stop signal)
        app.router.add_event_handler("shutdown", pool.close)
    seconds = round(time.perf_counter() - start, 1)
    log.info("ready", extra={"build": assistant.build.name, "seconds": seconds, "workers": settings.workers})
    workers = f"{settings.workers} 个工作进程" if pool else "服务进程内"
    _say(f"已就绪（加载用时 {seconds} 秒，{workers}回答问题）。打开 http://{host}:{port} ，按 Ctrl+C 停止。")
    assistant.embed_missing()
    if assistant.background is not None:
        log.info("embedding the missing vectors in the background", extra={"build": assistant.build.name})
        _say("语义向量在后台计算中，进度见网页顶部或 /api/status；在此之前按关键词检索。")
    assistant.watch()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, log_config=None)
    finally:
        if assistant.background is not None:
            assistant.background.stop()


def _say(line: str) -> None:
    """A line for the person at the terminal (logs go to stderr as JSON; nothing else is printed there)."""
    if sys.stdout.isatty():
        print(line, flush=True)


def _not_found_page(message: str) -> str:
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>没有找到条款</title></head>"
        f"<body style='font: 18px/1.6 sans-serif; padding: 1em'><h1 style='font-size: 1.2em'>没有找到这一条</h1>"
        f"<p>{escape(message)}</p><p><a href='../../' style='display: inline-block; padding: 12px 0'>"
        "返回安全生产知识助手</a></p></body></html>"
    )
