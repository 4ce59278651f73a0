"""Train the learned fusion (assistant/fusion.py) and show, by k-fold cross-validation, that it generalises.

Training questions: the in-scope questions of the dev sets (dev, worker) and exam-like statements generated
from the corpus by the exam generator (seeded; 60% without the "依据《…》规定" opener, 判断 without options),
so that pasted exam items are learnt without touching the shared exam set, which stays held out. Each
question's candidates are labelled by its gold provisions; a logistic regression (balanced classes) is fitted
on their features.

The k-fold report gives, per set, R@1 and R@5 of the held-out folds for the learned fusion, each arm alone,
and the article-level baseline; the model written is then fitted on all of it, with the report in its
``trained`` field.

Usage::

    python -m evals.train_fusion                 # report and write assistant/data/fusion.json
    python -m evals.train_fusion --report-only   # the k-fold report alone
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from assistant.fusion import MODEL_FILE, LinearFusion, feature_names
from assistant.retrieval import HybridSearch
from assistant.service import Assistant
from assistant.settings import Settings
from evals.baseline import ArticleBaseline
from evals.datasets import EvalItem, exam_query, load_dev_set, load_worker_set, normalise_unit
from evals.metrics import mean

FOLDS = 5
C = 1.0  # inverse regularisation strength (0.1–1 measured alike)
SYNTHETIC = 500  # exam-like statements generated from the corpus
SYNTHETIC_SEED = 11
BARE_SHARE = 0.6  # share of statements without their "依据《…》规定" opener
ARM_ROWS = ("sparse", "sparse_whole", "dense", "dense_concepts", "concepts")
_OPENER = re.compile(r"^(?:依据|根据|按照)?《[^》]+》(?:的)?(?:规定)?[，,]?")
MODEL_PATH = Path(__file__).resolve().parent.parent / "assistant" / "data" / MODEL_FILE


@dataclass
class Example:
    """One training question: its set, candidates, their features and labels, and its gold keys."""

    set_name: str
    item: EvalItem
    candidates: list[tuple[str, str]]
    features: np.ndarray
    labels: np.ndarray
    arm_rankings: dict[str, list[tuple[str, str]]]


def training_sets(assistant: Assistant) -> dict[str, list[EvalItem]]:
    """dev and worker (in scope, with gold) and the generated exam-like statements."""
    return {
        "dev": load_dev_set().retrieval_items,
        "worker": load_worker_set().retrieval_items,
        "statements": synthetic_statements(assistant),
    }


def synthetic_statements(
    assistant: Assistant, n: int = SYNTHETIC, seed: int = SYNTHETIC_SEED
) -> list[EvalItem]:
    """Exam-like items built by the exam generator from a seeded sample of provisions, one per provision."""
    rng = random.Random(seed)
    provisions = sorted(assistant.index.provisions.values(), key=lambda p: p.id)
    rng.shuffle(provisions)
    built, _ = assistant.quiz_bank.items(provisions[: n * 2], seed)
    rng.shuffle(built)
    items: list[EvalItem] = []
    seen: set[tuple[str, str]] = set()
    for quiz in built:
        gold = tuple((quiz.doc_id, normalise_unit(unit)) for unit in quiz.cited_units)
        if gold[0] in seen:
            continue
        seen.add(gold[0])
        options = {} if quiz.type == "判断" else quiz.options
        text = exam_query({"question": quiz.stem, "options": options})
        if rng.random() < BARE_SHARE:
            text = _OPENER.sub("", text)
        items.append(EvalItem(f"statement-{len(items)}", text, gold, quiz.type))
        if len(items) == n:
            break
    return items


def examples(searcher: HybridSearch, sets: dict[str, list[EvalItem]]) -> list[Example]:
    """Each question's candidates, features and labels, and each arm's own top 10."""
    found = []
    ids = searcher.provision_ids
    for set_name, items in sets.items():
        for item in items:
            query = searcher.analyzer.analyze(item.query)
            arms = searcher.arms(query, searcher.concepts.in_question(item.query))
            cand, rows = searcher.features(arms)
            keys = [_key(ids[i]) for i in cand]
            labels = np.array([key in item.gold for key in keys], dtype=float)
            rankings = {
                arm: [_key(ids[i]) for i in np.argsort(-arms.scores[arm], kind="stable")[:10]]
                for arm in ARM_ROWS
            }
            found.append(Example(set_name, item, keys, rows, labels, rankings))
    return found


def fit(train: Sequence[Example]) -> LinearFusion:
    """A balanced logistic regression over the examples' candidates, as a LinearFusion."""
    from sklearn.linear_model import LogisticRegression

    rows = np.concatenate([e.features for e in train])
    labels = np.concatenate([e.labels for e in train])
    mean_, scale = rows.mean(axis=0), rows.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit((rows - mean_) / scale, labels)
    return LinearFusion(tuple(feature_names()), mean_, scale, model.coef_[0], float(model.intercept_[0]))


def ranking(model: LinearFusion, example: Example) -> list[tuple[str, str]]:
    order = np.argsort(-model.score(example.features), kind="stable")[:10]
    return [example.candidates[i] for i in order]


def cross_validate(all_examples: list[Example], baseline: ArticleBaseline) -> dict[str, dict[str, dict]]:
    """set → row (learned, each arm, baseline) → R@1, R@5 over the held-out folds."""
    folds = [hash_fold(e.item.id) for e in all_examples]
    ranked: list[list[tuple[str, str]]] = [[] for _ in all_examples]
    for fold in range(FOLDS):
        model = fit([e for e, f in zip(all_examples, folds, strict=True) if f != fold])
        for i, (example, f) in enumerate(zip(all_examples, folds, strict=True)):
            if f == fold:
                ranked[i] = ranking(model, example)
    report: dict[str, dict[str, dict]] = {}
    for set_name in dict.fromkeys(e.set_name for e in all_examples):
        members = [i for i, e in enumerate(all_examples) if e.set_name == set_name]
        rows = {"learned (held out)": [ranked[i] for i in members]}
        for arm in ARM_ROWS:
            rows[arm] = [all_examples[i].arm_rankings[arm] for i in members]
        rows["baseline"] = [
            [(h.doc_id, normalise_unit(h.unit)) for h in baseline.search(all_examples[i].item.query, 10)]
            for i in members
        ]
        gold = [all_examples[i].item.gold for i in members]
        report[set_name] = {row: _recall(found, gold) for row, found in rows.items()}
    return report


def hash_fold(item_id: str) -> int:
    """A fold number that depends on the question's id only (stable across runs and machines)."""
    return sum(item_id.encode("utf-8")) * 2654435761 % 2**32 % FOLDS


def format_report(report: dict[str, dict[str, dict]]) -> str:
    lines = [f"【排序模型 {FOLDS} 折交叉验证】每折用其余各折训练，在本折上评测（R@1 / R@5）"]
    rows = list(next(iter(report.values())))
    lines.append(f"{'':<22}" + "".join(f"{name:>20}" for name in report))
    for row in rows:
        cells = "".join(f"{report[s][row]['R@1']:>12.3f} {report[s][row]['R@5']:.3f}" for s in report)
        lines.append(f"{row:<22}{cells}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.train_fusion", description="训练并交叉验证排序模型"
    )
    parser.add_argument("--report-only", action="store_true", help="只做交叉验证，不写模型文件")
    parser.add_argument(
        "--out", type=Path, default=MODEL_PATH, help="模型文件（默认 assistant/data/fusion.json）"
    )
    args = parser.parse_args(argv)
    assistant = Assistant(Settings.from_env())
    settings = assistant.settings
    searcher = HybridSearch(
        assistant.index, assistant.analyzer, assistant.concepts, LinearFusion.blank(), settings.jurisdiction
    )
    sets = training_sets(assistant)
    print("训练题：" + "，".join(f"{name} {len(items)} 题" for name, items in sets.items()), file=sys.stderr)
    found = examples(searcher, sets)
    report = cross_validate(found, ArticleBaseline.from_assistant(assistant))
    print(format_report(report))
    if args.report_only:
        return 0
    model = fit(found)
    trained = {
        "date": date.today().isoformat(),
        "sets": {name: len(items) for name, items in sets.items()},
        "synthetic": {"n": SYNTHETIC, "seed": SYNTHETIC_SEED, "bare_share": BARE_SHARE},
        "C": C,
        "class_weight": "balanced",
        "embedder": assistant.index.meta["embedder"],
        "cross_validation": report,
    }
    LinearFusion(model.features, model.mean, model.scale, model.coef, model.intercept, trained).save(args.out)
    print(f"\n排序模型已写入 {args.out}")
    return 0


def _key(provision_id: str) -> tuple[str, str]:
    doc_id, unit = provision_id.split("/", 1)
    return doc_id, normalise_unit(unit)


def _recall(
    rankings: list[list[tuple[str, str]]], gold: list[tuple[tuple[str, str], ...]]
) -> dict[str, float]:
    def at(k: int) -> float:
        return mean(float(any(key in g for key in r[:k])) for r, g in zip(rankings, gold, strict=True)) or 0.0

    return {"R@1": round(at(1), 3), "R@5": round(at(5), 3), "n": len(gold)}


if __name__ == "__main__":
    sys.exit(main())
