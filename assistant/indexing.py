"""Keep the index in step with the collected documents: the one entry point every channel uses.

Usage::

    report = update_index(Settings.from_env(), rebuild=False)
"""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from corpus.library import list_documents
from corpus.manifest import document_path
from corpus.model import DocumentInfo
from indexers.build import BuildReport, ChromaTarget, build_index


def documents_to_index(data_dir: Path) -> list[tuple[DocumentInfo, Path]]:
    """Every collected document whose file is present, with its path."""
    return [(doc, document_path(data_dir, doc)) for doc in list_documents(data_dir) if doc.present]


def update_index(settings: Settings, rebuild: bool = False, progress: bool = True) -> BuildReport:
    """Bring the index up to date with the data directory (incrementally unless ``rebuild``)."""
    return build_index(
        documents_to_index(settings.data_dir),
        settings.data_dir,
        settings.embedder,
        chroma=ChromaTarget(settings.chroma_host, settings.chroma_port),
        rebuild=rebuild,
        progress=progress,
        cache_dir=settings.cache_dir,
    )
