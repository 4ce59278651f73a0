"""Fetch the default document set into a data directory, verifying every file's SHA-256.

Usage::

    report = sync("/work/shared/corpus", Path("data"))   # or "https://example.org/corpus/"
    print(report.summary())
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from corpus.manifest import ManifestEntry, document_path, has_valid_file, load_manifest, sha256_file

FETCH_TIMEOUT_S = 30.0
TEMP_SUFFIX = ".part"
VENDORED_ROOT = Path(__file__).parent  # holds notice/…, the vendored copy of the notice
_CHUNK = 1 << 16
_USER_AGENT = "anquan-assistant-sync/0.1"

Progress = Callable[[int, int, ManifestEntry], None]  # (documents done, total, the document just handled)


class SyncError(Exception):
    """``except SyncError as exc: print(exc)``: a document not fetched or verified; says why in Chinese."""


class ChecksumError(SyncError):
    """``raise ChecksumError(expected, actual)``: bytes whose sha256 differs from the expected one."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"sha256 校验不符（应为 {expected[:12]}…，实际为 {actual[:12]}…），已丢弃")
        self.expected = expected
        self.actual = actual


class _Missing(SyncError):
    """The source does not have the file."""


class _Unreachable(SyncError):
    """The source as a whole cannot be reached; the remaining documents are not tried."""


@dataclass(frozen=True)
class SyncFailure:
    """``[(f.doc_id, f.reason) for f in report.failed]``: one document that was not synced."""

    doc_id: str
    path: str
    reason: str


@dataclass
class SyncReport:
    """``report = sync(source, data_dir); print(report.summary())``: the outcome of a sync."""

    source: str
    copied: list[str] = field(default_factory=list)  # ids written, including those from the vendored copy
    unchanged: list[str] = field(default_factory=list)  # ids already present with the right sha256
    failed: list[SyncFailure] = field(default_factory=list)
    vendored: list[str] = field(default_factory=list)  # ids taken from corpus/notice/ as the source failed

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """A short Chinese report, one line per failure."""
        lines = [
            f"从 {self.source} 同步文档：新复制 {len(self.copied)} 个，已是最新 {len(self.unchanged)} 个，"
            f"失败 {len(self.failed)} 个。"
        ]
        if self.vendored:
            lines.append(f"同步源未能提供以下通知文件，已改用内置副本：{'、'.join(self.vendored)}")
        lines.extend(f"  失败：{f.doc_id}（{f.path}）：{f.reason}" for f in self.failed)
        return "\n".join(lines)


def sync(
    source: str | Path,
    data_dir: Path,
    manifest: Sequence[ManifestEntry] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Fetch every listed document from a directory or an http(s) URL base into data_dir/corpus/."""
    entries = load_manifest() if manifest is None else list(manifest)
    report = SyncReport(source=str(source))
    unreachable: str | None = None
    for done, entry in enumerate(entries, start=1):
        try:
            status = _sync_entry(str(source), Path(data_dir), entry, unreachable)
        except SyncError as exc:
            if isinstance(exc, _Unreachable):
                unreachable = str(exc)
            report.failed.append(SyncFailure(entry.id, entry.path, str(exc)))
        except OSError as exc:
            report.failed.append(SyncFailure(entry.id, entry.path, f"无法写入数据目录：{exc}"))
        else:
            if status == "unchanged":
                report.unchanged.append(entry.id)
            else:
                report.copied.append(entry.id)
                if status == "vendored":
                    report.vendored.append(entry.id)
        if progress is not None:
            progress(done, len(entries), entry)
    return report


def missing_documents(data_dir: Path, manifest: Sequence[ManifestEntry] | None = None) -> list[ManifestEntry]:
    """The listed documents whose file is absent from the data directory or has the wrong sha256."""
    entries = load_manifest() if manifest is None else manifest
    return [entry for entry in entries if not has_valid_file(data_dir, entry)]


def write_verified(stream: BinaryIO, dest: Path, expected_sha256: str | None = None) -> str:
    """Copy a byte stream to dest atomically and return its sha256.

    The bytes go to a temp file in dest's directory, which replaces dest only when the sha256 matches
    (when one is expected); on a mismatch or any error, KeyboardInterrupt included, the temp file is removed
    and dest is left as it was.
    """
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=TEMP_SUFFIX, dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if expected_sha256 is not None and actual != expected_sha256:
            raise ChecksumError(expected_sha256, actual)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
        return actual
    finally:
        tmp.unlink(missing_ok=True)


def _sync_entry(source: str, data_dir: Path, entry: ManifestEntry, unreachable: str | None) -> str:
    """Sync one document; return "unchanged", "copied" or "vendored", or raise SyncError."""
    dest = document_path(data_dir, entry)
    if dest.is_file() and sha256_file(dest) == entry.sha256:
        return "unchanged"
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        if unreachable is not None:
            raise _Unreachable(unreachable)
        _fetch(source, entry, dest)
        return "copied"
    except SyncError:
        if not _has_vendored_copy(entry):
            raise
    with open(VENDORED_ROOT / entry.path, "rb") as stream:
        write_verified(stream, dest, entry.sha256)
    return "vendored"


def _has_vendored_copy(entry: ManifestEntry) -> bool:
    """True for a notice whose file is vendored in the package with the listed sha256."""
    vendored = VENDORED_ROOT / entry.path
    return entry.kind == "notice" and vendored.is_file() and sha256_file(vendored) == entry.sha256


def _fetch(source: str, entry: ManifestEntry, dest: Path) -> None:
    """Copy one document from the source to dest, with read, network and write errors as SyncError."""
    try:
        with _open_source(source, entry.path) as stream:
            write_verified(stream, dest, entry.sha256)
    except (OSError, http.client.HTTPException) as exc:
        raise SyncError(f"读取、下载或写入失败：{exc}") from exc


def _is_url(source: str) -> bool:
    return urllib.parse.urlsplit(source).scheme in ("http", "https")


@contextmanager
def _open_source(source: str, path: str) -> Iterator[BinaryIO]:
    """Open source/path for reading, from a directory or over http(s)."""
    if not _is_url(source):
        root = Path(source)
        if not root.is_dir():
            raise _Unreachable(f"同步源目录不存在：{source}")
        if not (root / path).is_file():
            raise _Missing("同步源中没有该文件")
        with open(root / path, "rb") as handle:
            yield handle
        return
    url = source.rstrip("/") + "/" + urllib.parse.quote(path)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        response = urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code in (404, 410):
            raise _Missing(f"同步源中没有该文件（HTTP {exc.code}）") from exc
        raise SyncError(f"下载失败：HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise _Unreachable(f"无法连接同步源 {source}：{exc.reason}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _Unreachable(f"无法连接同步源 {source}：{exc}") from exc
    with response:
        yield response
