"""Shared fixtures: the shared corpus that tests sync from, and a fresh data directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` server on a free local port; yields the port."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    executable = Path(sys.executable).parent / "chroma"
    with (root / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [
                str(executable),
                "run",
                "--path",
                str(root / "data"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"chroma server exited: {(root / 'server.log').read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("chroma server did not answer its heartbeat within 60 s")
                time.sleep(0.5)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
