"""Exam items for trainers: generated from the provisions, checked, drawn by selection, exported.

Usage::

    from assistant.quiz import QuizBank, Selection, select_provisions, write_paper
    bank = QuizBank(index.provisions.values(), index.documents)
    chosen = select_provisions(bank.provisions, bank.documents, Selection(doc_ids=("work-safety-law-2021",)))
    result = bank.draw(chosen, ("单选", "多选", "判断", "填空"), n=50, seed=7, top_up=False)
    result.shortfall, result.notes      # per type: asked, possible, why; superseded figures
    write_paper(result.items, Path("paper.xlsx"))
"""

from assistant.quiz.bank import QuizBank, QuizResult, generate
from assistant.quiz.config import LAYOUT, PAPER, ROLE_WORDS, ExamLayout, PaperConfig
from assistant.quiz.draw import Exclusion, Shortfall
from assistant.quiz.export import FORMATS, read_paper, write_paper
from assistant.quiz.in_force import LawInForce
from assistant.quiz.model import DIFFICULTIES, FILL, JUDGE, MULTI, SINGLE, TYPES, QuizItem
from assistant.quiz.select import (
    Selection,
    SelectionError,
    parse_difficulties,
    parse_types,
    plan_counts,
    select_provisions,
)
from assistant.quiz.validate import REASONS, check

__all__ = [
    "DIFFICULTIES",
    "FILL",
    "FORMATS",
    "JUDGE",
    "LAYOUT",
    "MULTI",
    "PAPER",
    "REASONS",
    "ROLE_WORDS",
    "SINGLE",
    "TYPES",
    "ExamLayout",
    "Exclusion",
    "LawInForce",
    "PaperConfig",
    "QuizBank",
    "QuizItem",
    "QuizResult",
    "Selection",
    "SelectionError",
    "Shortfall",
    "check",
    "generate",
    "parse_difficulties",
    "parse_types",
    "plan_counts",
    "read_paper",
    "select_provisions",
    "write_paper",
]
