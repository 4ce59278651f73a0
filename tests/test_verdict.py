"""Yes/no verdicts: the question's kind and polarity, the deciding sentence's modality, and the rule table."""

from __future__ import annotations

import pytest

from assistant.verdict import (
    CLASSIFY_NO,
    CLASSIFY_YES,
    OBLIGE,
    PENALTY,
    PERMIT,
    PROHIBIT,
    decide,
    modality,
    verdict_words,
    yes_no_question,
)


@pytest.mark.parametrize(
    ("question", "kind", "omission"),
    [
        ("厂里让我们自己买口罩手套，这合法吗？", "legality", True),
        ("单位让我冒险作业，我能拒绝吗？", "permission", False),
        ("没培训就让上岗，行不行？", "permission", True),
        ("电工要持证吗", "requirement", False),
        ("上下班路上被车撞了算工伤吗", "classification", False),
        ("把空仓库租给没证的烟花作坊，我也会被罚吗？", "consequence", True),
        ("铁路出事把我的货车借去用了，给不给钱？", "existence", False),
        ("厂里查出来的隐患，领导说不用跟我们讲，对吗？", "legality", True),
        ("我的岗位到底有啥危险，领导不说，我有权问清楚吗？", "permission", True),
        ("塔吊装好了还没验收，就让我们开始吊东西，行吗？", "permission", True),
        ("我们矿井只有一个出口能上下人，这合规吗？", "legality", True),
        ("连个专职安全员都没有，合规吗？", "legality", True),
        ("工会能要求厂里把人撤出去吗？", "permission", False),  # 工会 is not 会
        ("厂里改安全规章制度，要不要先听工会的意见？", "requirement", False),
        ("车间里有没有急救箱？", "existence", False),
        ("厂里要不要告诉我们岗位上有啥危险？", "requirement", False),
    ],
)
def test_yes_no_questions_are_read_from_their_asking_clause(question: str, kind: str, omission: bool):
    found = yes_no_question(question)
    assert found is not None and (found.kind, found.omission) == (kind, omission)


@pytest.mark.parametrize(
    "question", ["发现隐患该找谁报告？", "动火作业要注意什么？", "事故多长时间内要上报？", "有啥危险吗"]
)
def test_questions_that_ask_who_what_or_how_much_are_not_yes_no(question: str):
    assert yes_no_question(question) is None


@pytest.mark.parametrize(
    ("sentence", "kind", "expected"),
    [
        ("未经安全生产教育和培训合格的从业人员，不得上岗作业。", "", OBLIGE),  # a duty to train first
        ("禁止在电梯轿厢内吸烟。", "", PROHIBIT),
        ("生产经营单位必须为从业人员提供符合国家标准或者行业标准的劳动防护用品", "", OBLIGE),
        ("特种作业人员必须取得相应资格，方可上岗作业。", "", OBLIGE),
        ("从业人员有权拒绝违章指挥和强令冒险作业。", "", PERMIT),
        ("职工有下列情形之一的，应当认定为工伤：", "classification", CLASSIFY_YES),
        ("但是有下列情形之一的，不得认定为工伤或者视同工伤：", "classification", CLASSIFY_NO),
        ("逾期未改正的，处五万元以下的罚款", "consequence", PENALTY),
        ("有下列行为之一的，责令改正，处五千元以上五万元以下罚款", "legality", PENALTY),
        ("有下列行为之一的，责令改正，处五千元以上五万元以下罚款", "requirement", None),
        ("国家鼓励生产经营单位投保安全生产责任保险", "", None),
    ],
)
def test_modality_of_a_deciding_sentence(sentence: str, kind: str, expected: str | None):
    assert modality(sentence, kind) == expected


@pytest.mark.parametrize(
    ("question", "found", "verdict", "words"),
    [
        ("厂里让我们自己买口罩，合法吗？", OBLIGE, False, "不合法"),  # an omission of a duty
        ("车间安全出口被货堆住了，这样合法吗？", PROHIBIT, False, "不合法"),
        ("老板扣我工资违法吗", PROHIBIT, True, "违法"),
        ("十七岁能下井吗", PROHIBIT, False, "不能"),
        ("单位让我冒险作业，我能拒绝吗？", PERMIT, True, "能"),
        ("没戴安全帽干活行不行", OBLIGE, False, "不行"),
        ("我能要求单位给我发手套吗", OBLIGE, True, "能"),
        ("上岗前要先培训吗", OBLIGE, True, "要"),  # 未经培训合格，不得上岗
        ("工伤保险费要从我工资里扣一部分吗？", OBLIGE, False, "不要"),  # the employer's duty
        ("电工要持证吗", OBLIGE, True, "要"),
        ("上下班路上被车撞了算工伤吗", CLASSIFY_YES, True, "算工伤"),
        ("喝醉了摔伤算不算工伤", CLASSIFY_NO, False, "不算工伤"),
        ("在加油站抽烟会被罚吗", PENALTY, True, "会"),
        ("消火栓前面堆满了货，行吗？", PENALTY, False, "不行"),  # a punished deed is not allowed
        ("消火栓前面堆满了货，合法吗？", PENALTY, False, "不合法"),
    ],
)
def test_the_rule_table(question: str, found: str, verdict: bool, words: str):
    yes_no = yes_no_question(question)
    assert yes_no is not None
    assert decide(yes_no, found) is verdict
    assert verdict_words(yes_no, verdict) == words


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("老板让我们戴安全帽，合法吗？", OBLIGE),  # a duty done: the law does not say it is lawful
        ("公司必须给我们买意外险吗", None),  # 鼓励 decides nothing
        ("这算工伤吗", OBLIGE),  # a duty is not a classification
        ("会被罚吗", OBLIGE),
    ],
)
def test_undecided_when_the_modality_does_not_settle_it(question: str, found: str | None):
    yes_no = yes_no_question(question)
    assert yes_no is not None and decide(yes_no, found) is None
