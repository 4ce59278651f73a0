"""The channel-neutral message model: replies made of text blocks and buttons, and how to split them.

A reply is a list of blocks (a block never spans two provisions, so a channel that must split a long
reply splits between blocks), each block a list of lines, each line a list of styled spans; buttons carry
short opaque data that the core reads back when one is pressed.

Usage::

    reply = Reply([Block([[bold("《中华人民共和国安全生产法》第二十一条")], [plain("生产经营单位的主要负责人……")]])])
    chunks = split_blocks(reply.blocks, 4096, measure=lambda blocks: sum(len(b.text) for b in blocks))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Style = Literal["plain", "bold", "italic", "code"]
CALLBACK_DATA_LIMIT = 64  # bytes: the smallest limit among the messengers (Telegram's callback_data)
# A native quiz (Telegram's sendPoll type=quiz, the tightest known): question, option and explanation lengths.
QUIZ_QUESTION_LIMIT, QUIZ_OPTION_LIMIT, QUIZ_EXPLANATION_LIMIT = 300, 100, 200
LETTERS = "ABCDEFGHIJ"  # option letters of a quiz shown as text
_EMPHASIS = re.compile(r"【([^【】\n]{1,30})】")


@dataclass(frozen=True)
class Span:
    """``Span("第二十一条", "bold")``: a run of text in one style; ``url`` makes it a link where the channel
    can show links (the web app's address of a cited provision)."""

    text: str
    style: Style = "plain"
    url: str = ""


Line = list[Span]


@dataclass(frozen=True)
class Block:
    """``Block([[plain("依据：")]])``: lines that belong together (one provision, one heading, one 款);
    consecutive blocks of one ``group`` (a provision's id) stay in one part when they fit in one."""

    lines: list[Line]
    group: str = ""

    @property
    def text(self) -> str:
        """The block as plain text, lines joined by newlines."""
        return "\n".join("".join(span.text for span in line) for line in self.lines)


@dataclass(frozen=True)
class Button:
    """``Button("[1] 《安全生产法》第21条", "p:3", reply="1")``: a label and the data sent back when pressed;
    ``reply`` is the message that does the same where a channel has no buttons that call back (the user
    sends it, or a link sends it for them), ``url`` a web address to open instead, if any."""

    label: str
    data: str
    reply: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"button data longer than {CALLBACK_DATA_LIMIT} bytes: {self.data!r}")


@dataclass
class Reply:
    """``Reply([Block(...)], [[Button(...)]])``: one answer to show; buttons in rows, under the last part."""

    blocks: list[Block]
    buttons: list[list[Button]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The reply as plain text, blocks separated by blank lines."""
        return "\n\n".join(block.text for block in self.blocks)


@dataclass
class Quiz:
    """``Quiz("……（  ）的罚款。", ["百分之二十", "百分之四十"], 1, "依据……", buttons, choices)``: one exam
    question with a single correct option, for a messenger's native quiz (or as text where there is none);
    ``buttons`` lead to its sources, ``choices`` answer it (one per option); ``brief`` is the explanation
    cut to fit a native quiz (the explanation itself when it fits)."""

    question: str
    options: list[str]
    correct: int  # index into options
    explanation: str
    buttons: list[list[Button]] = field(default_factory=list)
    choices: list[Button] = field(default_factory=list)
    brief: str = ""

    def as_reply(self) -> Reply:
        """The quiz as text: the question, lettered options and how to answer, a button per option (the
        answer and the sources come once it is answered)."""
        lines: list[Line] = [[plain(f"{LETTERS[n]}. {option}")] for n, option in enumerate(self.options)]
        hint = Block([[plain(f"回复选项字母作答，例如 {LETTERS[0]}。")]])
        return Reply([Block([[bold(self.question)]]), Block(lines), hint], [[c] for c in self.choices])


def plain(text: str) -> Span:
    return Span(text)


def bold(text: str) -> Span:
    return Span(text, "bold")


def italic(text: str) -> Span:
    return Span(text, "italic")


def code(text: str) -> Span:
    return Span(text, "code")


def emphasized(text: str, style: Style = "plain") -> Line:
    """A line whose 【…】 (the answer's emphasis of a number or deadline: 【2小时】) become bold spans
    without the brackets; each channel shows bold its own way (bold, or as plain text)."""
    line: Line = []
    for n, part in enumerate(_EMPHASIS.split(text)):
        if part:
            line.append(Span(part, "bold" if n % 2 else style))
    return line


def text_reply(*paragraphs: str) -> Reply:
    """A reply of plain paragraphs, one block each."""
    return Reply([Block([[plain(line)] for line in paragraph.split("\n")]) for paragraph in paragraphs])


def split_blocks(
    blocks: Sequence[Block], limit: int, measure: Callable[[Sequence[Block]], int]
) -> list[list[Block]]:
    """Blocks packed in order into parts whose ``measure`` is at most ``limit``. A part breaks between
    groups (provisions); a group too long for one part breaks between its blocks, a block too long on
    its own between its lines, and a line too long on its own between characters."""
    parts: list[list[Block]] = []
    current: list[Block] = []
    for group in _groups(blocks):
        pieces = (
            [group] if measure(group) <= limit else [[p] for b in group for p in _fitting(b, limit, measure)]
        )
        for piece in pieces:
            if current and measure([*current, *piece]) > limit:
                parts.append(current)
                current = []
            current.extend(piece)
    if current:
        parts.append(current)
    return parts


def _groups(blocks: Sequence[Block]) -> list[list[Block]]:
    """Runs of consecutive blocks that share a group; a block without a group stands alone."""
    runs: list[list[Block]] = []
    for block in blocks:
        if runs and block.group and runs[-1][-1].group == block.group:
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


def _fitting(block: Block, limit: int, measure: Callable[[Sequence[Block]], int]) -> list[Block]:
    """The block itself when it fits, else pieces that do: runs of whole lines, over-long lines cut."""
    if measure([block]) <= limit:
        return [block]
    pieces: list[Block] = []
    lines: list[Line] = []
    for line in block.lines:
        for cut in _cut_line(line, limit, measure):
            if lines and measure([Block([*lines, cut])]) > limit:
                pieces.append(Block(lines, block.group))
                lines = []
            lines.append(cut)
    if lines:
        pieces.append(Block(lines, block.group))
    return pieces


def _cut_line(line: Line, limit: int, measure: Callable[[Sequence[Block]], int]) -> list[Line]:
    """The line whole when it fits, else consecutive pieces that fit (binary search on the length)."""
    if measure([Block([line])]) <= limit:
        return [line]
    characters = [(span.style, span.url, char) for span in line for char in span.text]
    pieces: list[Line] = []
    while characters:
        low, high = 1, len(characters)
        while low < high:  # the longest prefix that fits; at least one character
            middle = (low + high + 1) // 2
            if measure([Block([_spans(characters[:middle])])]) <= limit:
                low = middle
            else:
                high = middle - 1
        pieces.append(_spans(characters[:low]))
        characters = characters[low:]
    return pieces


def _spans(characters: list[tuple[Style, str, str]]) -> Line:
    """Consecutive characters of one style and link merged back into spans."""
    line: Line = []
    for style, url, char in characters:
        if line and (line[-1].style, line[-1].url) == (style, url):
            line[-1] = Span(line[-1].text + char, style, url)
        else:
            line.append(Span(char, style, url))
    return line
