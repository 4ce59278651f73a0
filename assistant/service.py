"""The façade every channel calls (CLI, web, HTTP API, bots): one object over the live index.

Usage::

    assistant = Assistant(Settings.from_env())
    assistant.show("work-safety-law-2021", "21")["citation"]
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import Any

from assistant.answer import Answer, compose
from assistant.duties import BodyDuties, DutyMatrix, Responsibility
from assistant.handouts import Handout, bank_questions, build_handout
from assistant.hits import Hit
from assistant.intent import classify
from assistant.query import QueryAnalyzer
from assistant.quiz import TYPES, QuizBank, QuizResult, Selection, select_provisions
from assistant.retrieval import HybridSearch
from assistant.retriever import ProvisionRetriever
from assistant.settings import Settings
from assistant.support import is_supported
from assistant.targets import Target, extract_targets
from assistant.views import provision_view
from corpus.model import DocumentInfo, Provision
from corpus.units import canonical_unit
from corpus.versions import HISTORICAL
from indexers.reader import IndexReader

MAX_QUESTION_CHARS = 2000
ANSWER_DEPTH = 5  # provisions an answer may draw on
QUIZ_TOPIC_DEPTH = 30  # provisions a quiz on a topic draws on


class NotFoundError(LookupError):
    """A document or provision that is not in the index; the message says so in Chinese."""


class QuestionError(ValueError):
    """A question that cannot be searched (empty, only punctuation, too long); the message says why."""


def validate_question(text: str) -> str:
    """The question stripped of surrounding space; QuestionError with a Chinese message when unusable."""
    question = (text or "").strip()
    if not question:
        raise QuestionError("问题是空的，请输入您想了解的安全生产问题，例如：发生事故后多长时间内要上报？")
    if not any(ch.isalnum() for ch in question):
        raise QuestionError("问题里只有标点符号，请用文字描述您的问题。")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"问题太长（{len(question)} 字），请精简到 {MAX_QUESTION_CHARS} 字以内。")
    return question


class Assistant:
    """Answers and look-ups over the live index; the index opens on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def index(self) -> IndexReader:
        s = self.settings
        return IndexReader.open(s.data_dir, s.embedder, s.chroma_host, s.chroma_port, s.cache_dir)

    @cached_property
    def analyzer(self) -> QueryAnalyzer:
        return QueryAnalyzer.load()

    @cached_property
    def searcher(self) -> HybridSearch:
        return HybridSearch(self.index, self.analyzer, jurisdiction=self.settings.jurisdiction)

    @cached_property
    def duty_matrix(self) -> DutyMatrix:
        return DutyMatrix.from_index(self.index)

    def retriever(self, **options: Any) -> ProvisionRetriever:
        """A langchain-core retriever over the same hybrid search (options: k, mode, doc_ids, levels)."""
        return ProvisionRetriever(search=self.searcher, **options)

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        doc_ids: Collection[str] | None = None,
        levels: Collection[str] | None = None,
        context_doc: str | None = None,
        tiers: Collection[str] | None = None,
        provinces: Collection[str] | None = None,
    ) -> list[Hit]:
        """The k best provisions for a question (see HybridSearch.search)."""
        question = validate_question(query)
        return self.searcher.search(
            question,
            k,
            mode,
            doc_ids=doc_ids,
            levels=levels,
            context_doc=context_doc,
            tiers=tiers,
            provinces=provinces,
        )

    def ask(self, question: str, context_doc: str | None = None) -> Answer:
        """A cited answer; ``context_doc`` is the document named earlier in the conversation."""
        text = validate_question(question)
        duty = self.duty_matrix.answer(text)  # "市能源局负责哪些工作？" is answered from the duty matrix
        if duty is not None:
            return duty
        hits = self.searcher.search(text, k=ANSWER_DEPTH, context_doc=context_doc)
        supported = is_supported(hits, self.index.meta["embedder"])
        return compose(text, classify(text), hits, supported)

    def duties(self, body: str | None = None) -> list[BodyDuties]:
        """The notice's duty matrix, or one body's row (能源局 resolves); ValueError lists close names."""
        return self.duty_matrix.duties(body)

    def who_is_responsible(self, keyword: str) -> list[Responsibility]:
        """The notice items whose tasks mention the keyword (隐患排查), with their bodies."""
        return self.duty_matrix.who_is_responsible(keyword)

    def targets(self) -> list[Target]:
        """Every deadline, frequency and quantified target of the notice, with its item."""
        return extract_targets(self.duty_matrix.items)

    def handout(self, topic: str) -> Handout:
        """A study handout on a topic (save it as .docx or .md); ValueError when nothing is on the topic."""
        topic = validate_question(topic)
        questions = bank_questions(self.quiz_bank)
        return build_handout(
            topic, self.search, self.duty_matrix, self.targets(), self.settings.jurisdiction, questions
        )

    @cached_property
    def quiz_bank(self) -> QuizBank:
        return QuizBank(self.index.provisions.values(), self.index.documents)

    def quiz(
        self,
        selection: Selection | None = None,
        types: Any = TYPES,
        n: int = 20,
        seed: int = 0,
        difficulties: Collection[str] = (),
    ) -> QuizResult:
        """Exam items from the selected provisions, checked and reproducible for a seed (see assistant.quiz);
        ``types`` is a list of 单选/多选/判断/填空 or a mapping to counts; SelectionError in Chinese."""
        chosen = set((selection or Selection()).doc_ids or ())
        in_force = [
            p
            for p in self.index.provisions.values()
            if p.doc_id in chosen or self.index.documents[p.doc_id].status not in HISTORICAL
        ]
        provisions = select_provisions(
            in_force,
            self.index.documents,
            selection or Selection(),
            search=lambda topic: [hit.provision for hit in self.search(topic, k=QUIZ_TOPIC_DEPTH)],
        )
        return self.quiz_bank.draw(provisions, types, n, seed, tuple(difficulties))

    def show(self, doc_id: str, unit: str) -> dict[str, Any]:
        """One provision as a view dict; NotFoundError for an unknown document or unit."""
        provision, document = self.lookup(doc_id, unit)
        return provision_view(provision, document, self.index.versions.versions(document.id))

    def lookup(self, doc_id: str, unit: str) -> tuple[Provision, DocumentInfo]:
        """A provision and its document, the unit written as 第二十一条, 21 or （十三）."""
        document = self.index.documents.get(doc_id)
        if document is None:
            raise NotFoundError(
                f"没有找到文档“{doc_id}”，可用 `python -m assistant corpus list` 查看已收录的文档"
            )
        label = canonical_unit(unit, document.kind)
        provision = self.index.provision(doc_id, label)
        if provision is None:
            last = max(
                (p for p in self.index.provisions.values() if p.doc_id == doc_id), key=lambda p: p.number
            )
            raise NotFoundError(
                f"《{document.title}》中没有“{unit}”（共 {last.number} 条/项，最后一条是{last.unit}）"
            )
        return provision, document
