"""Every item builder, registered in ``generate.BUILDERS`` when its module is imported here.

Usage::

    import assistant.quiz.builders  # noqa: F401 - then build_items(source, seed) uses them all
"""

from assistant.quiz import cases, fill, judge, multi, single, statements

__all__ = ["cases", "fill", "judge", "multi", "single", "statements"]
