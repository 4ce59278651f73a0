"""Health of a serving process: /healthz (the process answers) and /readyz (the index is loaded: which build,
how old, how much of it has dense vectors), for a load balancer, systemd or Kubernetes.

Usage::

    app.include_router(health_router(assistant))
    # GET /healthz → 200 {"status": "ok"}
    # GET /readyz  → 200 {"ready": true, "build": "b2025…", "age_s": 3600, "dense": 1.0, …} or 503
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.live import LiveAssistant
from assistant.web.errors import user_message
from indexers.layout import META_FILE
from indexers.reader import IndexReader
from indexers.tiers import MAIN


@dataclass(frozen=True)
class BuildInfo:
    """The build a process serves: its name, when it was completed, its size and dense coverage."""

    build: str
    completed: float  # unix time meta.json was written
    documents: int
    provisions: int
    passages: int
    dense: float  # share of the main space's dense passages with a vector, 0–1
    embedder: str

    @classmethod
    def of(cls, index: IndexReader) -> BuildInfo:
        return cls(
            build=index.build.name,
            completed=(index.build / META_FILE).stat().st_mtime,
            documents=len(index.documents),
            provisions=len(index.provisions),
            passages=len(index.passages),
            dense=index.dense_share(MAIN),
            embedder=str(index.meta.get("embedder", "")),
        )

    @property
    def age_s(self) -> float:
        return max(0.0, time.time() - self.completed)


def health_router(assistant: LiveAssistant) -> APIRouter:
    """/healthz and /readyz over the server's live assistant."""
    router = APIRouter(tags=["运行状态"])

    @router.get("/healthz", summary="进程是否在运行")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="索引是否已加载：版本、建立时间、语义向量覆盖率", response_model=None)
    def readyz() -> dict[str, Any] | JSONResponse:
        try:
            info = BuildInfo.of(assistant.index)
        except Exception as exc:
            return JSONResponse({"ready": False, "detail": user_message(exc)}, status_code=503)
        return {"ready": True, **asdict(info), "age_s": round(info.age_s), "swaps": assistant.swaps}

    return router
