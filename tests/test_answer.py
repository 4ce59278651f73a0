"""Composed answers: the direct reply, the cited basis, and citations that quote the provisions verbatim."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from assistant.answer import NEAREST_HEADER, NO_BASIS, QUOTE_LIMIT, compose, duty_subject
from assistant.hits import Hit
from assistant.segments import NUMBER, rank_segments, segments
from corpus.manifest import load_manifest
from corpus.model import Provision
from indexers.parse import read_provisions

MANIFEST = {entry.id: entry for entry in load_manifest()}
LAW = "work-safety-law-2021"
NOTICE = "linfen-2025-1"
REPORTING = "accident-reporting-investigation-regulation-2007"
MARKER = re.compile(r"\[(\d+)\]")


@cache
def _provisions(corpus: Path, doc_id: str) -> dict[str, Provision]:
    entry = MANIFEST[doc_id]
    return {p.unit: p for p in read_provisions(entry, corpus / entry.path)}


@pytest.fixture(scope="module")
def hits(shared_corpus):
    """hits((doc_id, unit), …): ranked hits built from the real provisions, best first."""

    def build(*refs: tuple[str, str]) -> list[Hit]:
        return [
            Hit(_provisions(shared_corpus, doc_id)[unit], MANIFEST[doc_id], 1.0 / rank, "")
            for rank, (doc_id, unit) in enumerate(refs, start=1)
        ]

    return build


def basis_lines(answer: str) -> list[str]:
    """The lines after the direct reply: after the 依据：/最接近的条款： header, or after a lookup's opener."""
    lines = [line for line in answer.split("\n") if line.strip()]
    for header in ("依据：", NEAREST_HEADER):
        if header in lines:
            return lines[lines.index(header) + 1 :]
    return lines[1:]


def assert_well_cited(answer, provisions_by_citation: dict[str, Provision]) -> None:
    """Every basis line is cited, every marker resolves, quotes are verbatim, numbering follows first use."""
    assert "\x00" not in answer.answer
    for line in basis_lines(answer.answer):
        assert MARKER.search(line), line
    used = [int(n) for n in MARKER.findall(answer.answer)]
    assert set(used) == set(range(1, len(answer.citations) + 1))
    first_use = list(dict.fromkeys(used))
    assert first_use == sorted(first_use)
    for citation in answer.citations:
        provision = provisions_by_citation[citation.citation]
        assert citation.quote and citation.quote in provision.text
        assert (citation.doc_id, citation.unit) == (provision.doc_id, provision.unit)


def by_citation(hit_list: list[Hit]) -> dict[str, Provision]:
    return {hit.citation: hit.provision for hit in hit_list}


# --- lookup --------------------------------------------------------------------------------------------


def test_lookup_quotes_the_article_with_its_items_one_per_line(hits):
    found = hits((LAW, "第二十一条"), (LAW, "第五条"))
    answer = compose("安全生产法第二十一条", "lookup", found, True)
    lines = answer.answer.split("\n")
    assert lines[0] == "《中华人民共和国安全生产法》第二十一条规定："
    assert lines[1] == "生产经营单位的主要负责人对本单位安全生产工作负有下列职责：[1]"
    assert lines[2].startswith("（一）建立健全") and lines[-1] == "（七）及时、如实报告生产安全事故。[1]"
    assert len(lines) == 9
    assert [c.unit for c in answer.citations] == ["第二十一条"]
    assert answer.citations[0].quote == found[0].provision.text
    assert_well_cited(answer, by_citation(found))


def test_lookup_of_a_notice_item_keeps_its_responsible_bodies(hits):
    found = hits((NOTICE, "（十三）"))
    answer = compose("通知第十三项", "lookup", found, True)
    assert answer.answer.startswith("《临汾市人民政府关于做好2025年安全生产工作的通知》（十三）规定：\n")
    assert "等部门分工负责）[1]" in answer.answer


# --- duty ----------------------------------------------------------------------------------------------


def test_duty_on_a_notice_item_names_its_bodies_and_the_county_governments(hits):
    found = hits((NOTICE, "（十三）"), (NOTICE, "（十五）"))
    answer = compose("矿山安全监督管理由哪些部门负责", "duty", found, True)
    reply, header, first, second = answer.answer.split("\n")
    assert reply.startswith("“强化矿山安全监督管理”由市应急管理局、市规划和自然资源局等4个单位分工负责")
    assert "各县（市、区）人民政府、临汾经济开发区管委会也须负责[1]。" in reply
    assert len(reply) <= 80
    assert header == "依据："
    assert "（十三）强化矿山安全监督管理：由市应急管理局、市规划和自然资源局、市能源局、" in first
    assert "国家矿山安全监察局山西局监察执法十处分工负责；" in first
    assert first.endswith(
        "各县（市、区）人民政府、临汾经济开发区管委会对通知各项工作均需负责（通知（一））[1]"
    )
    assert "（十五）强化固本强基工程建设：由市住建局" in second and second.endswith("[2]")
    quote = answer.citations[0].quote
    assert quote.startswith("（市应急管理局") and quote.endswith("等部门分工负责）")
    assert_well_cited(answer, by_citation(found))


def test_duty_on_an_item_that_guides_enterprises_says_so(hits):
    answer = compose("员工岗位责任由谁负责", "duty", hits((NOTICE, "（十）")), True)
    assert "由市级负有安全生产监管职责的部门指导督促企业落实" in answer.answer


def test_duty_on_law_articles_names_the_subject_of_each_duty(hits):
    found = hits((LAW, "第十条"), (LAW, "第五条"))
    answer = compose("安全生产工作由谁监督管理", "duty", found, True)
    reply = answer.answer.split("\n")[0]
    assert reply == "责任主体：国务院应急管理部门[1]；生产经营单位的主要负责人[2]。"
    assert (
        "《中华人民共和国安全生产法》第五条：生产经营单位的主要负责人是本单位安全生产第一责任人"
        in answer.answer
    )
    assert_well_cited(answer, by_citation(found))


def test_duty_names_a_subject_shared_by_two_provisions_once(hits):
    found = hits((LAW, "第八十三条"), (REPORTING, "第九条"))
    answer = compose("事故发生后谁应当立即报告", "duty", found, True)
    assert answer.answer.startswith("责任主体：事故现场有关人员[1][2]。\n依据：\n")


def test_duty_asking_for_someones_duties_lists_the_items_of_the_article(hits):
    found = hits((LAW, "第二十一条"), (LAW, "第五条"))
    answer = compose("主要负责人有哪些职责", "duty", found, True)
    assert answer.answer.startswith("责任主体：生产经营单位的主要负责人[1][2]。\n依据：\n")
    assert "（四）保证本单位安全生产投入的有效实施；[1]" in answer.answer
    assert "（七）及时、如实报告生产安全事故。[1]" in answer.answer


def test_same_provision_twice_is_cited_once(hits):
    found = hits((NOTICE, "（十三）"), (NOTICE, "（十三）"), (NOTICE, "（十五）"))
    answer = compose("矿山安全谁负责", "duty", found, True)
    assert [c.unit for c in answer.citations] == ["（十三）", "（十五）"]


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        (
            "生产经营单位的主要负责人是本单位安全生产第一责任人，对本单位的安全生产工作全面负责。",
            "生产经营单位的主要负责人",
        ),
        (
            "县级以上地方各级人民政府应急管理部门依照本法，对本行政区域内安全生产工作实施综合监督管理。",
            "县级以上地方各级人民政府应急管理部门",
        ),
        ("生产经营单位发生生产安全事故后，事故现场有关人员应当立即报告本单位负责人。", "事故现场有关人员"),
        ("生产经营单位的主要负责人对本单位安全生产工作负有下列职责：", "生产经营单位的主要负责人"),
        ("从业人员有权拒绝违章指挥和强令冒险作业。", ""),
        ("生产经营单位使用被派遣劳动者的，应当将被派遣劳动者纳入本单位从业人员统一管理。", ""),
        ("单位负责人接到报告后，应当于1小时内报告。", ""),
        (
            "发生一般事故，由设区的市级人民政府负责特种设备安全监督管理的部门会同有关部门组织调查。",
            "设区的市级人民政府",
        ),
    ],
)
def test_duty_subject_is_the_words_before_the_duty(sentence, subject):
    assert duty_subject(sentence) == subject


# --- checklist -----------------------------------------------------------------------------------------


def test_checklist_on_article_21_gives_seven_numbered_obligations(hits):
    found = hits((LAW, "第二十一条"))
    answer = compose("主要负责人要做哪些工作", "checklist", found, True)
    lines = answer.answer.split("\n")
    assert lines[0] == "以下共7项，出自《中华人民共和国安全生产法》第二十一条[1]。"
    assert lines[1] == "依据："
    items = lines[2:]
    assert len(items) == 7
    assert all(re.fullmatch(rf"{n}\. [^（）]+[^；。]\[1\]", line) for n, line in enumerate(items, start=1))
    assert items[0] == "1. 建立健全并落实本单位全员安全生产责任制，加强安全生产标准化建设[1]"
    assert items[6] == "7. 及时、如实报告生产安全事故[1]"
    assert len(answer.citations) == 1
    assert answer.citations[0].quote in found[0].provision.text
    assert_well_cited(answer, by_citation(found))


def test_checklist_without_items_splits_the_obligation_sentences(hits):
    found = hits((LAW, "第二十八条"))
    answer = compose("安全培训有哪些要求", "checklist", found, True)
    items = basis_lines(answer.answer)
    assert len(items) == 7
    assert "2. 未经安全生产教育和培训合格的从业人员，不得上岗作业[1]" in items
    assert items[3] == "4. 劳务派遣单位应当对被派遣劳动者进行必要的安全生产教育和培训[1]"


def test_checklist_merges_provisions_without_repeats_and_caps_the_list(hits):
    found = hits((LAW, "第二十八条"), (LAW, "第二十八条"), (NOTICE, "（十六）"), (LAW, "第二十一条"))
    answer = compose("培训要做到哪些", "checklist", found, True)
    items = basis_lines(answer.answer)
    assert 3 <= len(items) <= 12
    texts = [MARKER.sub("", item.split(". ", 1)[1]) for item in items]
    assert len(set(texts)) == len(texts)
    assert all("培训" in text for text in texts[1:])  # further lines are on the question
    assert items[0].endswith("[1]")
    assert answer.answer.startswith(f"以下共{len(items)}项，出自《中华人民共和国安全生产法》第二十八条")
    assert_well_cited(answer, by_citation(found))


def test_checklist_leaves_out_a_notice_items_tasks_on_other_subjects(hits):
    found = hits((NOTICE, "（四）"), (LAW, "第四十三条"))
    answer = compose("动火作业要注意什么", "checklist", found, True)
    notice_lines = [line for line in basis_lines(answer.answer) if line.endswith("[1]")]
    assert notice_lines and all("动火" in line for line in notice_lines)


def test_checklist_of_rights_takes_the_rights_sentences(hits):
    answer = compose("工人有哪些权利", "checklist", hits((LAW, "第五十四条")), True)
    assert "1. 从业人员有权对本单位安全生产工作中存在的问题提出批评、检举、控告[1]" in answer.answer
    assert "2. 有权拒绝违章指挥和强令冒险作业[1]" in answer.answer


# --- fact ----------------------------------------------------------------------------------------------


def test_fact_marks_the_reporting_deadline(hits):
    found = hits((REPORTING, "第九条"), (LAW, "第八十三条"))
    answer = compose("出了事故单位负责人要在多长时间内上报", "fact", found, True)
    reply = answer.answer.split("\n")[0]
    assert reply.startswith("单位负责人接到报告后，应当于【1小时】内向事故发生地")
    assert reply.endswith("[1]。")
    assert "《生产安全事故报告和调查处理条例》第九条：事故发生后，" in answer.answer
    assert answer.citations[0].unit == "第九条"
    assert "1小时" in answer.citations[0].quote
    assert_well_cited(answer, by_citation(found))


def test_fact_marks_a_notice_deadline(hits):
    found = hits((NOTICE, "（十五）"), (NOTICE, "（六）"))
    answer = compose("煤矿区域性隐蔽致灾因素普查什么时候完成", "fact", found, True)
    reply = answer.answer.split("\n")[0]
    assert "深入推进煤矿区域性隐蔽致灾因素普查" in reply and "【2025年6月底前】" in reply
    assert_well_cited(answer, by_citation(found))


def test_fact_marks_a_fine_range(hits):
    found = hits((LAW, "第九十七条"))
    answer = compose("没按规定培训工人罚多少钱", "fact", found, True)
    assert "【十万元以下】" in answer.answer.split("\n")[0]
    assert "【十万元以上二十万元以下】" in answer.answer
    assert "【二万元以上五万元以下】" in answer.answer


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("处一万元以上五万元以下的罚款", ["一万元以上五万元以下"]),
        ("处上一年年收入百分之四十的罚款", ["百分之四十"]),
        ("应当于1小时内报告，24小时内补报", ["1小时", "24小时"]),
        ("2025年6月底前完成，12月底前完成治理", ["2025年6月底前", "12月底前"]),
        ("年底前再建成10座智能化煤矿", ["年底前", "10座"]),
        ("90%的化工园区达到较低安全风险等级", ["90%"]),
        ("处上一年年收入60%至100%的罚款", ["60%至100%"]),
        ("生产经营单位的主要负责人是本单位安全生产第一责任人", []),
        ("国家矿山安全监察局山西局监察执法十处", []),
    ],
)
def test_numbers_dates_amounts_and_deadlines_are_recognised(text, numbers):
    assert NUMBER.findall(text) == numbers


# --- other and quotes ----------------------------------------------------------------------------------


def test_other_replies_with_the_most_relevant_sentence(hits):
    found = hits((LAW, "第四十五条"), (LAW, "第二十八条"))
    answer = compose("老板发的劳动防护用品质量怎么样", "other", found, True)
    reply, header, *basis = answer.answer.split("\n")
    assert reply == (
        "生产经营单位必须为从业人员提供符合国家标准或者行业标准的劳动防护用品，"
        "并监督、教育从业人员按照使用规则佩戴、使用[1]。"
    )
    assert header == "依据："
    assert basis[1] == (
        "《中华人民共和国安全生产法》第二十八条：生产经营单位接收中等职业学校、高等学校学生实习的，"
        "应当对实习学生进行相应的安全生产教育和培训，提供必要的劳动防护用品。[2]"
    )
    assert_well_cited(answer, by_citation(found))


def test_long_notice_items_are_quoted_by_their_relevant_sentences(hits):
    found = hits((NOTICE, "（四）"), (NOTICE, "（十五）"))
    answer = compose("电动自行车飞线充电问题怎么解决", "other", found, True)
    first = basis_lines(answer.answer)[0]
    quote = first.split("：", 1)[1]
    assert "飞线充电" in quote
    assert len(MARKER.sub("", quote)) <= QUOTE_LIMIT + 4
    assert len(answer.answer.split("\n")[0]) <= 80 + 4


def test_sentences_are_ranked_by_overlap_with_the_question(shared_corpus):
    item = _provisions(shared_corpus, NOTICE)["（十五）"]
    best = rank_segments("化工园区安全风险等级", item)[0]
    assert best.text.startswith("开展化工园区安全整治提升，90%的化工园区达到较低安全风险等级")
    assert item.text[best.start : best.end] == best.text


def test_segments_leave_out_the_notice_heading_and_bodies(shared_corpus):
    item = _provisions(shared_corpus, NOTICE)["（十三）"]
    texts = [s.text for s in segments(item)]
    assert texts[0].startswith("严格落实我市煤矿“双红线”管理制度")
    assert not any("分工负责" in t for t in texts)
    assert (
        "做到“基础资料填写规范，人员培训技术熟练，现场设备管控到位，数据曲线实时对话，报警分析研判精准”"
        in "".join(texts)
    )


# --- no basis ------------------------------------------------------------------------------------------


def test_unsupported_says_so_and_offers_the_nearest_provisions(hits):
    found = hits((LAW, "第四十五条"), (LAW, "第二十八条"))
    answer = compose("单位发的劳保鞋质量差能换吗", "other", found, False)
    lines = answer.answer.split("\n")
    assert lines[0] == NO_BASIS
    assert lines[1] == "最接近的条款："
    assert lines[2].startswith("《中华人民共和国安全生产法》第四十五条：") and lines[2].endswith("[1]")
    assert answer.supported is False
    assert_well_cited(answer, by_citation(found))


def test_unsupported_without_hits_is_just_the_sentence():
    answer = compose("食堂饭菜难吃怎么办", "other", [], False)
    assert answer.to_dict() == {
        "answer": NO_BASIS,
        "intent": "other",
        "supported": False,
        "verdict": None,
        "citations": [],
        "mode": "extractive",
        "dropped": [],
    }


def test_to_dict_has_exactly_the_api_fields(hits):
    answer = compose("第21条", "lookup", hits((LAW, "第二十一条")), True)
    data = answer.to_dict()
    assert list(data) == ["answer", "intent", "supported", "verdict", "citations", "mode", "dropped"]
    assert list(data["citations"][0]) == ["doc_id", "unit", "citation", "quote"]
    assert data["intent"] == "lookup" and data["supported"] is True


# --- the citation invariant over many provisions -------------------------------------------------------

INVARIANT_DOCS = (
    LAW,
    NOTICE,
    REPORTING,
    "fire-protection-law-2021",
    "occupational-disease-prevention-law-2018",
    "work-safety-violation-penalty-measures-2025",
    "shanxi-work-safety-regulation-2022",
)
INVARIANT_QUESTIONS = {
    "lookup": "这一条讲什么",
    "duty": "这项工作由哪些部门负责",
    "checklist": "单位应当做到哪些",
    "fact": "多长时间内完成，罚款多少",
    "other": "工人发现隐患怎么办",
}


@pytest.mark.parametrize("doc_id", INVARIANT_DOCS)
@pytest.mark.parametrize("intent", [*INVARIANT_QUESTIONS, "unsupported"])
def test_every_basis_line_is_cited_and_every_quote_is_verbatim(shared_corpus, hits, doc_id, intent):
    units = list(_provisions(shared_corpus, doc_id))
    question = INVARIANT_QUESTIONS.get(intent, "食堂饭菜难吃怎么办")
    for start in range(0, len(units), 3):
        found = hits(*((doc_id, unit) for unit in units[start : start + 3]))
        answer = compose(
            question, intent if intent in INVARIANT_QUESTIONS else "other", found, intent != "unsupported"
        )
        assert answer.citations, answer.answer
        assert_well_cited(answer, by_citation(found))
