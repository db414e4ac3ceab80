"""The validated, immutable form of lessons, live figures and question templates.

Everything here has passed validation, so :mod:`quizsvc.quiz` can generate variants without
re-checking the YAML; ``line`` fields let late problems (found when variants are generated)
still point at the file.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from quizsvc.content.expr import Expr

Kind = Literal["numeric", "single", "multiple", "ordering", "plot_choice"]
KINDS: tuple[str, ...] = ("numeric", "single", "multiple", "ordering", "plot_choice")
TOLERANCE_KINDS: tuple[str, ...] = ("relative", "absolute", "sigfigs", "log10")
DEFAULT_TOLERANCE: dict[str, float] = {"relative": 0.05}
DEFAULT_CHOICE_TOLERANCE: dict[str, float] = {"relative": 0.02}

# A template value: a literal from the YAML or an expression (a string starting with "=").
Value = Any


@dataclass(frozen=True)
class Objective:
    id: str
    text: str


@dataclass(frozen=True)
class ParamSpec:
    """How one parameter is drawn: ``int``, ``choice``, ``uniform`` or ``loguniform``."""

    name: str
    form: str
    values: tuple[Any, ...]
    round: int | None = None
    line: int = 0

    def draw(self, rng: random.Random) -> Any:
        if self.form == "choice":
            return self.values[rng.randrange(len(self.values))]
        lo, hi = self.values
        if self.form == "int":
            return rng.randint(int(lo), int(hi))
        if self.form == "uniform":
            x = rng.uniform(lo, hi)
        else:
            x = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        return round(x, self.round) if self.round is not None else x

    def extremes(self) -> tuple[Any, ...]:
        """The values at the edges of the range (every value for a choice)."""
        return self.values


@dataclass(frozen=True)
class SimSpec:
    """A simulation of a template: engine fields, each a literal or an expression."""

    name: str
    fields: dict[str, Value]
    line: int
    field_lines: dict[str, int]


@dataclass(frozen=True)
class FigureSpec:
    """A figure of a question (in ``figures:`` or as a plot_choice option)."""

    kind: str
    sims: tuple[str, ...]
    hide: tuple[str, ...] = ()
    caption: str = ""
    labels: tuple[str, ...] | None = None
    theory: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    correct: Value = False
    feedback: str = ""
    value: Value = None
    line: int = 0


@dataclass(frozen=True)
class ItemSpec:
    label: str
    key: Value
    line: int = 0


@dataclass(frozen=True)
class OptionSpec:
    """A plot_choice option: a figure plus whether it is the one that matches."""

    figure: FigureSpec
    correct: Value = False
    feedback: str = ""
    line: int = 0


@dataclass(frozen=True)
class Misconception:
    value: Value
    feedback: str
    line: int = 0


@dataclass(frozen=True)
class AnswerSpec:
    value: Value
    tolerance: dict[str, float]
    format: str = ".4g"
    line: int = 0


@dataclass(frozen=True)
class QuestionTemplate:
    """A validated question template; :func:`quizsvc.quiz.generate` turns it into variants."""

    id: str
    lesson_id: str
    kind: str
    objectives: tuple[str, ...]
    difficulty: int
    tags: tuple[str, ...]
    content_hash: str
    path: str
    line: int
    prompt: str
    params: dict[str, ParamSpec] = field(default_factory=dict)
    constraints: tuple[Expr, ...] = ()
    sims: dict[str, SimSpec] = field(default_factory=dict)
    values: tuple[tuple[str, Value, int], ...] = ()
    figures: tuple[FigureSpec, ...] = ()
    answer: AnswerSpec | None = None
    misconceptions: tuple[Misconception, ...] = ()
    choices: tuple[ChoiceSpec, ...] = ()
    shuffle: bool = True
    choice_tolerance: dict[str, float] = field(default_factory=lambda: DEFAULT_CHOICE_TOLERANCE)
    items: tuple[ItemSpec, ...] = ()
    order: str = "ascending"
    options: tuple[OptionSpec, ...] = ()
    hints: tuple[str, ...] = ()
    explanation: str = ""


@dataclass(frozen=True)
class LiveFigure:
    """A figure in the prose, drawn from fresh simulations each time the page is shown."""

    id: str
    lesson_id: str
    kind: str
    caption: str
    sims: dict[str, dict[str, Any]]
    theory: bool = False
    hide: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    order: int
    objectives: tuple[Objective, ...]
    prerequisites: tuple[str, ...]
    tags: tuple[str, ...]
    path: Path
    content_hash: str
    html: str
    figures: dict[str, LiveFigure]
    questions: tuple[QuestionTemplate, ...]
    word_count: int

    def objective(self, objective_id: str) -> Objective:
        for objective in self.objectives:
            if objective.id == objective_id:
                return objective
        raise KeyError(objective_id)
