"""Quoting provisions for handouts: whole 款 and 项 with every cut marked, whom a sentence obliges, the
penalty clause of a lead, and when a sentence is on a study topic."""

from __future__ import annotations

import pytest

from assistant.excerpts import CUT, excerpt, obligated, penalty_clause, pieces, sentences
from assistant.topics import TopicMatcher
from corpus.model import Paragraph, Provision

LEAD = "生产经营单位有下列行为之一的，责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿："
ITEMS = [
    f"（{n}）{text}"
    for n, text in zip(
        "一二三",
        [
            "未按照规定设置安全生产管理机构的；",
            "未按照规定对从业人员进行安全生产教育和培训的；",
            "未如实记录隐患排查治理情况的。",
        ],
        strict=True,
    )
]
SECOND = "生产经营单位应当建立安全生产教育和培训档案，如实记录培训的时间、内容。" * 8  # a long 款
THIRD = "县级以上人民政府应当组织有关部门制定应急救援预案。"


def provision(*paragraphs: Paragraph) -> Provision:
    lines = [line for p in paragraphs for line in [p.text, *p.items]]
    return Provision("law", "第九十七条", 97, "\n".join(lines), list(paragraphs))


PENALTY = provision(Paragraph(LEAD, ITEMS), Paragraph(SECOND), Paragraph(THIRD))


def texts(p: Provision, parts: list) -> list[str]:
    return [CUT if part is None else p.text[part.start : part.end] for part in parts]


def test_pieces_lie_where_the_text_has_them():
    assert texts(PENALTY, pieces(PENALTY)) == [LEAD, *ITEMS, SECOND, THIRD]


def test_a_long_provision_keeps_its_parts_on_the_topic_whole_and_marks_every_cut():
    on_topic = TopicMatcher("安全生产培训").matches
    assert texts(PENALTY, excerpt(PENALTY, on_topic)) == [LEAD, CUT, ITEMS[1], CUT, SECOND, CUT]
    assert texts(PENALTY, excerpt(PENALTY, on_topic, limit=10_000)) == [LEAD, *ITEMS, SECOND, THIRD]  # short


def test_a_lead_on_the_topic_brings_all_its_items():
    on_topic = TopicMatcher("罚款").matches
    assert texts(PENALTY, excerpt(PENALTY, on_topic)) == [LEAD, *ITEMS, CUT]


def test_sentences_split_a_lead_but_not_an_item():
    found = texts(PENALTY, sentences(PENALTY))
    assert found[:4] == [LEAD, *ITEMS[:3]] and len(found) == 4 + 8 + 1


@pytest.mark.parametrize(
    ("sentence", "who"),
    [
        ("生产经营单位应当对从业人员进行安全生产教育和培训", "生产经营单位"),
        ("煤矿企业主要负责人对本企业安全生产工作负有下列职责：", "煤矿企业主要负责人"),
        ("从业人员不得擅自拆除安全设施", "从业人员"),
        ("作业人员进入新的岗位前，应当接受安全生产教育培训", ""),  # a condition, not a party
        ("对违反本条例规定的，应当依法处理", ""),
        ("未经安全生产教育和培训合格的从业人员，不得上岗作业", ""),
        ("本条例自公布之日起施行", ""),
    ],
)
def test_whom_a_sentence_obliges(sentence: str, who: str):
    assert obligated(sentence) == who


def test_the_penalty_clause_of_a_lead():
    start, end, more = penalty_clause(LEAD)
    assert LEAD[start:end] == "责令限期改正，处十万元以下的罚款" and more
    only = "违反本条例规定，电动自行车驾驶人有下列行为之一的，由公安机关交通管理部门处二十元罚款："
    start, end, more = penalty_clause(only)
    assert only[start:end] == "由公安机关交通管理部门处二十元罚款" and not more


@pytest.mark.parametrize(
    ("topic", "sentence", "on"),
    [
        ("安全生产培训", "未经安全生产教育和培训合格的从业人员，不得上岗作业", True),  # core 培训
        (
            "动火作业",
            "生产经营单位进行爆破、吊装、动火、临时用电以及其他危险作业",
            True,
        ),  # 动火 alone in a list
        ("动火作业", "检修、维修、动火等作业安全管理情况", True),
        ("特种作业", "特种设备使用单位应当建立岗位责任制度", False),  # 特种 inside 特种设备
        ("重大事故隐患", "推进重大隐患动态清零", True),  # most bigrams, first and last
        ("重大事故隐患", "重大生产安全事故的调查处理", False),
        ("电动自行车", "电动自行车不得进楼入户", True),
        ("电动自行车", "机动车驾驶人应当遵守道路交通安全法律", False),
    ],
)
def test_when_a_sentence_is_on_a_topic(topic: str, sentence: str, on: bool):
    assert TopicMatcher(topic).matches(sentence) is on


def test_how_often_a_topic_is_named():
    assert TopicMatcher("安全生产培训").count("加强针对性培训，从业人员未经培训合格不得上岗") == 2
    assert TopicMatcher("电动自行车").count("机动车") == 0
