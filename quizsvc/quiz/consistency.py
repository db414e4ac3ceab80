"""Checks of how the parts of a question fit together, run by ``quizsvc content check``.

The variant checks of :mod:`quizsvc.quiz.checks` look at one value at a time. A question can
pass them and still mislead: a hint whose method lands outside the answer's tolerance (the
learner follows it and is graded wrong), two misconceptions whose tolerance ranges overlap (an
answer in both only ever gets the first feedback), "a 18-layer network" in the prose, or a legend
that reads "net". These checks see the whole generated variant with its values, for every checked
seed.

A template declares the other ways to its answer as values named ``route_...`` (the method a
hint teaches, a theory formula the explanation quotes); see docs/authoring.md, "Routes".
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from quizsvc.content.expr import ExprError
from quizsvc.content.model import QuestionTemplate
from quizsvc.content.problems import Severity
from quizsvc.content.simcheck import resolve
from quizsvc.quiz.generate import Generation
from quizsvc.quiz.tolerance import describe, within

ROUTE_PREFIX = "route_"


class Issue(NamedTuple):
    """One finding, in the field order of :class:`quizsvc.quiz.checks.Finding`."""

    severity: Severity
    line: int
    message: str
    fix: str
    detail: str = ""


def inspect_generation(template: QuestionTemplate, generation: Generation) -> list[Issue]:
    """Route, misconception-range and article problems of one generated variant."""
    issues = [*_articles(template, generation), *_unnamed_legends(template)]
    if template.kind == "numeric":
        issues += _routes(template, generation)
        issues += _overlapping_misconceptions(template, generation)
    else:
        issues += [
            Issue(
                "error", line, f"{name} declares a route, but only numeric questions have one",
                "rename the value (routes are values named route_...)",
            )
            for name, _, line in template.values
            if name.startswith(ROUTE_PREFIX)
        ]  # fmt: skip
    return issues


# -- routes ------------------------------------------------------------------------------------


def _routes(template: QuestionTemplate, generation: Generation) -> Iterator[Issue]:
    key = generation.variant.answer_key
    for name, _, line in template.values:
        if not name.startswith(ROUTE_PREFIX):
            continue
        value = _finite(generation.env.names[name])
        if value is None:
            yield Issue("error", line, f"route {name} is not a finite number", "fix its formula")
        elif not within(value, key["value"], key["tolerance"]):
            yield Issue(
                "error", line,
                f"route {name} lands outside the answer's tolerance: a learner who follows it is "
                "graded wrong",
                "make the hint agree with the key (or key what the hint computes), widen the "
                "tolerance, or narrow the parameter ranges",
                f"{value:.4g} against answer {key['display']}, {describe(key['tolerance'])}",
            )  # fmt: skip


# -- misconception ranges ----------------------------------------------------------------------


def accepted_range(value: float, tolerance: Mapping[str, float]) -> tuple[float, float]:
    """The interval of answers ``within(x, value, tolerance)`` accepts (closed, up to rounding)."""
    ((kind, amount),) = tolerance.items()
    if kind == "absolute":
        return value - amount, value + amount
    if kind == "relative":
        return value - amount * abs(value), value + amount * abs(value)
    if kind == "sigfigs":
        if value == 0:
            return 0.0, 0.0
        half = 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - int(amount) + 1)
        return value - half, value + half
    if kind == "log10":
        if value == 0:
            return 0.0, 0.0
        lo, hi = abs(value) * 10.0**-amount, abs(value) * 10.0**amount
        return (lo, hi) if value > 0 else (-hi, -lo)
    raise ValueError(f"unknown tolerance {kind!r}")


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two accepted ranges share more than a point."""
    return a[0] < b[1] and b[0] < a[1]


def _overlapping_misconceptions(
    template: QuestionTemplate, generation: Generation
) -> Iterator[Issue]:
    tolerance = generation.variant.answer_key["tolerance"]
    ranges: list[tuple[int, float, tuple[float, float]]] = []
    for index, misconception in enumerate(template.misconceptions, start=1):
        value = _value(misconception.value, generation.env)
        if value is None:
            continue  # not finite: left out of the variant, so it shadows nothing
        for other, other_value, other_range in ranges:
            if overlap(other_range, accepted_range(value, tolerance)):
                yield Issue(
                    "error", misconception.line,
                    f"misconceptions {other} and {index} have overlapping tolerance ranges: an "
                    f"answer in both only ever gets the feedback of misconception {other}",
                    "drop one, or change a formula or the parameter ranges so that the two "
                    "differ by more than twice the tolerance",
                    f"{other_value:.4g} and {value:.4g}, {describe(tolerance)}",
                )  # fmt: skip
                break
        ranges.append((index, value, accepted_range(value, tolerance)))


def _value(expression: Any, names: Mapping[str, object]) -> float | None:
    try:
        return _finite(resolve(expression, names))
    except ExprError:
        return None


def _finite(value: object) -> float | None:
    """``value`` as a float when it is a finite number (not a bool, text or none)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


# -- "a 18-layer" --------------------------------------------------------------------------------

_MATH = re.compile(r"<math\b.*?</math>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ARTICLE_NUMBER = re.compile(r"\b([Aa]n?)\s+(\d[\d,]*(?:\.\d+)?)")


def indefinite_article(number: str) -> str:
    """ "a" or "an" before ``number`` written in digits, by how it is read aloud.

    A number takes "an" when its reading starts with a vowel sound: eight (8, 80-89, 800-899,
    8,000, ...), eleven and eighteen (11, 18, 11,000, 18,000, ...). The leading group of
    thousands decides, so 1,800 ("one thousand eight hundred") takes "a".
    """
    whole = int(number.replace(",", "").split(".")[0] or 0)
    while whole >= 1000:
        whole //= 1000
    return "an" if whole in (11, 18) or str(whole).startswith("8") else "a"


def article_mistakes(html_text: str) -> list[str]:
    """Article-number pairs of the text (math left out) that read wrong, e.g. ``["a 18"]``."""
    text = html.unescape(_TAG.sub(" ", _MATH.sub(" ", html_text)))
    return [
        f"{article} {number}"
        for article, number in _ARTICLE_NUMBER.findall(text)
        if article.lower() != indefinite_article(number)
    ]


def _texts(generation: Generation) -> Iterator[str]:
    variant = generation.variant
    yield variant.prompt_html
    yield variant.explanation_html
    yield from variant.hints_html
    yield from (choice["html"] for choice in variant.choices)
    yield from (figure["caption_html"] for figure in variant.figures)
    key = variant.answer_key
    yield from key.get("feedback", {}).values()
    yield from (m["feedback_html"] for m in key.get("misconceptions", []))


def _articles(template: QuestionTemplate, generation: Generation) -> Iterator[Issue]:
    mistakes = sorted({m for text in _texts(generation) for m in article_mistakes(text)})
    if mistakes:
        yield Issue(
            "warning", template.line, "an article does not fit the number after it",
            "write the article by the number's sound (an 8, an 11, an 18, an 80; a 1, a 100), "
            "or reword so that no article precedes a drawn number",
            ", ".join(f"{m!r}" for m in mistakes),
        )  # fmt: skip


# -- legends -------------------------------------------------------------------------------------

#: Figure kinds that show their labels (in the legend, or in the alt text for `activations`).
LABELLED_KINDS = frozenset({"grad_norms", "layer_stats", "activations"})


def _unnamed_legends(template: QuestionTemplate) -> Iterator[Issue]:
    """A prompt figure's legend shows the simulation names unless it has labels. (The options
    of a plot_choice question are labelled "network 1" on purpose: a name would tell them
    apart.)"""
    for figure in template.figures:
        if figure.kind in LABELLED_KINDS and figure.sims and figure.labels is None:
            yield Issue(
                "warning", figure.line or template.line,
                f"a {figure.kind} figure without labels: its legend reads "
                f"{', '.join(figure.sims)!r}",
                "add labels: naming what each network is (\"tanh, gain 0.5\", \"batch norm\")",
            )  # fmt: skip
