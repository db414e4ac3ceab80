"""``grade(variant, response) -> Grade``: a pure function of the stored variant and the answer.

Malformed responses raise :class:`AnswerError` before anything is scored, so the caller can show
the message and not count the attempt. Multiple select and ordering earn partial credit.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from quizsvc.quiz.numbers import AnswerError, parse_number
from quizsvc.quiz.tolerance import describe, within
from quizsvc.quiz.variant import Variant

CORRECT_HTML = "<p>Correct.</p>"


@dataclass(frozen=True)
class Grade:
    """The outcome of one response: score in [0, 1] and what to show the learner."""

    score: float
    correct: bool
    feedback_html: str
    parsed: Any
    correct_answer_html: str


def correct_answer_html(variant: Variant) -> str:
    """The answer key as a learner reads it; the one wording for graded and unanswered alike."""
    key = variant.answer_key
    if variant.kind == "numeric":
        return f"<p>{html.escape(key['display'])} ({describe(key['tolerance'])})</p>"
    if variant.kind == "ordering":
        items = "".join(f"<li>{c}</li>" for c in _ordered_html(variant, key["order"]))
        return f"<ol>{items}</ol>"
    return _html_of(variant, key["correct"])


def grade(variant: Variant, response: Any) -> Grade:
    """Grade ``response`` (see the module doc of :mod:`quizsvc.quiz` for its shape per kind)."""
    return _GRADERS[variant.kind](variant, response)


def _grade_numeric(variant: Variant, response: Any) -> Grade:
    x = parse_number(response)
    key = variant.answer_key
    correct_html = correct_answer_html(variant)
    if within(x, key["value"], key["tolerance"]):
        return Grade(1.0, True, CORRECT_HTML, x, correct_html)
    for misconception in key["misconceptions"]:
        if within(x, misconception["value"], key["tolerance"]):
            return Grade(0.0, False, misconception["feedback_html"], x, correct_html)
    return Grade(0.0, False, "<p>Not within the tolerance of the answer.</p>", x, correct_html)


def _choice_ids(variant: Variant) -> list[str]:
    return [c["id"] for c in variant.choices]


def _html_of(variant: Variant, ids: Sequence[str]) -> str:
    by_id = {c["id"]: c["html"] for c in variant.choices}
    return "".join(f'<div class="answer-choice">{by_id[i]}</div>' for i in ids)


def _one_choice(variant: Variant, response: Any) -> str:
    ids = _choice_ids(variant)
    if not isinstance(response, str) or response not in ids:
        raise AnswerError(f"Choose one of: {', '.join(ids)}.")
    return response


def _grade_single(variant: Variant, response: Any) -> Grade:
    choice = _one_choice(variant, response)
    key = variant.answer_key
    correct = choice in key["correct"]
    feedback = key["feedback"].get(choice) or (CORRECT_HTML if correct else "<p>Not this one.</p>")
    return Grade(float(correct), correct, feedback, choice, correct_answer_html(variant))


def _id_list(variant: Variant, response: Any, what: str) -> list[str]:
    ids = _choice_ids(variant)
    if not isinstance(response, (list, tuple)) or not all(isinstance(r, str) for r in response):
        raise AnswerError(f"Send a list of {what} ids from: {', '.join(ids)}.")
    unknown = [r for r in response if r not in ids]
    if unknown:
        raise AnswerError(f"Unknown {what}: {', '.join(unknown)}; use ids from: {', '.join(ids)}.")
    if len(set(response)) != len(response):
        raise AnswerError(f"Each {what} may appear only once.")
    return list(response)


def _grade_multiple(variant: Variant, response: Any) -> Grade:
    """Score = (right picks - wrong picks) / number of right choices, at least 0."""
    chosen = _id_list(variant, response, "choice")
    if not chosen:
        raise AnswerError("Select at least one choice.")
    key = variant.answer_key
    right = set(key["correct"])
    hits, false_alarms = len(right & set(chosen)), len(set(chosen) - right)
    score = max(0.0, (hits - false_alarms) / len(right))
    correct = set(chosen) == right
    by_id = {c["id"]: c["html"] for c in variant.choices}
    notes = []
    for cid in _choice_ids(variant):
        picked, should = cid in chosen, cid in right
        if picked or should:
            verdict = {(True, True): "right", (True, False): "wrong", (False, True): "missed"}
            feedback = key["feedback"].get(cid, "")
            notes.append(f'<li class="{verdict[(picked, should)]}">{by_id[cid]}{feedback}</li>')
    feedback_html = f"<ul>{''.join(notes)}</ul>"
    return Grade(score, correct, feedback_html, chosen, correct_answer_html(variant))


def _grade_ordering(variant: Variant, response: Any) -> Grade:
    """Score = fraction of item pairs in the right relative order (ties count either way)."""
    order = _id_list(variant, response, "item")
    if sorted(order) != sorted(_choice_ids(variant)):
        raise AnswerError(
            f"Put every item in order exactly once: {', '.join(_choice_ids(variant))}."
        )
    key = variant.answer_key
    rank = {item: i for i, item in enumerate(key["order"])}
    keys = key["keys"]
    pairs = list(itertools.combinations(order, 2))
    good = sum(1 for a, b in pairs if rank[a] < rank[b] or keys[a] == keys[b])
    score = good / len(pairs) if pairs else 1.0
    correct = good == len(pairs)
    feedback = (
        CORRECT_HTML
        if correct
        else (f"<p>{good} of {len(pairs)} pairs are in the right order.</p>")
    )
    return Grade(score, correct, feedback, order, correct_answer_html(variant))


def _ordered_html(variant: Variant, ids: Sequence[str]) -> list[str]:
    by_id = {c["id"]: c["html"] for c in variant.choices}
    return [by_id[i] for i in ids]


_GRADERS: dict[str, Callable[[Variant, Any], Grade]] = {
    "numeric": _grade_numeric,
    "single": _grade_single,
    "multiple": _grade_multiple,
    "ordering": _grade_ordering,
    "plot_choice": _grade_single,
}
