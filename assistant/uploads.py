"""Documents uploaded from the browser: checked by content (not by the name's suffix), previewed as they will
be parsed, then added to the user's documents; a rejected upload leaves nothing behind.

Accepted: PDF (with a text layer: a scan is reported as needing OCR), Word (docx: a real Word package whose
unpacked size is bounded, so a zip bomb is refused), and plain text or Markdown in UTF-8, UTF-16 or GB18030.

Usage::

    with staging_area(data_dir) as folder:
        received = folder / "upload.part"            # the request body, written with a size limit
        entry, preview = add_upload(data_dir, received, "制度.docx", title="本单位安全生产责任制", level="其他")
    preview.to_dict()  # {"kind": "articles", "count": 24, "units": ["第一条", …], "samples": [...]}
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpus.library import LibraryError, add_document
from corpus.manifest import ManifestEntry
from corpus.model import DocumentInfo
from indexers.errors import DocumentError, ScannedPdfError
from indexers.load import decode_text
from indexers.parse import read_provisions

STAGING_DIR = "uploads"  # under the data directory; emptied as each upload ends
MAX_NAME_CHARS = 200
MAX_UNPACKED_FACTOR = 10  # a Word file may unpack to this many times the upload limit, no more
MAX_ZIP_ENTRIES = 5_000
MAX_CONTROL_SHARE = 0.01  # text with more control characters than this is taken for binary data
PREVIEW_UNITS = 8
PREVIEW_CHARS = 80
PLAIN_UNIT = "片段"  # how indexers.parse_plain labels a chunk of a document without articles

# Magic numbers of formats that are not accepted, with what to tell the user.
_OTHER_FORMATS = {
    b"\xd0\xcf\x11\xe0": "这是旧版 Word（或 Excel）格式的文件，请在 Word 中“另存为”新版 Word 文档后再上传。",
    b"\x89PNG": "这是图片，不是文档。扫描件请先做文字识别（OCR）。",
    b"\xff\xd8\xff": "这是图片，不是文档。扫描件请先做文字识别（OCR）。",
    b"GIF8": "这是图片，不是文档。",
    b"\x7fELF": "这是程序文件，不是文档。",
    b"MZ": "这是程序文件，不是文档。",
    b"\x1f\x8b": "这是压缩包，不是文档，请解压后上传其中的文档。",
    b"Rar!": "这是压缩包，不是文档，请解压后上传其中的文档。",
    b"7z\xbc\xaf": "这是压缩包，不是文档，请解压后上传其中的文档。",
}
NOT_A_DOCUMENT = "文件内容不是文本、PDF 或 Word 文档，没有收录。请上传这几种格式的文件。"
BAD_NAME = "文件名不能包含路径或特殊字符（/、\\、..、控制字符），请只上传文件本身。"


class UploadError(ValueError):
    """An upload that is not accepted; the message says why in Chinese. ``preview`` is set when the file
    could be read but not indexed (a scan)."""

    def __init__(self, message: str, status: int = 400, preview: Preview | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.preview = preview


@dataclass(frozen=True)
class Preview:
    """How a document will be parsed: ``articles`` (第…条 found) or ``paragraphs`` (bounded chunks), how many,
    the first units with the start of their text; or ``needs_ocr`` for a scan."""

    kind: str  # articles | paragraphs | needs_ocr
    count: int = 0
    units: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def staging_area(data_dir: Path) -> Iterator[Path]:
    """A private folder for one upload under ``<data dir>/uploads``, removed with everything in it on leaving."""
    root = Path(data_dir) / STAGING_DIR
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def safe_name(name: str) -> str:
    """The uploaded file's name when it is a plain file name; UploadError for a path or odd characters."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if (
        not name
        or len(name) > MAX_NAME_CHARS
        or any(sep in name for sep in ("/", "\\", "\0"))
        or ".." in name
        or name.startswith(".")
        or any(unicodedata.category(ch).startswith("C") for ch in name)
    ):
        raise UploadError(BAD_NAME)
    return name


def sniff(path: Path, name: str, max_unpacked: int) -> str:
    """The suffix the file's content calls for (.pdf, .docx, .txt or .md); UploadError otherwise."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise UploadError("文件是空的，没有收录。")
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        check_word_package(path, max_unpacked)
        return ".docx"
    for magic, message in _OTHER_FORMATS.items():
        if head.startswith(magic):
            raise UploadError(message, 415)
    check_text(path.read_bytes())
    return ".md" if name.lower().endswith((".md", ".markdown")) else ".txt"


def check_word_package(path: Path, max_unpacked: int) -> None:
    """A Word (docx) package of bounded size: its parts are there, and unpacking it (every byte checked
    against its CRC) stays under ``max_unpacked`` bytes; UploadError for a zip bomb or another archive."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise UploadError("这是压缩包或其他 Office 文件，不是 Word 文档，没有收录。", 415)
            declared = sum(m.file_size for m in members)
            if len(members) > MAX_ZIP_ENTRIES or declared > max_unpacked:
                raise UploadError(_too_big_unpacked(max_unpacked), 413)
            unpacked = 0
            for member in members:
                with package.open(member) as part:
                    while chunk := part.read(1 << 20):
                        unpacked += len(chunk)
                        if unpacked > max_unpacked:
                            raise UploadError(_too_big_unpacked(max_unpacked), 413)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        raise UploadError("Word 文件已损坏，无法读取，没有收录。", 400) from exc


def check_text(data: bytes) -> str:
    """The text of a plain-text upload; UploadError when it is binary data or cannot be decoded."""
    try:
        text = decode_text(data)
    except (DocumentError, UnicodeDecodeError) as exc:
        raise UploadError(NOT_A_DOCUMENT, 415) from exc
    control = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if "\0" in text or control > MAX_CONTROL_SHARE * max(1, len(text)):
        raise UploadError(NOT_A_DOCUMENT, 415)
    if not text.strip():
        raise UploadError("文件里没有文字，没有收录。")
    return text


def preview(path: Path, title: str) -> Preview:
    """How the file will be parsed; UploadError (with a needs_ocr preview for a scan) when it cannot be."""
    info = DocumentInfo(
        id="preview",
        title=title,
        level="其他",
        path=path.name,
        format=path.suffix[1:],
        sha256="",
        kind="plain",
    )
    try:
        provisions = read_provisions(info, path)
    except ScannedPdfError as exc:
        shown = Preview("needs_ocr", message=f"需要OCR：{exc.reason}")
        raise UploadError(f"需要OCR：{exc.reason}。没有收录。", 422, shown) from exc
    except DocumentError as exc:
        raise UploadError(f"{exc.reason}，没有收录。", 422) from exc
    if not provisions:
        raise UploadError("没有从文件里识别出文字，没有收录。", 422)
    articles = not any(p.unit.startswith(PLAIN_UNIT) for p in provisions)
    return Preview(
        "articles" if articles else "paragraphs",
        len(provisions),
        [p.unit for p in provisions[:PREVIEW_UNITS]],
        [_excerpt(p.text) for p in provisions[:PREVIEW_UNITS]],
    )


def add_upload(
    data_dir: Path,
    received: Path,
    filename: str,
    title: str,
    level: str,
    max_bytes: int,
    **details: str | None,
) -> tuple[ManifestEntry, Preview]:
    """Check ``received`` (the uploaded bytes, in a staging area), preview it and add it to the user's
    documents under its safe name; UploadError (nothing kept) when it is not accepted. ``details``:
    issuer, doc_number, effective (see corpus.library.add_document)."""
    name = safe_name(filename)
    if received.stat().st_size > max_bytes:
        raise too_big(max_bytes)
    suffix = sniff(received, name, max_bytes * MAX_UNPACKED_FACTOR)
    named = received.with_name(Path(name).stem[:MAX_NAME_CHARS] + suffix)
    received.rename(named)
    title = (title or "").strip() or Path(name).stem
    shown = preview(named, title)
    try:
        entry = add_document(data_dir, named, title=title, level=level, **details)
    except LibraryError as exc:
        raise UploadError(str(exc)) from exc
    return entry, shown


def too_big(max_bytes: int) -> UploadError:
    """The refusal of a file over the upload limit."""
    return UploadError(f"文件太大：上限是 {max_bytes / 2**20:g} MB，没有收录。", 413)


def _too_big_unpacked(max_unpacked: int) -> str:
    return f"这个 Word 文件解压后超过 {max_unpacked / 2**20:g} MB，可能是恶意文件，没有收录。"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[:PREVIEW_CHARS] + "……"
