"""What each tier of documents is indexed as, and which vector space embeds it.

The curated tiers (the default set and the user's own documents) keep the full passage treatment of
``indexers.passages`` and the main embedder; the law library tier gets one passage per article (sparse and
dense) in a space of its own, embedded by the library embedder (static by default: 147k articles).

Usage::

    passages = passages_for(document, provision)
    space_of(document)   # "main" or "library"
"""

from __future__ import annotations

from collections.abc import Callable

from corpus.model import DocumentInfo, Provision
from indexers.passages import Passage, passages_of

MAIN = "main"
LIBRARY = "library"
SPACES = (MAIN, LIBRARY)


def article_passages(provision: Provision, doc_title: str) -> list[Passage]:
    """The library treatment: the whole article, headed by its document's title and unit, one passage."""
    head = f"{doc_title} {provision.unit} {provision.title}".strip()
    return [Passage(f"{provision.id}#0", provision.id, provision.doc_id, f"{head}\n{provision.text}", True)]


# tier → how its provisions become passages
PASSAGES: dict[str, Callable[[Provision, str], list[Passage]]] = {
    "default": passages_of,
    "user": passages_of,
    "library": article_passages,
}
# tier → the vector space its dense passages go to
SPACE_OF_TIER = {"default": MAIN, "user": MAIN, "library": LIBRARY}


def passages_for(document: DocumentInfo, provision: Provision) -> list[Passage]:
    return PASSAGES[document.tier](provision, document.title)


def space_of(document: DocumentInfo) -> str:
    return SPACE_OF_TIER[document.tier]
