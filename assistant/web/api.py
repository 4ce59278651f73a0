"""The HTTP API: search, ask, documents and provisions as JSON, in the shapes of the CLI's --json.

Usage::

    app = FastAPI(); app.include_router(api_router(assistant)); add_error_handlers(app)
    # GET /api/search?q=动火作业&k=5   POST /api/ask {"question": "…"}
    # GET /api/documents              GET /api/provisions/work-safety-law-2021/第二十一条
    # POST /api/feedback {"id": "<the answer's id>", "rating": "down", "comment": "…"}
    # GET /api/status                 {"ready", "dense": 0.62, "state": "running", "spaces": {…}}
    # DELETE /api/ask → 405 {"detail": "…"}; every error's detail is a Chinese sentence
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.indexing import index_status
from assistant.questionlog import MAX_COMMENT_CHARS
from assistant.service import Assistant, NotFoundError, QuestionError
from assistant.web.errors import GENERIC_MESSAGE, user_message
from assistant.web.metrics import client_address
from assistant.web.recorder import Recorder
from corpus.model import DocumentInfo
from indexers.reader import IndexMissingError
from indexers.vectorstore import EmbedderMismatchError

MAX_K = 50
UNKNOWN_ANSWER = "没有找到这个回答（编号不对，或已超过保留期限），评价没有保存。"
NOT_KEPT = "本服务没有开启问题记录，评价没有保存。"

# HTTP status of each kind of user error; anything else is a 500 with GENERIC_MESSAGE.
STATUS = {QuestionError: 400, NotFoundError: 404, IndexMissingError: 503, EmbedderMismatchError: 503}
# What an HTTP error raised by the framework itself (in English) tells the user instead.
HTTP_MESSAGES = {
    400: "请求体无法解析，应为 UTF-8 编码的 JSON。",
    404: "没有这个接口，可用的接口见 /docs。",
    405: "这个接口不支持 {method} 请求，请用 {allowed}。",
}


class AskRequest(BaseModel):
    """``{"question": "…", "context_doc": "work-safety-law-2021"}``: a question, and optionally the document
    named earlier in the conversation (so that “第21条” means that document's article 21)."""

    question: str = Field(description="问题（1–2000 字）", examples=["生产经营单位的主要负责人有哪些职责？"])
    context_doc: str | None = Field(default=None, description="对话中上文提到的文档编号（可选）")


class HitOut(BaseModel):
    doc_id: str
    title: str
    unit: str
    citation: str
    text: str
    score: float
    status: str = Field(description="时效性：现行有效、已被修改、尚未施行或已废止")


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class CitationOut(BaseModel):
    doc_id: str
    unit: str
    citation: str
    quote: str


class DroppedOut(BaseModel):
    sentence: str
    reason: str = Field(description="原因代码，如 number、reference、no_citation")
    detail: str = Field(description="中文说明")


class AnswerOut(BaseModel):
    answer: str
    intent: str
    supported: bool
    verdict: str | None = Field(
        default=None, description="是非问题的结论：yes 或 no（回答的第一行写明），不能断定时为 null"
    )
    citations: list[CitationOut]
    mode: str = Field(
        default="extractive",
        description="llm：由用户配置的大模型撰写且每句已核对出处；extractive：摘录式回答",
    )
    dropped: list[DroppedOut] = Field(
        default_factory=list, description="大模型回答中未通过核对而删去的句子及原因"
    )
    id: str | None = Field(
        default=None, description="回答的编号，评价时交给 /api/feedback；不记录问题时为 null"
    )


class FeedbackRequest(BaseModel):
    """``{"id": "3f2a…", "rating": "down", "comment": "没有说到审批"}``: a rating of an answer of /api/ask."""

    id: str = Field(description="/api/ask 回答中的 id", max_length=64)
    rating: Literal["up", "down"] = Field(description="up：有帮助；down：没帮助")
    comment: str = Field(
        default="", description=f"意见（可选，最多 {MAX_COMMENT_CHARS} 字）", max_length=MAX_COMMENT_CHARS
    )


class FeedbackOut(BaseModel):
    saved: bool


class ParagraphOut(BaseModel):
    text: str
    items: list[str]


class VersionOut(BaseModel):
    doc_id: str
    date: str | None
    status: str
    newer: str | None = Field(default=None, description="已被修改时：下一个较新版本的文档编号")


class SpaceStatus(BaseModel):
    embedder: str | None = None
    total: int = 0
    embedded: int = 0
    rate: float | None = Field(default=None, description="每秒新计算的段落数")
    eta_s: float | None = Field(default=None, description="预计还需的秒数")


class StatusOut(BaseModel):
    ready: bool = Field(description="是否已有可检索的索引")
    build: str | None
    dense: float = Field(description="语义向量的完成比例（0–1）；未完成时检索先靠关键词，向量到位后自动用上")
    state: str = Field(description="missing、pending、running、stopped 或 done")
    spaces: dict[str, SpaceStatus]
    updated: str | None = None
    background: bool = Field(default=False, description="本服务是否正在后台计算语义向量")
    error: str | None = None


class ProvisionOut(BaseModel):
    id: str
    doc_id: str
    title: str
    unit: str
    citation: str
    status: str = Field(description="时效性：现行有效、已被修改、尚未施行或已废止")
    versions: list[VersionOut] = Field(default_factory=list, description="同一法规的各个版本（旧的在前）")
    level: str
    issuer: str | None
    doc_number: str | None
    effective: str | None
    chapter: str
    section: str
    text: str
    paragraphs: list[ParagraphOut]
    item_title: str | None = Field(default=None, description="通知条目的标题（仅通知条目）")
    bodies: list[str] | None = Field(default=None, description="责任单位（仅通知条目）")
    bodies_role: str | None = Field(default=None, description="责任单位的分工（仅通知条目）")
    general_bodies: list[str] | None = Field(default=None, description="对各项工作均需负责的单位")


class ErrorOut(BaseModel):
    detail: str = Field(description="中文错误说明")


def api_router(
    assistant: Assistant,
    status: Callable[[], dict[str, Any]] | None = None,
    recorder: Recorder | None = None,
) -> APIRouter:
    """The /api routes over one Assistant; ``status`` reports the index (default: index_status);
    ``recorder`` logs each answer and takes feedback."""
    router = APIRouter(prefix="/api", responses={400: {"model": ErrorOut}, 422: {"model": ErrorOut}})

    @router.get("/search", response_model=SearchOut, summary="检索相关条款")
    def search(
        q: Annotated[str, Query(description="问题或关键词")],
        k: Annotated[int, Query(ge=1, le=MAX_K, description="返回条数")] = 10,
    ) -> dict[str, Any]:
        return {"query": q, "hits": [hit.to_dict() for hit in assistant.search(q, k=k)]}

    @router.post("/ask", response_model=AnswerOut, summary="提问，得到带出处的回答")
    def ask(request: AskRequest, http: Request) -> dict[str, Any]:
        if request.context_doc is not None and request.context_doc not in assistant.index.documents:
            raise HTTPException(400, detail=f"没有找到文档“{request.context_doc}”（context_doc）")
        answer = assistant.ask(request.question, context_doc=request.context_doc)
        ref = recorder.answered("api", client_address(http), request.question, answer) if recorder else None
        return {**answer.to_dict(), "id": ref}

    @router.post(
        "/feedback", response_model=FeedbackOut, responses={404: {"model": ErrorOut}}, summary="评价一个回答"
    )
    def feedback(request: FeedbackRequest, http: Request) -> dict[str, Any]:
        if recorder is None or not recorder.keeps_log:
            raise HTTPException(404, detail=NOT_KEPT)
        rating = 1 if request.rating == "up" else -1
        if not recorder.rated(request.id, "api", client_address(http), rating, request.comment):
            raise HTTPException(404, detail=UNKNOWN_ANSWER)
        return {"saved": True}

    @router.get("/documents", response_model=list[DocumentInfo], summary="已收录的文档")
    def documents() -> list[DocumentInfo]:
        return list(assistant.index.documents.values())

    @router.get(
        "/provisions/{doc_id}/{unit}",
        response_model=ProvisionOut,
        response_model_exclude_unset=True,
        responses={404: {"model": ErrorOut}},
        summary="一条条款的全文（条号可写作 第二十一条、21、（十三））",
    )
    def provision(doc_id: str, unit: str) -> dict[str, Any]:
        return assistant.show(doc_id, unit)

    @router.get("/status", response_model=StatusOut, summary="索引状态：语义向量完成了多少")
    def index_state() -> dict[str, Any]:
        return status() if status else index_status(assistant.settings)

    @router.api_route(
        "/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        include_in_schema=False,
    )
    def elsewhere(request: Request) -> None:
        """Under /api, what no route above serves: 405 for a route asked with the wrong method, 404 for
        no route (without this, the web app mounted at / would answer both with its own 404)."""
        allowed = sorted(
            method
            for route in router.routes
            if isinstance(route, APIRoute)
            and route.endpoint is not elsewhere
            and route.path_regex.match(request.url.path)
            for method in route.methods
        )
        if not allowed:
            raise HTTPException(404)
        raise HTTPException(405, headers={"Allow": ", ".join(allowed)})

    return router


def add_error_handlers(app: FastAPI) -> None:
    """Every error as ``{"detail": "<中文说明>"}``: user errors with their 4xx/503 status, bad parameters
    as 422, anything unexpected as 500 without a traceback."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_message(exc.errors())}, status_code=422)

    for error, status in STATUS.items():

        @app.exception_handler(error)
        async def known(request: Request, exc: Exception, status: int = status) -> JSONResponse:
            return JSONResponse({"detail": user_message(exc)}, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": http_message(exc, request)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        user_message(exc)  # logs it
        return JSONResponse({"detail": GENERIC_MESSAGE}, status_code=500)


def http_message(exc: StarletteHTTPException, request: Request) -> str:
    """The detail of an HTTP error as it is when written in Chinese; the framework's English ones (such as
    "There was an error parsing the body") replaced by HTTP_MESSAGES."""
    detail = str(exc.detail)
    if any("\u4e00" <= ch <= "\u9fff" for ch in detail):
        return detail
    allowed = (exc.headers or {}).get("Allow", "")
    template = HTTP_MESSAGES.get(exc.status_code, GENERIC_MESSAGE)
    return template.format(method=request.method, allowed=allowed.replace(", ", " 或 "))


def validation_message(errors: Any) -> str:
    """One Chinese sentence for FastAPI's validation errors, e.g. 参数 k 应不大于 50。"""
    parts = []
    for error in errors:
        name = ".".join(str(part) for part in error.get("loc", ())[1:]) or "请求体"
        kind, context = error.get("type", ""), error.get("ctx") or {}
        if kind == "missing":
            parts.append(f"缺少参数 {name}")
        elif kind == "json_invalid":
            parts.append("请求体不是有效的 JSON")
        elif kind in ("int_parsing", "int_type"):
            parts.append(f"参数 {name} 应为整数")
        elif kind == "greater_than_equal":
            parts.append(f"参数 {name} 应不小于 {context.get('ge')}")
        elif kind == "less_than_equal":
            parts.append(f"参数 {name} 应不大于 {context.get('le')}")
        elif kind == "string_too_long":
            parts.append(f"参数 {name} 太长（最多 {context.get('max_length')} 字）")
        elif kind == "literal_error":
            parts.append(f"参数 {name} 应为 {context.get('expected', '').replace(' or ', ' 或 ')}")
        elif kind in ("string_type", "model_attributes_type", "dict_type"):
            parts.append(f"{name} 的类型不对（应为{'文本' if kind == 'string_type' else ' JSON 对象'}）")
        else:
            parts.append(f"参数 {name} 无效")
    return "；".join(dict.fromkeys(parts)) + "。"
