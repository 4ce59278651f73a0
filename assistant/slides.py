"""Slides for a study session (.pptx, python-pptx): a title slide and one slide per point, each with a footer
line (the provision it rests on) and optional speaker notes. Widescreen 16:9, titles in 黑体, text in 仿宋,
the size of the text chosen by its length so that a long provision still fits.

Usage::

    deck = Deck("专题学习材料：安全生产培训", "依据……整理", [Slide("要点1", ["……"], footer="依据：……")])
    save_slides(deck, Path("提纲.pptx"))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

SLIDE_SUFFIX = ".pptx"
SLIDE_SIZE = (Emu(12192000), Emu(6858000))  # 16:9, 33.867 × 19.05 cm
TITLE_FONT = "黑体"
TEXT_FONT = "仿宋"
TITLE_SIZE = Pt(32)
FOOTER_SIZE = Pt(16)
TEXT_SIZES = ((80, Pt(28)), (160, Pt(24)), (260, Pt(20)))  # up to this many characters → this size
SMALLEST = Pt(16)
DARK = RGBColor(0x1F, 0x1F, 0x1F)
GREY = RGBColor(0x59, 0x59, 0x59)
# Layouts of python-pptx's default template.
TITLE_LAYOUT, CONTENT_LAYOUT = 0, 1


@dataclass
class Slide:
    """``Slide("要点1　法定义务", ["【生产经营单位】应当……"], footer="依据：……", notes="……")``."""

    title: str
    lines: list[str]
    footer: str = ""
    notes: str = ""


@dataclass
class Deck:
    """A title, a subtitle and the slides after the title slide."""

    title: str
    subtitle: str = ""
    slides: list[Slide] = field(default_factory=list)


def save_slides(deck: Deck, path: Path) -> Path:
    """Write the deck to ``path`` (.pptx); returns the path."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = SLIDE_SIZE
    first = presentation.slides.add_slide(presentation.slide_layouts[TITLE_LAYOUT])
    _write(first.shapes.title, [deck.title], TITLE_FONT, Pt(36), DARK)
    _write(first.placeholders[1], [deck.subtitle], TEXT_FONT, Pt(20), GREY)
    for slide in deck.slides:
        page = presentation.slides.add_slide(presentation.slide_layouts[CONTENT_LAYOUT])
        _fit(page, presentation)
        _write(page.shapes.title, [slide.title], TITLE_FONT, TITLE_SIZE, DARK)
        _write(page.placeholders[1], slide.lines, TEXT_FONT, _size(slide.lines), DARK)
        if slide.footer:
            box = page.shapes.add_textbox(
                Emu(609600), SLIDE_SIZE[1] - Emu(731520), SLIDE_SIZE[0] - Emu(1219200), Emu(457200)
            )
            _write(box, [slide.footer], TEXT_FONT, FOOTER_SIZE, GREY)
        if slide.notes:
            page.notes_slide.notes_text_frame.text = slide.notes
    path.parent.mkdir(parents=True, exist_ok=True)
    presentation.save(str(path))
    return path


def _fit(page: Any, presentation: Any) -> None:
    """Stretch the layout's title and body placeholders across the widescreen slide, room left for a footer."""
    margin = Emu(609600)
    width = presentation.slide_width - 2 * margin
    title, body = page.shapes.title, page.placeholders[1]
    title.left, title.top, title.width, title.height = margin, Emu(365760), width, Emu(1097280)
    body.left, body.top, body.width = margin, Emu(1554480), width
    body.height = presentation.slide_height - body.top - Emu(914400)


def _size(lines: list[str]) -> Pt:
    length = sum(len(line) for line in lines)
    return next((size for limit, size in TEXT_SIZES if length <= limit), SMALLEST)


def _write(shape: Any, lines: list[str], font: str, size: Pt, colour: RGBColor) -> None:
    """The lines as paragraphs of the shape, in the font (East Asian and Latin) and size given."""
    frame = shape.text_frame
    frame.word_wrap = True
    frame.clear()
    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = size
        run.font.color.rgb = colour
        run.font.name = font
        properties = run._r.get_or_add_rPr()
        east_asian = properties.find(qn("a:ea"))
        if east_asian is None:
            east_asian = properties.makeelement(qn("a:ea"), {})
            properties.append(east_asian)
        east_asian.set("typeface", font)
