"""What a question kind provides, and the tools the layers above lend it.

A kind owns everything that differs between kinds, like a PrairieLearn element: the keys of its
YAML block and their validation, how a variant's choices and answer key are drawn, grading, the
form that reads an answer, the HTML of the learner's and the correct answer, its Jinja partial
(input fields, study-guide and preview pieces), QTI, GIFT and Moodle XML export, and the labels
analytics gives its answers. The rest of the code asks the registry (:mod:`quizsvc.kinds`) and
never tests a kind's name.

The package sits at the bottom of the layers and imports no other quizsvc package: each hook
receives what it needs from the layer that calls it, through the protocols of
:mod:`quizsvc.kinds.tools` (a reader from content, a generation from quiz, a writer from
export, label helpers from analytics).
So content validates every kind without importing torch, quiz stays pure, and a kind can be
tested alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from markupsafe import Markup
from wtforms import Form

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

CORRECT_HTML = "<p>Correct.</p>"
IDS = "abcdefghijklmnopqrstuvwxyz"  # choice and item ids in the order shown

Outcome = float | str  # a variant's answer as one value, for its spread over many seeds
Shown = tuple[tuple[str, str], ...]  # (label, the learner-facing HTML of that answer or "")


@dataclass(frozen=True)
class Grade:
    """The outcome of one response: score in [0, 1] and what to show the learner."""

    score: float
    correct: bool
    feedback_html: str
    parsed: Any
    correct_answer_html: str


@dataclass(frozen=True)
class Finding:
    """One problem of one generated variant; ``detail`` holds its numbers, which differ
    between seeds (``quizsvc content check`` groups findings by everything else)."""

    severity: Literal["error", "warning"]
    line: int
    message: str
    fix: str
    detail: str = ""


# --- the kind ----------------------------------------------------------------------------------


class AnswerForm(Form):
    """The WTForms form of one question's answer; :meth:`response` is what grading reads."""

    def response(self) -> Any:
        """The response (the API's shape for this kind); :class:`AnswerError` with what is
        accepted when the form is incomplete."""
        if not self.validate():
            raise AnswerError(next(iter(_messages(self.errors))))
        return self.read()

    def revealing(self) -> bool:
        """Whether the learner asked to see the model answer before assessing themselves (the
        first step of a self-assessed kind): the page then shows it and nothing is graded.
        :class:`AnswerError` when they may not see it yet."""
        return False

    def read(self) -> Any:
        raise NotImplementedError

    def draft(self) -> Any:
        """What the learner has entered so far, in the response's shape, for a draft kept
        before they submit: None when nothing is entered, :class:`AnswerError` for an entry
        that has no such shape (two items at one position). A kind whose typed text may be
        malformed keeps it as typed instead (see NumericForm)."""
        if self.validate():
            return self.read()
        if any(field.data not in (None, "", []) for field in self):
            raise AnswerError(next(iter(_messages(self.errors))))
        return None


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, Mapping):
        errors = list(errors.values())
    return [m for e in errors for m in _messages(e)]


class QuestionKind(ABC):
    """One kind of question. Subclasses set the class attributes and override the hooks; see
    docs/question-kinds.md for adding one."""

    name: ClassVar[str]
    word: ClassVar[str]  # how pages name the kind to learners ("one choice")
    keys: ClassVar[tuple[str, ...]]  # its YAML keys beside the common ones
    partial: ClassVar[str]  # Jinja partial: input, closed, reviewed, guide, preview, preview_key
    response_doc: ClassVar[str]  # the response's shape, for the API description
    response_schema: ClassVar[dict[str, Any]]  # its JSON schema
    qti_type: ClassVar[str]  # Canvas's question_type
    # Whether a wrong answer's feedback may show before the next practice try: true only where
    # it never names the key (a choice kind's feedback lists the right choices).
    feedback_between_tries: ClassVar[bool] = False
    # Whether a practice question may be answered again after a wrong try. True for kinds
    # graded against a key; a kind scored by the learner's own check takes one answer.
    takes_tries: ClassVar[bool] = False
    # Scored by the learner against a model answer: the model answer is the template's
    # explanation, the page shows it before the learner ticks what they covered, and their
    # earlier answers to the template are listed beside it to compare.
    self_assessed: ClassVar[bool] = False
    # Its part in an interview drill: "explain" (said or written out), "work" (a number or a
    # plot to work out, as at a whiteboard), or "" (an interview does not ask it).
    interview: ClassVar[str] = ""

    # -- lesson files -------------------------------------------------------------------------

    @abstractmethod
    def parse(self, q: Fields) -> Any | None:
        """The kind's part of a question block as an immutable spec; ``None`` after errors."""
        raise NotImplementedError

    def figures(self, spec: Any) -> Sequence[Any]:
        """Figures the kind draws besides the prompt's (checked with them at load time)."""
        return ()

    # -- variants -----------------------------------------------------------------------------

    @abstractmethod
    def generate(self, spec: Any, g: Generation) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The variant's public choices (id, html, figure) and its private answer key."""
        raise NotImplementedError

    def inspect(self, spec: Any, variant: VariantData, line: int) -> list[Finding]:
        """Problems visible in one generated variant (``quizsvc content check``)."""
        return []

    def inspect_routes(
        self, spec: Any, routes: Sequence[tuple[str, object, int]], variant: VariantData
    ) -> list[Finding]:
        """Problems of the template's routes (``route_...`` values: the way a hint or a theory
        formula reaches the answer), given as (name, value, line). Only a kind whose answer is
        a number can check a route against its key; the others refuse them."""
        return [
            Finding(
                "error", line,
                f"{name} declares a route, but a {self.word} question has no number to reach",
                "rename the value (routes are values named route_...)",
            )
            for name, _, line in routes
        ]  # fmt: skip

    # -- answering ----------------------------------------------------------------------------

    @abstractmethod
    def grade(self, variant: VariantData, response: Any) -> Grade:
        """A pure function of the stored variant and the response; malformed responses raise
        :class:`AnswerError` before anything is scored. A kind without automatic grading
        reads the learner's self-assessment from the response."""
        raise NotImplementedError

    def model_answer_html(self, variant: VariantData) -> str:
        """What a self-assessed kind shows before the learner assesses themselves."""
        return ""

    @abstractmethod
    def correct_answer_html(self, variant: VariantData) -> str:
        """The answer key as a learner reads it; one wording for graded and unanswered alike."""
        raise NotImplementedError

    @abstractmethod
    def answer_html(self, public: Mapping[str, Any], raw: Any) -> str:
        """The learner's answer as they chose it, in the question's own words."""
        raise NotImplementedError

    @abstractmethod
    def answer_form(
        self, public: Mapping[str, Any], formdata: Any = None, response: Any = None
    ) -> AnswerForm:
        """The answer form of a question (``public``: ``Variant.public_dict()``), bound to
        submitted ``formdata`` or filled from a stored ``response``."""
        raise NotImplementedError

    @abstractmethod
    def guide_answer_html(self, key: Mapping[str, Any], choices: Sequence[Lettered]) -> Markup:
        """The answer key (``Variant.answer_key``) in a printed study guide, in the words of
        the printed question: its choices as lettered there."""
        raise NotImplementedError

    # -- export -------------------------------------------------------------------------------

    @abstractmethod
    def qti(self, item: QtiItem) -> dict[str, str]:
        """Write the item's responses and scoring; its feedback HTML by feedback id."""
        raise NotImplementedError

    @abstractmethod
    def gift(self, g: GiftWriter) -> tuple[str, list[str]]:
        """The GIFT answer block: what follows ``{`` ("#" for numbers) and one line per
        answer."""
        raise NotImplementedError

    @abstractmethod
    def moodle(self, m: MoodleWriter) -> str:
        """Write the Moodle XML answers and settings into ``m.question``; the question type."""
        raise NotImplementedError

    # -- analytics ----------------------------------------------------------------------------

    @abstractmethod
    def outcome(self, spec: Any, t: OutcomeTools) -> Outcome:
        """The variant's answer as one value (its spread over seeds shows a give-away)."""
        raise NotImplementedError

    def label_texts(self, spec: Any) -> list[str]:
        """Template texts that rendered choices are traced back to for labels."""
        return []

    @abstractmethod
    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        """Labels of what was wrong in one graded response (``parsed`` as grading stored it)."""
        raise NotImplementedError


def choice_ids(variant: VariantData) -> list[str]:
    return [c["id"] for c in variant.choices]


def html_by_id(choices: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    return {c["id"]: c["html"] for c in choices}


def html_list(choices: Sequence[Mapping[str, Any]], ids: Sequence[str], tag: str = "ul") -> str:
    """The choices named by ``ids``, in that order, as an HTML list."""
    by_id = html_by_id(choices)
    return f"<{tag}>" + "".join(f"<li>{by_id.get(i, '')}</li>" for i in ids) + f"</{tag}>"
