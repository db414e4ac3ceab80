"""``generate(template, seed) -> Variant``: a pure function of the template, seed and engine.

Parameters come from a generator seeded by the template id and the seed; simulations get the
seed too (unless the template fixes one) and come from the shared cache; every text is filled
and rendered to sanitized HTML here, so the web layer only displays. The kind draws its own
choices and answer key (``quizsvc.kinds``) with the :class:`_Generation` it is lent.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from quizsvc.content.expr import ExprError, Record, Series
from quizsvc.content.exprlimits import variant_budget
from quizsvc.content.markdown import render_markdown
from quizsvc.content.model import FigureSpec, QuestionTemplate
from quizsvc.content.placeholders import fill, format_value
from quizsvc.content.simcheck import DrawError, draw_params, resolve, sim_config
from quizsvc.kinds import get as kind_of
from quizsvc.quiz.simcache import SIM_CACHE
from quizsvc.quiz.simview import Env, sim_record
from quizsvc.quiz.variant import Variant
from quizsvc.sim import ENGINE_VERSION, SimConfig, ValidationError

MAX_SEED = 2**31 - 1


class VariantError(Exception):
    """This template cannot make a valid variant for this seed; ``line`` points at the cause."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Generation:
    """A variant with what produced it (values, configurations), for checks and previews."""

    variant: Variant
    env: Env
    configs: dict[str, dict[str, Any]]


def generate(template: QuestionTemplate, seed: int) -> Variant:
    """The variant of ``template`` for ``seed``; raises :class:`VariantError` if it is broken."""
    return build(template, seed).variant


def build(template: QuestionTemplate, seed: int) -> Generation:
    """Like :func:`generate`, keeping the evaluated values and simulation settings.

    Every expression of the variant draws on one work budget (content/exprlimits.py).
    """
    with variant_budget():
        return _build(template, seed)


def _build(template: QuestionTemplate, seed: int) -> Generation:
    rng = random.Random(f"{template.id}:{seed}")
    try:
        params = draw_params(template, rng)
    except DrawError as exc:
        raise VariantError(str(exc), template.line) from exc
    configs = {name: _config(template, name, params, seed) for name in template.sims}
    sims = {name: _runner(SimConfig.from_dict(cfg)) for name, cfg in configs.items()}
    env = Env(dict(params), sims)
    for name, value, line in template.values:
        env.names[name] = _eval(value, env, line)
    builder = _Texts(env, template.line)
    figures = [_figure(spec, configs, builder, "prompt") for spec in template.figures]
    lent = _Generation(env, builder, rng, figures, configs, template.line)
    choices, key = kind_of(template.kind).generate(template.spec, lent)
    variant = Variant(
        template_id=template.id,
        lesson_id=template.lesson_id,
        kind=template.kind,
        seed=seed,
        content_hash=template.content_hash,
        engine_version=ENGINE_VERSION,
        params=dict(params),
        prompt_html=builder.html(template.prompt),
        figures=figures,
        choices=choices,
        answer_key=key,
        explanation_html=builder.html(template.explanation),
        hints_html=[builder.html(h) for h in template.hints],
        objectives=list(template.objectives),
        difficulty=template.difficulty,
    )
    return Generation(variant, env, configs)


def _config(
    template: QuestionTemplate, name: str, params: Mapping[str, object], seed: int
) -> dict[str, Any]:
    spec = template.sims[name]
    try:
        config = sim_config(spec, params)
    except ExprError as exc:
        raise VariantError(f"simulation {name!r}: {exc}", spec.line) from exc
    config.setdefault("seed", seed % MAX_SEED)
    try:
        return SimConfig.from_dict(config).to_dict()
    except ValidationError as exc:
        line = spec.field_lines.get(exc.field, spec.line)
        raise VariantError(f"simulation {name!r} is over the engine's limits: {exc}", line) from exc


def _runner(cfg: SimConfig) -> Callable[[], Record]:
    return lambda: sim_record(SIM_CACHE.get(cfg))


def _eval(value: Any, env: Mapping[str, object], line: int) -> Any:
    try:
        return resolve(value, env)
    except ExprError as exc:
        raise VariantError(str(exc), line) from exc


def _number(value: Any, env: Mapping[str, object], line: int, what: str) -> float:
    result = _eval(value, env, line)
    if isinstance(result, bool) or not isinstance(result, (int, float)):
        raise VariantError(f"{what} is not a number: {format_value(result)}", line)
    if not math.isfinite(result):
        raise VariantError(f"{what} is not finite ({result})", line)
    return float(result)


class _Texts:
    """Fills placeholders and renders Markdown, reporting failures at the template's line."""

    def __init__(self, env: Env, line: int) -> None:
        self.env = env
        self.line = line

    def html(self, text: str, line: int | None = None) -> str:
        if not text:
            return ""
        try:
            return render_markdown(fill(text, self.env))
        except ExprError as exc:
            raise VariantError(str(exc), line or self.line) from exc


def _figure(
    spec: FigureSpec, configs: Mapping[str, dict[str, Any]], texts: _Texts, role: str
) -> dict[str, Any]:
    labels = list(spec.labels) if spec.labels else None
    if labels is None:
        labels = (
            list(spec.sims)
            if role == "prompt"
            else [f"network {i + 1}" for i in range(len(spec.sims))]
        )
    return {
        "kind": spec.kind,
        "role": role,
        "sims": [configs[name] for name in spec.sims],
        "labels": labels,
        "hide": list(spec.hide),
        "theory": spec.theory,
        "options": dict(spec.options),
        "caption_html": texts.html(spec.caption, spec.line),
    }


class _Generation:
    """What a kind may use while drawing its choices and key (``quizsvc.kinds.base``)."""

    def __init__(
        self,
        env: Env,
        texts: _Texts,
        rng: random.Random,
        figures: list[dict[str, Any]],
        configs: Mapping[str, dict[str, Any]],
        line: int,
    ) -> None:
        self.env, self.texts, self.rng = env, texts, rng
        self.figures, self.configs, self.line = figures, configs, line

    def html(self, text: str, line: int) -> str:
        return self.texts.html(text, line)

    def value(self, value: Any, line: int) -> Any:
        return _eval(value, self.env, line)

    def number(self, value: Any, line: int, what: str) -> float:
        return _number(value, self.env, line, what)

    def flag(self, value: Any, line: int) -> bool:
        result = _eval(value, self.env, line)
        if not isinstance(result, bool):
            raise VariantError(f"correct: must be true or false, got {format_value(result)}", line)
        return result

    def option_figure(self, spec: FigureSpec) -> dict[str, Any]:
        return _figure(spec, self.configs, self.texts, "option")

    def add_figure(self, figure: dict[str, Any]) -> int:
        self.figures.append(figure)
        return len(self.figures) - 1

    def fail(self, message: str) -> NoReturn:
        raise VariantError(message, self.line)


def values_of(env: Env) -> dict[str, Any]:
    """Parameters and values as plain data (series as lists), for previews."""
    return {k: list(v) if isinstance(v, Series) else v for k, v in env.names.items()}
