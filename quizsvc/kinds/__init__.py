"""The question kinds: one module each, behind this registry.

Content asks it which keys a question block may have and how to read them, quiz how to draw and
grade a variant, web and api how to read and show an answer, export and analytics how to write
and label one. Nothing outside this package tests a kind's name (tests/kinds/test_registry.py
greps for it). See docs/question-kinds.md for adding a kind.
"""

from __future__ import annotations

from quizsvc.kinds.base import AnswerForm, Finding, Grade, QuestionKind
from quizsvc.kinds.explain import Explain
from quizsvc.kinds.multiple import Multiple
from quizsvc.kinds.numbers import AnswerError
from quizsvc.kinds.numeric import Numeric
from quizsvc.kinds.ordering import Ordering
from quizsvc.kinds.plot_choice import PlotChoice
from quizsvc.kinds.single import Single

REGISTRY: dict[str, QuestionKind] = {
    kind.name: kind
    for kind in (
        Numeric(),
        Single(),
        Multiple(),
        Ordering(),
        PlotChoice(),
        Explain(),
    )
}


def names() -> tuple[str, ...]:
    return tuple(REGISTRY)


def get(name: str) -> QuestionKind:
    """The kind called ``name``; KeyError for a name that is not registered."""
    return REGISTRY[name]


__all__ = [
    "REGISTRY",
    "AnswerError",
    "AnswerForm",
    "Finding",
    "Grade",
    "QuestionKind",
    "get",
    "names",
]
