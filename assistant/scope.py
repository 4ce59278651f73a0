"""Is a question within the assistant's scope? A work-safety concept, the field's own words or a named
provision is evidence; a place name, a bare 安全, a product, a price, the weather or an exam date is not.

Such questions are refused with a note on what the assistant can answer, however well some provision happens
to match their words. The rules, in order:

1. A question that names a document, an article or the notice's bodies (安全生产法第二十一条, 通知（十三）,
   市能源局) is in scope.
2. A question about something the collected law does not govern — prices and shopping, the weather, how
   things work or are repaired, first-aid technique, exams and careers, other fields of law, routes and
   contacts — or that asks for tips and comparisons (有啥好办法, 哪个更好) is out of scope.
3. A question that names a concept of the dictionary (口罩, 下井, 工伤 …) or uses the field's own words
   (安全生产, 事故, 隐患, 应急, 作业 …) is in scope.

Usage::

    scope = ScopeJudge(ConceptDictionary.load())
    scope.judge(query, named=False).in_scope     # False for "雾霾天戴啥口罩好"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query import Query
from indexers.concepts import ConceptDictionary, ConceptMatch

OUT_OF_SCOPE = (
    "这个问题不在已收录的安全生产法规范围内，我没有找到可以作答的依据。"
    "我能回答的是安全生产方面的问题，例如：单位该不该发劳保用品、受伤算不算工伤、发现隐患找谁报告、"
    "某部法规第几条怎么规定、通知里的工作由哪些部门负责。"
)
# What the collected law does not govern, however work-safety-like the words around it are.
_OFF_DOMAIN = re.compile(
    "|".join(
        (
            # prices, shopping, brands
            r"价格|价钱|多少钱一|涨价|降价|煤价|油价|房价|电费|燃气费|过路费|股票|基金|理财|彩票|"
            r"哪个牌子|什么牌子|啥牌子|品牌|哪款|哪种好|哪家好|哪个好|好还是|性价比|推荐一|值得买|网购|便宜|划算|好看",
            # weather and daily life
            r"天气|气温|下雨|下雪|雾霾|空气质量|穿衣|好吃|美食|旅游|景点|电影|减肥",
            # how things work, how to use, repair or look after them, first aid technique
            r"原理|为啥会|为什么会|怎么用|如何使用|分几步|怎么保养|打不着|心肺复苏|怎么急救|急救方法|"
            r"怎么修|修理|维修点|换电池",
            # exams, registration, jobs and careers
            r"报名|准考证|成绩查询|考试时间|几号考|啥时候考|什么时候考|考点在|题库|怎么考|容易过|复习|"
            r"公务员|好找工作|就业|工资高|挣多少|收入多少|退休|养老金|医保|报销比例|想当|报考|考[^，。？]{0,3}员|身高|"
            r"考哪些|实操考",
            # other fields of law and safety
            r"网络安全|信息安全|数据安全|食品安全|药品安全|国家安全|防诈骗|诈骗|密码|账号|病毒|离婚|继承|个人所得税|"
            r"贷款|利率|信用卡|专利|宅基地",
            # places, routes, schedules, contact details
            r"电话是多少|办公电话|地址在哪|在哪能|哪里能|去哪儿|几点上班|几点下班|怎么走|哪条高速|限行|发车|"
            r"几号开始|一共出了多少|统计数据|主题是|排队",
        )
    )
)
# Words that name the municipal notice or its bodies (a place name or 今年 alone does not).
_NAMES_NOTICE = re.compile(
    r"通知|临政发|市安委会|市应急管理局|市能源局|各县区|县区政府|开发区管委会|全市|我市|本市"
)
# Tips and comparisons: the law sets rules, it does not advise on products or technique.
_ADVICE = re.compile(
    r"有啥好办法|有什么好办法|有啥办法|哪个.{0,6}更好|更好还是|一般用几年|一般能跑|查真假|查真伪|"
    r"喝点啥|吃点啥|吃什么药|偷拍|充电宝|安全座椅|哪儿合适|哪里合适"
)
# The field's own words: a question using them is about work safety even when no concept names it.
_FIELD_WORDS = re.compile(
    r"安全生产|生产安全|安全管理|安全发展|安全宣传|安全员|安全帽|事故|应急|预警|消防|火灾|着火|救火|隐患|监管|"
    r"监督|执法|处罚|罚|违法|违规|职责|培训|工伤|职业|危险|危化|救援|抢险|检查|整改|作业|上岗|交底|"
    r"操作规程|加班|休息|劳动|工资|赔|爆炸|中毒|泄漏|漏了|燃气|煤气|汽油|电梯|锅炉|叉车|天车|吊车|起重|"
    r"货车|超载|酒驾|交通事故|撞了|撞人|三角|高速|警示标志|电动车|电动自行车|矿|井下|粉尘|化学品|烟花|"
    r"鞭炮|炸药|雷管|工地|施工|车间|宿舍|一制四案"
)


@dataclass(frozen=True)
class ScopeVerdict:
    """``in_scope`` and why: the concept or rule that decided it (for logs and the eval's misses)."""

    in_scope: bool
    reason: str
    concepts: tuple[ConceptMatch, ...] = ()


class ScopeJudge:
    """Decides scope from the question's named document or article, its concepts and its wording."""

    def __init__(self, concepts: ConceptDictionary) -> None:
        self.concepts = concepts

    def judge(self, query: Query, named: bool, found: list[ConceptMatch] | None = None) -> ScopeVerdict:
        """The verdict for an analysed question; ``named``: the question itself names a document
        (``found``: its concepts, when already looked up)."""
        matches = tuple(found if found is not None else self.concepts.in_question(query.text))
        if named or (query.doc_id and query.reference):
            return ScopeVerdict(True, "named", matches)
        off = _OFF_DOMAIN.search(query.text) or _ADVICE.search(query.text)
        if off:  # 市应急管理局怎么走 asks for a route, not for the bureau's duties
            return ScopeVerdict(False, f"off-domain:{off.group()}", matches)
        if _NAMES_NOTICE.search(query.text):
            return ScopeVerdict(True, "notice", matches)
        if matches:
            return ScopeVerdict(True, f"concept:{matches[0].concept.id}", matches)
        field = _FIELD_WORDS.search(query.text)
        if field:
            return ScopeVerdict(True, f"field:{field.group()}", matches)
        return ScopeVerdict(False, "no-concept", matches)
