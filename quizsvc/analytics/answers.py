"""The answer of a generated variant as one value, to see how it is spread over many seeds.

A numeric answer is its value. For choice questions the interesting fact is *which of the
template's choices* is correct, not the shuffled letter, so the template's ``correct:``
expressions are evaluated again in the variant's values; an ordering is the template's items
in their correct order. Texts are made readable (``labels.template_texts``): math as text,
placeholders as "…", and "item 2" for items that would otherwise read alike. A template whose
answer is the same for every seed is one a learner can answer without reading the figure, which
the histogram makes obvious.
"""

from __future__ import annotations

from quizsvc.analytics.labels import template_texts
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
        names = template_texts([choice.text for choice in template.choices], "choice")
        correct = [
            name
            for choice, name in zip(template.choices, names, strict=True)
            if resolve(choice.correct, env) is True
        ]
        return " + ".join(correct)
    if kind == "plot_choice":
        return " + ".join(
            f"option {i + 1} ({', '.join(option.figure.sims)})"
            for i, option in enumerate(template.options)
            if resolve(option.correct, env) is True
        )
    names = template_texts([item.label for item in template.items], "item")
    keys = [
        (float(resolve(item.key, env)), name)
        for item, name in zip(template.items, names, strict=True)
    ]
    ordered = sorted(keys, key=lambda pair: pair[0], reverse=template.order == "descending")
    return " › ".join(label for _, label in ordered)
