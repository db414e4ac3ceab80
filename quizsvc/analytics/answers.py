"""The answer of a generated variant as one value, to see how it is spread over many seeds.

A numeric answer is its value. For choice questions the interesting fact is *which of the
template's choices* is correct, not the shuffled letter, so the template's ``correct:``
expressions are evaluated again in the variant's values; an ordering is the template's items
in their correct order. A template whose answer is the same for every seed is one a learner
can answer without reading the figure, which the histogram makes obvious.
"""

from __future__ import annotations

from quizsvc.content.model import QuestionTemplate
from quizsvc.content.simcheck import resolve
from quizsvc.quiz.generate import Generation

Outcome = float | str


def answer_of(template: QuestionTemplate, generation: Generation) -> Outcome:
    variant, env = generation.variant, generation.env
    kind = variant.kind
    if kind == "numeric":
        return float(variant.answer_key["value"])
    if kind in ("single", "multiple"):
        correct = [
            _one_line(choice.text)
            for choice in template.choices
            if resolve(choice.correct, env) is True
        ]
        return " + ".join(correct)
    if kind == "plot_choice":
        return " + ".join(
            f"option {i + 1} ({', '.join(option.figure.sims)})"
            for i, option in enumerate(template.options)
            if resolve(option.correct, env) is True
        )
    keys = [(float(resolve(item.key, env)), _one_line(item.label)) for item in template.items]
    ordered = sorted(keys, key=lambda pair: pair[0], reverse=template.order == "descending")
    return " › ".join(label for _, label in ordered)


def _one_line(text: str) -> str:
    return " ".join(text.split())
