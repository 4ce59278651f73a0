"""The question log and its report: what is kept, for how long, under which pseudonym; the report's lists,
its Excel export and `python -m assistant report`."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.answer import Answer, Citation
from assistant.cli import main
from assistant.exports import save_tables
from assistant.questionlog import DAY_S, QuestionLog
from assistant.report import build_report, report_text
from assistant.settings import Settings

LAW = "《中华人民共和国安全生产法》"


def answer(
    supported: bool = True, units: tuple[str, ...] = ("第二十一条",), verdict: str | None = None
) -> Answer:
    citations = [Citation("work-safety-law-2021", u, f"{LAW}{u}", "……") for u in units] if supported else []
    text = (
        "主要负责人对本单位安全生产工作全面负责[1]。" if supported else "在已收录的法规中没有找到直接依据。"
    )
    return Answer(text, "duty" if supported else "other", supported, citations, verdict)


@pytest.fixture()
def clock() -> list[float]:
    return [1_700_000_000.0]


@pytest.fixture()
def log(tmp_path: Path, clock: list[float]) -> QuestionLog:
    return QuestionLog(tmp_path / "questions.sqlite", "salt-1", 180, clock=lambda: clock[0])


def test_a_question_is_kept_with_its_answer_under_a_salted_pseudonym(log: QuestionLog, tmp_path: Path):
    ref = log.record("web", "session-42", "主要负责人有哪些职责？", answer(verdict="yes"), "b1")
    row = sqlite3.connect(log.path).execute("SELECT * FROM questions").fetchone()
    assert row[0] == ref and row[2:] == (
        "web",
        log.pseudonym("web", "session-42"),
        "主要负责人有哪些职责？",
        "duty",
        1,
        "yes",
        f'["{LAW}第二十一条"]',
        "主要负责人对本单位安全生产工作全面负责[1]。",
        "b1",
    )
    assert "session-42" not in Path(log.path).read_bytes().decode("latin-1")
    other = QuestionLog(tmp_path / "other.sqlite", "salt-2", 180)
    assert other.pseudonym("web", "session-42") != log.pseudonym("web", "session-42")


def test_ratings_replace_each_other_and_keep_a_comment(log: QuestionLog):
    ref = log.record("api", "203.0.113.5", "问题", answer())
    assert log.rate(ref, "api", "203.0.113.5", -1, "  没有说到\n安全投入 ")
    assert log.rate(ref, "api", "203.0.113.5", -1)  # pressed again without a comment: the comment stays
    assert log.rate(ref, "api", "198.51.100.1", 1)
    assert not log.rate("unknown", "api", "203.0.113.5", 1)
    rows = log.query("SELECT rating, comment FROM feedback ORDER BY rating")
    assert rows == [(-1, "没有说到 安全投入"), (1, "")]
    with pytest.raises(ValueError):
        log.rate(ref, "api", "x", 5)


def test_what_is_older_than_the_retention_period_is_deleted(log: QuestionLog, clock: list[float]):
    old = log.record("web", "a", "旧问题", answer())
    log.rate(old, "web", "a", 1)
    clock[0] += 179 * DAY_S
    recent = log.record("web", "a", "新问题", answer())
    clock[0] += 2 * DAY_S
    assert log.purge() == 1
    assert [r[0] for r in log.query("SELECT ref FROM questions")] == [recent]
    assert log.query("SELECT COUNT(*) FROM feedback") == [(0,)]


def test_the_salt_is_made_once_and_readable_by_its_owner_only(tmp_path: Path):
    settings = Settings.from_env({"ASSISTANT_DATA_DIR": str(tmp_path)})
    first = QuestionLog.open(settings)
    second = QuestionLog.open(settings)
    assert first is not None and second is not None
    assert first.pseudonym("web", "x") == second.pseudonym("web", "x")
    salt = tmp_path / "logs" / "salt"
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600 and len(salt.read_text()) == 64
    assert (
        QuestionLog.open(
            Settings.from_env({"ASSISTANT_DATA_DIR": str(tmp_path), "ASSISTANT_QUESTION_LOG_DAYS": "0"})
        )
        is None
    )


def _filled(log: QuestionLog, clock: list[float]) -> None:
    for who in ("a", "b", "c"):
        log.record("web", who, "今天股票会涨吗？", answer(False))
    log.record("bot", "d", "今天股票会涨吗", answer(False))  # the same question, written without ？
    log.record("web", "e", "怎么做红烧肉？", answer(False))
    rated = log.record("api", "f", "主要负责人有哪些职责？", answer(units=("第二十一条", "第五条")))
    log.rate(rated, "api", "f", -1, "太笼统")
    log.rate(rated, "api", "g", 1)
    log.record("web", "h", "安全生产法第二十一条", answer())
    clock[0] -= 40 * DAY_S  # something from before the period
    log.record("web", "z", "很久以前的问题", answer(False))
    clock[0] += 40 * DAY_S


def test_the_report_lists_refused_questions_low_ratings_and_cited_provisions(
    log: QuestionLog, clock: list[float]
):
    _filled(log, clock)
    report = build_report(log, days=30, top=10)
    assert (report.questions, report.refused, report.people, report.up, report.down) == (7, 5, 7, 1, 1)
    assert report.by_channel == {"web": 5, "bot": 1, "api": 1}
    assert [(r.question, r.count) for r in report.top_refused] == [
        ("今天股票会涨吗？", 4),
        ("怎么做红烧肉？", 1),
    ]
    (low,) = report.low_rated
    assert (low.question, low.down, low.up, low.comments) == ("主要负责人有哪些职责？", 1, 1, ["太笼统"])
    assert low.citations == [f"{LAW}第二十一条", f"{LAW}第五条"]
    assert [(c.citation, c.count) for c in report.top_cited] == [(f"{LAW}第二十一条", 2), (f"{LAW}第五条", 1)]
    text = report_text(report)
    assert "今天股票会涨吗？（4 次" in text and "意见：太笼统" in text and f"{LAW}第二十一条（2 次）" in text


def test_the_report_exports_to_excel(log: QuestionLog, clock: list[float], tmp_path: Path):
    _filled(log, clock)
    path = save_tables(build_report(log).tables(), tmp_path / "report.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["概况", "未能回答的问题", "评价低的回答", "引用最多的条款"]
    refused = [[c.value for c in row] for row in book["未能回答的问题"].iter_rows()]
    assert refused[0] == ["问题", "次数", "最近一次"] and refused[1][:2] == ["今天股票会涨吗？", 4]


def test_report_command_prints_and_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    log = QuestionLog.open(Settings.from_env())
    assert log is not None
    log.record("web", "a", "怎么做红烧肉？", answer(False))
    assert main(["report", "--days", "7", "--out", str(tmp_path / "r.xlsx")]) == 0
    out = capsys.readouterr()
    assert "最近 7 天：提问 1 次" in out.out and "怎么做红烧肉？（1 次" in out.out
    assert (tmp_path / "r.xlsx").is_file()
    assert main(["report", "--json"]) == 0
    assert '"refused": 1' in capsys.readouterr().out
