"""Regression floors: minimum (or, for latency and false refusals, maximum) figures per set, mode and metric.

Usage::

    violations = check_floors(result, load_floors())
    for message in violations:
        print(message)

The format of floors.json is described in evals/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.harness import ALL, EvalResult, SetResult, fmt, metric_names
from evals.metrics import ANSWER_METRICS, LATENCY_METRICS

FLOORS_FILE = Path(__file__).resolve().parent / "floors.json"
ANSWERS = "answers"
BASELINE = "baseline"
NOT_BELOW_BASELINE = "not_below_baseline"  # "hybrid": {"not_below_baseline": ["R@1", "R@5"]}
CEILINGS = {"false_refusal_rate", *LATENCY_METRICS}  # lower is better: the figure must not exceed the bound
TOLERANCE = 1e-9


def load_floors(path: Path = FLOORS_FILE) -> dict[str, Any]:
    """The floors as a dict; ValueError with a Chinese message when the file is not valid JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"无法读取下限文件 {path}：{exc}") from exc


def check_floors(result: EvalResult, floors: dict[str, Any]) -> list[str]:
    """Chinese messages for every figure below its floor (above its ceiling); sets or modes not run are skipped."""
    violations: list[str] = []
    for set_name, by_mode in floors.items():
        set_result = result.sets.get(set_name)
        if set_result is None:
            continue
        for mode, bounds in by_mode.items():
            if mode == ANSWERS:
                violations += _check_answers(set_result, bounds)
            elif mode in set_result.modes:
                violations += _check_mode(set_result, mode, bounds, result.k)
    return violations


def _check_mode(set_result: SetResult, mode: str, bounds: dict[str, Any], k: int) -> list[str]:
    """Bounds of one mode: metric → number for the 全部 row and latency, or group → {metric → number}."""
    mode_result = set_result.modes[mode]
    where = f"{set_result.label} {set_result.name} · {mode}"
    messages = []
    for name, bound in bounds.items():
        if name == NOT_BELOW_BASELINE:
            messages += _check_baseline(set_result, mode, bound)
        elif isinstance(bound, dict):
            figures = mode_result.groups.get(name)
            if figures is None:
                messages.append(f"{where}：下限文件中的分组“{name}”在结果中不存在")
                continue
            messages += [
                _compare(f"{where} · {name}", metric, figures, value, metric_names(k))
                for metric, value in bound.items()
            ]
        elif name in LATENCY_METRICS:
            messages.append(_compare(where, name, mode_result.latency, bound, LATENCY_METRICS))
        else:
            messages.append(
                _compare(f"{where} · {ALL}", name, mode_result.groups[ALL], bound, metric_names(k))
            )
    return [m for m in messages if m]


def _check_baseline(set_result: SetResult, mode: str, metrics: list[str]) -> list[str]:
    """The mode must reach the article-level baseline's figures on the 全部 row (when the baseline ran)."""
    reference = set_result.modes.get(BASELINE)
    if reference is None:
        return []
    ours, theirs = set_result.modes[mode].groups[ALL], reference.groups[ALL]
    where = f"{set_result.label} {set_result.name} · {mode}"
    return [
        f"{where} · {metric} = {fmt(ours[metric])}，低于逐条参照方案的 {fmt(theirs[metric])}"
        for metric in metrics
        if (ours[metric] or 0) < (theirs[metric] or 0) - TOLERANCE
    ]


def _check_answers(set_result: SetResult, bounds: dict[str, float]) -> list[str]:
    where = f"{set_result.label} {set_result.name} · 问答"
    if set_result.answers is None:
        return [f"{where}：该数据集没有运行问答，无法检查下限"]
    figures = set_result.answers.figures()
    messages = [_compare(where, name, figures, bound, ANSWER_METRICS) for name, bound in bounds.items()]
    return [m for m in messages if m]


def _compare(
    where: str, metric: str, figures: dict[str, float | None], bound: float, known: tuple[str, ...]
) -> str:
    """A violation message, or "" when the figure is within its bound."""
    if metric not in known:
        return f"{where}：下限文件中的指标“{metric}”未知（可用：{'、'.join(known)}）"
    value = figures.get(metric)
    if value is None:
        return f"{where} · {metric} 无法计算（分母为 0），下限 {bound}"
    if metric in CEILINGS:
        return f"{where} · {metric} = {fmt(value)}，高于上限 {bound}" if value > bound + TOLERANCE else ""
    return f"{where} · {metric} = {fmt(value)}，低于下限 {bound}" if value < bound - TOLERANCE else ""
