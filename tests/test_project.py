"""Project hygiene that users and CI rely on: the README's commands, CI, configuration docs, lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant.settings import ENVIRONMENT
from bots.settings import ENVIRONMENT as BOT_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_exactly_a_run_and_a_test_command():
    commands = readme_commands()
    assert len(commands) == 2
    run, test = commands
    assert "corpus sync --from ../shared/corpus" in run and "torch==2.13.0" in run
    assert test.endswith("-m pytest")


def test_ci_calls_the_readme_test_command():
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in [*ENVIRONMENT, *BOT_ENVIRONMENT]:
        assert f"`{name}`" in readme, name


def test_ruff_is_clean():
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([*ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout
