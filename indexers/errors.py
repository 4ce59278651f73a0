"""Errors raised while loading a document, with messages for the user (in Chinese)."""

from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
    """A document that cannot be read; the message names the file and says why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}：{reason}")


class ScannedPdfError(DocumentError):
    """A PDF without a text layer (a scan): it needs OCR before it can be indexed."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "这是没有文字层的扫描版 PDF，需要先进行 OCR 文字识别才能收录")
