"""Checking simulation settings against the engine before anything runs.

The engine owns its limits (``quizsvc.sim.LIMITS``, the FLOP budget); we only ask it, through
``SimConfig.from_dict``, and translate its ``ValidationError`` into a problem at the right line:
the setting's line for literals, the parameter's line when a parameter range can reach a value
the engine refuses.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from quizsvc.content.expr import Expr, ExprError
from quizsvc.content.model import QuestionTemplate, SimSpec
from quizsvc.content.problems import Loc, Reporter
from quizsvc.sim import SimConfig, ValidationError

MAX_DRAWS = 1000


class DrawError(Exception):
    """No parameter draw satisfies the constraints (or a constraint cannot be evaluated)."""


def engine_errors(config: Mapping[str, Any]) -> list[ValidationError]:
    """Every error the engine finds in ``config``: drop each offending field and ask again."""
    remaining = dict(config)
    errors: list[ValidationError] = []
    for _ in range(len(config) + 1):
        try:
            SimConfig.from_dict(remaining)
            return errors
        except ValidationError as exc:
            errors.append(exc)
            if exc.field not in remaining:
                return errors
            del remaining[exc.field]
    return errors


def report_literal_config(
    config: Mapping[str, Any], line: int, field_lines: Mapping[str, int], rep: Reporter, name: str
) -> bool:
    """Report engine errors of a fully literal configuration (live figures); True if none."""
    errors = engine_errors(config)
    for err in errors:
        where = Loc(field_lines.get(err.field, line))
        rep.error(where, f"simulation {name!r}: {err}", f"allowed: {err.allowed}")
    return not errors


def resolve(value: Any, env: Mapping[str, object]) -> Any:
    """Evaluate an expression (also inside lists); literals pass through."""
    if isinstance(value, Expr):
        return value.evaluate(env)
    if isinstance(value, list):
        return [resolve(v, env) for v in value]
    return value


def sim_config(spec: SimSpec, params: Mapping[str, object]) -> dict[str, Any]:
    """The engine settings of ``spec`` for drawn ``params``; raises :class:`ExprError`."""
    return {key: resolve(value, params) for key, value in spec.fields.items()}


def constraints_hold(template: QuestionTemplate, params: Mapping[str, object]) -> bool:
    try:
        return all(bool(c.evaluate(params)) for c in template.constraints)
    except ExprError as exc:
        raise DrawError(f"a constraint cannot be evaluated: {exc}") from exc


def draw_params(template: QuestionTemplate, rng: random.Random) -> dict[str, object]:
    """Draw every parameter until all constraints hold (at most :data:`MAX_DRAWS` times)."""
    for _ in range(MAX_DRAWS):
        params = {name: spec.draw(rng) for name, spec in template.params.items()}
        if constraints_hold(template, params):
            return params
    raise DrawError(f"no draw out of {MAX_DRAWS} satisfies the constraints")


def _uses(value: Any, name: str) -> bool:
    if isinstance(value, Expr):
        return name in value.names()
    if isinstance(value, list):
        return any(_uses(v, name) for v in value)
    return False


def _is_bare(value: Any, name: str) -> bool:
    return isinstance(value, Expr) and value.source.strip() == name


def check_template_sims(template: QuestionTemplate, rep: Reporter) -> dict[str, object] | None:
    """Validate every simulation at a sample draw, each parameter's extremes and the maxima.

    A problem that a parameter causes is reported at the parameter's line (an error that the
    sample draw already shows belongs to the setting's line, unless the setting is just a
    parameter); each (simulation, setting) pair is reported once. Returns the sample draw.
    """
    try:
        base = draw_params(template, random.Random(0))
    except DrawError as exc:
        rep.error(Loc(template.line), str(exc), "loosen the constraints or widen the ranges")
        return None
    reported: set[tuple[str, str]] = set()
    deferred: list[tuple[SimSpec, str, ValidationError]] = []
    for spec in template.sims.values():
        for err in _errors_at(spec, base, rep):
            bare = [n for n in template.params if _is_bare(spec.fields.get(err.field), n)]
            if bare:  # the parameter's extremes below will name the value that fails
                deferred.append((spec, bare[0], err))
                continue
            reported.add((spec.name, err.field))
            line = spec.field_lines.get(err.field, spec.line)
            rep.error(Loc(line), f"simulation {spec.name!r}: {err}", f"allowed: {err.allowed}")
    for name, param in template.params.items():
        for extreme in param.extremes():
            trial = {**base, name: extreme}
            holds = _holds(template, trial)
            for spec in template.sims.values():
                if any(_uses(v, name) for v in spec.fields.values()):
                    _check_extreme(template, spec, trial, name, extreme, holds, rep, reported)
    for spec, name, err in deferred:
        if (spec.name, err.field) not in reported:
            reported.add((spec.name, err.field))
            _report_param(template, spec, name, base[name], err, True, rep)
    _check_corners(template, base, rep, reported)
    return base


def _errors_at(spec: SimSpec, params: Mapping[str, object], rep: Reporter) -> list[ValidationError]:
    try:
        return engine_errors(sim_config(spec, params))
    except ExprError as exc:
        rep.error(Loc(spec.line), f"simulation {spec.name!r}: {exc}", "fix the expression")
        return []


def _report_param(
    template: QuestionTemplate,
    spec: SimSpec,
    name: str,
    value: object,
    err: ValidationError,
    bare: bool,
    rep: Reporter,
) -> None:
    fix = (
        f"keep {name} within {err.allowed}"
        if bare
        else f"narrow the range of {name} or add a constraint (allowed: {err.allowed})"
    )
    rep.error(
        Loc(template.params[name].line),
        f"parameter {name} can be {value!r}, and then simulation {spec.name!r} fails: {err}",
        fix,
    )


def _holds(template: QuestionTemplate, params: Mapping[str, object]) -> bool:
    try:
        return constraints_hold(template, params)
    except DrawError:
        return False


def _check_extreme(
    template: QuestionTemplate,
    spec: SimSpec,
    trial: Mapping[str, object],
    name: str,
    extreme: object,
    holds: bool,
    rep: Reporter,
    reported: set[tuple[str, str]],
) -> None:
    """Report what a parameter at one end of its range does to one simulation.

    A draw that breaks the constraints is never used, so it only counts when the setting is the
    parameter itself (``depth: =depth``): the declared range must then fit the engine's.
    """
    try:
        errors = engine_errors(sim_config(spec, trial))
    except ExprError:
        return
    for err in errors:
        setting = spec.fields.get(err.field)
        caused = err.field not in spec.fields or _uses(setting, name)
        bare = _is_bare(setting, name)
        if caused and (holds or bare) and (spec.name, err.field) not in reported:
            reported.add((spec.name, err.field))
            _report_param(template, spec, name, extreme, err, bare, rep)


def _check_corners(
    template: QuestionTemplate,
    base: Mapping[str, object],
    rep: Reporter,
    reported: set[tuple[str, str]],
) -> None:
    """All numeric ranges at their maxima together: the FLOP budget is a product of them."""
    ranged = {
        n: max(p.values)
        for n, p in template.params.items()
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p.values)
    }
    if len(ranged) < 2:
        return
    corner = {**base, **ranged}
    if not _holds(template, corner):
        return
    shown = ", ".join(f"{n}={corner[n]!r}" for n in ranged)
    for spec in template.sims.values():
        for err in _errors_at(spec, corner, rep):
            if (spec.name, err.field) in reported:
                continue
            reported.add((spec.name, err.field))
            line = spec.field_lines.get(err.field, spec.line)
            rep.error(
                Loc(line),
                f"simulation {spec.name!r} with {shown}: {err}",
                f"narrow the ranges or add a constraint (allowed: {err.allowed})",
            )
