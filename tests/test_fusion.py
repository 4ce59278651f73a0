"""The learned fusion's rank features: computed for the candidates alone, they equal a full stable ranking."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.fusion import ranks, ranks_of, top_indices


def scores_with_ties(seed: int, n: int = 5000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 40, n).astype(float) / 7  # many ties, as the concept arm has
    scores[rng.random(n) < 0.4] = -np.inf  # unscored provisions
    return scores


@pytest.mark.parametrize("seed", range(5))
def test_ranks_of_the_candidates_equal_the_full_ranking(seed: int):
    scores = scores_with_ties(seed)
    chosen = np.random.default_rng(seed + 100).choice(len(scores), 150, replace=False)
    assert np.array_equal(ranks_of(scores, chosen), ranks(scores)[chosen])


@pytest.mark.parametrize(("seed", "k"), [(0, 1), (1, 30), (2, 31), (3, 4999), (4, 6000)])
def test_top_indices_equal_the_head_of_a_stable_sort(seed: int, k: int):
    scores = scores_with_ties(seed)
    assert np.array_equal(top_indices(scores, k), np.argsort(-scores, kind="stable")[:k])
