"""Validation of ``question`` blocks into :class:`QuestionTemplate`.

The schema lives here and only here (docs/authoring.md describes it for people). Every check
reports at the line of the offending key or value and keeps going, so one run shows every
problem of a template.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from quizsvc.content.expr import Expr
from quizsvc.content.exprlimits import format_problem
from quizsvc.content.figures import check_question_figures, parse_figure
from quizsvc.content.model import (
    DEFAULT_CHOICE_TOLERANCE,
    DEFAULT_TOLERANCE,
    KINDS,
    AnswerSpec,
    ChoiceSpec,
    ItemSpec,
    Misconception,
    OptionSpec,
    ParamSpec,
    QuestionTemplate,
    SimSpec,
)
from quizsvc.content.params import parse_param, parse_tolerance
from quizsvc.content.problems import Loc, Reporter, unknown_message
from quizsvc.content.reader import IDENTIFIER, SLUG, Reader, as_map, slugify, type_name
from quizsvc.content.scope import RESERVED, Scope, parse_expression, parse_value
from quizsvc.content.simcheck import check_template_sims
from quizsvc.content.yamlnodes import YList, YMap

COMMON_KEYS = (
    "id", "kind", "objectives", "difficulty", "tags", "params", "constraints", "sims", "values",
    "prompt", "figures", "hints", "explanation",
)  # fmt: skip
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "numeric": ("answer", "misconceptions"),
    "single": ("choices", "shuffle", "choice_tolerance"),
    "multiple": ("choices", "shuffle", "choice_tolerance"),
    "ordering": ("items", "order"),
    "plot_choice": ("options", "shuffle"),
}
ALL_KEYS = (*COMMON_KEYS, *{k for keys in KIND_KEYS.values() for k in keys})
ORDERS = ("ascending", "descending")
DEFAULT_DIFFICULTY = 3


def _elsewhere(kind: str) -> dict[str, str]:
    """Keys that belong to another kind, with a message that says which."""
    result: dict[str, str] = {}
    for keys in KIND_KEYS.values():
        for key in keys:
            if key not in KIND_KEYS[kind] and key not in result:
                owners = [k for k, ks in KIND_KEYS.items() if key in ks]
                result[key] = f"is for {' and '.join(owners)} questions, not {kind}"
    return result


class _Builder:
    """Parses one question block; collects problems in the lesson's reporter."""

    def __init__(self, data: YMap, rep: Reporter, objectives: Sequence[str], line: int) -> None:
        self.data = data
        self.rep = rep
        self.at = Loc(line)
        self.reader = Reader(data, rep, "question", at=self.at)
        self.objectives = objectives
        self.scope = Scope()
        self.start_errors = sum(p.severity == "error" for p in rep.problems)

    @property
    def failed(self) -> bool:
        return sum(p.severity == "error" for p in self.rep.problems) > self.start_errors

    # -- header ---------------------------------------------------------------------------

    def kind(self) -> str:
        kind = self.reader.text("kind", required=True)
        if kind and kind not in KINDS:
            message, fix = unknown_message("question kind", kind, KINDS)
            self.rep.error(self.reader.value_loc("kind"), message, fix)
            return ""
        return kind

    def question_id(self) -> str:
        qid = self.reader.text("id", required=True)
        if qid and not SLUG.match(qid):
            self.rep.error(
                self.reader.value_loc("id"),
                f"question id {qid!r} is not lowercase-with-dashes",
                f"write id: {slugify(qid)}",
            )
        return qid

    def objective_ids(self) -> tuple[str, ...]:
        ids = self.reader.words("objectives")
        if not ids:
            self.rep.error(self.at, "question tests no objective", "add objectives: [objective-id]")
        for oid in ids:
            if oid not in self.objectives:
                message, fix = unknown_message("objective", oid, self.objectives)
                self.rep.error(self.reader.value_loc("objectives"), message, fix)
        return ids

    def difficulty(self) -> int:
        if "difficulty" not in self.data:
            self.rep.warning(
                self.at,
                f"question has no difficulty; {DEFAULT_DIFFICULTY} is assumed",
                "add difficulty: 1..5",
            )
        return self.reader.integer("difficulty", 1, 5, default=DEFAULT_DIFFICULTY) or 1

    # -- parameters, simulations, values --------------------------------------------------

    def params(self) -> dict[str, ParamSpec]:
        result: dict[str, ParamSpec] = {}
        mapping = self.reader.mapping("params")
        if mapping is None:
            return result
        for name, raw in mapping.items():
            if not self._new_name(name, mapping.key_loc(name)):
                continue
            spec = parse_param(
                name, raw, mapping.value_loc(name), mapping.key_loc(name).line, self.rep
            )
            if spec is not None:
                result[name] = spec
                self.scope.params.add(name)
        return result

    def _new_name(self, name: str, loc: Loc) -> bool:
        if not IDENTIFIER.match(name):
            self.rep.error(
                loc, f"{name!r} is not a usable name", "use letters, digits and _ (g1, depth)"
            )
            return False
        if name in RESERVED:
            self.rep.error(loc, f"{name!r} is a built-in name", f"rename it, e.g. {name}_")
            return False
        if name in self.scope.visible():
            self.rep.error(loc, f"{name!r} is defined twice", "give it another name")
            return False
        return True

    def constraints(self) -> tuple[Expr, ...]:
        seq = self.reader.sequence("constraints")
        result = []
        for i, raw in enumerate(seq or []):
            loc = seq.item_loc(i) if seq is not None else self.at
            expr = parse_expression(raw, loc, self.rep, "a constraint")
            if expr is not None and self.scope.check(expr, loc, self.rep, sims=False):
                result.append(expr)
        return tuple(result)

    def sims(self) -> dict[str, SimSpec]:
        result: dict[str, SimSpec] = {}
        mapping = self.reader.mapping("sims")
        for name, raw in (mapping or {}).items():
            assert mapping is not None
            if not self._new_name(name, mapping.key_loc(name)):
                continue
            config = as_map(raw, mapping.value_loc(name), self.rep, f"simulation {name}")
            if config is None:
                continue
            fields: dict[str, Any] = {}
            for key, value in config.items():
                fields[key] = self._sim_value(value, config.value_loc(key))
            lines = {key: config.key_loc(key).line for key in config}
            result[name] = SimSpec(name, fields, mapping.key_loc(name).line, lines)
            self.scope.sims.add(name)
        return result

    def _sim_value(self, raw: Any, loc: Loc) -> Any:
        if isinstance(raw, YList):
            return [self._sim_value(v, raw.item_loc(i)) for i, v in enumerate(raw)]
        ok, value = parse_value(raw, loc, self.rep)
        if ok and isinstance(value, Expr):
            self.scope.check(value, loc, self.rep, sims=False)
        return value

    def values(self) -> tuple[tuple[str, Any, int], ...]:
        mapping = self.reader.mapping("values")
        if mapping is None:
            return ()
        self.scope.later = {n for n in mapping if IDENTIFIER.match(n)}
        result = []
        for name, raw in mapping.items():
            self.scope.later.discard(name)
            loc = mapping.value_loc(name)
            if not self._new_name(name, mapping.key_loc(name)):
                continue
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                value: Any = raw
            else:
                value = parse_expression(raw, loc, self.rep, f"value {name}")
                if value is not None:
                    self.scope.check(value, loc, self.rep)
            self.scope.values.append(name)
            result.append((name, value, loc.line))
        return tuple(result)

    # -- texts -----------------------------------------------------------------------------

    def text(self, data: YMap, key: str, *, required: bool = False) -> str:
        text = Reader(data, self.rep, "question").text(key, required=required)
        self.scope.check_text(data, key, self.rep, text)
        return text

    def hints(self) -> tuple[str, ...]:
        hints = self.reader.texts("hints")
        for text, line in hints:
            self.scope.check_placeholders(text, self.rep, _line_in(text, line))
        return tuple(text for text, _ in hints)

    # -- answers ---------------------------------------------------------------------------

    def number(self, data: YMap, key: str, what: str) -> Any:
        """A literal number or an expression; other text is an error with a likely fix."""
        raw = data.get(key)
        loc = data.value_loc(key)
        if isinstance(raw, str) and not raw.startswith("="):
            self.rep.error(
                loc, f"{what} {raw!r} is neither a number nor an expression", f"write {key}: ={raw}"
            )
            return None
        if raw is None or isinstance(raw, (bool, YMap, YList)):
            self.rep.error(
                loc,
                f"{what} must be a number or an expression, not {type_name(raw)}",
                f"write {key}: =name",
            )
            return None
        ok, value = parse_value(raw, loc, self.rep)
        if ok and isinstance(value, Expr):
            self.scope.check(value, loc, self.rep)
        return value

    def correct_flag(self, data: YMap) -> Any:
        raw = data.get("correct", False)
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.startswith("="):
            ok, value = parse_value(raw, data.value_loc("correct"), self.rep)
            if ok and isinstance(value, Expr):
                self.scope.check(value, data.value_loc("correct"), self.rep)
            return value
        self.rep.error(
            data.value_loc("correct"),
            f"correct must be true, false or =expression, not {raw!r}",
            "write correct: true",
        )
        return False

    def answer(self) -> AnswerSpec | None:
        data = self.reader.mapping("answer")
        if data is None:
            self.reader.require("answer", "add answer: {value: =x, tolerance: {relative: 0.05}}")
            return None
        reader = Reader(data, self.rep, "answer", at=self.reader.key_loc("answer"))
        reader.check_keys(("value", "tolerance", "format"))
        if not reader.require("value", "add value: =name"):
            return None
        value = self.number(data, "value", "answer value")
        tolerance = parse_tolerance(data, "tolerance", DEFAULT_TOLERANCE, self.rep)
        fmt = reader.text("format", default=".4g")
        problem = format_problem(fmt)
        if problem is None:
            try:
                format(1.2345, fmt)
            except ValueError:
                problem = f"{fmt!r} is not a number format"
        if problem:
            self.rep.error(reader.value_loc("format"), problem, "write .3g, .2f or .1e")
            fmt = ".4g"
        return AnswerSpec(value, tolerance, fmt, data.loc.line)

    def misconceptions(self) -> tuple[Misconception, ...]:
        result = []
        for data in self._maps("misconceptions", "a misconception"):
            Reader(data, self.rep, "misconception").check_keys(("value", "feedback"))
            value = self.number(data, "value", "misconception value")
            feedback = self.text(data, "feedback", required=True)
            result.append(Misconception(value, feedback, data.loc.line))
        return tuple(result)

    def _maps(self, key: str, what: str) -> list[YMap]:
        seq = self.reader.sequence(key)
        maps = []
        for i, raw in enumerate(seq or []):
            assert seq is not None
            data = as_map(raw, seq.item_loc(i), self.rep, what)
            if data is not None:
                maps.append(data)
        return maps

    def choices(self, kind: str) -> tuple[ChoiceSpec, ...]:
        result = []
        for data in self._maps("choices", "a choice"):
            Reader(data, self.rep, "choice").check_keys(("text", "correct", "feedback", "value"))
            text = self.text(data, "text", required=True)
            correct = self.correct_flag(data)
            feedback = self.text(data, "feedback")
            value = self.number(data, "value", "choice value") if "value" in data else None
            if not feedback and correct is False:
                self.rep.warning(
                    data.loc,
                    "distractor without feedback",
                    "add feedback: that names the misconception",
                )
            result.append(ChoiceSpec(text, correct, feedback, value, data.loc.line))
        self._count_correct(kind, [c.correct for c in result], "choices", 2)
        return tuple(result)

    def _count_correct(self, kind: str, flags: list[Any], key: str, minimum: int) -> None:
        if len(flags) < minimum:
            self.rep.error(
                self.reader.key_loc(key) if key in self.data else self.at,
                f"a {kind} question needs at least {minimum} {key}",
                f"add {key}",
            )
            return
        if any(isinstance(f, Expr) for f in flags):
            return
        count = sum(1 for f in flags if f is True)
        if kind in ("single", "plot_choice") and count != 1:
            self.rep.error(
                self.reader.key_loc(key),
                f"a {kind} question needs exactly one correct entry in {key}, found {count}",
                "mark one with correct: true",
            )
        if kind == "multiple" and count == 0:
            self.rep.error(
                self.reader.key_loc(key),
                "no choice is marked correct",
                "mark at least one with correct: true",
            )

    def items(self) -> tuple[ItemSpec, ...]:
        result = []
        for data in self._maps("items", "an item"):
            Reader(data, self.rep, "item").check_keys(("label", "key"))
            label = self.text(data, "label", required=True)
            if "key" not in data:
                self.rep.error(data.loc, "item has no key", "add key: =expression to sort by")
                continue
            result.append(ItemSpec(label, self.number(data, "key", "item key"), data.loc.line))
        # The first shown order is never the answer, so with two items it would give the
        # answer away (it is the reverse); three items leave five candidate orders.
        if len(result) < 3:
            self.rep.error(
                self.at,
                "an ordering question needs at least 3 items",
                "add items: with 2 the answer is the reverse of the order shown",
            )
        return tuple(result)

    def order(self) -> str:
        order = self.reader.text("order", required=True, default="ascending")
        if order not in ORDERS:
            message, fix = unknown_message("order", order, ORDERS)
            self.rep.error(self.reader.value_loc("order"), message, fix)
        return order

    def options(self) -> tuple[OptionSpec, ...]:
        result = []
        for i, data in enumerate(self._maps("options", "an option")):
            figure = parse_figure(
                data, self.rep, self.scope.sims, f"option {i + 1}", ("correct", "feedback")
            )
            correct = self.correct_flag(data)
            feedback = self.text(data, "feedback")
            self.scope.check_text(data, "caption", self.rep)
            if figure is not None:
                result.append(OptionSpec(figure, correct, feedback, data.loc.line))
        self._count_correct("plot_choice", [o.correct for o in result], "options", 2)
        return tuple(result)

    def figures(self) -> tuple[Any, ...]:
        result = []
        for i, data in enumerate(self._maps("figures", "a figure")):
            figure = parse_figure(data, self.rep, self.scope.sims, f"figure {i + 1}")
            if figure is not None:
                self.scope.check_text(data, "caption", self.rep)
                result.append(figure)
        return tuple(result)


def parse_question(
    data: YMap,
    rep: Reporter,
    *,
    lesson_id: str,
    objectives: Sequence[str],
    source: str,
    line: int,
) -> QuestionTemplate | None:
    """Validate one question block; ``None`` (with problems reported) when it has errors."""
    b = _Builder(data, rep, objectives, line)
    kind = b.kind()
    qid = b.question_id()
    b.reader.check_keys(
        (*COMMON_KEYS, *KIND_KEYS[kind]) if kind else ALL_KEYS, _elsewhere(kind) if kind else None
    )
    objective_ids = b.objective_ids()
    difficulty = b.difficulty()
    tags = b.reader.words("tags")
    params = b.params()
    values_map, sims_map = data.get("values"), data.get("sims")
    b.scope.later = {
        name for names in (values_map, sims_map) if isinstance(names, YMap) for name in names
    }
    constraints = b.constraints()
    sims = b.sims()
    values = b.values()
    prompt = b.text(data, "prompt", required=True)
    figures = b.figures()
    extra: dict[str, Any] = {}
    if kind == "numeric":
        extra["answer"] = b.answer()
        extra["misconceptions"] = b.misconceptions()
    elif kind in ("single", "multiple"):
        extra["choices"] = b.choices(kind)
        extra["shuffle"] = b.reader.flag("shuffle", True)
        extra["choice_tolerance"] = parse_tolerance(
            data, "choice_tolerance", DEFAULT_CHOICE_TOLERANCE, rep
        )
    elif kind == "ordering":
        extra["items"] = b.items()
        extra["order"] = b.order()
    elif kind == "plot_choice":
        extra["options"] = b.options()
        extra["shuffle"] = b.reader.flag("shuffle", True)
    hints = b.hints()
    explanation = b.text(data, "explanation")
    if not explanation:
        rep.warning(Loc(line), "question has no explanation", "add explanation: | ...")
    if b.failed or not kind or not qid:
        return None
    template = QuestionTemplate(
        id=qid,
        lesson_id=lesson_id,
        kind=kind,
        objectives=objective_ids,
        difficulty=difficulty,
        tags=tags,
        content_hash=hashlib.sha256(source.encode()).hexdigest()[:16],
        path=rep.path,
        line=line,
        prompt=prompt,
        params=params,
        constraints=constraints,
        sims=sims,
        values=values,
        figures=figures,
        hints=hints,
        explanation=explanation,
        **extra,
    )
    base = check_template_sims(template, rep)
    if base is not None and not b.failed:
        check_question_figures(template, base, rep)
    return None if b.failed else template


def _line_in(text: str, first_line: int) -> Callable[[int], int]:
    """The file line of an offset into ``text``, which starts on ``first_line``."""
    return lambda offset: first_line + text[:offset].count("\n")
