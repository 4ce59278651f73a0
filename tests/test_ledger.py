"""The task ledger (台账): a row per body and task, deadlines as dates, 分工负责 by remit, collective bodies
kept as such or broken down by a member list the user gives; its .xlsx ready to fill in and print."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from assistant.bodies import UnknownBodyError
from assistant.duties import PENDING, DutyMatrix
from assistant.exports import save_tables
from assistant.ledger import HEADERS, Ledger, build_ledger
from assistant.members import MembersError, read_members
from assistant.targets import extract_targets
from corpus.manifest import load_manifest
from indexers.parse import read_provisions

NOTICE = next(entry for entry in load_manifest() if entry.id == "linfen-2025-1")
MEMBERS = """集体单位,成员单位,职责领域
市安委会成员单位,市公安局,
市安委会成员单位,市教育局,
市安委会成员单位,市应急管理局,
市安委会成员单位,市消防救援支队,
市安委会成员单位,市总工会,
市级负有安全生产监督管理职责的部门,市应急管理局,
市级负有安全生产监督管理职责的部门,市住建局,
市级负有安全生产监督管理职责的部门,市城市管理局,燃气、瓶装液化石油气
市级负有安全生产监督管理职责的部门,市公安局,
各县（市、区）人民政府,尧都区人民政府,
各县（市、区）人民政府,侯马市人民政府,
"""


@pytest.fixture(scope="module")
def matrix(shared_corpus: Path) -> DutyMatrix:
    return DutyMatrix.from_provisions(
        read_provisions(NOTICE, shared_corpus / NOTICE.path), {NOTICE.id: NOTICE}
    )


@pytest.fixture(scope="module")
def ledger(matrix: DutyMatrix) -> Ledger:
    return build_ledger(matrix, extract_targets(matrix.items))


@pytest.fixture(scope="module")
def members_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("members") / "成员单位.csv"
    path.write_text(MEMBERS, encoding="gb18030")  # a list saved from Excel on a Chinese Windows
    return path


def rows_of(ledger: Ledger, body: str, unit: str | None = None) -> list:
    return [r for r in ledger.rows if r.body == body and (unit is None or r.item.unit == unit)]


def test_a_row_per_body_and_task_never_every_task_to_every_divided_body(matrix: DutyMatrix, ledger: Ledger):
    pairs = Counter((r.body, r.item.unit, r.task.start) for r in ledger.rows)
    assert max(pairs.values()) == 1
    fifteen = next(item for item in matrix.items if item.unit == "（十五）")
    for body in fifteen.provision.bodies:
        assert len(rows_of(ledger, body, "（十五）")) < len(fifteen.tasks), body
    water = rows_of(ledger, "市水利局")
    assert [(r.item.unit, r.note) for r in water] == [("（十五）", "按职责：水库")]
    assert "水库除险加固" in water[0].task.text
    assert not rows_of(ledger, PENDING)  # every task of （十三）（十五） names a body's remit
    assert {body for body, _ in ledger.unassigned} == {"市住建局", "市城市管理局"}


def test_deadlines_are_dates_and_numbers_are_read(ledger: Ledger):
    energy = {r.task.text: r for r in rows_of(ledger, "市能源局", "（十五）")}
    survey = energy["深入推进煤矿区域性隐蔽致灾因素普查，2025年6月底前完成"]
    assert survey.deadline == date(2025, 6, 30) and survey.to_dict()["deadline"] == "2025-06-30"
    goaf = next(r for text, r in energy.items() if "采空区综合治理" in text)
    assert goaf.deadline == date(2025, 12, 31)
    meetings = next(r for r in rows_of(ledger, "市安委会有关成员单位", "（七）") if "专题会议" in r.task.text)
    assert meetings.frequencies[0].value == "每半年至少一次" and meetings.deadline is None
    window = next(r for r in rows_of(ledger, "市安委会有关成员单位", "（十一）") if "3个月内" in r.task.text)
    assert window.deadline is None  # a count window is no deadline


def test_collective_bodies_stay_collective_without_a_member_list(ledger: Ledger):
    collective = [r for r in ledger.rows if r.collective]
    assert {r.body for r in collective} == {
        "市安委会成员单位",
        "市安委会有关成员单位",
        "市级负有安全生产监管职责的部门",
        "各县（市、区）人民政府",
    }
    assert all(r.note.startswith("集体责任") for r in collective)
    notes = dict(ledger.tables()[1].rows)
    assert f"{len(collective)}行的责任单位是集体单位" in notes["集体单位"]
    county = rows_of(ledger, "临汾经济开发区管委会")
    assert len(county) == sum(len(item.tasks) for item in build_items(ledger))  # every task of the notice
    assert county[-1].note == "通知（一）：各项工作均需负责"


def build_items(ledger: Ledger) -> list:
    return list({r.item.unit: r.item for r in ledger.rows}.values())


def test_a_member_list_breaks_the_collective_bodies_down(matrix: DutyMatrix, members_file: Path):
    members = read_members(members_file, matrix.bodies)
    ledger = build_ledger(matrix, extract_targets(matrix.items), members)
    # 市安委会成员单位 carry （一） each; 有关成员单位 carry a task only where it names their remit
    assert {r.body for r in ledger.rows if r.item.unit == "（一）" and not r.collective} >= {
        "市公安局",
        "市教育局",
        "市总工会",
    }
    schools = [r for r in ledger.rows if r.item.unit == "（二）" and "各类学校" in r.task.text]
    assert {r.body for r in schools} >= {"市教育局", "市消防救援支队"}
    assert "市公安局" not in {r.body for r in schools}
    gas = [r for r in ledger.rows if r.item.unit == "（四）" and "燃气老旧管网" in r.task.text]
    assert [(r.body, r.note) for r in gas if not r.collective and r.body != "临汾经济开发区管委会"] == [
        ("尧都区人民政府", "各县（市、区）人民政府成员单位；通知（一）：各项工作均需负责"),
        ("侯马市人民政府", "各县（市、区）人民政府成员单位；通知（一）：各项工作均需负责"),
        ("市城市管理局", "市级负有安全生产监管职责的部门成员单位，按职责：燃气"),
    ]
    pending = [r for r in ledger.rows if r.pending]
    assert {r.body for r in pending} == {"市安委会有关成员单位", "市级负有安全生产监管职责的部门"}
    assert all(r.collective and r.note.startswith(PENDING) for r in pending)  # no member's remit named
    assert len(rows_of(ledger, "尧都区人民政府")) == len(rows_of(ledger, "临汾经济开发区管委会"))
    police = ledger.for_body("公安局")
    assert police.rows and {r.body for r in police.rows} == {"市公安局"}
    assert any("酒醉驾" in r.task.text for r in police.rows)
    assert "成员单位名单“成员单位.csv”" in dict(ledger.tables()[1].rows)["集体单位"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("单位,成员\n市安委会成员单位,市公安局\n", "第一行应为表头"),
        ("集体单位,成员单位\n市政府办公室,市公安局\n", "不是通知中的集体单位。通知中的集体单位有："),
        ("集体单位,成员单位\n市安委会成员单位,\n", "第2行缺少集体单位或成员单位"),
        ("集体单位,成员单位\n", "没有成员单位"),
    ],
)
def test_a_member_list_that_cannot_be_used_is_refused_in_chinese(
    matrix: DutyMatrix, tmp_path: Path, content: str, message: str
):
    path = tmp_path / "名单.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MembersError, match=message):
        read_members(path, matrix.bodies)


def test_a_member_list_may_be_an_excel_file_but_not_a_word_file(matrix: DutyMatrix, tmp_path: Path):
    workbook = Workbook()
    for line in MEMBERS.strip().split("\n"):
        workbook.active.append(line.split(",") if line.count(",") == 2 else [*line.split(","), None])
    workbook.save(tmp_path / "名单.xlsx")
    members = read_members(tmp_path / "名单.xlsx", matrix.bodies)
    assert [m.name for m in members.of("市安委会有关成员单位")][:2] == ["市公安局", "市教育局"]
    assert members.of("各县区人民政府")[0].name == "尧都区人民政府"
    with pytest.raises(MembersError, match="Excel 或 CSV"):
        read_members(tmp_path / "名单.docx", matrix.bodies)
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(MembersError, match="不是有效的 Excel 文件"):
        read_members(tmp_path / "坏.xlsx", matrix.bodies)


def test_one_body_of_the_ledger(ledger: Ledger):
    emergency = ledger.for_body("应急管理局")
    assert {r.body for r in emergency.rows} == {"市应急管理局"}
    assert [r.item.unit for r in emergency.rows] == ["（十三）"] * 4 + ["（十五）"] * 3
    housing = ledger.for_body("市住建局")  # named in （十五）, no task of its remit: no rows, a note
    assert housing.rows == [] and "市住建局是（十五）的分工负责单位" in str(housing.tables()[1].rows)
    with pytest.raises(UnknownBodyError, match="台账中没有找到责任单位“市教育局”"):
        ledger.for_body("市教育局")


def test_the_ledger_workbook_is_ready_to_fill_in_and_print(ledger: Ledger, tmp_path: Path):
    workbook = load_workbook(save_tables(ledger.for_body("市能源局").tables(), tmp_path / "台账.xlsx"))
    assert workbook.sheetnames == ["工作台账", "说明"]
    sheet = workbook["工作台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    survey = next(r for r in rows if r[4] == "深入推进煤矿区域性隐蔽致灾因素普查，2025年6月底前完成")
    assert survey[6] == datetime(2025, 6, 30) and survey[7] == "2025年6月底前"
    assert survey[10:13] == (None, None, None)  # 进度, 完成情况, 佐证材料 to fill in
    assert survey[13] == f"《{NOTICE.title}》（十五）"
    letters = [cell.column_letter for cell in sheet[1]]
    assert all(sheet.column_dimensions[c].width for c in letters)
    assert sheet.column_dimensions[letters[HEADERS.index("完成情况")]].width == 30
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
