"""``explain``: an interview question answered in the learner's own words, then self-assessed.

The learner writes an answer (or says it aloud against a visible timer), asks for the model
answer, and ticks the rubric points they covered. Nothing grades prose here: the share of points
ticked is the score, and so the FSRS rating, as in Anki, where the learner judges their own
recall. Each rubric point names the lesson section that teaches it, checked against the lesson's
headings when the lesson loads. The model answer is the template's explanation (a template has
no ``explanation:`` of its own), and exports write it as an essay question's general feedback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup, escape
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length

from quizsvc.kinds.base import IDS, AnswerForm, Grade, QuestionKind, Shown
from quizsvc.kinds.numbers import AnswerError
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

RUBRIC_POINTS = (3, 7)
MAX_TEXT = 10_000  # characters of a written answer
SPOKEN_SECONDS = 120  # the length of an answer said aloud, as the timer suggests it
WRITE_FIRST = "Write your answer (or tick that you answered aloud) before you see the model answer."


@dataclass(frozen=True)
class RubricPoint:
    text: str
    section: str  # the heading of the lesson section that teaches the point
    anchor: str  # that heading's id on the lesson page
    line: int


@dataclass(frozen=True)
class ExplainSpec:
    model_answer: str
    rubric: tuple[RubricPoint, ...]
    line: int


class ExplainForm(AnswerForm):
    """Both steps: the answer (``text`` or ``spoken``), then the rubric points ticked (``met``).
    ``reveal`` is the first step's button."""

    text = TextAreaField(validators=[Length(max=MAX_TEXT, message=f"Keep the answer under "
                                            f"{MAX_TEXT:,} characters.")])  # fmt: skip
    spoken = BooleanField()
    met = SelectMultipleField(validate_choice=False)
    reveal = StringField()

    def revealing(self) -> bool:
        if not self.reveal.data:
            return False
        if not self.validate():
            raise AnswerError(self.text.errors[0] if self.text.errors else WRITE_FIRST)
        if not self.spoken.data and not (self.text.data or "").strip():
            raise AnswerError(WRITE_FIRST)
        return True

    def read(self) -> dict[str, Any]:
        return {
            "text": self.text.data or "",
            "spoken": bool(self.spoken.data),
            "met": list(self.met.data or []),
        }


class Explain(QuestionKind):
    name = "explain"
    word = "explain in your own words"
    keys = ("model_answer", "rubric")
    partial = "kinds/explain.html"
    response_doc = (
        "explain: {text: your answer, spoken: true when said aloud instead (text may be empty), "
        "met: the ids of the rubric points your answer covered}"
    )
    response_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "text": {"type": "string", "maxLength": MAX_TEXT},
            "spoken": {"type": "boolean"},
            "met": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["met"],
    }
    qti_type = "essay_question"
    self_assessed = True
    interview = "explain"
    spoken_seconds = SPOKEN_SECONDS

    # -- lesson files -------------------------------------------------------------------------

    def parse(self, q: Fields) -> ExplainSpec | None:
        model = q.text("model_answer", required=True)
        if not q.require("rubric", "add rubric: with - point: ... section: <a heading>"):
            return None
        maps = q.maps("rubric", "a rubric point")
        points = []
        for point in maps:
            point.check_keys(("point", "section"))
            text = point.text("point", required=True)
            title, anchor = point.section("section")
            if text and anchor:
                points.append(RubricPoint(text, title, anchor, point.line))
        lo, hi = RUBRIC_POINTS
        if not lo <= len(maps) <= hi:
            q.error(
                f"a rubric has {lo} to {hi} points, not {len(maps)}",
                "merge or split points: each is one thing an interviewer listens for",
                key="rubric",
            )
            return None
        ok = model and len(points) == len(maps)
        return ExplainSpec(model, tuple(points), q.line) if ok else None

    # -- variants -----------------------------------------------------------------------------

    def generate(
        self, spec: ExplainSpec, g: Generation
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        points = [
            {"id": IDS[i], "html": g.html(p.text, p.line), "section": p.section,
             "anchor": p.anchor}
            for i, p in enumerate(spec.rubric)
        ]  # fmt: skip
        return points, {"model_html": g.html(spec.model_answer, spec.line)}

    # -- answering ----------------------------------------------------------------------------

    def grade(self, variant: VariantData, response: Any) -> Grade:
        if not isinstance(response, Mapping):
            raise AnswerError("Send {text, spoken, met}: your answer and the points it covered.")
        text, spoken, met = (
            response.get("text", ""),
            response.get("spoken", False),
            response.get("met"),
        )
        if not isinstance(text, str) or not isinstance(spoken, bool):
            raise AnswerError("text is your answer as text; spoken is true or false.")
        if len(text) > MAX_TEXT:
            raise AnswerError(f"Keep the answer under {MAX_TEXT:,} characters.")
        if not spoken and not text.strip():
            raise AnswerError("Write your answer, or say it aloud and tick that you did.")
        ids = [c["id"] for c in variant.choices]
        if not isinstance(met, list) or any(m not in ids for m in met):
            raise AnswerError(
                f"Tick the rubric points your answer covered, from: {', '.join(ids)}."
            )
        ticked = sorted(set(met), key=ids.index)
        score = len(ticked) / len(ids)
        parsed = {"text": text, "spoken": spoken, "met": ticked}
        feedback = (
            f"<p>You covered {len(ticked)} of {len(ids)} points of the rubric, by your own "
            "check against the model answer: that is the score, and what spaced review "
            "schedules by.</p>"
        )
        return Grade(score, score == 1.0, feedback, parsed, self.correct_answer_html(variant))

    def model_answer_html(self, variant: VariantData) -> str:
        return str(variant.answer_key["model_html"])

    def correct_answer_html(self, variant: VariantData) -> str:
        points = "".join(f"<li>{c['html']}</li>" for c in variant.choices)
        return f'{variant.answer_key["model_html"]}<p>Rubric:</p><ul class="rubric">{points}</ul>'

    def answer_html(self, public: Mapping[str, Any], raw: Any) -> str:
        text = str(raw.get("text", "")).strip()
        said = "<p><em>Answered aloud.</em></p>" if raw.get("spoken") else ""
        written = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n") if part.strip())
        met = set(raw.get("met") or [])
        ticks = "".join(
            f"<li>{'Covered' if c['id'] in met else 'Not covered'}: {c['html']}</li>"
            for c in public["choices"]
        )
        return f'{said}{written}<ul class="rubric-ticks">{ticks}</ul>'

    def answer_form(
        self, public: Mapping[str, Any], formdata: Any = None, response: Any = None
    ) -> ExplainForm:
        return ExplainForm(formdata, data=response)

    def guide_answer_html(self, key: Mapping[str, Any], choices: Sequence[Lettered]) -> Markup:
        points = Markup("").join(Markup("<li>{}</li>").format(Markup(c.html)) for c in choices)
        return Markup('{}<p>Rubric:</p><ul class="rubric">{}</ul>').format(
            Markup(key["model_html"]), points
        )

    # -- export -------------------------------------------------------------------------------

    def qti(self, item: QtiItem) -> dict[str, str]:
        response = item.sub(item.presentation, "response_str", ident="response1",
                            rcardinality="Single")  # fmt: skip
        item.sub(item.sub(response, "render_fib"), "response_label", ident="answer1")
        condition, variables = item.condition(cont="Yes")
        item.sub(variables, "other")
        item.sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        return {"general_fb": self.correct_answer_html(item.variant)}

    def gift(self, g: GiftWriter) -> tuple[str, list[str]]:
        # An essay question ("{}") whose general feedback is the model answer and the rubric.
        return "", [f"####{g.escape(self.correct_answer_html(g.variant))}"]

    def moodle(self, m: MoodleWriter) -> str:
        # An essay; the model answer and its rubric are what Moodle shows the grader.
        m.sub(m.question, "responseformat", "editor")
        m.sub(m.question, "responserequired", "0")
        m.sub(m.question, "responsefieldlines", "12")
        info = m.sub(m.question, "graderinfo", format="html")
        m.sub(info, "text", self.correct_answer_html(m.variant))
        return "essay"

    # -- analytics ----------------------------------------------------------------------------

    def outcome(self, spec: ExplainSpec, t: OutcomeTools) -> str:
        return f"{len(spec.rubric)} rubric points"

    def label_texts(self, spec: ExplainSpec) -> list[str]:
        return [p.text for p in spec.rubric]

    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        return tuple(
            (t.short(f"not covered: {t.label(c['html'])}"), t.inline(c["html"]))
            for c in variant["choices"]
            if c["id"] not in parsed["met"]
        )
