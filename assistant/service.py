"""The façade every channel calls (CLI, web, HTTP API, bots): one object over the live index.

Usage::

    assistant = Assistant(Settings.from_env())
    assistant.show("work-safety-law-2021", "21")["citation"]
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer import Answer, compose
from assistant.duties import BodyDuties, DutyMatrix, Responsibility
from assistant.handouts import Handout, bank_questions, build_handout
from assistant.hits import Hit
from assistant.intent import classify
from assistant.ledger import Ledger, build_ledger
from assistant.members import read_members
from assistant.query import QueryAnalyzer
from assistant.quiz import TYPES, QuizBank, QuizResult, Selection, select_provisions
from assistant.retrieval import HybridSearch
from assistant.retriever import ProvisionRetriever
from assistant.scope import OUT_OF_SCOPE, ScopeJudge
from assistant.settings import Settings
from assistant.support import is_supported
from assistant.targets import Target, extract_targets
from assistant.views import provision_view
from corpus.model import DocumentInfo, Provision
from corpus.units import canonical_unit
from corpus.versions import HISTORICAL
from indexers.concepts import STRONG, ConceptDictionary, ConceptMatch
from indexers.reader import IndexReader

if TYPE_CHECKING:
    from assistant.llm.writer import AnswerWriter

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
        raise QuestionError("问题里没有文字，请用文字描述您的问题。")
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
    def concepts(self) -> ConceptDictionary:
        return ConceptDictionary.load()

    @cached_property
    def scope(self) -> ScopeJudge:
        return ScopeJudge(self.concepts)

    @cached_property
    def searcher(self) -> HybridSearch:
        return HybridSearch(self.index, self.analyzer, self.concepts, jurisdiction=self.settings.jurisdiction)

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
        """The k best provisions for a question (see HybridSearch.search); NotFoundError when it names an
        article or item that its document does not have (never another one in its place)."""
        question = validate_question(query)
        missing = self.missing_reference(question, context_doc)
        if missing:
            raise NotFoundError(missing)
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
        """A cited answer; ``context_doc`` is the document named earlier in the conversation. With the user's
        model configured (ASSISTANT_LLM_BASE_URL), its verified rewrite of the extractive answer."""
        extractive = self.extractive_answer(self.retrieval_question(question), context_doc)
        return self.rewritten(question, extractive)

    def ask_stream(self, question: str, context_doc: str | None = None) -> Iterator[Answer]:
        """Like ``ask``, with the model's verified sentences as they stream in: partial answers, then the
        final one (the extractive answer alone without a model)."""
        extractive = self.extractive_answer(self.retrieval_question(question), context_doc)
        yield from self.written(question, extractive)

    def rewritten(self, question: str, extractive: Answer) -> Answer:
        """The user's model's verified rewrite of ``extractive`` (``extractive`` itself without a model)."""
        return self.writer.write(question, extractive) if self.writer else extractive

    def written(self, question: str, extractive: Answer) -> Iterator[Answer]:
        """``rewritten`` as the model's verified sentences stream in: partial answers, then the final one."""
        if self.writer is None:
            yield extractive
            return
        yield from self.writer.stream(question, extractive)

    @cached_property
    def writer(self) -> AnswerWriter | None:
        """The LLM step over the user's endpoint, None when none is configured."""
        if not self.settings.llm.enabled:
            return None
        from assistant.llm.writer import AnswerWriter  # langchain-openai loads only when a model is set

        return AnswerWriter(self.settings.llm, self.index.provision, self.analyzer.synonyms)

    def retrieval_question(self, question: str) -> str:
        """The question as retrieval reads it: rewritten by the model when ASSISTANT_LLM_REWRITE is on."""
        text = validate_question(question)
        if self.writer is None or not self.settings.llm.rewrite:
            return text
        from assistant.llm.rewrite import rewrite_query

        return rewrite_query(self.writer.model, self.settings.llm, text)

    def extractive_answer(self, question: str, context_doc: str | None = None) -> Answer:
        """The extractive cited answer (the default, and the fallback of the LLM step)."""
        text = validate_question(question)
        missing = self.missing_reference(text, context_doc)
        if missing:
            return Answer(missing, "lookup", False)
        intent = classify(text)
        query = self.analyzer.analyze(text, context_doc)
        if intent == "lookup" and query.reference and not query.doc_id:
            reference = "".join(query.reference.split())
            return Answer(f"请说明是哪部法规的{reference}，例如“安全生产法{reference}”。", intent, False)
        duty = self.duty_matrix.answer(text)  # "市能源局负责哪些工作？" is answered from the duty matrix
        if duty is not None:
            return duty
        found = self.concepts.in_question(text)
        named = self.analyzer.named_document(text) is not None
        if not self.scope.judge(query, named, found).in_scope:
            return Answer(OUT_OF_SCOPE, intent, False)
        hits = self.searcher.search(text, k=ANSWER_DEPTH, context_doc=context_doc)
        supported = is_supported(hits, self.index.meta["embedder"]) or self._on_concept(hits, found)
        focus = " ".join([text, *self.concepts.law_terms(found)])
        return compose(text, intent, hits, supported, focus)

    def _on_concept(self, hits: list[Hit], found: list[ConceptMatch]) -> bool:
        """Whether the lead provision is tagged with a strong concept of the question, or with two of its
        concepts (a weak one alone, 口罩 or 电动车, is a common word)."""
        tags = set(self.index.concept_tags.get(hits[0].provision.id, ())) if hits else set()
        shared = [m.concept for m in found if m.concept.id in tags]
        return len(shared) >= 2 or any(c.scope == STRONG for c in shared)

    def duties(self, body: str | None = None) -> list[BodyDuties]:
        """The notice's duty matrix, or one body's row (能源局 resolves); ValueError lists close names."""
        return self.duty_matrix.duties(body)

    def who_is_responsible(self, keyword: str) -> list[Responsibility]:
        """The notice items whose tasks mention the keyword (隐患排查), with their bodies."""
        return self.duty_matrix.who_is_responsible(keyword)

    def ledger(self, members: Path | None = None) -> Ledger:
        """The task ledger (台账): a row per body and task; ``members`` is a member list (.csv or .xlsx) that
        breaks the collective bodies down (MembersError in Chinese when it cannot be used)."""
        matrix = self.duty_matrix
        listed = read_members(members, matrix.bodies) if members is not None else None
        return build_ledger(matrix, self.targets(), listed)

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
        **options: Any,
    ) -> QuizResult:
        """Exam items from the selected provisions, checked and reproducible for a seed (see assistant.quiz);
        ``types`` is a list of 单选/多选/判断/填空 or a mapping to counts; ``options`` go to QuizBank.draw
        (role, exclusion, top_up, config); SelectionError in Chinese."""
        selection = selection or Selection()
        chosen = set(selection.doc_ids or ())
        in_force = [
            p
            for p in self.index.provisions.values()
            if p.doc_id in chosen or self.index.documents[p.doc_id].status not in HISTORICAL
        ]
        provisions = select_provisions(
            in_force,
            self.index.documents,
            selection,
            search=lambda topic: [hit.provision for hit in self.search(topic, k=QUIZ_TOPIC_DEPTH)],
        )
        options.setdefault("avoid", selection.words())
        return self.quiz_bank.draw(provisions, types, n, seed, tuple(difficulties), **options)

    def show(self, doc_id: str, unit: str) -> dict[str, Any]:
        """One provision as a view dict; NotFoundError for an unknown document or unit."""
        provision, document = self.lookup(doc_id, unit)
        return provision_view(provision, document, self.index.versions.versions(document.id))

    def lookup(self, doc_id: str, unit: str) -> tuple[Provision, DocumentInfo]:
        """A provision and its document, the unit written as 第二十一条, 21 or （十三）; NotFoundError (with the
        document's range) for a unit it does not have or a malformed number, never a neighbour."""
        document = self.index.documents.get(doc_id)
        if document is None:
            raise NotFoundError(f"没有找到文档“{doc_id}”，可在“法规库”里查看已收录的文档。")
        provision = self.index.provision(doc_id, canonical_unit(unit, document.kind))
        if provision is None:
            raise NotFoundError(self._no_such_unit(document, unit))
        return provision, document

    def missing_reference(self, question: str, context_doc: str | None = None) -> str | None:
        """The message for a question that names an article or item its document does not have (安全生产法
        第120条, 第九九九条), None when it names none or one that exists."""
        query = self.analyzer.analyze(question, context_doc)
        document = self.index.documents.get(query.doc_id or "")
        if document is None or query.reference is None:
            return None
        if query.unit and self.index.provision(document.id, query.unit) is not None:
            return None
        return self._no_such_unit(document, query.reference)

    def _no_such_unit(self, document: DocumentInfo, asked: str) -> str:
        """《中华人民共和国安全生产法》共119条（第一条至第一百一十九条），没有“第120条”。"""
        units = [p for p in self.index.provisions.values() if p.doc_id == document.id]
        numbered = sorted((p for p in units if p.number), key=lambda p: p.number)
        noun = "项" if document.kind == "notice" else "条"
        extent = (
            f"共{len(numbered)}{noun}（{numbered[0].unit}至{numbered[-1].unit}）"
            if numbered
            else "没有编号条款"
        )
        asked = "".join(asked.split())
        return f"《{document.title}》{extent}，没有“{asked}”。请核对条号后再查。"
