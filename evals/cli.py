"""The ``eval`` command: flags and the run, for assistant/cli.py to wire in (imported lazily there).

Usage::

    add_eval_arguments(commands.add_parser("eval", help="评测"))
    return run(args, Assistant(settings))
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.baseline import ArticleBaseline
from evals.bench import bench_search
from evals.datasets import EvalSet, load_dev_set, load_exam_set, load_worker_set, lookup_set
from evals.floors import FLOORS_FILE, check_floors, load_floors
from evals.harness import MODES, EvalResult, fmt, format_tables, run_eval, to_json, write_misses

if TYPE_CHECKING:
    from assistant.service import Assistant

SETS = ("dev", "worker", "exam", "lookup")


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """The eval flags: --sets, --modes, --json, --misses, --bench, --repeat, --check-floors, --floors,
    --llm, --rewrite."""
    parser.add_argument(
        "--sets",
        type=_choices(SETS),
        default=list(SETS),
        help="数据集，逗号分隔（默认 dev,worker,exam,lookup）",
    )
    parser.add_argument(
        "--modes",
        type=_choices(MODES),
        default=list(MODES),
        help="检索模式，逗号分隔（默认 hybrid,bm25,dense,baseline；baseline 为逐条参照方案）",
    )
    parser.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="把结果写成 JSON 文件")
    parser.add_argument("--misses", type=Path, metavar="FILE", help="把首位未命中的问题写入文件")
    parser.add_argument("--bench", action="store_true", help="只测检索延迟（热启动），不计算指标")
    parser.add_argument("--repeat", type=int, default=3, help="--bench 时每个查询重复的次数（默认 3）")
    parser.add_argument("--check-floors", action="store_true", help="检查指标下限，有不达标时退出码为 1")
    parser.add_argument("--floors", type=Path, default=FLOORS_FILE, help="下限文件（默认 evals/floors.json）")
    parser.add_argument("--llm", action="store_true", help="评测大模型回答（需配置 ASSISTANT_LLM_BASE_URL）")
    parser.add_argument("--rewrite", action="store_true", help="--llm 时同时测定大模型改写问题对检索的影响")


class WithBaseline:
    """The assistant's search modes, and the article-level reference pipeline as mode "baseline"."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    @cached_property
    def baseline(self) -> ArticleBaseline:
        return ArticleBaseline.from_assistant(self.assistant)

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> Sequence[Any]:
        if mode == "baseline":
            return self.baseline.search(query, k)
        return self.assistant.search(query, k=k, mode=mode)

    def ask(self, question: str) -> Any:
        return self.assistant.ask(question)


def run(args: argparse.Namespace, assistant: Assistant) -> int:
    """Run the benchmark or the evaluation as the flags say; 1 when a floor is violated."""
    sets = load_sets(args.sets, assistant)
    if args.llm:
        from evals.llm import run_llm_command  # langchain-openai loads only here

        return run_llm_command(args, assistant, sets)
    searchers = WithBaseline(assistant)
    if args.bench:
        return _bench(args, searchers, sets)
    result = run_eval(searchers, sets, modes=args.modes, progress=sys.stderr.isatty())
    print(format_tables(result))
    if args.json_out:
        args.json_out.write_text(to_json(result) + "\n", encoding="utf-8")
    if args.misses:
        write_misses(result, args.misses)
        print(f"\n未命中的问题已写入 {args.misses}")
    return _check(args, result) if args.check_floors else 0


def load_sets(names: list[str], assistant: Assistant) -> list[EvalSet]:
    """The named sets; the lookup set is drawn from the assistant's index."""
    loaders: dict[str, Callable[[], EvalSet]] = {
        "dev": load_dev_set,
        "worker": load_worker_set,
        "exam": load_exam_set,
        "lookup": lambda: lookup_set(assistant.index.documents, assistant.index.provisions.values()),
    }
    return [loaders[name]() for name in names]


def _bench(args: argparse.Namespace, assistant: WithBaseline, sets: list[EvalSet]) -> int:
    queries = [item.query for s in sets for item in s.items]
    rows = [bench_search(assistant, queries, repeat=args.repeat, mode=mode) for mode in args.modes]
    print(f"检索延迟基准（热启动）：{len(queries)} 个查询 × {args.repeat} 次，单位毫秒")
    print(f"{'模式':<6}{'n':>8}{'p50':>9}{'p95':>9}{'平均':>7}")
    for row in rows:
        p50, p95, mean_ms = (fmt(row[key], 1) for key in ("p50_ms", "p95_ms", "mean_ms"))
        print(f"{row['mode']:<8}{row['n']:>8}{p50:>9}{p95:>9}{mean_ms:>9}")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _check(args: argparse.Namespace, result: EvalResult) -> int:
    floors = load_floors(args.floors)
    if not floors:
        print(f"\n下限文件 {args.floors} 为空，没有可检查的指标。")
        return 0
    violations = check_floors(result, floors)
    if not violations:
        print("\n所有指标均达到下限。")
        return 0
    print(f"\n{len(violations)} 项指标未达到下限：", file=sys.stderr)
    for message in violations:
        print(f"  {message}", file=sys.stderr)
    return 1


def _choices(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    """An argparse type for a comma-separated subset of ``allowed``."""

    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"可选值为 {','.join(allowed)}，收到 {text!r}")
        return names

    return parse
