"""The admin area at /admin, on only when ASSISTANT_ADMIN_PASSWORD is set: upload a document (checked by
content, size-limited, previewed as it will be parsed), remove one, rebuild the index with progress (the new
build goes live by the hot swap), and read the question report (also as an Excel download).

Usage::

    app.include_router(admin_router(assistant, recorder))
    # GET  /admin                                       the page (HTTP Basic login)
    # GET  /admin/api/documents                         the user's documents, and whether each is indexed
    # POST /admin/api/documents?filename=制度.docx&title=…&level=其他   body: the file's bytes
    # DELETE /admin/api/documents/<doc_id>
    # POST /admin/api/rebuild    GET /admin/api/rebuild  {"state", "stage", "done", "total", "serving", …}
    # GET  /admin/api/report?days=30    GET /admin/report.xlsx?days=30
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from assistant.exports import save_tables
from assistant.live import LiveAssistant
from assistant.rebuild import Rebuild
from assistant.report import DEFAULT_DAYS, DEFAULT_TOP, build_report
from assistant.uploads import UploadError, add_upload, staging_area, too_big
from assistant.web.admin_auth import AdminGuard
from assistant.web.recorder import Recorder
from corpus.library import LibraryError, list_documents, remove_document
from corpus.model import LEVELS

PAGE = Path(__file__).with_name("admin.html")
RECEIVED = "upload.part"
DRAIN_FACTOR = 8  # an oversized body is read (and dropped) up to this many times the limit
NO_LOG = "本服务没有开启问题记录（保留天数为 0），没有报告。"


def admin_router(assistant: LiveAssistant, recorder: Recorder) -> APIRouter:
    """/admin and /admin/api/… behind the admin guard (403 on every admin path when no password is set)."""
    settings = assistant.settings
    guard = AdminGuard(settings.admin_user, settings.admin_password)
    router = APIRouter(prefix="/admin", dependencies=[Depends(guard)], include_in_schema=False)
    rebuild = Rebuild(settings)
    max_bytes = settings.upload_max_mb * 2**20

    @router.get("", response_class=HTMLResponse)
    def page() -> str:
        return PAGE.read_text(encoding="utf-8").replace("{max_mb}", str(settings.upload_max_mb))

    @router.get("/api/documents")
    def documents() -> dict[str, Any]:
        indexed = assistant.index.documents
        listed = list_documents(settings.data_dir)
        return {
            "documents": [
                {**doc.to_dict(), "indexed": doc.id in indexed, "present": doc.present}
                for doc in listed
                if doc.user
            ],
            "collected": sum(1 for doc in listed if not doc.user),
            "levels": list(LEVELS),
            "max_mb": settings.upload_max_mb,
        }

    @router.post("/api/documents")
    async def upload(
        request: Request,
        filename: Annotated[str, Query(max_length=400)],
        level: Annotated[str, Query()] = "其他",
        title: Annotated[str, Query(max_length=200)] = "",
        issuer: Annotated[str | None, Query(max_length=200)] = None,
        doc_number: Annotated[str | None, Query(max_length=200)] = None,
        effective: Annotated[str | None, Query(max_length=10)] = None,
    ) -> JSONResponse:
        """The request body is the file; nothing stays behind when it is refused."""
        if level not in LEVELS:
            raise HTTPException(400, detail=f"效力层级应为：{'、'.join(LEVELS)}")
        details = {"issuer": issuer or None, "doc_number": doc_number or None, "effective": effective or None}
        try:
            with staging_area(settings.data_dir) as folder:
                received = folder / RECEIVED
                await _receive(request, received, max_bytes)
                entry, preview = await run_in_threadpool(
                    add_upload, settings.data_dir, received, filename, title, level, max_bytes, **details
                )
        except UploadError as exc:
            shown = exc.preview.to_dict() if exc.preview else None
            return JSONResponse({"detail": str(exc), "preview": shown}, status_code=exc.status)
        return JSONResponse({"document": entry.to_dict(), "preview": preview.to_dict()}, status_code=201)

    @router.delete("/api/documents/{doc_id}")
    def remove(doc_id: str) -> dict[str, Any]:
        try:
            entry = remove_document(settings.data_dir, doc_id)
        except LibraryError as exc:
            raise HTTPException(404, detail=str(exc)) from exc
        return {"removed": entry.id, "title": entry.title}

    @router.post("/api/rebuild", status_code=202)
    def start_rebuild() -> dict[str, Any]:
        if not rebuild.start():
            raise HTTPException(409, detail="索引正在更新中，请等它完成。")
        return progress()

    @router.get("/api/rebuild")
    def progress() -> dict[str, Any]:
        return {**rebuild.status(), "serving": assistant.build.name, "swaps": assistant.swaps}

    @router.get("/api/report")
    def report(
        days: Annotated[int, Query(ge=1, le=3660)] = DEFAULT_DAYS,
        top: Annotated[int, Query(ge=1, le=500)] = DEFAULT_TOP,
    ) -> dict[str, Any]:
        if recorder.questions is None:
            raise HTTPException(404, detail=NO_LOG)
        return build_report(recorder.questions, days, top).to_dict()

    @router.get("/report.xlsx")
    def report_file(
        days: Annotated[int, Query(ge=1, le=3660)] = DEFAULT_DAYS,
        top: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> FileResponse:
        if recorder.questions is None:
            raise HTTPException(404, detail=NO_LOG)
        folder = Path(tempfile.mkdtemp())
        path = save_tables(build_report(recorder.questions, days, top).tables(), folder / "report.xlsx")
        return FileResponse(
            path,
            filename=f"问题报告-最近{days}天.xlsx",
            background=BackgroundTask(_remove, folder),
        )

    return router


async def _receive(request: Request, path: Path, max_bytes: int) -> None:
    """Write the request body to ``path``; past ``max_bytes`` it is read on but not kept (so that the client
    gets the refusal rather than a broken connection), up to DRAIN_FACTOR times the limit."""
    size = 0
    with open(path, "wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size <= max_bytes:
                out.write(chunk)
            elif size > DRAIN_FACTOR * max_bytes:
                break
    if size > max_bytes:
        raise too_big(max_bytes)


def _remove(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
