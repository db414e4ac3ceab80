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
from typing import Any

from quizsvc.content.expr import Expr
from quizsvc.kinds.tolerance import TOLERANCES

TOLERANCE_KINDS = TOLERANCES

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
class QuestionTemplate:
    """A validated question template; :func:`quizsvc.quiz.generate` turns it into variants.

    ``spec`` is the kind's own part (``quizsvc.kinds``: the numeric answer, the choices, the
    items to order, ...); its fields read as the template's own (``template.choices``).
    """

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
    spec: Any = None
    hints: tuple[str, ...] = ()
    explanation: str = ""

    def __getattr__(self, name: str) -> Any:
        # Only called for names the template lacks: the kind's fields.
        if name.startswith("__") or name == "spec":
            raise AttributeError(name)
        return getattr(self.spec, name)


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
