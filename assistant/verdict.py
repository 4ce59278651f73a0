"""Yes/no verdicts: what a yes/no question asks, the modality of the provision that answers it, and the plain
words of the verdict (不合法。/ 可以。/ 不能。/ 要。/ 算工伤。).

A question such as “厂里让我们自己买口罩，合法吗？” asks about legality; the situation is an omission (the employer
does not provide). The deciding sentence “生产经营单位必须为从业人员提供……劳动防护用品” obliges; an omission of
an obligation is a violation, so the verdict is “no” (不合法). The rules are in ``decide`` and tested one by one.

Usage::

    question = yes_no_question("没培训就让上岗，行不行？")   # YesNo(kind="permission", word="行", …)
    verdict = decide(question, modality("未经安全生产教育和培训合格的从业人员，不得上岗作业。"))  # False
    verdict_words(question, verdict)                        # "不行"
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The modalities a provision's sentence can have, strongest first.
CLASSIFY_NO, CLASSIFY_YES, PENALTY = "classify_no", "classify_yes", "penalty"
PROHIBIT, OBLIGE, PERMIT = "prohibit", "oblige", "permit"
_CLASSIFICATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (CLASSIFY_NO, re.compile(r"不得认定为|不认定为|不视为|不属于|不予认定|不作为")),
    (CLASSIFY_YES, re.compile(r"应当认定为|认定为|视同|视为|属于|按照工伤|享受工伤|是指|包括")),
)
_PENALTIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (PENALTY, re.compile(r"罚款|吊销|拘留|处分|追究.{0,6}责任|承担.{0,8}责任|责令|没收|处[^，。；]{0,10}罚")),
)
# A prohibition for whoever has not met a condition is a duty to meet it: 未经培训合格，不得上岗 says 要培训.
_CONDITIONAL = re.compile(
    r"(?:未经|未按|未取得|未依法|未持有?|未进行|未通过|未达到|不具备|没有取得)[^。；]*?(?:不得|禁止|严禁)"
)
_MODALITIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (OBLIGE, _CONDITIONAL),
    (PROHIBIT, re.compile(r"不得|禁止|严禁|不准|不许|不应当|不能")),
    (OBLIGE, re.compile(r"应当|必须|(?<![无必])须|应予|应该|方可|负责(?!人)|有义务")),
    (PERMIT, re.compile(r"有权|可以|享有|有[^，。；]{0,12}的权利|给予|无须")),
)

# Wh-words: a question whose asking clause asks who, what or how many is not a yes/no question.
_WH = re.compile(
    r"谁|什么|啥|哪|怎么|怎样|如何|多少|多久|多长|(?<![这那前后头])几[个天年月次级条项种]|为何|为什么"
)
# The asking clause: X不X, 是否-style markers, or a closing 吗/吧.
_ALTERNATIVE = re.compile(r"(.)不\1|(.)没\2|是否|能否|可否|有无|[吗吧]$")
_LEGALITY = re.compile(r"合法|违法|犯法|违规|合规|违反|侵权")
_INVERTED = re.compile(r"违法|犯法|违规|违反|侵权")
_TAG = re.compile(r"^(?:这样|这|那|这么做|这种做法)?(?:对吗|对不对|没事吧|没问题吧|行吧|可以吧|是吗)$")
# (kind, pattern of the question's modal word, the word to answer yes with, its negation); first match wins.
_KINDS: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    ("classification", re.compile(r"算不算|算(?!了|账|数)|属不属于|属于|是不是|^(?:这|那|就)是"), "", ""),
    ("consequence", re.compile(r"会不会|(?<![工学协开机])会(?!计|议|员|上|场|所|长)"), "会", "不会"),
    ("requirement", re.compile(r"需不需要|需要"), "需要", "不需要"),
    (
        "requirement",
        re.compile(r"要不要|用不用|必须|该不该|应不应该|应该|得不得|得(?!到|了)|该"),
        "要",
        "不要",
    ),
    ("permission", re.compile(r"可不可以|可以|可否"), "可以", "不可以"),
    ("permission", re.compile(r"行不行|行吗|成不成|中不中"), "行", "不行"),
    ("permission", re.compile(r"允不允许|允许"), "允许", "不允许"),
    ("permission", re.compile(r"能不能|能否|能|有权"), "能", "不能"),
    ("existence", re.compile(r"有没有|有无|有"), "有", "没有"),
    ("requirement", re.compile(r"要(?!求)"), "要", "不要"),
)
_ALTERNATIVE_VERB = re.compile(r"(.)不\1")
_ASKED = re.compile(r"(.)[不没]\1")  # 给不给, 有没有: asking, not omitting
# Someone failing to do what is due, or falling short of it: 不发, 没培训, 还没验收, 自己买, 不戴, 关了定位,
# 过了年限, 连安全员都没有, 只有一个出口 …
_OMISSION = re.compile(
    r"(?:不|没有?|未|拒不)(?:给|发|配|提供|交|缴|买|签|报|教|培|戴|系|穿|管|让休|安排体检|体检|持证|考证|讲|说|告诉)"
    r"|不用[考培交缴]|不(?:用|必)?(?:跟|给|向|对)?[^，。；]{0,4}?(?:讲|说明|告诉|通报)|没人[教管]|无证|没证"
    r"|(?:还没|没有?|未)(?:经|做|进行|搞|办)?(?:验收|考核|检验|检测|试验|培训|登记|备案|审批|批准|鉴定|评价|取得|考)"
    r"|(?:关|拆|停)(?:了|掉)|过了?(?:年限|期)|超过?(?:使用)?年限|过期|超期"
    r"|连[^，。；]{1,10}?都?没有?|(?:都|也)没有|只有|只给|只发|只配|就让|才给|才发"
    r"|不算(?:工资|工时)"
)
# A cost or duty shifted onto the one who asks: 自己买, 自费, 从工资里扣 (an omission too).
_SHIFTED = re.compile(
    r"自己(?:[买出掏花拿垫付找]|承担|负责|准备|证明)|自费|自掏腰包|掏钱|扣[钱工]|工资里扣|扣[^，。；]{0,4}工资"
)
_CLASS_OBJECT = re.compile(r"(?:算不算|算|属不属于|属于|是不是)(.{1,8}?)(?:吗|呢|啊|$)")
_CLAUSES = re.compile(r"[，,。；;！!？?]")


@dataclass(frozen=True)
class YesNo:
    """What a yes/no question asks: its kind, its yes and no words, and the situation it describes."""

    kind: str  # legality, permission, requirement, classification, consequence, existence
    yes: str  # the word that answers yes: 合法, 可以, 能, 要, 算工伤, 有 …
    no: str  # and no: 不合法, 不可以, 不能, 不要, 不算工伤, 没有 …
    inverted: bool = False  # 违法吗: a violation answers yes
    omission: bool = False  # the situation is someone failing to act
    shifted: bool = False  # a cost or duty put on the one who asks (要我自己买吗: no)


def yes_no_question(question: str) -> YesNo | None:
    """What the question asks when its asking clause (the last one) is a yes/no question: 合法吗, 行不行,
    能不能, 要不要, 算不算, 有没有, 会…吗, X，对吗 …; the situation may fill the clauses before it."""
    text = "".join(unicodedata.normalize("NFKC", question).split())
    clauses = [c for c in _CLAUSES.split(text) if c]
    if not clauses:
        return None
    asking = clauses[-1]
    alternative = _ALTERNATIVE.search(asking)
    if not alternative or (_WH.search(asking) and not _ALTERNATIVE_VERB.search(asking)):
        return None  # 要不要告诉我们有啥危险 is yes/no; 有啥危险吗 asks what
    situation = _ASKED.sub("", text)
    shifted = bool(_SHIFTED.search(situation))
    omission = shifted or bool(_OMISSION.search(situation))
    if _LEGALITY.search(asking) or _TAG.match(asking):
        inverted = bool(_INVERTED.search(asking)) and "合法" not in asking
        yes, no = ("违法", "不违法") if inverted else ("合法", "不合法")
        if _TAG.match(asking):
            yes, no = "对", "不对"
        return YesNo("legality", yes, no, inverted, omission)
    for kind, pattern, yes, no in _KINDS:
        if pattern.search(asking):
            if kind == "classification":
                thing = _CLASS_OBJECT.search(asking)
                noun = thing.group(1).strip("的了") if thing else ""
                word = "算" if "算" in asking else "属于" if "属于" in asking else "是"
                yes, no = f"{word}{noun}", f"不{word}{noun}"
            return YesNo(kind, yes, no, omission=omission, shifted=shifted)
    verb = _ALTERNATIVE_VERB.search(asking)
    if verb:  # 给不给, 查不查: answer with the verb itself
        return YesNo("existence", verb.group(1), f"不{verb.group(1)}", omission=omission)
    return YesNo("existence", "是", "不是", omission=omission)


def modality(sentence: str, kind: str = "") -> str | None:
    """The strongest modality a sentence states: prohibit, oblige or permit; for a classification question
    first classify_no or classify_yes (不得认定为工伤, 视同工伤)."""
    first = {"classification": _CLASSIFICATIONS, "consequence": _PENALTIES}.get(kind, ())
    last = _PENALTIES if kind in ("legality", "permission") else ()  # a punished deed is not allowed
    rules = first + _MODALITIES + last
    for name, pattern in rules:
        if pattern.search(sentence):
            return name
    return None


def decide(question: YesNo, found: str | None) -> bool | None:
    """The answer to the question as asked (True: yes) from the deciding sentence's modality; None when the
    modality does not decide it (a permission that a legality question cannot settle, say)."""
    if found is None:
        return None
    violation = {
        PROHIBIT: True,
        PENALTY: True,
        OBLIGE: question.omission,
        CLASSIFY_NO: None,
        CLASSIFY_YES: None,
    }
    if question.kind == "legality":
        broken = violation.get(found)
        if found == PERMIT:
            broken = False if not question.omission else None
        if broken is None or (found == OBLIGE and not question.omission):
            return None
        return broken if question.inverted else not broken
    if question.kind == "classification":
        return {CLASSIFY_YES: True, CLASSIFY_NO: False}.get(found)
    if question.kind == "permission":
        return {PROHIBIT: False, PENALTY: False, PERMIT: True, OBLIGE: not question.omission}.get(found)
    if question.kind == "requirement":  # 要我自己买吗: the duty is someone else's
        return {OBLIGE: not question.shifted, PROHIBIT: False}.get(found)
    if question.kind == "consequence":
        return {PENALTY: True}.get(found)
    return {OBLIGE: True, PERMIT: True, PROHIBIT: False}.get(found)  # existence


def verdict_words(question: YesNo, verdict: bool) -> str:
    """The plain words of a verdict: 不合法, 可以, 算工伤 …"""
    return question.yes if verdict else question.no
