"""What a question kind provides, and the tools the layers above lend it.

A kind owns everything that differs between kinds, like a PrairieLearn element: the keys of its
YAML block and their validation, how a variant's choices and answer key are drawn, grading, the
form that reads an answer, the HTML of the learner's and the correct answer, its Jinja partial
(input fields, study-guide and preview pieces), QTI, GIFT and Moodle XML export, and the labels
analytics gives its answers. The rest of the code asks the registry (:mod:`quizsvc.kinds`) and
never tests a kind's name.

The package sits at the bottom of the layers and imports no other quizsvc package: each hook
receives what it needs from the layer that calls it (a :class:`Fields` reader from content, a
:class:`Generation` from quiz, a QTI or GIFT writer from export, label helpers from analytics).
So content validates every kind without importing torch, quiz stays pure, and a kind can be
tested alone.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NoReturn, Protocol
from xml.etree.ElementTree import Element

from markupsafe import Markup
from wtforms import Form

from quizsvc.kinds.numbers import AnswerError

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


# --- tools lent by the layers above ------------------------------------------------------------


class Fields(Protocol):
    """One mapping of a question block (content): every read reports its problems at the file
    and line of the key or value, with a fix, and returns a usable default."""

    @property
    def line(self) -> int: ...
    def has(self, key: str) -> bool: ...
    def check_keys(self, keys: Sequence[str]) -> None: ...
    def require(self, key: str, fix: str) -> bool: ...
    def text(self, key: str, *, required: bool = False) -> str:
        """Markdown with placeholders (each checked against the template's names)."""
        ...

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of Markdown texts (one text is a list of one), placeholders checked."""
        ...

    def number_format(self, key: str, default: str) -> str:
        """A format for numbers such as ``.3g`` (within the widths content allows)."""
        ...

    def word(self, key: str, allowed: Sequence[str], default: str) -> str:
        """One of ``allowed`` (required; did-you-mean when misspelt)."""
        ...

    def flag(self, key: str, default: bool) -> bool: ...
    def number(self, key: str, what: str) -> Any:
        """A literal number or an ``=expression``; ``None`` after reporting other text."""
        ...

    def correct(self) -> Any:
        """``correct:``: true, false or an expression (anything but a bool is an expression)."""
        ...

    def tolerance(self, key: str, default: Mapping[str, float]) -> dict[str, float]: ...
    def mapping(self, key: str) -> Fields | None: ...
    def maps(self, key: str, what: str) -> list[Fields]:
        """The mappings listed under ``key``; ``what`` names one with its article ("an item")."""
        ...

    def figure(self, what: str, extra: Sequence[str]) -> Any | None:
        """This mapping as a figure of the question (keys ``extra`` allowed beside its own)."""
        ...

    def section(self, key: str) -> tuple[str, str]:
        """The lesson heading that ``key`` names: (its title, its anchor on the lesson page);
        ("", "") after reporting a name that is no heading of the lesson."""
        ...

    def error(self, message: str, fix: str, *, key: str | None = None, value: bool = False) -> None:
        """Report at ``key`` (its value when ``value``), else at this mapping."""
        ...

    def warning(self, message: str, fix: str, *, key: str | None = None) -> None: ...


class Generation(Protocol):
    """What :func:`quizsvc.quiz.generate` lends a kind while it builds one variant."""

    @property
    def rng(self) -> random.Random: ...
    def html(self, text: str, line: int) -> str:
        """``text`` with its placeholders filled, rendered to sanitized HTML."""
        ...

    def value(self, value: Any, line: int) -> Any: ...
    def number(self, value: Any, line: int, what: str) -> float: ...
    def flag(self, value: Any, line: int) -> bool: ...
    def option_figure(self, spec: Any) -> dict[str, Any]:
        """The variant's entry for a figure the kind draws (labelled "network 1", ...)."""
        ...

    def add_figure(self, figure: dict[str, Any]) -> int:
        """Append ``figure`` to the variant's figures; its index."""
        ...

    def fail(self, message: str) -> NoReturn:
        """Give up on this seed (a :class:`quizsvc.quiz.VariantError` at the template)."""
        ...


class VariantData(Protocol):
    """The parts of a stored variant a kind reads (``quizsvc.quiz.Variant``)."""

    @property
    def template_id(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def choices(self) -> list[dict[str, Any]]: ...
    @property
    def answer_key(self) -> dict[str, Any]: ...
    @property
    def figures(self) -> list[dict[str, Any]]: ...


class Lettered(Protocol):
    """A choice as a printed study guide shows it (sanitized HTML)."""

    @property
    def id(self) -> str: ...
    @property
    def letter(self) -> str: ...
    @property
    def html(self) -> str: ...


class OutcomeTools(Protocol):
    """What analytics lends to read a variant's answer as one value."""

    @property
    def variant(self) -> VariantData: ...
    def resolve(self, value: Any) -> Any: ...
    def names(self, texts: Sequence[str], noun: str) -> list[str]:
        """Readable template texts, "<noun> <n>" for those that read alike."""
        ...


class LabelTools(Protocol):
    """What analytics lends to label wrong answers."""

    @property
    def spec(self) -> Any | None:
        """The template's spec when the variant came from this very content, else None."""
        ...

    def label(self, fragment: str) -> str:
        """The template text a rendered choice was filled from, readable."""
        ...

    def inline(self, fragment: str) -> str: ...
    def readable(self, fragment: str) -> str: ...
    def short(self, text: str) -> str: ...
    def ordinal(self, n: int) -> str: ...
    def same_literals(self, sims: Sequence[str], configs: Sequence[Mapping[str, Any]]) -> bool:
        """Whether ``configs`` show the literal settings of the template's simulations ``sims``."""
        ...


class QtiItem(Protocol):
    """One QTI 1.2 item being written (export): its parts and the vocabulary to fill them."""

    @property
    def variant(self) -> VariantData: ...
    @property
    def ids(self) -> dict[str, str]:
        """The item's response ids by choice id."""
        ...

    @property
    def presentation(self) -> Element: ...
    def sub(self, parent: Element, tag: str, text: str | None = None, **attrib: str) -> Element: ...
    def condition(
        self, *, score: str | None = None, action: str = "Set", cont: str = "No"
    ) -> tuple[Element, Element]:
        """A ``respcondition`` and its ``conditionvar``."""
        ...

    def choice_list(self, cardinality: str) -> None: ...
    def choice_feedback(self) -> dict[str, str]: ...
    def ident(self, *parts: object) -> str: ...
    def plain(self, html: str) -> str: ...
    def ordinal(self, n: int) -> str: ...


class GiftWriter(Protocol):
    """The GIFT vocabulary (export) for one question's answers."""

    @property
    def variant(self) -> VariantData: ...
    def escape(self, text: str) -> str: ...
    def choice(self, choice: Mapping[str, Any]) -> str:
        """A choice's HTML (its figure inline), escaped."""
        ...

    def weight(self, fraction: float) -> str: ...
    def plain(self, html: str) -> str: ...
    def ordinal(self, n: int) -> str: ...


class MoodleWriter(Protocol):
    """One Moodle XML question being written (export): its ``<question>`` element already holds
    the name, the prompt (figures as attached files) and the general feedback."""

    @property
    def variant(self) -> VariantData: ...
    @property
    def question(self) -> Element: ...
    def sub(self, parent: Element, tag: str, text: str | None = None, **attrib: str) -> Element: ...
    def answer(
        self, fraction: float, text: str, feedback: str = "", *, html: bool = True
    ) -> Element:
        """An ``<answer>`` worth ``fraction`` (1.0 is full marks, negative takes off) with its
        feedback HTML; ``html=False`` for a number."""
        ...

    def choice(self, choice: Mapping[str, Any], fraction: float, feedback: str) -> Element:
        """An ``<answer>`` holding a choice's HTML, its figure attached as a file."""
        ...

    def plain(self, html: str) -> str: ...
    def ordinal(self, n: int) -> str: ...


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
