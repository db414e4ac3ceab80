"""Validation of ``question`` blocks into :class:`QuestionTemplate`.

The keys every question shares are read here; each kind reads its own (``quizsvc.kinds``)
through :class:`_Fields`, which reports at the line of the offending key or value. Every check
keeps going, so one run shows every problem of a template (docs/authoring.md describes the
schema for people).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from quizsvc.content.expr import Expr
from quizsvc.content.exprlimits import format_problem
from quizsvc.content.figures import check_question_figures, parse_figure
from quizsvc.content.model import FigureSpec, ParamSpec, QuestionTemplate, SimSpec
from quizsvc.content.params import parse_param, parse_tolerance
from quizsvc.content.problems import Loc, Reporter, unknown_message
from quizsvc.content.reader import IDENTIFIER, SLUG, Reader, as_map, slugify, type_name
from quizsvc.content.scope import RESERVED, Scope, parse_expression, parse_value
from quizsvc.content.simcheck import check_template_sims
from quizsvc.content.yamlnodes import YList, YMap
from quizsvc.kinds import REGISTRY, QuestionKind
from quizsvc.kinds.tools import Fields

COMMON_KEYS = (
    "id", "kind", "objectives", "difficulty", "tags", "params", "constraints", "sims", "values",
    "prompt", "figures", "hints", "explanation",
)  # fmt: skip
DEFAULT_DIFFICULTY = 3


def _elsewhere(kind: QuestionKind) -> dict[str, str]:
    """Keys that belong to other kinds, with a message that says which."""
    owners: dict[str, list[str]] = {}
    for other in REGISTRY.values():
        for key in other.keys:
            owners.setdefault(key, []).append(other.name)
    return {
        key: f"is for {' and '.join(names)} questions, not {kind.name}"
        for key, names in owners.items()
        if key not in kind.keys
    }


def _all_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for kind in REGISTRY.values() for k in kind.keys))


class _Builder:
    """Parses one question block; collects problems in the lesson's reporter."""

    def __init__(
        self,
        data: YMap,
        rep: Reporter,
        objectives: Sequence[str],
        line: int,
        sections: Mapping[str, str],
    ) -> None:
        self.data = data
        self.sections = sections
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

    def kind(self) -> QuestionKind | None:
        name = self.reader.text("kind", required=True)
        if name and name not in REGISTRY:
            message, fix = unknown_message("question kind", name, REGISTRY)
            self.rep.error(self.reader.value_loc("kind"), message, fix)
        return REGISTRY.get(name)

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

    # -- texts and figures ----------------------------------------------------------------

    def hints(self) -> tuple[str, ...]:
        return self.fields().texts("hints")

    def fields(self) -> _Fields:
        """The question block as the kinds read it."""
        return _Fields(self, self.data, self.reader)

    def figures(self) -> tuple[FigureSpec, ...]:
        maps = self.fields().maps("figures", "a figure")
        found = (f.figure(f"figure {i + 1}", ()) for i, f in enumerate(maps))
        return tuple(figure for figure in found if isinstance(figure, FigureSpec))


class _Fields:
    """One mapping of a question block, as :class:`quizsvc.kinds.base.Fields` describes."""

    def __init__(self, builder: _Builder, data: YMap, reader: Reader) -> None:
        self.b = builder
        self.rep = builder.rep
        self.data = data
        self.reader = reader

    @property
    def line(self) -> int:
        return self.data.loc.line

    def _sub(self, data: YMap, what: str, at: Loc | None = None) -> _Fields:
        return _Fields(self.b, data, Reader(data, self.rep, what, at=at))

    def has(self, key: str) -> bool:
        return key in self.data

    def check_keys(self, keys: Sequence[str]) -> None:
        self.reader.check_keys(keys)

    def require(self, key: str, fix: str) -> bool:
        return self.reader.require(key, fix)

    def text(self, key: str, *, required: bool = False) -> str:
        # A missing text is reported at the mapping's first line (for a question: its first key).
        text = Reader(self.data, self.rep, self.reader.what).text(key, required=required)
        self.b.scope.check_text(self.data, key, self.rep, text)
        return text

    def texts(self, key: str) -> tuple[str, ...]:
        found = self.reader.texts(key)
        for text, line in found:
            self.b.scope.check_placeholders(text, self.rep, _line_in(text, line))
        return tuple(text for text, _ in found)

    def number_format(self, key: str, default: str) -> str:
        fmt = self.reader.text(key, default=default)
        problem = format_problem(fmt)
        if problem is None:
            try:
                format(1.2345, fmt)
            except ValueError:
                problem = f"{fmt!r} is not a number format"
        if problem:
            self.rep.error(self.reader.value_loc(key), problem, "write .3g, .2f or .1e")
            return default
        return fmt

    def word(self, key: str, allowed: Sequence[str], default: str) -> str:
        word = self.reader.text(key, required=True, default=default)
        if word not in allowed:
            message, fix = unknown_message(key, word, allowed)
            self.rep.error(self.reader.value_loc(key), message, fix)
        return word

    def flag(self, key: str, default: bool) -> bool:
        return self.reader.flag(key, default)

    def number(self, key: str, what: str) -> Any:
        """A literal number or an expression; other text is an error with a likely fix."""
        raw = self.data.get(key)
        loc = self.data.value_loc(key)
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
        return self._checked(raw, loc)

    def correct(self) -> Any:
        raw = self.data.get("correct", False)
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.startswith("="):
            return self._checked(raw, self.data.value_loc("correct"))
        self.rep.error(
            self.data.value_loc("correct"),
            f"correct must be true, false or =expression, not {raw!r}",
            "write correct: true",
        )
        return False

    def _checked(self, raw: Any, loc: Loc) -> Any:
        ok, value = parse_value(raw, loc, self.rep)
        if ok and isinstance(value, Expr):
            self.b.scope.check(value, loc, self.rep)
        return value

    def tolerance(self, key: str, default: Mapping[str, float]) -> dict[str, float]:
        return parse_tolerance(self.data, key, dict(default), self.rep)

    def mapping(self, key: str) -> Fields | None:
        data = self.reader.mapping(key)
        return self._sub(data, key, at=self.reader.key_loc(key)) if data is not None else None

    def maps(self, key: str, what: str) -> list[Fields]:
        seq = self.reader.sequence(key)
        found: list[Fields] = []
        for i, raw in enumerate(seq or []):
            assert seq is not None
            data = as_map(raw, seq.item_loc(i), self.rep, what)
            if data is not None:
                found.append(self._sub(data, what.split(" ", 1)[-1]))
        return found

    def figure(self, what: str, extra: Sequence[str]) -> FigureSpec | None:
        figure = parse_figure(self.data, self.rep, self.b.scope.sims, what, tuple(extra))
        self.b.scope.check_text(self.data, "caption", self.rep)
        return figure

    def _loc(self, key: str | None, value: bool) -> Loc:
        if key is None:
            return self.reader.at
        return self.reader.value_loc(key) if value else self.reader.key_loc(key)

    def section(self, key: str) -> tuple[str, str]:
        title = self.reader.text(key, required=True)
        anchor = self.b.sections.get(title) if title else None
        if title and anchor is None:
            message, fix = unknown_message("lesson section", title, self.b.sections)
            self.rep.error(self.reader.value_loc(key), message, fix)
        return (title, anchor) if anchor else ("", "")

    def error(self, message: str, fix: str, *, key: str | None = None, value: bool = False) -> None:
        self.rep.error(self._loc(key, value), message, fix)

    def warning(self, message: str, fix: str, *, key: str | None = None) -> None:
        self.rep.warning(self._loc(key, False), message, fix)


def parse_question(
    data: YMap,
    rep: Reporter,
    *,
    lesson_id: str,
    objectives: Sequence[str],
    source: str,
    line: int,
    sections: Mapping[str, str] | None = None,
) -> QuestionTemplate | None:
    """Validate one question block; ``None`` (with problems reported) when it has errors.

    ``sections`` are the lesson's section headings (title: anchor) that a kind may link to."""
    b = _Builder(data, rep, objectives, line, sections or {})
    kind = b.kind()
    qid = b.question_id()
    if kind is not None:
        b.reader.check_keys((*COMMON_KEYS, *kind.keys), _elsewhere(kind))
    else:
        b.reader.check_keys((*COMMON_KEYS, *_all_keys()))
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
    prompt = b.fields().text("prompt", required=True)
    figures = b.figures()
    spec = kind.parse(b.fields()) if kind is not None else None
    hints = b.hints()
    explanation = b.fields().text("explanation")
    if kind is not None and kind.self_assessed and explanation:
        rep.error(
            b.reader.key_loc("explanation"),
            f"a {kind.name} question's model answer is its explanation",
            "move what the explanation says into model_answer and remove explanation:",
        )
    elif not explanation and not (kind is not None and kind.self_assessed):
        rep.warning(Loc(line), "question has no explanation", "add explanation: | ...")
    if b.failed or kind is None or spec is None or not qid:
        return None
    template = QuestionTemplate(
        id=qid,
        lesson_id=lesson_id,
        kind=kind.name,
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
        spec=spec,
        hints=hints,
        explanation=explanation,
    )
    base = check_template_sims(template, rep)
    if base is not None and not b.failed:
        check_question_figures(template, base, rep)
    return None if b.failed else template


def _line_in(text: str, first_line: int) -> Callable[[int], int]:
    """The file line of an offset into ``text``, which starts on ``first_line``."""
    return lambda offset: first_line + text[:offset].count("\n")
