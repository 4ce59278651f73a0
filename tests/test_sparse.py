"""Character + bigram BM25: tokenisation, search, robustness, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexers.sparse import SparseIndex, tokenize

ARTICLES = {
    "work-safety-law-2021/第四十五条": "生产经营单位必须为从业人员提供符合国家标准或者行业标准的劳动防护用品。",
    "work-safety-law-2021/第八十三条": "事故发生后，事故现场有关人员应当立即报告本单位负责人。",
    "fire-protection-law-2021/第二十八条": "任何单位、个人不得损坏、挪用或者擅自拆除、停用消防设施、器材，"
    "不得埋压、圈占、遮挡消火栓或者占用防火间距，不得占用、堵塞、封闭疏散通道、安全出口、消防车通道。",
    "accident-report-regulation-2007/第九条": "事故发生后，单位负责人接到报告后，应当于1小时内向事故发生地县级以上"
    "人民政府安全生产监督管理部门报告。",
}
IDS = list(ARTICLES)


@pytest.fixture(scope="module")
def index() -> SparseIndex:
    return SparseIndex.build(IDS, list(ARTICLES.values()))


def test_tokenize_characters_bigrams_and_words() -> None:
    tokens = tokenize("24小时")
    assert tokens.count("24") == 1
    assert {"小", "时", "小时"} <= set(tokens)
    assert "24小" not in tokens
    assert tokenize("ＣＯ，防护。 Ok") == ["co", "防", "护", "防护", "ok"]
    assert tokenize("，。！ \n") == []


def test_bigram_query_finds_passage(index: SparseIndex) -> None:
    hits = index.search(tokenize("劳保用品谁来提供"), k=2)
    assert hits[0][0] == "work-safety-law-2021/第四十五条"
    assert hits[0][1] > 0
    assert index.search(tokenize("消防车通道被堵"), k=1)[0][0] == "fire-protection-law-2021/第二十八条"


def test_unknown_or_empty_tokens_do_not_crash(index: SparseIndex) -> None:
    assert index.search(["宇宙飞船", "xyz", ""], k=5) == []
    assert index.search([], k=5) == []
    assert index.search(tokenize("防护"), k=0) == []
    hits = index.search(["宇宙飞船", *tokenize("劳动")], k=10)
    assert [doc_id for doc_id, _ in hits] == ["work-safety-law-2021/第四十五条"]
    assert not index.scores(["宇宙飞船"]).any()


def test_scores_cover_every_document(index: SparseIndex) -> None:
    scores = index.scores(tokenize("事故报告"))
    assert scores.shape == (len(IDS),)
    hits = index.search(tokenize("事故报告"), k=10)
    assert [doc_id for doc_id, _ in hits] == [
        IDS[i] for i in np.argsort(-scores, kind="stable") if scores[i] > 0
    ]
    assert hits[0][1] >= hits[-1][1]


def test_save_load_round_trip(index: SparseIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = SparseIndex.load(tmp_path / "bm25")
    assert loaded.ids == IDS and len(loaded) == len(IDS)
    for query in ["事故发生后报告", "消防通道", "劳动防护用品"]:
        assert loaded.search(tokenize(query), k=4) == index.search(tokenize(query), k=4)


def test_build_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="不一致"):
        SparseIndex.build(["a", "b"], ["安全"])
    with pytest.raises(ValueError, match="没有可建索引的文本"):
        SparseIndex.build(["a"], ["，。"])
