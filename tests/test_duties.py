"""The notice's duty matrix: who carries which item, name resolution, task look-up, the cited chat answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.duties import GENERAL_ROLE, DutyMatrix, UnknownBodyError, body_key
from corpus.manifest import load_manifest
from indexers.parse import read_provisions

NOTICE = next(entry for entry in load_manifest() if entry.id == "linfen-2025-1")
COUNTY = ["各县（市、区）人民政府", "临汾经济开发区管委会"]
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def matrix(shared_corpus: Path) -> DutyMatrix:
    provisions = read_provisions(NOTICE, shared_corpus / NOTICE.path)
    return DutyMatrix.from_provisions(provisions, {NOTICE.id: NOTICE})


def units(matrix: DutyMatrix, body: str) -> list[str]:
    return [duty.unit for duty in matrix.duties(body)[0].items]


def test_the_energy_bureau_carries_items_13_and_15(matrix: DutyMatrix):
    row = matrix.duties("市能源局")[0]
    assert row.body == "市能源局" and not row.collective
    assert [d.unit for d in row.items] == ["（十三）", "（十五）"]
    assert [d.title for d in row.items] == ["强化矿山安全监督管理", "强化固本强基工程建设"]
    assert {d.role for d in row.items} == {"分工负责"}
    tasks = row.items[1].tasks
    assert "深入推进煤矿区域性隐蔽致灾因素普查，2025年6月底前完成" in [t.text for t in tasks]
    assert all(not t.text.startswith("（十五）") and "等部门分工负责" not in t.text for t in tasks)


def test_every_body_of_the_notice_has_a_row(matrix: DutyMatrix):
    assert len(matrix.bodies) == 16
    assert {"市安委会有关成员单位", "市级负有安全生产监管职责的部门", "市安委会成员单位", *COUNTY} <= set(
        matrix.bodies
    )
    assert matrix.rows["市安委会有关成员单位"].collective
    assert units(matrix, "市级负有安全生产监管职责的部门") == ["（四）", "（九）", "（十）"]
    assert units(matrix, "国家金融监督管理总局临汾监管分局") == ["（九）"]
    assert len(units(matrix, "市应急管理局")) == 2


def test_the_county_default_of_item_one_gives_the_counties_every_item(matrix: DutyMatrix):
    for county in COUNTY:
        row = matrix.duties(county)[0]
        assert len(row.items) == 21
        assert row.items[0].role == "负责" and not row.items[0].general
        assert all(d.general and d.role == GENERAL_ROLE for d in row.items[1:])


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("能源局", "市能源局"),
        ("市应急局", "市应急管理局"),
        ("应急管理局", "市应急管理局"),
        ("临汾市应急管理局", "市应急管理局"),
        ("住房和城乡建设局", "市住建局"),
        ("市场监督管理局", "市市场监管局"),
        ("消防支队", "市消防救援支队"),
        ("监察执法十处", "国家矿山安全监察局山西局监察执法十处"),
        ("县政府", "各县（市、区）人民政府"),
        ("开发区管委会", "临汾经济开发区管委会"),
        (" 市 能源局 ", "市能源局"),
    ],
)
def test_short_and_partial_names_resolve(matrix: DutyMatrix, name: str, body: str):
    assert matrix.resolve(name) == body
    assert matrix.duties(name)[0].body == body


def test_an_unknown_body_gets_close_names_in_chinese(matrix: DutyMatrix):
    with pytest.raises(UnknownBodyError, match="通知中没有找到责任单位“市公安局”。相近的单位有：") as caught:
        matrix.duties("市公安局")
    assert "市" in str(caught.value).split("相近的单位有：")[1]
    assert "请提供成员单位名单，在工作台账中查看它分到的任务" in str(caught.value)  # 公安 may be a member
    with pytest.raises(UnknownBodyError, match="可能是指"):
        matrix.resolve("安委会")  # 市安委会成员单位 or 市安委会有关成员单位


def test_names_are_compared_by_key():
    assert body_key("市应急管理局") == body_key("应急管理局") == body_key("市应急局") == "应急"
    assert body_key("市市场监管局") == body_key("市场监督管理局") == "市场监管"
    assert body_key("各县（市、区）人民政府") == "县政府"


def test_the_json_shape(matrix: DutyMatrix):
    data = matrix.duties("市能源局")[0].to_dict()
    assert data["body"] == "市能源局"
    assert [item["unit"] for item in data["items"]] == ["（十三）", "（十五）"]
    assert set(data["items"][0]) >= {"unit", "title", "tasks"}
    assert all(isinstance(task, str) for task in data["items"][0]["tasks"])


def test_who_is_responsible_for_a_task(matrix: DutyMatrix):
    found = matrix.who_is_responsible("隐患排查")
    assert [r.unit for r in found] == ["（五）", "（九）", "（十四）"]
    assert found[2].bodies == ["市安委会有关成员单位"] and found[2].general_bodies == COUNTY
    assert all("隐患排查" in t.text for r in found for t in r.tasks)
    shelters = matrix.who_is_responsible("应急避难场所")
    assert [r.unit for r in shelters] == ["（二十一）"]
    assert matrix.who_is_responsible("量子计算") == []
    with pytest.raises(UnknownBodyError, match="请给出要查询的工作内容"):
        matrix.who_is_responsible("  ")


def test_the_chat_answer_lists_the_items_each_line_cited(matrix: DutyMatrix):
    answer = matrix.answer("市能源局负责哪些工作？")
    assert answer is not None and answer.intent == "duty" and answer.supported
    lines = answer.answer.split("\n")
    assert (
        lines[0]
        == "市能源局在通知中承担2项工作：（十三）强化矿山安全监督管理[1]、（十五）强化固本强基工程建设[2]。"
    )
    assert all(MARKER.search(line) for line in lines if line != "依据：")
    assert [c.unit for c in answer.citations] == ["（十三）", "（十五）"]
    provisions = {d.unit: d.item.provision for d in matrix.duties("市能源局")[0].items}
    for citation in answer.citations:
        assert citation.citation == f"《{NOTICE.title}》{citation.unit}"
        assert citation.quote in provisions[citation.unit].text
        assert "市能源局" in citation.quote  # the closing bracket that names the body is quoted
    assert "2. 深入推进煤矿区域性隐蔽致灾因素普查，2025年6月底前完成[2]" in lines


@pytest.mark.parametrize(
    ("question", "body"),
    [
        ("应急管理局有哪些职责", "市应急管理局"),
        ("市应急局的职责是什么？", "市应急管理局"),
        ("请问市消防救援支队在通知中主要负责哪些工作", "市消防救援支队"),
        ("市安委会有关成员单位负责哪些工作", "市安委会有关成员单位"),
        ("各县（市、区）人民政府负责什么", "各县（市、区）人民政府"),
        # fillers between the body and the cue, and the year
        ("市能源局今年负责哪些工作？", "市能源局"),
        ("今年市能源局都要负责哪些工作", "市能源局"),
        ("市能源局主要是负责什么", "市能源局"),
        ("市应急管理局2025年的主要工作是什么", "市应急管理局"),
        ("市水利局今年有哪些任务", "市水利局"),
        # a collective body named as a group, in the short forms cadres write
        ("各县区政府要负责哪些工作？", "各县（市、区）人民政府"),
        ("各县市区人民政府都负责哪些工作", "各县（市、区）人民政府"),
    ],
)
def test_questions_that_name_a_body(matrix: DutyMatrix, question: str, body: str):
    assert matrix.asked_body(question) == body


@pytest.mark.parametrize(
    "question",
    [
        "生产经营单位的主要负责人有哪些职责",  # a law question: 安全生产法第二十一条
        "应急管理部门的职责是什么",
        "怎么做好应急工作",
        "县政府负责什么",  # one county government is not the group 各县（市、区）人民政府
        "（十三）由哪些部门负责",
        "市能源局的电话是多少",
    ],
)
def test_other_questions_are_left_to_retrieval(matrix: DutyMatrix, question: str):
    assert matrix.answer(question) is None


def test_a_county_answer_cites_item_one_for_the_default(matrix: DutyMatrix):
    answer = matrix.answer("临汾经济开发区管委会负责哪些工作？")
    assert answer is not None and len(answer.citations) == 21
    assert answer.citations[0].unit == "（一）"
    assert "以下均需各县（市、区）人民政府、临汾经济开发区管委会负责" in answer.citations[0].quote
    assert answer.citations[1].quote == "（二）加大宣传引导"


def test_a_filler_changes_nothing_in_the_answer(matrix: DutyMatrix):
    plain = matrix.answer("市能源局负责哪些工作？")
    for question in (
        "市能源局今年负责哪些工作？",
        "市能源局今年都负责哪些工作？",
        "市能源局的主要工作是什么？",
    ):
        answer = matrix.answer(question)
        assert answer is not None and answer.answer == plain.answer and answer.citations == plain.citations


def test_the_county_governments_answer_from_the_general_clause_with_all_21_items(matrix: DutyMatrix):
    answer = matrix.answer("各县区政府要负责哪些工作？")
    assert answer is not None and answer.intent == "duty"
    reply = answer.answer.split("\n")[0]
    assert reply.startswith(
        "通知（一）规定“以下均需各县（市、区）人民政府、临汾经济开发区管委会负责，不再一一列出”[1]"
    )
    assert "全部21项工作均需负责" in reply
    assert [c.unit for c in answer.citations] == [item.unit for item in matrix.items]
    assert "不再一一列出" in answer.citations[0].quote


def test_divided_items_give_each_body_the_tasks_of_its_remit(matrix: DutyMatrix):
    item = next(i for i in matrix.items if i.unit == "（十五）")
    shares = {
        row.body: d for row in matrix.duties() for d in row.items if d.unit == "（十五）" and not d.general
    }
    assert len(shares) == 9
    assert all(len(d.tasks) < len(item.tasks) for d in shares.values())  # never every task to every body
    water = [t.text for t in shares["市水利局"].tasks]
    assert len(water) == 1 and "水库除险加固" in water[0]
    assert shares["市水利局"].remit_words(shares["市水利局"].tasks[0]) == ("水库",)
    assert [t.text for t in shares["市市场监管局"].tasks] == water  # 电梯安全筑底 in the same task
    assert not any("化工园区" in t.text for t in shares["市能源局"].tasks)
    assert any("化工园区" in t.text for t in shares["市应急管理局"].tasks)
    assert shares["市住建局"].tasks == ()  # named, but no task of （十五） lies in its remit
    assert matrix.pending(item) == []
    mines = next(i for i in matrix.items if i.unit == "（十三）")
    land = next(d for d in matrix.duties("市规划和自然资源局")[0].items if d.unit == "（十三）")
    assert [t.text for t in land.tasks] == [t.text for t in mines.tasks if "超层越界" in t.text]
    # 非煤矿山 is no coal work: the energy bureau does not get it
    assert not any("非煤" in t.text for d in matrix.duties("市能源局")[0].items for t in d.tasks)


def test_who_is_responsible_names_the_bodies_of_a_divided_task(matrix: DutyMatrix):
    found = matrix.who_is_responsible("水库")
    assert [r.unit for r in found] == ["（十五）"]
    assert found[0].carriers == [["市交通运输局", "市水利局", "市市场监管局", "市消防救援支队"]]
    assert found[0].to_dict()["task_bodies"] == found[0].carriers
