"""Question intents: what kind of answer workers, cadres and trainers get for the way they ask."""

from __future__ import annotations

import pytest

from assistant.intent import INTENT_LABELS, RULES, classify


@pytest.mark.parametrize(
    "question",
    [
        "安全生产法第二十一条",
        "安法第21条",
        "安法21条",
        "消防法第二十八条讲什么",
        "第21条",
        "第 21 条",
        "通知第十三项",
        "（十三）是什么",
        "(十三)讲的啥",
        "职业病防治法第三十九条第二款",
        "事故报告是第几条",
        "哪一条规定了安全培训",
        "第二十一条规定了哪些职责",  # a named article is shown whole, its list included
    ],
)
def test_named_articles_and_items_are_lookups(question):
    assert classify(question) == "lookup"


@pytest.mark.parametrize(
    "question",
    [
        "矿山安全由谁负责",
        "这事谁负责？",
        "谁来管电动自行车充电",
        "特种设备归哪个部门管",
        "哪些部门负责矿山安全监督管理",
        "哪几个单位负责固本强基工程",
        "燃气安全是什么部门管的",
        "（十三）的责任单位是哪些",
        "隐患排查谁牵头",
        "市应急管理局负责哪些工作",
        "应急管理部门负责什么",
        "主要负责人有哪些职责",
        "安全员的职责",
        "企业主体责任怎么落实",
        "各部门怎么分工",
    ],
)
def test_who_and_what_someone_is_responsible_for_is_duty(question):
    assert classify(question) == "duty"


@pytest.mark.parametrize(
    "question",
    [
        "新员工上岗前要做哪些培训",
        "动火作业有哪些要求",
        "进有限空间要注意什么",
        "主要负责人应当做到什么",
        "安全检查清单",
        "防尘措施有哪些",
        "哪些情形属于重大事故隐患",
        "事故报告包括哪些内容",
        "从业人员有哪些权利",
        "员工有哪些义务",
        "着火了怎么办",
        "申请安全生产许可证要具备什么条件",
        "多少项职责",  # counting listed things: the numbered list gives the count
        "主要负责人有几项职责",
        "事故分为哪几类",
        "行政处罚的种类",
    ],
)
def test_lists_of_requirements_rights_and_situations_are_checklists(question):
    assert classify(question) == "checklist"


@pytest.mark.parametrize(
    "question",
    [
        "事故发生后多久要上报",
        "多长时间内报告",
        "几点下班",
        "一年体检几次",
        "不戴安全帽罚多少钱",
        "罚款多少",
        "培训档案保存多少年",
        "煤矿普查什么时候完成",
        "何时完成尾矿库闭库",
        "整改期限是多久",
        "事故报告的时限",
        "年底前要建成几座智能化煤矿",
        "化工园区达标比例",
        "采空区治理完成时间",
        "第九条规定几小时内报告",  # a number asked about a named article: the sentence with the number
        "违章作业怎么处罚",
    ],
)
def test_numbers_times_deadlines_and_amounts_are_facts(question):
    assert classify(question) == "fact"


@pytest.mark.parametrize(
    "question",
    [
        "安全生产法是什么",
        "老板不给发劳保用品合法吗？",
        "安全帽是劳保用品吗",
        "事故应该向谁报告",  # asks where to turn, not who is responsible
        "发现隐患找谁投诉",
        "第一时间报告",
        "",
    ],
)
def test_everything_else_is_other(question):
    assert classify(question) == "other"


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("（十三）谁负责，什么时候完成", "duty"),  # who wins over when
        ("第二十一条由谁负责", "duty"),  # who wins over a named article
        ("第十五项什么时候完成", "fact"),  # a deadline asked about a named item
        ("第二十一条有几项", "checklist"),  # counting beats the named article
        ("主要负责人的职责有多少项", "checklist"),  # counting beats duty
        ("应急局的职责什么时候完成", "fact"),  # when beats what someone is responsible for
        ("年底前要完成哪些任务", "fact"),  # a deadline beats a list
    ],
)
def test_overlaps_resolve_by_rule_order(question, intent):
    assert classify(question) == intent


def test_full_width_and_spaced_questions_classify_like_plain_ones():
    assert classify("安法第２１条") == classify("安法第21条") == "lookup"
    assert classify("谁 负 责？") == "duty"


def test_every_intent_has_a_chinese_label_and_every_rule_names_a_labelled_intent():
    assert set(INTENT_LABELS) == {"lookup", "duty", "checklist", "fact", "other"}
    assert INTENT_LABELS["duty"] == "谁负责"
    assert INTENT_LABELS["other"] == "一般问题"
    assert {intent for intent, _ in RULES} <= set(INTENT_LABELS) - {"other"}
