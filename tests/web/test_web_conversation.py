"""What the 问答 tab keeps and shows, without a browser: the conversations a device keeps (new, reopen,
delete, a reload of malformed data) and an answer's HTML (the verdict first, each [n] a link to its source)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from assistant.views import provision_view
from assistant.web.conversation import MAX_TURNS_KEPT, Conversations
from assistant.web.render import answer_html, conversation_html
from corpus.manifest import load_manifest
from indexers.parse import read_provisions

LAW = "work-safety-law-2021"


@pytest.fixture(scope="module")
def article_54(shared_corpus: Path) -> dict:
    entry = next(e for e in load_manifest() if e.id == LAW)
    provision = next(p for p in read_provisions(entry, shared_corpus / entry.path) if p.unit == "第五十四条")
    return provision_view(provision, entry)


def answered(question: str) -> dict:
    return Answer(
        f"回答：{question}[1]", "other", True, [Citation(LAW, "第五条", "《法》第五条", "…")]
    ).to_dict()


def test_a_new_conversation_keeps_the_old_one_until_it_is_deleted():
    store = Conversations().with_turn("安全生产法的立法目的是什么？", answered("目的"), LAW)
    store = store.with_turn("第21条", answered("21"), LAW)
    assert [t.question for t in store.current.turns] == ["安全生产法的立法目的是什么？", "第21条"]
    assert store.current.context_doc == LAW

    fresh = store.new()
    assert fresh.current.turns == () and fresh.current.context_doc is None
    assert (
        fresh.earlier == (store.current,) and fresh.earlier[0].title == "安全生产法的立法目的是什么？（2 问）"
    )
    assert fresh.new() == fresh  # an empty conversation is not kept twice

    fresh = fresh.with_turn("动火作业要注意什么？", answered("动火"), None)
    reopened = fresh.open(0)
    assert reopened.current == store.current
    assert [c.turns[0].question for c in reopened.earlier] == ["动火作业要注意什么？"]

    deleted = reopened.delete_current()
    assert deleted.current.turns == () and len(deleted.earlier) == 1


def test_the_kept_store_survives_its_json_and_malformed_data_starts_afresh():
    store = (
        Conversations().with_turn("第21条", answered("21"), LAW).new().with_turn("再问", answered("再"), None)
    )
    assert Conversations.load(store.dump()) == store
    assert Conversations.load(None) == Conversations()
    assert Conversations.load({"current": {"turns": [{"question": "问"}]}, "earlier": []}) == Conversations()
    broken_answer = {"question": "问", "answer": {"answer": "答", "citations": [{"doc": 1}]}}
    assert Conversations.load({"current": {"turns": [broken_answer]}, "earlier": []}) == Conversations()


def test_the_oldest_conversations_go_first_beyond_the_kept_limit():
    store = Conversations()
    for number in range(MAX_TURNS_KEPT // 2 + 1):
        store = (
            store.with_turn(f"问题{number}", answered("x"), None).with_turn("追问", answered("y"), None).new()
        )
    store = store.with_turn("最新的问题", answered("z"), None)
    kept = sum(len(c.turns) for c in (*store.earlier, store.current))
    assert kept <= MAX_TURNS_KEPT
    assert store.current.turns[0].question == "最新的问题"
    assert store.earlier[-1].turns[0].question == f"问题{MAX_TURNS_KEPT // 2}"
    assert store.earlier[0].turns[0].question != "问题0"


class Elements(HTMLParser):
    """(tag, attributes, text) of every element, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[list[str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}, []))
        self.open.append(self.found[-1][2])

    def handle_endtag(self, tag: str) -> None:
        self.open.pop()

    def handle_data(self, data: str) -> None:
        for texts in self.open:
            texts.append(data)


def test_the_verdict_is_the_first_line_and_every_marker_opens_its_source(article_54: dict):
    answer = Answer(
        "可以拒绝。从业人员有权拒绝违章指挥和强令冒险作业[1]。\n依据：\n"
        "《中华人民共和国安全生产法》第五十四条：有权拒绝违章指挥和强令冒险作业。[1]\n另见[2]，而[3]不存在。",
        "other",
        True,
        [
            Citation(LAW, "第五十四条", article_54["citation"], "有权拒绝违章指挥和强令冒险作业"),
            Citation(LAW, "第九十九条", "《中华人民共和国安全生产法》第九十九条", "已不在索引中的条款"),
        ],
        verdict="yes",
    )
    elements = Elements(answer_html(answer, [article_54, None], "t2")).found
    paragraphs = [(attrs.get("class"), "".join(text)) for tag, attrs, text in elements if tag == "p"]
    assert paragraphs[0][0] == "verdict" and paragraphs[0][1].startswith("结论可以拒绝。")
    assert all(kind != "verdict" for kind, _ in paragraphs[1:])

    links = [(attrs["href"], "".join(text)) for tag, attrs, text in elements if attrs.get("class") == "cite"]
    assert links == [("#t2-s1", "[1]"), ("#t2-s1", "[1]"), ("#t2-s2", "[2]")]  # [3] names no source
    sources = {attrs["id"]: "".join(text) for tag, attrs, text in elements if tag == "details"}
    assert set(sources) == {"t2-s1", "t2-s2"}
    assert "生产经营单位不得因从业人员" in sources["t2-s1"]  # the whole provision
    assert "已不在索引中的条款" in sources["t2-s2"]  # its quote when the index no longer has it


def test_without_a_verdict_the_direct_reply_leads():
    answer = Answer("主要负责人负责[1]。", "duty", True, [Citation(LAW, "第五条", "《法》第五条", "负责")])
    html = answer_html(answer, [None], "t1")
    assert re.search(r'<div class="answer"><p class="reply">主要负责人负责<a class="cite"', html)
    assert "verdict" not in html


def test_the_log_shows_each_turn_and_asks_to_bring_the_latest_into_view():
    assert "欢迎" in conversation_html([], "欢迎使用")
    log = conversation_html([("问一", "<div class='answer'>答一</div>"), ("<b>问二</b>", "答二")], "", True)
    assert log.count('class="turn"') == 2 and 'data-scroll="latest"' in log
    assert "&lt;b&gt;问二&lt;/b&gt;" in log  # the question is shown as typed, never as markup
    assert 'data-scroll="none"' in conversation_html([("问", "答")], "")
