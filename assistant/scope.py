"""Is a question within the assistant's scope? Only a work-safety concept or a named provision is evidence.

A place name (临汾, 山西), a bare 安全, a product, a price, the weather or an exam date is no evidence: such
questions are refused with a note on what the assistant can answer, however well some provision happens to
match their words. The rules, in order:

1. A question that names a document, an article or the notice's bodies (安全生产法第二十一条, 通知（十三）,
   市能源局) is in scope.
2. A question about something the collected law does not govern — prices, brands, the weather, exam dates and
   registration, other fields of safety (网络安全, 食品安全) — is out of scope.
3. A question naming a concept whose scope is ``strong`` (下井, 动火, 工伤, 事故隐患) is in scope.
4. A question naming only ``weak`` concepts (口罩, 电动车, 加班) is in scope when it also names a second
   concept or a work setting (厂里, 工地, 上班, 老板 …).

Usage::

    scope = ScopeJudge(ConceptDictionary.load())
    scope.judge(query).in_scope     # False for "雾霾天戴啥口罩好"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query import Query
from indexers.concepts import STRONG, ConceptDictionary, ConceptMatch

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
            r"原理|为啥会|为什么会|怎么用|如何使用|分几步|怎么保养|打不着|心肺复苏|怎么急救|急救方法",
            # exams, registration, jobs and careers
            r"报名|准考证|成绩查询|考试时间|几号考|啥时候考|什么时候考|考点在|题库|怎么考|容易过|复习|"
            r"公务员|好找工作|就业|工资高|挣多少|收入多少|退休|养老金|医保|报销比例",
            # other fields of law and safety
            r"网络安全|信息安全|数据安全|食品安全|药品安全|国家安全|防诈骗|诈骗|密码|账号|病毒|离婚|继承|个人所得税|"
            r"贷款|利率|信用卡|专利|宅基地",
            # places, routes, schedules, contact details
            r"电话是多少|办公电话|地址在哪|在哪能|哪里能|去哪儿|几点上班|几点下班|怎么走|哪条高速|限行|发车|"
            r"几号开始|一共出了多少|统计数据|主题是",
        )
    )
)
# Words that name the municipal notice or its bodies (a place name or 今年 alone does not).
_NAMES_NOTICE = re.compile(
    r"通知|临政发|市安委会|市应急管理局|市能源局|各县区|县区政府|开发区管委会|全市|我市|本市"
)
# Where work happens: together with a weak concept it shows the question is about work safety.
_WORK_SETTING = re.compile(
    r"厂|车间|工地|工厂|单位|公司|企业|老板|领导|班长|工友|同事|上班|下班|干活|岗位|作业|施工|生产|"
    r"员工|职工|工人|矿|井|仓库|工作|值班|用工|招工|雇|劳动|商场|饭店|酒店|学校|医院|超市|物业"
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
        if named or (query.doc_id and query.reference) or _NAMES_NOTICE.search(query.text):
            return ScopeVerdict(True, "named", matches)
        off = _OFF_DOMAIN.search(query.text)
        if off:
            return ScopeVerdict(False, f"off-domain:{off.group()}", matches)
        strong = [m for m in matches if m.concept.scope == STRONG]
        if strong:
            return ScopeVerdict(True, f"concept:{strong[0].concept.id}", matches)
        if len({m.concept.id for m in matches}) >= 2 or (matches and _WORK_SETTING.search(query.text)):
            return ScopeVerdict(True, f"weak:{matches[0].concept.id}", matches)
        return ScopeVerdict(False, "no-concept", matches)
