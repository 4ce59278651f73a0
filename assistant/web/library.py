"""The 法规库 tab: browse level → document → chapter → provision, search, and open a provision by its
address (``/?p=<doc_id>/<unit>`` or ``/provision/<doc_id>/<unit>``).

Usage::

    Library(assistant).open("work-safety-law-2021/21")  # the updates that show 安全生产法第二十一条
"""

from __future__ import annotations

from html import escape
from typing import Any

import gradio as gr

from assistant.service import Assistant, NotFoundError
from assistant.views import versions_text
from assistant.web.catalog import Catalog, provision_label
from assistant.web.errors import user_message
from assistant.web.render import document_facts, provision_html
from assistant.web.tabs import TabContext
from assistant.web.widgets import query_row

SEARCH_DEPTH = 10  # results shown for a search
RESULT_CHARS = 40  # characters of a provision's text in a search result
QUERY_PARAM = "p"  # ?p=<doc_id>/<unit> opens a provision
# After a provision (or the message that there is none) shows: it comes to the top of the screen, above the
# pickers, and the address bar carries it so that it can be copied and shared.
SHOW_PROVISION = """(id) => {
  if (id) history.replaceState(null, "", "?p=" + encodeURIComponent(id));
  const card = document.querySelector("#provision-card");
  if (card && card.textContent.trim()) card.scrollIntoView({block: "start"});
}"""


class Library:
    """What the tab's events compute; each method returns updates in the order of its outputs."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.catalog = Catalog.from_assistant(assistant)

    def choose_level(self, level: str) -> tuple[Any, ...]:
        """document, facts, chapter, provision, card."""
        documents = [(doc.title, doc.id) for doc in self.catalog.documents_at(level)]
        return gr.update(choices=documents, value=None, visible=True), "", _hidden(), _hidden(), ""

    def choose_document(self, doc_id: str) -> tuple[Any, ...]:
        """facts, chapter, provision, card."""
        chapters = self.catalog.chapters(doc_id)
        chapter = _choices(chapters) if chapters else _hidden()
        return self._facts(doc_id), chapter, self._provisions(doc_id, None), ""

    def choose_chapter(self, doc_id: str, chapter: str | None) -> tuple[Any, ...]:
        """provision, card."""
        return self._provisions(doc_id, chapter), ""

    def show(self, provision_id: str | None) -> str:
        """The card of one provision (``doc_id/unit``), or a Chinese message when there is none."""
        if not provision_id:
            return ""
        try:
            doc_id, _, unit = provision_id.partition("/")
            return provision_html(self.assistant.show(doc_id, unit))
        except Exception as exc:
            return _message(user_message(exc))

    def open(self, provision_id: str) -> tuple[Any, ...]:
        """level, document, facts, chapter, provision, card: the tree set to the provision, and its card."""
        doc_id, _, unit = provision_id.partition("/")
        try:
            provision, document = self.assistant.lookup(doc_id, unit)
        except NotFoundError as exc:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), _message(str(exc))
        chapters = self.catalog.chapters(doc_id)
        chapter = _choices(chapters, provision.chapter) if chapters else _hidden()
        return (
            document.level,
            gr.update(
                choices=[(d.title, d.id) for d in self.catalog.documents_at(document.level)],
                value=doc_id,
                visible=True,
            ),
            self._facts(doc_id),
            chapter,
            self._provisions(doc_id, provision.chapter or None, provision.id),
            self.show(provision.id),
        )

    def search(self, query: str) -> tuple[Any, Any]:
        """results (a list to choose from), status."""
        try:
            hits = self.assistant.search(query, k=SEARCH_DEPTH)
        except Exception as exc:
            return gr.update(choices=[], value=None, visible=False), _message(user_message(exc))
        if not hits:
            return gr.update(choices=[], value=None, visible=False), _message(
                "没有找到相关条文，换个说法试试。"
            )
        choices = [
            (f"{hit.citation}：{_excerpt(hit.passage or hit.provision.text)}", hit.provision.id)
            for hit in hits
        ]
        return gr.update(choices=choices, value=None, visible=True), ""

    def _facts(self, doc_id: str) -> str:
        document = self.catalog.documents[doc_id]
        count = len(self.catalog.provisions_of(doc_id))
        unit = "项" if document.kind == "notice" else "条"
        facts = escape(document_facts(document.to_dict()))
        versions = [v.to_dict() for v in self.assistant.index.versions.versions(doc_id)]
        listed = f"<br>{escape(versions_text(versions))}" if len(versions) > 1 else ""
        return (
            f"<div class='document-facts'><b>{escape(document.title)}</b><br>{facts} · 共 {count} {unit}"
            f"{listed}</div>"
        )

    def _provisions(self, doc_id: str, chapter: str | None, value: str | None = None) -> Any:
        provisions = self.catalog.provisions_of(doc_id, chapter)
        return gr.update(choices=[(provision_label(p), p.id) for p in provisions], value=value, visible=True)


def build(ctx: TabContext) -> None:
    """The 法规库 tab, and the load event that opens ``?p=<doc_id>/<unit>`` in it."""
    library = Library(ctx.assistant)
    with gr.Tab("法规库", id="library", elem_id="library-tab"):
        query, search = query_row(
            "搜索条文", "搜索条文，如：动火作业", "library-query", "搜索", "library-search", "search-row"
        )
        status = gr.HTML(elem_id="library-status")
        results = gr.Radio(label="搜索结果（点一条看全文）", visible=False, elem_id="results")
        level = gr.Radio(library.catalog.levels(), label="效力层级", elem_id="level")
        document = gr.Dropdown(
            [], value=None, label="文件", filterable=False, visible=False, elem_id="document"
        )
        facts = gr.HTML(elem_id="facts")
        chapter = gr.Dropdown([], value=None, label="章", filterable=False, visible=False, elem_id="chapter")
        provision = gr.Dropdown([], value=None, label="条款", visible=False, elem_id="provision")
        card = gr.HTML(elem_id="provision-card")

        tree = [level, document, facts, chapter, provision, card]
        level.input(library.choose_level, level, tree[1:])
        document.input(library.choose_document, document, tree[2:])
        chapter.input(library.choose_chapter, [document, chapter], [provision, card])
        provision.input(library.show, provision, card).then(None, provision, None, js=SHOW_PROVISION)
        gr.on([query.submit, search.click], library.search, query, [results, status])
        results.input(library.open, results, tree).then(None, results, None, js=SHOW_PROVISION)

    def open_from_address(request: gr.Request) -> tuple[Any, ...]:
        provision_id = request.query_params.get(QUERY_PARAM)
        if not provision_id:
            return tuple(gr.skip() for _ in range(len(tree) + 1))
        return (gr.Tabs(selected="library"), *library.open(provision_id))

    ctx.app.load(open_from_address, None, [ctx.tabs, *tree]).then(None, js=SHOW_PROVISION)


def _choices(values: list[str], value: str | None = None) -> Any:
    return gr.update(choices=values, value=value, visible=bool(values))


def _hidden() -> Any:
    return gr.update(choices=[], value=None, visible=False)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= RESULT_CHARS else flat[:RESULT_CHARS] + "……"


def _message(text: str) -> str:
    return f"<p class='status-line' role='status'>{escape(text)}</p>"
