"""Read a document's text: txt/md in UTF-8 or GB18030/GBK, pdf through pypdf, docx through python-docx.

Usage::

    text = load_text(Path("data/corpus/laws/work-safety-law-2021.md"))
"""

from __future__ import annotations

import logging
from pathlib import Path

from charset_normalizer import from_bytes

from indexers.clean import remove_page_furniture
from indexers.errors import DocumentError, ScannedPdfError

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
_MIN_CHARS_PER_PAGE = 20  # below this on average, a PDF is taken to be a scan


def load_text(path: Path) -> str:
    """Return the text of a document; raise DocumentError with a Chinese reason when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise DocumentError(path, "文件不存在")
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return decode_text(path.read_bytes(), path)
    if suffix == ".pdf":
        return _load_pdf(path)
    if suffix == ".docx":
        return _load_docx(path)
    raise DocumentError(
        path, f"不支持的文件类型 {suffix or '（无扩展名）'}，支持：{'、'.join(SUPPORTED_SUFFIXES)}"
    )


def decode_text(data: bytes, path: Path | str = "") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK; detect others."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise DocumentError(path, "无法识别文件编码，请另存为 UTF-8 后重试")
    return str(best)


def _load_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentError(path, "PDF 文件已损坏或无法解析") from exc
    if not pages:
        raise DocumentError(path, "PDF 文件没有页面")
    visible = sum(len("".join(page.split())) for page in pages)
    if visible < _MIN_CHARS_PER_PAGE * len(pages):
        raise ScannedPdfError(path)
    return "\n".join(remove_page_furniture(pages))


def _load_docx(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentError(path, "Word 文件已损坏或不是 .docx 格式") from exc
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _heading_level(style)
        lines.append(f"{'#' * level} {text}" if level else text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                lines.append(" | ".join(cells))
    return "\n\n".join(lines)


def _heading_level(style_name: str) -> int:
    name = style_name.lower()
    if name == "title":
        return 1
    if name.startswith("heading"):
        digits = name.removeprefix("heading").strip()
        return int(digits) if digits.isdigit() else 1
    return 0
