"""What the choice kinds share: choices shown shuffled as a, b, c, ..., keyed by id.

``Choose`` is every kind whose key is a set of correct choices (single, multiple, plot_choice);
``ChooseOne`` adds one answer read from radio buttons (single, plot_choice); ``ChoiceList``
adds choices written as text in the template (single, multiple).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from markupsafe import Markup
from wtforms import RadioField
from wtforms.validators import InputRequired

from quizsvc.kinds.base import (
    CORRECT_HTML,
    IDS,
    AnswerForm,
    Finding,
    Grade,
    QuestionKind,
    choice_ids,
    html_by_id,
)
from quizsvc.kinds.numbers import AnswerError
from quizsvc.kinds.tolerance import within
from quizsvc.kinds.tools import (
    Fields,
    Generation,
    GiftWriter,
    Lettered,
    MoodleWriter,
    OutcomeTools,
    QtiItem,
    VariantData,
)

DEFAULT_CHOICE_TOLERANCE: dict[str, float] = {"relative": 0.02}


def count_correct(
    q: Fields, kind: str, flags: Sequence[Any], key: str, minimum: int, *, exactly_one: bool
) -> None:
    """At least ``minimum`` entries under ``key``, and one (or at least one) marked correct;
    computed flags (expressions) are checked per variant instead."""
    if len(flags) < minimum:
        where = key if q.has(key) else None
        q.error(f"a {kind} question needs at least {minimum} {key}", f"add {key}", key=where)
        return
    if any(not isinstance(f, bool) for f in flags):
        return
    count = sum(1 for f in flags if f is True)
    if exactly_one and count != 1:
        q.error(
            f"a {kind} question needs exactly one correct entry in {key}, found {count}",
            "mark one with correct: true",
            key=key,
        )
    if not exactly_one and count == 0:
        q.error("no choice is marked correct", "mark at least one with correct: true", key=key)


def one_of(variant: VariantData, response: Any) -> str:
    ids = choice_ids(variant)
    if not isinstance(response, str) or response not in ids:
        raise AnswerError(f"Choose one of: {', '.join(ids)}.")
    return response


def id_list(variant: VariantData, response: Any, what: str) -> list[str]:
    """A list of distinct ids of the variant's choices (or items)."""
    ids = choice_ids(variant)
    if not isinstance(response, list | tuple) or not all(isinstance(r, str) for r in response):
        raise AnswerError(f"Send a list of {what} ids from: {', '.join(ids)}.")
    unknown = [r for r in response if r not in ids]
    if unknown:
        raise AnswerError(f"Unknown {what}: {', '.join(unknown)}; use ids from: {', '.join(ids)}.")
    if len(set(response)) != len(response):
        raise AnswerError(f"Each {what} may appear only once.")
    return list(response)


class Choose(QuestionKind):
    """A key of correct choices, each with its feedback."""

    takes_tries = True  # a choice's feedback may name the right one: it waits for the last try
    single: ClassVar[bool] = True  # one answer (radio buttons) in Moodle

    def correct_answer_html(self, variant: VariantData) -> str:
        by_id = html_by_id(variant.choices)
        return "".join(
            f'<div class="answer-choice">{by_id[i]}</div>' for i in variant.answer_key["correct"]
        )

    def guide_answer_html(self, key: Mapping[str, Any], choices: Sequence[Lettered]) -> Markup:
        by_id = {c.id: c for c in choices}
        return Markup("").join(
            Markup('<div class="choice-key"><strong>{}.</strong> {}</div>').format(
                by_id[i].letter,
                Markup(by_id[i].html),  # sanitized by quizsvc.quiz
            )
            for i in key["correct"]
        )

    def gift(self, g: GiftWriter) -> tuple[str, list[str]]:
        key = g.variant.answer_key
        lines = []
        for choice in g.variant.choices:
            feedback = key["feedback"].get(choice["id"], "")
            comment = f"#{g.escape(feedback)}" if feedback else ""
            lines.append(f"{self.gift_mark(g, choice['id'])}{g.choice(choice)}{comment}")
        return "", lines

    def gift_mark(self, g: GiftWriter, choice_id: str) -> str:
        return "=" if choice_id in g.variant.answer_key["correct"] else "~"

    def moodle(self, m: MoodleWriter) -> str:
        """A multichoice question in the variant's order (already shuffled, as ours shows it)."""
        feedback = m.variant.answer_key["feedback"]
        for choice in m.variant.choices:
            fraction = self.fraction(m.variant, choice["id"])
            m.choice(choice, fraction, feedback.get(choice["id"], ""))
        m.sub(m.question, "single", "true" if self.single else "false")
        m.sub(m.question, "shuffleanswers", "false")
        m.sub(m.question, "answernumbering", "abc")
        return "multichoice"

    def fraction(self, variant: VariantData, choice_id: str) -> float:
        """The share of the marks a choice earns when chosen (negative takes off)."""
        return 1.0 if choice_id in variant.answer_key["correct"] else 0.0


class OneChoiceForm(AnswerForm):
    choice = RadioField(validate_choice=False,
                        validators=[InputRequired("Choose an answer, then submit.")])  # fmt: skip

    def read(self) -> str:
        return str(self.choice.data)


class ChooseOne(Choose):
    """One answer from radio buttons; right or wrong."""

    response_schema: ClassVar[dict[str, Any]] = {"type": "string"}

    def grade(self, variant: VariantData, response: Any) -> Grade:
        choice = one_of(variant, response)
        key = variant.answer_key
        correct = choice in key["correct"]
        feedback = key["feedback"].get(choice) or (
            CORRECT_HTML if correct else "<p>Not this one.</p>"
        )
        return Grade(float(correct), correct, feedback, choice, self.correct_answer_html(variant))

    def answer_html(self, public: Mapping[str, Any], raw: Any) -> str:
        return html_by_id(public["choices"]).get(raw, "")

    def answer_form(
        self, public: Mapping[str, Any], formdata: Any = None, response: Any = None
    ) -> OneChoiceForm:
        return OneChoiceForm(formdata, data={"choice": response} if response else None)

    def qti(self, item: QtiItem) -> dict[str, str]:
        item.choice_list("Single")
        feedback = item.choice_feedback()
        _, variables = item.condition(score="100")
        (correct,) = item.variant.answer_key["correct"]
        item.sub(variables, "varequal", item.ids[correct], respident="response1")
        return feedback


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    correct: Any = False  # true, false or an expression
    feedback: str = ""
    value: Any = None  # a number to compare choices by (``choice_tolerance``)
    line: int = 0


@dataclass(frozen=True)
class ChoicesSpec:
    choices: tuple[ChoiceSpec, ...]
    shuffle: bool = True
    choice_tolerance: dict[str, float] = field(default_factory=DEFAULT_CHOICE_TOLERANCE.copy)


class ChoiceList(Choose):
    """Choices written as text in the template, shuffled unless ``shuffle: false``."""

    keys = ("choices", "shuffle", "choice_tolerance")
    exactly_one: ClassVar[bool]

    def parse(self, q: Fields) -> ChoicesSpec:
        result = []
        for c in q.maps("choices", "a choice"):
            c.check_keys(("text", "correct", "feedback", "value"))
            text = c.text("text", required=True)
            correct = c.correct()
            feedback = c.text("feedback")
            value = c.number("value", "choice value") if c.has("value") else None
            if not feedback and correct is False:
                c.warning(
                    "distractor without feedback", "add feedback: that names the misconception"
                )
            result.append(ChoiceSpec(text, correct, feedback, value, c.line))
        flags = [c.correct for c in result]
        count_correct(q, self.name, flags, "choices", 2, exactly_one=self.exactly_one)
        return ChoicesSpec(
            choices=tuple(result),
            shuffle=q.flag("shuffle", True),
            choice_tolerance=q.tolerance("choice_tolerance", DEFAULT_CHOICE_TOLERANCE),
        )

    def generate(
        self, spec: ChoicesSpec, g: Generation
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        entries = []
        for c in spec.choices:
            value = None
            if c.value is not None:
                value = g.number(c.value, c.line, "a choice value")
            entries.append({
                "html": g.html(c.text, c.line),
                "correct": g.flag(c.correct, c.line),
                "feedback_html": g.html(c.feedback, c.line),
                "value": value,
            })  # fmt: skip
        if spec.shuffle:
            g.rng.shuffle(entries)
        for i, entry in enumerate(entries):
            entry["id"] = IDS[i]
        correct = [e["id"] for e in entries if e["correct"]]
        if self.exactly_one and len(correct) != 1:
            g.fail(f"{len(correct)} choices are correct; a {self.name} question needs one")
        if not correct:
            g.fail("no choice is correct")
        key = {
            "correct": correct,
            "feedback": {e["id"]: e["feedback_html"] for e in entries},
            "values": {e["id"]: e["value"] for e in entries if e["value"] is not None},
            "tolerance": dict(spec.choice_tolerance),
        }
        return [{"id": e["id"], "html": e["html"]} for e in entries], key

    def inspect(self, spec: ChoicesSpec, variant: VariantData, line: int) -> list[Finding]:
        found: list[Finding] = []
        htmls = [c["html"] for c in variant.choices]
        if len(set(htmls)) != len(htmls):
            found.append(Finding("error", line, "two choices read the same", "make them differ"))
        key = variant.answer_key
        values, tolerance, correct = key["values"], key["tolerance"], set(key["correct"])
        for a, b in itertools.combinations(sorted(values), 2):
            if not within(values[a], values[b], tolerance):
                continue
            detail = f"{values[a]:.4g} and {values[b]:.4g}"
            if (a in correct) != (b in correct):
                found.append(Finding(
                    "error", line,
                    "a distractor would be graded correct: it equals the answer within tolerance",
                    "change the distractor's formula or the parameter ranges", detail,
                ))  # fmt: skip
            else:
                found.append(Finding(
                    "error", line, "two choices are equal within tolerance",
                    "change a choice's formula or the parameter ranges", detail,
                ))  # fmt: skip
        return found

    def outcome(self, spec: ChoicesSpec, t: OutcomeTools) -> str:
        """Which of the template's choices are correct (not the shuffled letter)."""
        names = t.names([c.text for c in spec.choices], "choice")
        return " + ".join(
            name
            for c, name in zip(spec.choices, names, strict=True)
            if t.resolve(c.correct) is True
        )

    def label_texts(self, spec: ChoicesSpec) -> list[str]:
        return [c.text for c in spec.choices]
