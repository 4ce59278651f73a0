"""填空 items: a key term (quoted, or a term the corpus uses often) or a number with its unit, blanked, with
the other writings a marker accepts (百分之六十 = 60%). A blank never takes a word its own stem gives.

Usage::

    fill_items(Source(provision, document, pools), random.Random(7))   # [QuizItem(type="填空", …), …]
"""

from __future__ import annotations

import random

from assistant.quiz.generate import Source, blanked, builder
from assistant.quiz.model import FILL, NUMBER_KINDS, QuizItem
from assistant.quiz.text import segments, shares_words
from assistant.quiz.variants import accepted_variants


@builder
def fill_items(source: Source, rng: random.Random) -> list[QuizItem]:
    """填空 on each term or number of a sentence that its stem does not already give."""
    provision, pools = source.provision, source.pools
    items = []
    for segment in segments(provision):
        body = segment.body
        if not segment.stem_ready:
            continue
        for slot in pools.finder.slots(body):
            if slot.kind not in (*NUMBER_KINDS, "术语") or body.count(slot.text) != 1:
                continue
            if slot.start < segment.blank_from:
                continue
            stem_body = blanked(body, slot)
            if slot.kind == "术语" and shares_words(slot.text, stem_body):
                continue
            items.append(
                source.item(
                    type=FILL,
                    stem=f"{source.prefix(rng)}{stem_body}。",
                    options={},
                    answer=slot.text,
                    accepted=accepted_variants(slot.text),
                    explanation=f"{source.cite()}规定：“{segment.quote}”。",
                    topic=slot.kind,
                    source=body,
                )
            )
    return items
