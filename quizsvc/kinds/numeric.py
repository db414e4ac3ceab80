"""``numeric``: the learner types a number, right within a tolerance of the key.

Misconceptions are wrong answers a template predicts (``=1/ratio``); a response within the
tolerance of one gets its feedback instead of the generic one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from wtforms import StringField

from quizsvc.kinds.base import CORRECT_HTML, AnswerForm, Finding, Grade, QuestionKind, Shown
from quizsvc.kinds.how_far import how_far
from quizsvc.kinds.numbers import parse_number
from quizsvc.kinds.tolerance import describe, tolerance_interval, within
from quizsvc.kinds.tools import (
    Fields,
    Generation,
    GiftWriter,
    LabelTools,
    Lettered,
    MoodleWriter,
    OutcomeTools,
    QtiItem,
    VariantData,
)

DEFAULT_TOLERANCE: dict[str, float] = {"relative": 0.05}
DEFAULT_FORMAT = ".4g"
MAX_POWER = 12  # wrong powers of ten that labels name ("off by a factor of 10^3")


@dataclass(frozen=True)
class AnswerSpec:
    value: Any  # a number or an expression
    tolerance: dict[str, float]
    format: str = DEFAULT_FORMAT
    line: int = 0


@dataclass(frozen=True)
class Misconception:
    value: Any
    feedback: str
    line: int = 0


@dataclass(frozen=True)
class NumericSpec:
    answer: AnswerSpec
    misconceptions: tuple[Misconception, ...] = ()


class NumericForm(AnswerForm):
    answer = StringField("Your answer", default="")

    def read(self) -> str:
        return self.answer.data or ""

    def draft(self) -> str | None:
        # Kept as typed, readable or not: the grader says what is wrong when it grades it.
        return self.read() or None


class Numeric(QuestionKind):
    name = "numeric"
    word = "number"
    keys = ("answer", "misconceptions")
    partial = "kinds/numeric.html"
    response_doc = "numeric: the text typed (e.g. '1e-3')"
    response_schema = {"type": "string"}  # noqa: RUF012 (read-only)
    qti_type = "numerical_question"
    feedback_between_tries = True  # says how far off, never the key (kinds.how_far)
    takes_tries = True
    interview = "work"

    def parse(self, q: Fields) -> NumericSpec | None:
        answer = self._answer(q)
        misconceptions = []
        for m in q.maps("misconceptions", "a misconception"):
            m.check_keys(("value", "feedback"))
            value = m.number("value", "misconception value")
            feedback = m.text("feedback", required=True)
            misconceptions.append(Misconception(value, feedback, m.line))
        return NumericSpec(answer, tuple(misconceptions)) if answer else None

    def _answer(self, q: Fields) -> AnswerSpec | None:
        data = q.mapping("answer")
        if data is None:
            q.require("answer", "add answer: {value: =x, tolerance: {relative: 0.05}}")
            return None
        data.check_keys(("value", "tolerance", "format"))
        if not data.require("value", "add value: =name"):
            return None
        value = data.number("value", "answer value")
        tolerance = data.tolerance("tolerance", DEFAULT_TOLERANCE)
        fmt = data.number_format("format", DEFAULT_FORMAT)
        return AnswerSpec(value, tolerance, fmt, data.line)

    def generate(
        self, spec: NumericSpec, g: Generation
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        answer = spec.answer
        value = g.number(answer.value, answer.line, "the answer")
        misconceptions = []
        for m in spec.misconceptions:
            result = g.value(m.value, m.line)
            # A misconception that is not a finite number cannot match any answer: leave it out.
            if _finite(result):
                misconceptions.append(
                    {"value": float(result), "feedback_html": g.html(m.feedback, m.line)}
                )
        key = {
            "value": value,
            "tolerance": dict(answer.tolerance),
            "format": answer.format,
            "display": format(value, answer.format),
            "misconceptions": misconceptions,
        }
        return [], key

    def inspect(self, spec: NumericSpec, variant: VariantData, line: int) -> list[Finding]:
        key = variant.answer_key
        found: list[Finding] = []
        tolerance = key["tolerance"]
        if "relative" in tolerance and key["value"] == 0:
            message = "the answer is 0, so a relative tolerance accepts only 0"
            found.append(Finding("warning", spec.answer.line, message, "use an absolute tolerance"))
        if "log10" in tolerance and key["value"] <= 0:
            message = "a log10 tolerance needs a positive answer"
            fix = "use a relative or absolute tolerance"
            found.append(
                Finding("error", spec.answer.line, message, fix, f"answer {key['display']}")
            )
        for i, misconception in enumerate(key["misconceptions"]):
            if within(misconception["value"], key["value"], tolerance):
                found.append(Finding(
                    "error", spec.misconceptions[i].line,
                    f"misconception {i + 1} would be graded correct",
                    "change the parameters so the two differ, or narrow the tolerance",
                    f"{misconception['value']:.4g} against answer {key['display']}",
                ))  # fmt: skip
        return found + _overlapping_misconceptions(spec, key)

    def inspect_routes(
        self, spec: NumericSpec, routes: Sequence[tuple[str, object, int]], variant: VariantData
    ) -> list[Finding]:
        key = variant.answer_key
        found: list[Finding] = []
        for name, raw, line in routes:
            value = float(raw) if isinstance(raw, int | float) and _finite(raw) else None
            if value is None:
                message = f"route {name} is not a finite number"
                found.append(Finding("error", line, message, "fix its formula"))
            elif not within(value, key["value"], key["tolerance"]):
                found.append(Finding(
                    "error", line,
                    f"route {name} lands outside the answer's tolerance: a learner who follows it "
                    "is graded wrong",
                    "make the hint agree with the key (or key what the hint computes), widen the "
                    "tolerance, or narrow the parameter ranges",
                    f"{value:.4g} against answer {key['display']}, {describe(key['tolerance'])}",
                ))  # fmt: skip
        return found

    def grade(self, variant: VariantData, response: Any) -> Grade:
        x = parse_number(response)
        key = variant.answer_key
        correct_html = self.correct_answer_html(variant)
        if within(x, key["value"], key["tolerance"]):
            return Grade(1.0, True, CORRECT_HTML, x, correct_html)
        for misconception in key["misconceptions"]:
            if within(x, misconception["value"], key["tolerance"]):
                return Grade(0.0, False, misconception["feedback_html"], x, correct_html)
        feedback = f"<p>{escape(how_far(x, key['value']))}</p>"
        return Grade(0.0, False, feedback, x, correct_html)

    def correct_answer_html(self, variant: VariantData) -> str:
        key = variant.answer_key
        return f"<p>{escape(key['display'])} ({describe(key['tolerance'])})</p>"

    def answer_html(self, public: Mapping[str, Any], raw: Any) -> str:
        return f"<p>{escape(raw)}</p>"

    def answer_form(
        self, public: Mapping[str, Any], formdata: Any = None, response: Any = None
    ) -> NumericForm:
        data = {"answer": str(response)} if response is not None else None
        return NumericForm(formdata, data=data)

    def guide_answer_html(self, key: Mapping[str, Any], choices: Sequence[Lettered]) -> Markup:
        return Markup("<p>{}</p>").format(key["display"])

    def qti(self, item: QtiItem) -> dict[str, str]:
        response = item.sub(item.presentation, "response_str", ident="response1",
                            rcardinality="Single")  # fmt: skip
        item.sub(item.sub(response, "render_fib", fibtype="Decimal"), "response_label",
                 ident="answer1")  # fmt: skip
        key = item.variant.answer_key
        low, high = tolerance_interval(key["value"], key["tolerance"])
        _, variables = item.condition(score="100")
        item.sub(variables, "vargte", repr(low), respident="response1")
        item.sub(variables, "varlte", repr(high), respident="response1")
        return {}

    def gift(self, g: GiftWriter) -> tuple[str, list[str]]:
        """Our display value first (Moodle shows a range's midpoint as "the correct answer",
        which for a log10 tolerance is far from ours), then the range that grades; each
        misconception is its own 0 % answer with its feedback."""
        key = g.variant.answer_key
        tolerance = key["tolerance"]
        correct = g.escape(CORRECT_HTML)
        shown = shown_answer(key)
        lines = [f"=%100%{shown[0]!r}:{shown[1]!r}#{correct}"] if shown else []
        lines.append(f"=%100%{_range(key['value'], tolerance)}#{correct}")
        lines += [
            f"=%0%{_range(m['value'], tolerance)}#{g.escape(m['feedback_html'])}"
            for m in key["misconceptions"]
        ]
        return "#", lines

    def moodle(self, m: MoodleWriter) -> str:
        """The same answers as GIFT, each a value with Moodle's absolute tolerance."""
        key = m.variant.answer_key
        shown = shown_answer(key)
        answers = [(1.0, *shown, CORRECT_HTML)] if shown else []
        answers.append((1.0, *_centre(key["value"], key["tolerance"]), CORRECT_HTML))
        answers += [
            (0.0, *_centre(x["value"], key["tolerance"]), x["feedback_html"])
            for x in key["misconceptions"]
        ]
        for fraction, value, tolerance, feedback in answers:
            answer = m.answer(fraction, repr(value), feedback, html=False)
            m.sub(answer, "tolerance", repr(tolerance))
        m.sub(m.question, "unitgradingtype", "0")
        m.sub(m.question, "showunits", "3")  # no unit asked for
        return "numerical"

    def outcome(self, spec: NumericSpec, t: OutcomeTools) -> float:
        return float(t.variant.answer_key["value"])

    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        """The misconception that caught the answer, or the two slips that matter on
        log-scale plots: a wrong power of ten and a wrong sign."""
        key = variant["answer_key"]
        x = float(parsed)
        for misconception in key["misconceptions"]:
            if feedback_html and feedback_html == misconception["feedback_html"]:
                return ((t.short(f"misconception: {t.readable(feedback_html)}"), ""),)
        value, tolerance = key["value"], key["tolerance"]
        if x != 0 and within(-x, value, tolerance):
            return (("wrong sign", ""),)
        if x != 0 and value != 0 and (x > 0) == (value > 0):
            power = round(math.log10(abs(x / value)))
            if 0 < abs(power) <= MAX_POWER and within(x / 10.0**power, value, tolerance):
                return ((f"off by a factor of 10^{power}", ""),)
        return (("not within tolerance (no known slip)", ""),)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def shown_answer(key: Mapping[str, Any]) -> tuple[float, float] | None:
    """Our display value with a tolerance so small that it stays inside the graded range, or
    None when the rounded display value lies outside it (then the range alone is written)."""
    shown = float(key["display"])
    eps = abs(shown) * 1e-9 or 1e-12
    low, high = tolerance_interval(key["value"], key["tolerance"])
    return (shown, eps) if low <= shown - eps and shown + eps <= high else None


def _centre(value: float, tolerance: Mapping[str, float]) -> tuple[float, float]:
    """The range as Moodle stores a numerical answer: its midpoint and half-width."""
    low, high = tolerance_interval(value, tolerance)
    return (low + high) / 2, (high - low) / 2


def _range(value: float, tolerance: Mapping[str, float]) -> str:
    low, high = tolerance_interval(value, tolerance)
    return f"{float(low)!r}..{float(high)!r}"


def ranges_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two accepted ranges share more than a point."""
    return a[0] < b[1] and b[0] < a[1]


def _overlapping_misconceptions(spec: NumericSpec, key: Mapping[str, Any]) -> list[Finding]:
    """Misconceptions whose accepted ranges overlap: an answer in both only ever gets the
    feedback of the first, so the second's can never show."""
    tolerance = key["tolerance"]
    found: list[Finding] = []
    seen: list[tuple[int, float, tuple[float, float]]] = []
    for index, misconception in enumerate(key["misconceptions"], start=1):
        value = misconception["value"]
        accepted = tolerance_interval(value, tolerance)
        for other, other_value, other_range in seen:
            if ranges_overlap(other_range, accepted):
                found.append(Finding(
                    "error", spec.misconceptions[index - 1].line,
                    f"misconceptions {other} and {index} have overlapping tolerance ranges: an "
                    f"answer in both only ever gets the feedback of misconception {other}",
                    "drop one, or change a formula or the parameter ranges so that the two "
                    "differ by more than twice the tolerance",
                    f"{other_value:.4g} and {value:.4g}, {describe(tolerance)}",
                ))  # fmt: skip
                break
        seen.append((index, value, accepted))
    return found
