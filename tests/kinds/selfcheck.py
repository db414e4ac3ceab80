"""A question kind written outside quizsvc, to show what adding one takes: this module, its
partial (templates/kinds/selfcheck.html) and a registry entry; nothing else changes.

``selfcheck`` has no automatic grading: the learner writes an answer and ticks the rubric points
it covers, and that self-assessment is the score (the shape an ``explain`` kind could take).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup, escape
from wtforms import SelectMultipleField, TextAreaField

from quizsvc.kinds import AnswerError, AnswerForm, Grade, QuestionKind
from quizsvc.kinds.base import Shown
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

SELF_ASSESSED = "<p>Scored by your own check against the rubric.</p>"


@dataclass(frozen=True)
class SelfCheckSpec:
    model_answer: str
    rubric: tuple[str, ...]
    line: int


class SelfCheckForm(AnswerForm):
    text = TextAreaField()
    met = SelectMultipleField(validate_choice=False)

    def read(self) -> dict[str, Any]:
        return {"text": self.text.data or "", "met": list(self.met.data or [])}


class SelfCheck(QuestionKind):
    name = "selfcheck"
    word = "explain, then check yourself"
    keys = ("model_answer", "rubric")
    partial = "kinds/selfcheck.html"
    response_doc = "selfcheck: {text, met: the rubric points (choice ids) the text covers}"
    response_schema: ClassVar[dict[str, Any]] = {"type": "object"}
    qti_type = "essay_question"

    def parse(self, q: Fields) -> SelfCheckSpec | None:
        model = q.text("model_answer", required=True)
        rubric = q.texts("rubric")
        if not rubric:
            q.error("a selfcheck question needs a rubric", "add rubric: [a point, ...]")
        return SelfCheckSpec(model, rubric, q.line) if model and rubric else None

    def generate(
        self, spec: SelfCheckSpec, g: Generation
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        points = [{"id": str(i), "html": g.html(p, spec.line)} for i, p in enumerate(spec.rubric)]
        return points, {"model_html": g.html(spec.model_answer, spec.line)}

    def grade(self, variant: VariantData, response: Any) -> Grade:
        if not isinstance(response, dict) or not str(response.get("text", "")).strip():
            raise AnswerError("Write your answer, then tick the rubric points it covers.")
        ids = [c["id"] for c in variant.choices]
        met = response.get("met", [])
        if not isinstance(met, list) or any(m not in ids for m in met):
            raise AnswerError(f"Tick rubric points from: {', '.join(ids)}.")
        score = len(set(met)) / len(ids)
        parsed = {"text": response["text"], "met": sorted(set(met))}
        return Grade(score, score == 1.0, SELF_ASSESSED, parsed, self.correct_answer_html(variant))

    def correct_answer_html(self, variant: VariantData) -> str:
        points = "".join(f"<li>{c['html']}</li>" for c in variant.choices)
        return f"{variant.answer_key['model_html']}<ul>{points}</ul>"

    def answer_html(self, public: Mapping[str, Any], raw: Any) -> str:
        return f"<p>{escape(raw['text'])}</p>"

    def answer_form(
        self, public: Mapping[str, Any], formdata: Any = None, response: Any = None
    ) -> SelfCheckForm:
        return SelfCheckForm(formdata, data=response)

    def guide_answer_html(self, key: Mapping[str, Any], choices: Sequence[Lettered]) -> Markup:
        points = Markup("").join(Markup("<li>{}</li>").format(Markup(c.html)) for c in choices)
        return Markup("{}<ul>{}</ul>").format(Markup(key["model_html"]), points)

    def qti(self, item: QtiItem) -> dict[str, str]:
        response = item.sub(item.presentation, "response_str", ident="response1",
                            rcardinality="Single")  # fmt: skip
        item.sub(item.sub(response, "render_fib"), "response_label", ident="answer1")
        return {}

    def gift(self, g: GiftWriter) -> tuple[str, list[str]]:
        return "", []  # a GIFT essay question: {}

    def moodle(self, m: MoodleWriter) -> str:
        m.sub(m.question, "responseformat", "editor")
        return "essay"

    def outcome(self, spec: SelfCheckSpec, t: OutcomeTools) -> str:
        return f"{len(spec.rubric)} rubric points"

    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        return tuple(
            (t.short(f"missed: {t.readable(c['html'])}"), t.inline(c["html"]))
            for c in variant["choices"]
            if c["id"] not in parsed["met"]
        )
