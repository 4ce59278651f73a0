"""Turn one collected document into provisions: load, clean, then parse by the document's kind.

Usage::

    provisions = read_provisions(info, data_dir / "corpus" / info.path)
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.model import DocumentInfo, Provision
from indexers.clean import normalize_text, rejoin_lines
from indexers.load import load_text
from indexers.parse_law import parse_law
from indexers.parse_notice import parse_notice
from indexers.parse_plain import parse_plain

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADER_END = re.compile(r"<!--\s*(INFO END|LEGAL_HEADER_END)\s*-->")
_MIN_ARTICLES = 3  # a user document with fewer articles than this is chunked as plain text


def read_provisions(info: DocumentInfo, path: Path) -> list[Provision]:
    """Load the file and parse it; raises indexers.errors.DocumentError when the file cannot be read."""
    return parse_text(info, load_text(path))


def parse_text(info: DocumentInfo, raw: str) -> list[Provision]:
    """Parse raw document text according to info.kind (law, notice, or plain with law detection)."""
    text = clean_document_text(raw)
    if info.kind == "notice":
        return parse_notice(info.id, text)
    articles = parse_law(info.id, text)
    if info.kind == "law" or len(articles) >= _MIN_ARTICLES:
        return articles
    return parse_plain(info.id, text)


def clean_document_text(raw: str) -> str:
    """Drop the markdown preamble and comments, re-join broken lines, normalise punctuation and spaces."""
    header_end = _HEADER_END.search(raw)
    if header_end:
        raw = raw[header_end.end() :]
    raw = _COMMENT.sub("", raw)
    return normalize_text(rejoin_lines(raw))
