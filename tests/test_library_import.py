"""Importing a LawRefBook-style tree: what is taken, what is skipped and why, ids, and re-imports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.importer import LibraryImportError, import_tree, library_documents
from corpus.library import list_documents


def test_import_reads_levels_dates_issuers_and_skips_what_is_not_law(library_slice: Path, tmp_path: Path):
    report = import_tree(library_slice, tmp_path / "data")
    reasons = report.reasons()
    assert reasons["目录页"] >= 3 and reasons["模板"] == 1 and reasons["案例，不是法规文本"] >= 1
    assert reasons["默认文档集已收录"] >= 2  # 安全生产法, 矿山安全法 … are left to the default set
    assert report.count("imported") == len(library_documents(tmp_path / "data")) > 50
    documents = {d.id: d for d in library_documents(tmp_path / "data")}
    old, new = documents["妇女权益保障法-2018-10-26"], documents["妇女权益保障法-2022-10-30"]
    assert old.title == new.title == "中华人民共和国妇女权益保障法"
    assert (old.level, old.tier, old.promulgated, old.issuer) == (
        "法律",
        "library",
        "2018-10-26",
        "全国人民代表大会",  # adopted by the NPC in 1992 (the preamble's first event)
    )
    local = [d for d in documents.values() if d.province == "山东"]
    assert local and all(d.level == "地方性法规" for d in local)
    assert any(d.issuer and d.issuer.endswith("人民代表大会常务委员会") for d in local)
    assert {d.level for d in documents.values()} >= {"法律", "行政法规", "司法解释", "地方性法规"}
    assert "work-safety-law-2021" not in documents
    lines = report.report_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("路径") and len(lines) == len(report.outcomes) + 1
    assert "跳过" in report.summary() and "模板" in report.summary()
    listed = {d.id for d in list_documents(tmp_path / "data") if d.tier == "library" and d.present}
    assert listed == set(documents)


def test_reimport_is_incremental(library_slice: Path, tmp_path: Path):
    tree = tmp_path / "tree"
    shutil.copytree(library_slice, tree)
    data = tmp_path / "data"
    first = import_tree(tree, data)
    again = import_tree(tree, data)
    assert again.count("unchanged") == first.count("imported") and again.count("imported") == 0
    edited = tree / "社会法" / "妇女权益保障法(2022-10-30).md"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\n第九十一条 测试用的新条文。\n", encoding="utf-8"
    )
    (tree / "社会法" / "慈善法(2016-03-16).md").unlink()
    third = import_tree(tree, data)
    assert [o.doc_id for o in third.outcomes if o.outcome == "updated"] == ["妇女权益保障法-2022-10-30"]
    assert [o.doc_id for o in third.outcomes if o.outcome == "removed"] == ["慈善法-2016-03-16"]
    assert not (data / "corpus" / "library" / "社会法" / "慈善法(2016-03-16).md").exists()


def test_a_missing_directory_is_reported(tmp_path: Path):
    with pytest.raises(LibraryImportError, match="目录不存在"):
        import_tree(tmp_path / "nowhere", tmp_path / "data")


def test_cli_import_and_list_show_counts_and_versions(library_slice: Path, tmp_path: Path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    root = Path(__file__).resolve().parent.parent

    def run(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "assistant", *args]
        return subprocess.run(command, env=env, cwd=root, capture_output=True, text=True)

    imported = run("corpus", "import", str(library_slice))
    assert imported.returncode == 0, imported.stderr
    assert "导入法规库：新增" in imported.stdout and "跳过" in imported.stdout and "模板" in imported.stdout
    listed = run("corpus", "list", "--tier", "library", "--status", "已被修改")
    assert "妇女权益保障法-2018-10-26" in listed.stdout
    assert "已被修改，新版本：妇女权益保障法-2022-10-30" in listed.stdout
    assert "妇女权益保障法-2022-10-30" not in listed.stdout.split("新版本：")[0]
