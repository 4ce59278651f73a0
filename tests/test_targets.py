"""Deadlines, frequencies and numbers of the notice, found by rules (checked on the notice and on new text)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.notice_items import notice_items
from assistant.targets import deadline_date, extract_targets, notice_year, target_table
from corpus.manifest import load_manifest
from corpus.model import DocumentInfo
from indexers.parse import parse_text, read_provisions

NOTICE = next(entry for entry in load_manifest() if entry.id == "linfen-2025-1")


@pytest.fixture(scope="module")
def targets(shared_corpus: Path):
    items = notice_items(read_provisions(NOTICE, shared_corpus / NOTICE.path), {NOTICE.id: NOTICE})
    return extract_targets(items)


def find(targets, unit: str, value: str):
    matches = [t for t in targets if t.unit == unit and t.value == value]
    assert matches, f"{unit} {value} not in {[(t.unit, t.value) for t in targets]}"
    return matches[0]


def test_the_survey_of_hidden_hazards_is_due_by_the_end_of_june_2025(targets):
    survey = find(targets, "（十五）", "2025年6月底前")
    assert survey.kind == "deadline"
    assert "隐蔽致灾因素普查" in survey.object
    assert survey.citation.citation == f"《{NOTICE.title}》（十五）"
    assert survey.citation.quote == "深入推进煤矿区域性隐蔽致灾因素普查，2025年6月底前完成"


def test_every_county_has_an_emergency_supply_depot(targets):
    coverage = find(targets, "（二十一）", "100%")
    assert coverage.kind == "quantity"
    assert coverage.object == "县级应急物资储备库（点）建设覆盖率"


@pytest.mark.parametrize(
    ("unit", "kind", "value", "object"),
    [
        ("（十五）", "deadline", "12月底前", "完成全市煤矿采空区综合治理项目"),
        ("（六）", "deadline", "年底前", "再建成10座智能化煤矿"),
        ("（六）", "quantity", "10座", "智能化煤矿"),
        ("（十五）", "quantity", "90%", "化工园区达到较低安全风险等级"),
        ("（二十一）", "quantity", "每个村（社区）至少1处", "应急避难场所"),
        ("（二十一）", "deadline", "年底前", "力争每个村（社区）至少建立1处应急避难场所"),
        ("（七）", "quantity", "至少10项", "具体问题"),
        ("（七）", "frequency", "每半年至少一次", "召开专题会议"),
        ("（四）", "frequency", "每年至少1—2项", "解决制约安全发展的突出问题"),
        ("（二十）", "quantity", "至少1次", "综合性应急演练"),
        # a count window and the counts in it: the thing counted is the accident, named once after both
        ("（十一）", "window", "3个月内", "发生2起及以上或6个月内发生3起及以上较大生产安全事故"),
        ("（十一）", "quantity", "2起及以上", "较大生产安全事故"),
        ("（十一）", "quantity", "3起及以上", "较大生产安全事故"),
        # a bound on an attribute measures the attribute, not the noun after the number
        ("（六）", "quantity", "大于600米", "采深"),
        ("（四）", "duration", "超过3年", "停用时间"),
        ("（六）", "duration", "2小时", "无人机可抵达"),
        # named counts in Chinese numerals, quoted or not
        ("（四）", "quantity", "八条", "硬措施"),
        ("（五）", "duration", "三年", "安全生产治本攻坚三年行动"),
        ("（十三）", "quantity", "8条", "硬措施"),
    ],
)
def test_targets_of_the_notice(targets, unit: str, kind: str, value: str, object: str):
    target = [t for t in targets if t.unit == unit and t.value == value and t.kind == kind]
    assert target and target[0].object == object


def test_every_target_quotes_its_item(targets):
    assert len(targets) >= 20
    assert {t.kind for t in targets} == {"deadline", "frequency", "quantity", "duration", "window"}
    for t in targets:
        assert t.text in t.item.provision.text and t.value.split("至少")[-1][:1] in t.text
        assert set(t.to_dict()) >= {"unit", "kind", "value", "object", "text"}
    assert not [
        t for t in targets if t.value.startswith("2025年") and t.kind == "quantity"
    ]  # a year is no target
    names = ("三同时", "三项", "三个", "五到位", "四不")
    assert not [t for t in targets if any(name in t.value for name in names)]  # names in “…” are not targets
    assert [t.value for t in targets if t.kind == "deadline"] == [
        "年底前",
        "2025年6月底前",
        "12月底前",
        "年底前",
    ]  # a count window (3个月内发生…) and a duration (2小时) are no deadlines


def test_the_rules_read_a_notice_they_have_not_seen():
    info = DocumentInfo("test-notice", "测试通知", "规范性文件", "x.txt", "txt", "0", kind="notice")
    text = (
        "一、重点工作\n"
        "（一）加强培训。2026年3月底前完成全部企业负责人培训，每季度至少开展2次专项检查，"
        "培训覆盖率达到95%；全年新建5个实训基地，年内不少于3家企业完成改造。（市测试局负责）\n"
    )
    items = notice_items(parse_text(info, text), {info.id: info}, doc_id=info.id)
    found = {(t.kind, t.value, t.object) for t in extract_targets(items)}
    assert found == {
        ("deadline", "2026年3月底前", "完成全部企业负责人培训"),
        ("frequency", "每季度至少2次", "开展专项检查"),
        ("quantity", "95%", "培训覆盖率"),
        ("quantity", "5个", "实训基地"),
        ("deadline", "年内", "不少于3家企业完成改造"),
        ("quantity", "不少于3家", "企业完成改造"),
    }


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2025年6月底前", date(2025, 6, 30)),
        ("12月底前", date(2025, 12, 31)),
        ("2月底前", date(2025, 2, 28)),
        ("年底前", date(2025, 12, 31)),
        ("年内", date(2025, 12, 31)),
        ("6月30日前", date(2025, 6, 30)),
        ("6月上旬前", date(2025, 6, 10)),
        ("明年6月底前", date(2026, 6, 30)),
        ("2026年3月底前", date(2026, 3, 31)),
        ("3个月内", None),
        ("月底前", None),
        ("2月30日前", None),
    ],
)
def test_a_deadline_becomes_the_last_day_it_allows(value: str, day: date | None):
    assert deadline_date(value, 2025) == day


def test_the_notice_year_is_the_year_it_plans_for():
    assert notice_year(NOTICE.title, NOTICE.effective) == 2025
    assert notice_year("关于做好安全生产工作的通知", "2024-12-30") == 2024
    assert notice_year("关于做好安全生产工作的通知", None) is None


def test_the_table_has_a_row_per_target(targets):
    table = target_table(targets)
    assert len(table.rows) == len(targets)
    assert table.headers[:4] == ["事项", "工作", "类型", "时限/指标"]
