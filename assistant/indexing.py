"""Keep the index in step with the collected documents: the one entry point every channel uses.

``update_index`` prepares a build (searchable by words within seconds) and, unless told otherwise, computes its
vectors in the foreground; ``BackgroundEmbedding`` computes them in a thread of the serving process instead,
where each search uses the vectors that exist so far.

Usage::

    report = update_index(Settings.from_env(), rebuild=False)
    BackgroundEmbedding(settings).start()   # in serve: vectors land while the server answers
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from corpus.library import list_documents
from corpus.manifest import document_path
from corpus.model import DocumentInfo
from indexers.build import BuildReport, ChromaTarget, build_index
from indexers.dense import EmbedResult, embed_build, overall_share, read_coverage
from indexers.layout import IndexLayout


def documents_to_index(data_dir: Path) -> list[tuple[DocumentInfo, Path]]:
    """Every collected document whose file is present, with its path."""
    return [(doc, document_path(data_dir, doc)) for doc in list_documents(data_dir) if doc.present]


def chroma_target(settings: Settings) -> ChromaTarget:
    return ChromaTarget(settings.chroma_host, settings.chroma_port)


def update_index(
    settings: Settings, rebuild: bool = False, progress: bool = True, embed: bool = True
) -> BuildReport:
    """Bring the index up to date with the data directory (incrementally unless ``rebuild``); ``embed``:
    also compute the missing vectors now."""
    return build_index(
        documents_to_index(settings.data_dir),
        settings.data_dir,
        settings.embedder,
        chroma=chroma_target(settings),
        rebuild=rebuild,
        progress=progress,
        cache_dir=settings.cache_dir,
        library_spec=settings.library_embedder,
        embed=embed,
    )


def dense_complete(settings: Settings) -> bool:
    """Whether every dense passage of the live build has its vector."""
    build = IndexLayout(settings.data_dir, settings.cache_dir).current()
    return build is not None and read_coverage(build).get("state") == "done"


class BackgroundEmbedding:
    """Computes the live build's missing vectors in a daemon thread (one core; the server keeps the other).

    It stops when asked, when the build stops being the live one, or when another process already embeds it.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.layout = IndexLayout(settings.data_dir, settings.cache_dir)
        self.result: EmbedResult | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="background-embedding", daemon=True)

    def start(self) -> BackgroundEmbedding:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 30) -> None:
        self._stop.set()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        build = self.layout.current()
        if build is None:
            return
        try:
            client = chroma_target(self.settings).client(build)
            self.result = embed_build(
                self.layout, build, client, serving=True, progress=False, stop=self._stop.is_set
            )
        except Exception as exc:  # reported by /api/status; the server keeps answering by words
            self.error = f"{type(exc).__name__}: {exc}"


def index_status(settings: Settings, background: BackgroundEmbedding | None = None) -> dict[str, Any]:
    """The live build and how far its vectors have come: what /api/status and the web page show."""
    build = IndexLayout(settings.data_dir, settings.cache_dir).current()
    if build is None:
        return {"ready": False, "build": None, "dense": 0.0, "state": "missing", "spaces": {}}
    coverage = read_coverage(build)
    return {
        "ready": True,
        "build": build.name,
        "dense": round(overall_share(coverage), 4) if coverage else 0.0,
        "state": coverage.get("state", "pending"),
        "spaces": coverage.get("spaces", {}),
        "updated": coverage.get("updated"),
        "background": bool(background and background.running),
        "error": background.error if background else None,
    }
