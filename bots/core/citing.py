"""How a chat refers to provisions: short labels that fit a button (《安全生产法》第21条, 通知（十三）), button
keys into the chat context, and links to the web app's provision pages.

Usage::

    names = ShortNames.of(index.documents.values(), analyzer.aliases)
    names.label("work-safety-law-2021", "第二十一条")  # "《安全生产法》第21条"
    citer = Citer(context, names, "https://anquan.example.cn")
    citer.button("[1] ", "work-safety-law-2021", "第二十一条", reply="1")  # Button("[1] 《安全生产法》第21条", "p:1", …)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assistant.query import NOTICE_ID
from assistant.web.render import provision_path
from bots.core.context import ChatContext
from bots.core.messages import Button
from corpus.model import DocumentInfo
from corpus.numerals import cn_to_int

LABEL_LIMIT = 40  # characters of a button label
PROVISION = "p"  # button data kind: show a provision
LONG_TITLE, SHORT_NAME = 10, 6  # characters: titles longer than this use an alias at least this long
NOTICE_NAME = "通知"  # the municipal notice, as workers and the bot's /law name it
_NATIONAL = "中华人民共和国"
_ARTICLE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条$")


@dataclass(frozen=True)
class ShortNames:
    """Short document names by document id: the notice is 通知, a law its shortest full name (安全生产法,
    事故报告条例) rather than a nickname (安法)."""

    names: Mapping[str, str]

    @classmethod
    def of(cls, documents: Iterable[DocumentInfo], aliases: Mapping[str, str]) -> ShortNames:
        by_doc: dict[str, list[str]] = {}
        for alias, doc_id in aliases.items():
            by_doc.setdefault(doc_id, []).append(alias)
        return cls({d.id: _short_name(d, by_doc.get(d.id, [])) for d in documents})

    def label(self, doc_id: str, unit: str) -> str:
        """《安全生产法》第21条, 通知（十三）: the document's short name and the unit, numbers as digits."""
        match = _ARTICLE.match(unit)
        unit = f"第{cn_to_int(match.group(1))}条" if match else unit
        name = self.names.get(doc_id, doc_id)
        return f"{name}{unit}" if name == NOTICE_NAME else f"《{name}》{unit}"


def _short_name(document: DocumentInfo, aliases: list[str]) -> str:
    """The title without 中华人民共和国; when that is longer than LONG_TITLE, the shortest alias of at least
    SHORT_NAME characters that ends like the title (事故报告条例, not 493号令 or a nickname)."""
    if document.id == NOTICE_ID:
        return NOTICE_NAME
    title = document.title.removeprefix(_NATIONAL)
    if len(title) <= LONG_TITLE:
        return title
    names = [a for a in aliases if len(a) >= SHORT_NAME and a[-2:] == title[-2:] and not re.search(r"\d", a)]
    return min([title, *names], key=len)


@dataclass
class Citer:
    """Buttons and links for the provisions one chat is shown: a short label, a key into the chat context
    as the button's data, the web app's address when the bot knows its public URL."""

    context: ChatContext
    names: ShortNames
    public_url: str = ""

    def button(self, prefix: str, doc_id: str, unit: str, reply: str = "", label: str = "") -> Button:
        """A button that shows a provision: ``prefix`` + its short label (or ``label``), cut to LABEL_LIMIT."""
        text = prefix + (label or self.names.label(doc_id, unit))
        short = text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"
        data = f"{PROVISION}:{self.context.key_for(doc_id, unit)}"
        return Button(short, data, reply=reply, url=self.url(doc_id, unit))

    def url(self, doc_id: str, unit: str) -> str:
        """The provision's page in the web app; empty when no public URL is configured."""
        return f"{self.public_url}/{provision_path(f'{doc_id}/{unit}')}" if self.public_url else ""
