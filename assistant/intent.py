"""What kind of answer a question wants, decided by ordered keyword rules.

Usage::

    classify("安法第21条")            # "lookup"
    classify("（十三）由哪些部门负责")   # "duty"
    INTENT_LABELS[classify(q)]       # "谁负责"

The rules in ``RULES`` are tried in order and the first match wins; a question that matches none is
"other". The order settles the overlaps:

1. Asking *who* ("谁负责", "由哪个部门", "牵头") wins over everything, so "（十三）谁负责，什么时候完成"
   is a duty question. "向谁报告" and "找谁投诉" are not: they ask where to turn, not who is responsible.
2. Counting enumerated things ("多少项职责", "几种情形", "哪几类") is a checklist: the numbered list
   answers the count too.
3. Asking for a number, time, deadline or amount ("多久", "几点", "罚多少", "年底前") is a fact, also when
   an article is named ("第九条规定几小时内报告"). "第几条" is not a number question.
4. Naming an article or item ("第21条", "第十三项", "（十三）") or asking which one ("第几条", "哪一条") is a
   lookup: the answer is that provision quoted whole, so "第二十一条有哪些职责" is a lookup.
5. Asking what someone is responsible for ("职责", "负责哪些工作", "主体责任") is a duty.
6. Asking for a list of requirements, rights, situations or steps ("要做哪些", "注意什么", "哪些权利",
   "怎么办") is a checklist.
"""

from __future__ import annotations

import re
import unicodedata

INTENT_LABELS: dict[str, str] = {
    "lookup": "查条文",
    "duty": "谁负责",
    "checklist": "要做哪些",
    "fact": "具体数字",
    "other": "一般问题",
}

_NUMERAL = r"[0-9零〇一二三四五六七八九十百千两]"

RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 1. who is responsible: 谁负责, 由谁, 哪个部门, 哪几个单位, 什么部门, 责任单位, 牵头
    (
        "duty",
        re.compile(
            r"(?<![向给跟和与找对])谁|由哪|哪[几一]?[个些家类]?(?:部门|单位|机构|机关)"
            r"|什么(?:部门|单位|机构|机关)|责任(?:单位|部门)|牵头"
        ),
    ),
    # 2. counting enumerated things: 多少项, 几种, 哪几类, 几个方面, 种类
    (
        "checklist",
        re.compile(r"(?:多少|(?<!第)几)(?:项|条|种|类|个方面|方面|点要求)|种类"),
    ),
    # 3. a number, duration, time, deadline, amount or share: 多久, 几点, 罚多少, 期限, 年底前, 比例
    (
        "fact",
        re.compile(
            r"多久|多长|多大|多高|多远|多重|多少|(?<!第)几|什么时[候间]|何时|哪天|期限|时限|截止"
            r"|年底|月底|完成时间|比例|百分之|%|罚"
        ),
    ),
    # 4. names an article or item by number, or asks which one: 第21条, 安法21条, 第十三项, （十三）, 第几条, 哪一条
    (
        "lookup",
        re.compile(
            rf"第{_NUMERAL}+[条项款]|(?:法|条例|办法|规定)\d+条|\([一二三四五六七八九十]+\)|第几[条项]|哪一?[条项]"
        ),
    ),
    # 5. what someone is responsible for: 职责, 负责哪些工作, 负责什么, 主体责任, 分工
    (
        "duty",
        re.compile(r"职责|负责(?:哪些|什么|啥)|主体责任|分工"),
    ),
    # 6. a list of requirements, rights, duties, situations or steps
    (
        "checklist",
        re.compile(
            r"要做|该做|应当做|应该做|做到|要求|注意|清单|措施|情形|情况|包括|权利|义务|内容|条件"
            r"|步骤|流程|怎么办|怎么做|如何做|怎么处理|如何处理|哪些"
        ),
    ),
)


def classify(question: str) -> str:
    """The intent of a question: lookup, duty, checklist, fact or other (see RULES for the order)."""
    text = "".join(unicodedata.normalize("NFKC", question).split())
    for intent, pattern in RULES:
        if pattern.search(text):
            return intent
    return "other"
