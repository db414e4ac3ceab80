"""Wrong answers as labels an instructor recognises, so equal mistakes can be counted together.

Variants shuffle their choices and fill numbers into choice texts, so the choice a learner
picked is traced back to the template's own choice (its source text, placeholders and all)
by matching the rendered text against each choice text with its placeholders as wildcards.
Numeric answers are labelled by the misconception that caught them, or by the two slips that
matter on log-scale plots: a wrong power of ten and a wrong sign.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from quizsvc.content.expr import Expr
from quizsvc.content.markdown import render_markdown
from quizsvc.content.model import QuestionTemplate
from quizsvc.content.placeholders import PLACEHOLDER
from quizsvc.quiz.tolerance import within

MAX_LABEL = 100
MAX_POWER = 12
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SLOT = "QZSLOTQZ"


def plain(fragment: str) -> str:
    """The text of an HTML fragment on one line."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


class ChoiceMatcher:
    """Traces rendered choices back to the template texts they were filled from."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._patterns: list[tuple[int, re.Pattern[str], str]] = []
        for text in texts:
            parts = plain(render_markdown(PLACEHOLDER.sub(_SLOT, text))).split(_SLOT)
            pattern = re.compile("(.+?)".join(re.escape(p) for p in parts), re.DOTALL)
            # Prefer the most literal text: "About 10" over "About {{ x }}".
            self._patterns.append((-sum(map(len, parts)), pattern, short(" ".join(text.split()))))
        self._patterns.sort(key=lambda entry: entry[0])

    def label(self, fragment: str) -> str:
        text = plain(fragment)
        for _, pattern, label in self._patterns:
            if pattern.fullmatch(text):
                return label
        return short(text)


class Labeler:
    """Labels the wrong answers to one template's variants (build once, use for many)."""

    def __init__(self, template: QuestionTemplate | None) -> None:
        """``template``: the current template when its content hash matches the variants';
        without it, labels fall back to the variants' own rendered texts."""
        self.template = template
        if template is None:
            texts: list[str] = []
        elif template.kind == "ordering":
            texts = [item.label for item in template.items]
        else:
            texts = [choice.text for choice in template.choices]
        self.matcher = ChoiceMatcher(texts)

    def wrong(self, variant: Mapping[str, Any], parsed: Any, feedback_html: str) -> tuple[str, ...]:
        """Labels of what was wrong in one graded response (``parsed`` as grading stored it)."""
        kind = variant["kind"]
        if kind == "numeric":
            return (_numeric_label(variant["answer_key"], float(parsed), feedback_html),)
        choices = {c["id"]: c for c in variant["choices"]}
        if kind == "plot_choice":
            return (_option_label(variant, choices[parsed], self.template),)
        if kind == "single":
            return (self.matcher.label(choices[parsed]["html"]),)
        if kind == "multiple":
            correct = variant["answer_key"]["correct"]
            return tuple(self.matcher.label(choices[c]["html"]) for c in parsed if c not in correct)
        return (" › ".join(self.matcher.label(choices[c]["html"]) for c in parsed),)


def _numeric_label(key: Mapping[str, Any], x: float, feedback_html: str) -> str:
    for misconception in key["misconceptions"]:
        if feedback_html and feedback_html == misconception["feedback_html"]:
            return short(f"misconception: {plain(feedback_html)}")
    value, tolerance = key["value"], key["tolerance"]
    if x != 0 and within(-x, value, tolerance):
        return "wrong sign"
    if x != 0 and value != 0 and (x > 0) == (value > 0):
        power = round(math.log10(abs(x / value)))
        if 0 < abs(power) <= MAX_POWER and within(x / 10.0**power, value, tolerance):
            return f"off by a factor of 10^{power}"
    return "not within tolerance (no known slip)"


def _option_label(
    variant: Mapping[str, Any], choice: Mapping[str, Any], template: QuestionTemplate | None
) -> str:
    """The plot_choice option whose literal simulation settings the chosen figure shows."""
    figure = variant["figures"][choice["figure"]]
    if template is not None:
        matches = [
            (i, option)
            for i, option in enumerate(template.options)
            if option.figure.kind == figure["kind"]
            and _same_literals(template, option.figure.sims, figure["sims"])
        ]
        if len(matches) == 1:
            i, option = matches[0]
            return short(f"option {i + 1}: {option.figure.kind} of {', '.join(option.figure.sims)}")
    feedback = variant["answer_key"]["feedback"].get(choice["id"], "")
    return short(plain(feedback) or plain(choice["html"]))


def _same_literals(
    template: QuestionTemplate, names: Sequence[str], configs: Sequence[Mapping[str, Any]]
) -> bool:
    if len(names) != len(configs):
        return False
    for name, config in zip(names, configs, strict=True):
        fields = template.sims[name].fields
        if any(config.get(k) != v for k, v in fields.items() if not isinstance(v, Expr | list)):
            return False
    return True
