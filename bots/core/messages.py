"""The channel-neutral message model: replies made of text blocks and buttons, and how to split them.

A reply is a list of blocks (a block never spans two provisions, so a channel that must split a long
reply splits between blocks), each block a list of lines, each line a list of styled spans; buttons carry
short opaque data that the core reads back when one is pressed.

Usage::

    reply = Reply([Block([[bold("《中华人民共和国安全生产法》第二十一条")], [plain("生产经营单位的主要负责人……")]])])
    chunks = split_blocks(reply.blocks, 4096, measure=lambda blocks: sum(len(b.text) for b in blocks))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Style = Literal["plain", "bold", "italic", "code"]
CALLBACK_DATA_LIMIT = 64  # bytes: the smallest limit among the messengers (Telegram's callback_data)
# A native quiz (Telegram's sendPoll type=quiz, the tightest known): question, option and explanation lengths.
QUIZ_QUESTION_LIMIT, QUIZ_OPTION_LIMIT, QUIZ_EXPLANATION_LIMIT = 300, 100, 200


@dataclass(frozen=True)
class Span:
    """``Span("第二十一条", "bold")``: a run of text in one style."""

    text: str
    style: Style = "plain"


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
    """``Button("[1] 《安全生产法》第二十一条", "p:3")``: a label and the data sent back when pressed."""

    label: str
    data: str

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
    """``Quiz("……（  ）的罚款。", ["百分之二十", "百分之四十"], 1, "依据……", buttons)``: one exam question
    with a single correct option, for a messenger's native quiz (or as text where there is none)."""

    question: str
    options: list[str]
    correct: int  # index into options
    explanation: str
    buttons: list[list[Button]] = field(default_factory=list)

    def as_reply(self) -> Reply:
        """The quiz as text: the question, lettered options, then the answer and its explanation."""
        letters = "ABCDEFGHIJ"
        lines: list[Line] = [[plain(f"{letters[n]}. {option}")] for n, option in enumerate(self.options)]
        answer = Block([[bold(f"答案：{letters[self.correct]}")], [plain(self.explanation)]])
        return Reply([Block([[bold(self.question)]]), Block(lines), answer], self.buttons)


def plain(text: str) -> Span:
    return Span(text)


def bold(text: str) -> Span:
    return Span(text, "bold")


def italic(text: str) -> Span:
    return Span(text, "italic")


def code(text: str) -> Span:
    return Span(text, "code")


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
    characters = [(span.style, char) for span in line for char in span.text]
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


def _spans(characters: list[tuple[Style, str]]) -> Line:
    """Consecutive characters of one style merged back into spans."""
    line: Line = []
    for style, char in characters:
        if line and line[-1].style == style:
            line[-1] = Span(line[-1].text + char, style)
        else:
            line.append(Span(char, style))
    return line
