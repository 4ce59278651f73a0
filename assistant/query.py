"""Query understanding: which document and article a question names, and the law's words for a worker's.

Usage::

    analyzer = QueryAnalyzer.load()
    q = analyzer.analyze("安法第21条讲什么")
    q.doc_id, q.unit  # "work-safety-law-2021", "第二十一条"
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int, int_to_cn

_N = CN_NUMERAL_CHARS
_ARTICLE_REF = re.compile(rf"第\s*([\d{_N}]+)\s*条")
_ITEM_REF = re.compile(rf"[（(]\s*([{_N}]+)\s*[）)]|第\s*([\d{_N}]+)\s*项")
_NOTICE_HINT = re.compile(
    r"通知|今年|全市|我市|市里|本市|临汾|2025年|年底前|市安委会|市应急管理局|市能源局|各县"
)
NOTICE_ID = "linfen-2025-1"
# Question words never occur in a provision; left in, their character pairs match by accident across a word
# boundary (主要负责人有哪些职责 → 人有, matching 主要负责人有前款违法行为).
_QUESTION_WORDS = re.compile(
    r"有哪些|哪些|哪个|哪里|哪儿|什么|怎么办|怎么|怎样|咋办|咋|如何|是否|是不是|能不能|可不可以|行不行|"
    r"对不对|算不算|吗|呢|吧|啊|多少|多久|多长"
)


@dataclass(frozen=True)
class Query:
    """What a question names and the extra terms it should match."""

    text: str
    doc_id: str | None = None  # a document named in the question (or carried over from the conversation)
    unit: str | None = None  # an article or item named with a number (None when the number is malformed)
    reference: str | None = None  # that reference as typed (第120条, 第九九九条, （十三）)
    expansions: list[str] = field(default_factory=list)  # the law's terms for colloquial words
    about_notice: bool = False  # the question is about the municipal notice

    @property
    def keywords(self) -> str:
        """The text without question words, for the word-matching (BM25) arm."""
        return _QUESTION_WORDS.sub(" ", self.text)


def _data_file(name: str) -> Path:
    return Path(str(resources.files("assistant") / "data" / name))


def _read_tsv(name: str) -> list[dict[str, str]]:
    with open(_data_file(name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass(frozen=True)
class QueryAnalyzer:
    """Document aliases (longest match wins) and the reviewed synonym map."""

    aliases: dict[str, str]
    synonyms: dict[str, list[str]]

    @classmethod
    def load(cls) -> QueryAnalyzer:
        aliases = {row["alias"]: row["doc_id"] for row in _read_tsv("doc_aliases.tsv")}
        synonyms = {row["colloquial"]: row["law_terms"].split("|") for row in _read_tsv("synonyms.tsv")}
        return cls(aliases=aliases, synonyms=synonyms)

    def named_document(self, text: str) -> str | None:
        """The document whose longest alias occurs in the text."""
        found = [(len(alias), doc_id) for alias, doc_id in self.aliases.items() if alias in text]
        return max(found)[1] if found else None

    def expansions(self, text: str) -> list[str]:
        """The law's terms for each colloquial word in the text, longest keys first, without repeats."""
        terms: list[str] = []
        for key in sorted(self.synonyms, key=len, reverse=True):
            if key in text:
                terms.extend(t for t in self.synonyms[key] if t not in terms and t not in text)
        return terms

    def analyze(self, text: str, context_doc: str | None = None) -> Query:
        """Read a question; ``context_doc`` is the document named earlier in the conversation."""
        named = self.named_document(text)
        doc_id = named or context_doc
        unit = reference = None
        article = _ARTICLE_REF.search(text)
        item = _ITEM_REF.search(text)
        about_notice = named == NOTICE_ID or (named is None and bool(_NOTICE_HINT.search(text)))
        if doc_id is None and item and (about_notice or item.group(1)):
            doc_id = NOTICE_ID  # only the notice is cited by item: 通知第十三项, （十三）
        if doc_id == NOTICE_ID and item:
            unit, reference = _label(item.group(1) or item.group(2), notice=True), item.group(0)
        elif article:
            unit, reference = _label(article.group(1), notice=False), article.group(0)
        return Query(
            text=text,
            doc_id=doc_id,
            unit=unit,
            reference=reference,
            expansions=self.expansions(text),
            about_notice=about_notice,
        )


def _label(number: str, notice: bool) -> str | None:
    try:
        value = cn_to_int(number)
    except ValueError:
        return None
    if not 0 < value < 10000:
        return None
    return f"（{int_to_cn(value)}）" if notice else f"第{int_to_cn(value)}条"
