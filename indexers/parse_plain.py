"""Split an unstructured document into bounded paragraph chunks that keep their heading path.

Usage::

    chunks = parse_plain("user-3f2a9c01de", cleaned_text, max_chars=500)
"""

from __future__ import annotations

import re

from corpus.model import Paragraph, Provision
from corpus.numerals import CN_NUMERAL_CHARS

_N = CN_NUMERAL_CHARS
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s*(.+?)\s*#*$")
_NUMBERED_HEADING = re.compile(rf"^(第[{_N}]+[编章节]|[{_N}]+、|[（(][{_N}]+[）)])")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


def parse_plain(doc_id: str, text: str, max_chars: int = 500) -> list[Provision]:
    """Group paragraphs under their headings into chunks of at most max_chars (long paragraphs are split)."""
    chunks: list[Provision] = []
    headings: list[tuple[int, str]] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            number = len(chunks) + 1
            path = " / ".join(title for _, title in headings)
            chunks.append(
                Provision(
                    doc_id=doc_id,
                    unit=f"片段{number}",
                    number=number,
                    text="\n".join(buffer),
                    paragraphs=[Paragraph(text=p) for p in buffer],
                    chapter=path,
                )
            )
            buffer.clear()

    for line in text.splitlines():
        line = line.strip().strip("*")
        if not line:
            continue
        level_title = _heading(line)
        if level_title:
            flush()
            level, title = level_title
            headings[:] = [h for h in headings if h[0] < level] + [(level, title)]
            continue
        for piece in _bounded_pieces(line, max_chars):
            if buffer and sum(len(p) for p in buffer) + len(piece) > max_chars:
                flush()
            buffer.append(piece)
    flush()
    return chunks


def _heading(line: str) -> tuple[int, str] | None:
    markdown = _MARKDOWN_HEADING.match(line)
    if markdown:
        return len(markdown.group(1)), markdown.group(2).strip("* ")
    if len(line) <= 30 and _NUMBERED_HEADING.match(line) and not re.search(r"[。；：，]", line):
        return 7, line
    return None


def _bounded_pieces(paragraph: str, max_chars: int) -> list[str]:
    """A paragraph longer than max_chars, split at sentence ends (or hard, when a sentence is too long)."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in filter(None, _SENTENCE_END.split(paragraph)):
        while len(sentence) > max_chars:
            pieces.extend(filter(None, [current, sentence[:max_chars]]))
            current, sentence = "", sentence[max_chars:]
        if len(current) + len(sentence) > max_chars:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces
