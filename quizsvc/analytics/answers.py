"""The answer of a generated variant as one value, to see how it is spread over many seeds.

The kind says what its answer is (``QuestionKind.outcome``): a numeric answer is its value; for
choice questions the interesting fact is *which of the template's choices* is correct, not the
shuffled letter, so the template's ``correct:`` expressions are evaluated again in the variant's
values; an ordering is the template's items in their correct order. Texts are made readable
(``labels.template_texts``): math as text, placeholders as "…", and "item 2" for items that
would otherwise read alike. A template whose answer is the same for every seed is one a learner
can answer without reading the figure, which the histogram makes obvious.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quizsvc.analytics.labels import template_texts
from quizsvc.content.model import QuestionTemplate
from quizsvc.content.simcheck import resolve
from quizsvc.kinds import get as kind_of
from quizsvc.kinds.base import Outcome
from quizsvc.quiz.generate import Generation
from quizsvc.quiz.variant import Variant

__all__ = ["Outcome", "answer_of"]


def answer_of(template: QuestionTemplate, generation: Generation) -> Outcome:
    return kind_of(template.kind).outcome(template.spec, _Tools(generation))


class _Tools:
    """``quizsvc.kinds.base.OutcomeTools`` for one generated variant."""

    def __init__(self, generation: Generation) -> None:
        self.generation = generation

    @property
    def variant(self) -> Variant:
        return self.generation.variant

    def resolve(self, value: Any) -> Any:
        return resolve(value, self.generation.env)

    def names(self, texts: Sequence[str], noun: str) -> list[str]:
        return template_texts(texts, noun)
