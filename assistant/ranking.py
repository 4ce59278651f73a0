"""The recorded ranking configuration: every number that decides which provisions an answer cites and what
it quotes, gathered in one place so that a figure can always be tied to its settings. It is written into
each build's meta.json (``python -m assistant index``) and printed by ``python -m assistant eval``.

Usage::

    settings = ranking_settings()          # a JSON-ready dict
    print(ranking_digest(settings))        # a short fingerprint of it
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from assistant import answer, retrieval, support
from assistant.fusion import LinearFusion
from indexers.concepts import STRONG

TRAINED_KEYS = ("date", "sets", "synthetic", "C", "objective", "embedder")  # the rest is the CV report


def ranking_settings(fusion: LinearFusion | None = None) -> dict[str, Any]:
    """Fusion (arms, candidate depth, weights, how it was trained), preference groups, dense depth, the
    support thresholds and the answer's quoting thresholds."""
    model = fusion or LinearFusion.load()
    fusion_settings = model.settings()
    trained = fusion_settings.pop("trained", {})
    settings = {
        "fusion": {
            **fusion_settings,
            "weights": {name: round(float(w), 4) for name, w in zip(model.features, model.coef, strict=True)},
            "intercept": round(model.intercept, 4),
            "trained": {key: trained[key] for key in TRAINED_KEYS if key in trained},
        },
        "preference": {
            "groups": "named document +2, notice when asked about it +1, another place's local rule -1",
            "gap": retrieval.PREFERENCE,
        },
        "dense": {"depth": retrieval.DENSE_DEPTH, "query_chars": retrieval.DENSE_QUERY_CHARS},
        "support": {
            "dense_min": support.DENSE_MIN,
            "sparse_min": support.SPARSE_MIN,
            "concept": f"the lead provision shares a {STRONG} concept or two concepts",
        },
        "answer": {
            "max_provisions": answer.MAX_PROVISIONS,
            "min_overlap": answer.MIN_OVERLAP,
            "relevant_share": answer.RELEVANT_SHARE,
            "second_share": answer.SECOND_SHARE,
            "screen_limit": answer.SCREEN_LIMIT,
            "deciding_depth": answer.DECIDING_DEPTH,
        },
    }
    return json.loads(json.dumps(settings))  # as meta.json reads back (tuples become lists)


def ranking_digest(settings: dict[str, Any]) -> str:
    """The first 12 hex digits of the settings' sha256 (stable key order)."""
    text = json.dumps(settings, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
