"""The evaluation sets as normalised records: the dev set, the shared exam set and article-number lookups.

Usage::

    dev = load_dev_set()            # 230 items, 28 of them out of scope
    exam = load_exam_set()          # the 397 gold-bearing exam questions
    lookup = lookup_set(assistant.index.documents, assistant.index.provisions.values())
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.model import DocumentInfo, Provision
from corpus.numerals import int_to_cn
from corpus.units import canonical_unit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SET = Path(__file__).resolve().parent / "data" / "dev-set.jsonl"
WORKER_SET = Path(__file__).resolve().parent / "data" / "worker-set.jsonl"
EXAM_SET_ENV = "ASSISTANT_EXAM_SET"
DEFAULT_EXAM_SET = REPO_ROOT.parent / "shared" / "eval" / "exam-questions.jsonl"

LOOKUP_SIZE = 200
LOOKUP_SEED = 20250127


class DatasetError(ValueError):
    """An evaluation set that cannot be read; the message says what to do, in Chinese."""


@dataclass(frozen=True)
class EvalItem:
    """One question with its gold provisions; ``group`` is the user type, question type or template."""

    id: str
    query: str
    gold: tuple[tuple[str, str], ...]
    group: str
    out_of_scope: bool = False
    intent: str | None = None
    verdict: str | None = None  # "yes" / "no" for a yes/no question the gold provisions decide
    key: str | None = None  # the term or number of the gold provision that a right answer contains


@dataclass(frozen=True)
class EvalSet:
    """A named set of items; ``ask`` marks the set whose questions also go through ``Assistant.ask``."""

    name: str
    label: str  # 开发集, 考试题, 条号查找
    group_label: str  # what ``EvalItem.group`` means: 用户类型, 题型, 模板
    items: list[EvalItem] = field(default_factory=list)
    ask: bool = False

    @property
    def retrieval_items(self) -> list[EvalItem]:
        """The items scored for retrieval: in scope and with gold."""
        return [item for item in self.items if item.gold and not item.out_of_scope]


def normalise_unit(unit: str) -> str:
    """A unit label as gold writes it: no spaces, Chinese numerals, full-width brackets for notice items."""
    text = "".join(unit.split())
    kind = "notice" if text[:1] in "(（" else "law"
    return canonical_unit(text, kind)


def normalise_gold(pairs: Iterable[Iterable[str]]) -> tuple[tuple[str, str], ...]:
    """Gold pairs as (doc_id, normalised unit) tuples, order kept, duplicates dropped."""
    keys = (tuple(pair) for pair in pairs)
    return tuple(dict.fromkeys((doc_id, normalise_unit(unit)) for doc_id, unit in keys))


def load_dev_set(path: Path = DEV_SET, name: str = "dev", label: str = "开发集") -> EvalSet:
    """The packaged dev set: 202 in-scope and 28 out-of-scope questions, grouped by user type."""
    items = [
        EvalItem(
            id=row["id"],
            query=row["question"],
            gold=normalise_gold(row["gold"]),
            group=row["user_type"],
            out_of_scope=bool(row["out_of_scope"]),
            intent=row.get("intent"),
            verdict=row.get("verdict"),
            key=row.get("key"),
        )
        for row in _read_jsonl(path)
    ]
    return EvalSet(name, label, "用户类型", items, ask=True)


def load_worker_set(path: Path = WORKER_SET) -> EvalSet:
    """The worker dev set: situations in workers' own words over every document, with yes/no verdicts and key
    terms labelled, and out-of-scope questions that hold domain or place words."""
    return load_dev_set(path, "worker", "工人问题集")


def exam_set_path(env: Mapping[str, str] | None = None) -> Path:
    """ASSISTANT_EXAM_SET, or ../shared/eval/exam-questions.jsonl beside the repository."""
    value = (os.environ if env is None else env).get(EXAM_SET_ENV)
    return Path(value) if value else DEFAULT_EXAM_SET


def load_exam_set(path: Path | None = None) -> EvalSet:
    """The shared exam questions that have gold (unsupported ones are left out), grouped by question type."""
    path = path or exam_set_path()
    if not path.is_file():
        raise DatasetError(
            f"找不到考试题集 {path}。请把 exam-questions.jsonl 放到该位置，或用环境变量 {EXAM_SET_ENV} 指定路径。"
        )
    items = [
        EvalItem(id=row["id"], query=exam_query(row), gold=normalise_gold(row["gold"]), group=row["type"])
        for row in _read_jsonl(path)
        if row["gold"] and not row.get("unsupported")
    ]
    return EvalSet("exam", "考试题", "题型", items)


def exam_query(row: Mapping[str, Any]) -> str:
    """The question followed by its options, one per line, as a trainer would paste them (A.xxx)."""
    options = row.get("options") or {}
    return "\n".join([row["question"], *(f"{key}.{options[key]}" for key in sorted(options))])


def lookup_set(
    documents: Mapping[str, DocumentInfo],
    provisions: Iterable[Provision],
    size: int = LOOKUP_SIZE,
    seed: int = LOOKUP_SEED,
) -> EvalSet:
    """Article-number look-ups drawn from the index: a seeded sample spread evenly over the documents.

    Laws get "<short title> 第二十一条" or "<short title>第21条"; notice items get "通知（十三）".
    The short title is the document title without 中华人民共和国.
    """
    rng = random.Random(seed)
    by_document: dict[str, list[Provision]] = {}
    for provision in sorted(provisions, key=lambda p: (p.doc_id, p.number)):
        document = documents.get(provision.doc_id)
        if document is not None and provision.unit == _numbered_unit(provision, document):
            by_document.setdefault(provision.doc_id, []).append(provision)
    pools = [rng.sample(group, len(group)) for _, group in sorted(by_document.items())]
    chosen: list[Provision] = []
    while len(chosen) < size and any(pools):
        for pool in pools:
            if pool and len(chosen) < size:
                chosen.append(pool.pop())
    items = []
    for provision in chosen:
        template, query = _lookup_query(provision, documents[provision.doc_id], rng)
        items.append(
            EvalItem(f"lookup-{provision.id}", query, ((provision.doc_id, provision.unit),), template)
        )
    return EvalSet("lookup", "条号查找", "模板", items)


def short_title(document: DocumentInfo) -> str:
    """The title without the 中华人民共和国 prefix."""
    return document.title.removeprefix("中华人民共和国")


def _numbered_unit(provision: Provision, document: DocumentInfo) -> str | None:
    """The label a numbered article or notice item has; None for other kinds (chunks of plain text)."""
    if provision.number < 1:
        return None
    if document.kind == "notice":
        return f"（{int_to_cn(provision.number)}）"
    if document.kind == "law":
        return f"第{int_to_cn(provision.number)}条"
    return None


def _lookup_query(provision: Provision, document: DocumentInfo, rng: random.Random) -> tuple[str, str]:
    """(template name, query) for one provision."""
    if document.kind == "notice":
        return "通知（项）", f"通知{provision.unit}"
    if rng.random() < 0.5:
        return "第X条（中文数字）", f"{short_title(document)} {provision.unit}"
    return "第N条（阿拉伯数字）", f"{short_title(document)}第{provision.number}条"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
