"""Shared fixtures: the shared corpus that tests sync from, and a fresh data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The directory the default document set is synced from (ASSISTANT_CORPUS_SOURCE or ../shared/corpus)."""
    path = Path(os.environ.get("ASSISTANT_CORPUS_SOURCE", REPO_ROOT.parent / "shared" / "corpus"))
    if not (path / "manifest.jsonl").is_file():
        pytest.fail(f"shared corpus not found at {path}; set ASSISTANT_CORPUS_SOURCE")
    return path
