"""Sync of the default document set from a directory and over HTTP, with real files and a real server."""

from __future__ import annotations

import functools
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from corpus.manifest import (
    DEFAULT_MANIFEST,
    ManifestError,
    document_path,
    indexable,
    load_manifest,
    sha256_file,
)
from corpus.sync import TEMP_SUFFIX, ChecksumError, missing_documents, sync, write_verified

MANIFEST = load_manifest()
ALL_IDS = [e.id for e in MANIFEST]
NOTICE_IDS = ["linfen-2025-1", "linfen-2025-1-pdf"]
ALTERED = next(e for e in MANIFEST if e.id == "work-safety-law-2021")


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _assert_clean(data_dir: Path, expected_ids: list[str]) -> None:
    """Exactly the expected documents are in place, with the right bytes, and nothing else."""
    by_id = {e.id: e for e in MANIFEST}
    corpus = data_dir / "corpus"
    assert _files(corpus) == {by_id[i].path for i in expected_ids}
    for doc_id in expected_ids:
        assert sha256_file(document_path(data_dir, by_id[doc_id])) == by_id[doc_id].sha256


@pytest.fixture
def source_copy(shared_corpus: Path, tmp_path: Path) -> Path:
    """A writable copy of the shared corpus to alter."""
    return Path(shutil.copytree(shared_corpus, tmp_path / "source"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output free of access logs."""


@pytest.fixture
def served(source_copy: Path) -> Iterator[str]:
    """The URL of an HTTP server on 127.0.0.1 serving source_copy."""
    handler = functools.partial(_QuietHandler, directory=str(source_copy))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_manifest_matches_shared_corpus(shared_corpus: Path) -> None:
    shared = {e.id: e for e in load_manifest(shared_corpus / "manifest.jsonl")}
    assert list(shared) == ALL_IDS
    for entry in MANIFEST:
        other = shared[entry.id]
        for key in (
            "path",
            "title",
            "level",
            "issuer",
            "doc_number",
            "effective",
            "format",
            "sha256",
            "chars",
        ):
            assert getattr(entry, key) == getattr(other, key), (entry.id, key)
        assert entry.kind == ("notice" if entry.id in NOTICE_IDS else "law")
        assert entry.source
    assert [e.id for e in MANIFEST if e.rendition_of] == ["linfen-2025-1-pdf"]
    assert len(indexable(MANIFEST)) == 35
    for notice in (e for e in MANIFEST if e.kind == "notice"):
        assert sha256_file(DEFAULT_MANIFEST.parent / notice.path) == notice.sha256


def test_manifest_rejects_paths_outside_the_corpus(tmp_path: Path) -> None:
    bad = tmp_path / "manifest.jsonl"
    bad.write_text(
        '{"id": "x", "title": "t", "level": "法律", "path": "../x.md", "format": "md", "sha256": "00"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ManifestError, match="相对路径"):
        load_manifest(bad)


def test_sync_from_directory_then_resync(shared_corpus: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    seen: list[tuple[int, int, str]] = []
    report = sync(
        str(shared_corpus), data_dir, progress=lambda done, total, e: seen.append((done, total, e.id))
    )
    assert report.ok, report.summary()
    assert report.copied == ALL_IDS and not report.unchanged and not report.vendored
    assert seen[-1] == (36, 36, ALL_IDS[-1]) and len(seen) == 36
    _assert_clean(data_dir, ALL_IDS)
    assert missing_documents(data_dir) == []
    assert "新复制 36 个" in report.summary()

    again = sync(str(shared_corpus), data_dir)
    assert again.ok and again.copied == [] and again.unchanged == ALL_IDS
    assert "已是最新 36 个" in again.summary()


def test_sync_replaces_a_corrupt_local_file(shared_corpus: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    sync(shared_corpus, data_dir)
    document_path(data_dir, ALTERED).write_text("被篡改", encoding="utf-8")
    assert missing_documents(data_dir) == [ALTERED]
    report = sync(shared_corpus, data_dir)
    assert report.ok and report.copied == [ALTERED.id]
    _assert_clean(data_dir, ALL_IDS)


def test_altered_source_file_is_rejected(source_copy: Path, tmp_path: Path) -> None:
    bad = source_copy / ALTERED.path
    bad.write_bytes(bad.read_bytes().replace("第二十一条".encode(), "第二十二条".encode(), 1))
    data_dir = tmp_path / "data"
    report = sync(str(source_copy), data_dir)
    assert not report.ok
    assert [(f.doc_id, f.path) for f in report.failed] == [(ALTERED.id, ALTERED.path)]
    assert "sha256 校验不符" in report.failed[0].reason
    assert f"{ALTERED.id}（{ALTERED.path}）" in report.summary()
    _assert_clean(data_dir, [i for i in ALL_IDS if i != ALTERED.id])
    assert missing_documents(data_dir) == [ALTERED]


def test_missing_source_file_is_reported(source_copy: Path, tmp_path: Path) -> None:
    (source_copy / ALTERED.path).unlink()
    report = sync(str(source_copy), tmp_path / "data")
    assert [f.doc_id for f in report.failed] == [ALTERED.id]
    assert "没有该文件" in report.failed[0].reason
    assert ALTERED.path in report.summary()
    _assert_clean(tmp_path / "data", [i for i in ALL_IDS if i != ALTERED.id])


def test_notice_falls_back_to_vendored_copy(source_copy: Path, tmp_path: Path) -> None:
    shutil.rmtree(source_copy / "notice")
    report = sync(str(source_copy), tmp_path / "data")
    assert report.ok, report.summary()
    assert report.vendored == NOTICE_IDS and report.copied == ALL_IDS
    assert "内置副本" in report.summary()
    _assert_clean(tmp_path / "data", ALL_IDS)


def test_missing_source_directory_keeps_notice(tmp_path: Path) -> None:
    report = sync(str(tmp_path / "nowhere"), tmp_path / "data")
    assert report.vendored == NOTICE_IDS
    assert len(report.failed) == 34 and all("同步源目录不存在" in f.reason for f in report.failed)
    _assert_clean(tmp_path / "data", NOTICE_IDS)


def test_sync_over_http(served: str, tmp_path: Path) -> None:
    report = sync(served, tmp_path / "data")
    assert report.ok, report.summary()
    assert report.copied == ALL_IDS and not report.vendored
    _assert_clean(tmp_path / "data", ALL_IDS)
    assert sync(served.rstrip("/"), tmp_path / "data").unchanged == ALL_IDS


def test_http_missing_and_altered_files(served: str, source_copy: Path, tmp_path: Path) -> None:
    (source_copy / ALTERED.path).unlink()
    other = next(e for e in MANIFEST if e.id == "labor-law-2018")
    (source_copy / other.path).write_bytes(b"not the labor law")
    report = sync(served, tmp_path / "data")
    reasons = {f.doc_id: f.reason for f in report.failed}
    assert set(reasons) == {ALTERED.id, other.id}
    assert "HTTP 404" in reasons[ALTERED.id] and "sha256" in reasons[other.id]
    _assert_clean(tmp_path / "data", [i for i in ALL_IDS if i not in reasons])


def test_unreachable_server_fails_fast_and_keeps_notice(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = sync(f"http://127.0.0.1:{port}/", tmp_path / "data")
    assert report.vendored == NOTICE_IDS
    assert len(report.failed) == 34 and all("无法连接同步源" in f.reason for f in report.failed)
    _assert_clean(tmp_path / "data", NOTICE_IDS)


def test_unwritable_data_dir_is_reported(shared_corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a directory", encoding="utf-8")
    report = sync(str(shared_corpus), blocker)
    assert len(report.failed) == 36 and all("无法写入数据目录" in f.reason for f in report.failed)


class _InterruptedStream:
    """A byte stream that delivers some bytes, then raises KeyboardInterrupt as if the user pressed Ctrl-C."""

    def __init__(self) -> None:
        self.calls = 0

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 2:
            raise KeyboardInterrupt
        return b"x" * 1000


def test_interrupted_write_leaves_nothing_behind(tmp_path: Path) -> None:
    dest = tmp_path / "doc.md"
    with pytest.raises(KeyboardInterrupt):
        write_verified(_InterruptedStream(), dest)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_mismatch_keeps_the_previous_file(tmp_path: Path) -> None:
    dest = tmp_path / "doc.md"
    dest.write_bytes(b"old")
    source = tmp_path / "new.md"
    source.write_bytes(b"new")
    with open(source, "rb") as stream, pytest.raises(ChecksumError):
        write_verified(stream, dest, "0" * 64)
    assert dest.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)]
