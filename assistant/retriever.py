"""The hybrid search behind langchain-core's retriever interface, for chains and agents.

Usage::

    retriever = ProvisionRetriever(search=assistant.searcher, k=5)
    documents = retriever.invoke("老板不给发劳保用品合法吗？")
    documents[0].metadata["citation"]  # "《中华人民共和国安全生产法》第四十五条"
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.hits import Hit
from assistant.retrieval import HybridSearch


class ProvisionRetriever(BaseRetriever):
    """Returns provisions as Documents whose metadata carries the citation and the provision's place."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    search: HybridSearch
    k: int = 10
    mode: str = "hybrid"
    doc_ids: list[str] | None = None
    levels: list[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.search.search(query, self.k, self.mode, doc_ids=self.doc_ids, levels=self.levels)
        return [hit_document(hit) for hit in hits]


def hit_document(hit: Hit) -> Document:
    """A langchain Document for one hit: the provision's text, its identity and citation as metadata."""
    provision = hit.provision
    return Document(
        page_content=provision.text,
        id=provision.id,
        metadata={
            "doc_id": provision.doc_id,
            "unit": provision.unit,
            "citation": hit.citation,
            "title": hit.document.title,
            "level": hit.document.level,
            "chapter": provision.chapter,
            "score": hit.score,
            "passage": hit.passage,
        },
    )
