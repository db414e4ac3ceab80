"""``generate(template, seed) -> Variant``: a pure function of the template, seed and engine.

Parameters come from a generator seeded by the template id and the seed; simulations get the
seed too (unless the template fixes one) and come from the shared cache; every text is filled
and rendered to sanitized HTML here, so the web layer only displays.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from quizsvc.content.expr import ExprError, Record, Series
from quizsvc.content.exprlimits import variant_budget
from quizsvc.content.markdown import render_markdown
from quizsvc.content.model import FigureSpec, QuestionTemplate
from quizsvc.content.placeholders import fill, format_value
from quizsvc.content.simcheck import DrawError, draw_params, resolve, sim_config
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
    choices, key = _KINDS[template.kind](template, env, builder, rng, figures, configs)
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


_Choices = tuple[list[dict[str, Any]], dict[str, Any]]
_IDS = "abcdefghijklmnopqrstuvwxyz"


def _numeric(template: QuestionTemplate, env: Env, texts: _Texts, *_: Any) -> _Choices:
    answer = template.answer
    assert answer is not None
    value = _number(answer.value, env, answer.line, "the answer")
    misconceptions = []
    for m in template.misconceptions:
        result = _eval(m.value, env, m.line)
        # A misconception that is not a finite number cannot match any answer: leave it out.
        if (
            isinstance(result, (int, float))
            and not isinstance(result, bool)
            and math.isfinite(result)
        ):
            misconceptions.append(
                {"value": float(result), "feedback_html": texts.html(m.feedback, m.line)}
            )
    key = {
        "value": value,
        "tolerance": dict(answer.tolerance),
        "format": answer.format,
        "display": format(value, answer.format),
        "misconceptions": misconceptions,
    }
    return [], key


def _flag(value: Any, env: Env, line: int) -> bool:
    result = _eval(value, env, line)
    if not isinstance(result, bool):
        raise VariantError(f"correct: must be true or false, got {format_value(result)}", line)
    return result


def _select(
    template: QuestionTemplate, env: Env, texts: _Texts, rng: random.Random, *_: Any
) -> _Choices:
    entries = []
    for spec in template.choices:
        value = None
        if spec.value is not None:
            value = _number(spec.value, env, spec.line, "a choice value")
        entries.append({
            "html": texts.html(spec.text, spec.line),
            "correct": _flag(spec.correct, env, spec.line),
            "feedback_html": texts.html(spec.feedback, spec.line),
            "value": value,
        })  # fmt: skip
    if template.shuffle:
        rng.shuffle(entries)
    for i, entry in enumerate(entries):
        entry["id"] = _IDS[i]
    correct = [e["id"] for e in entries if e["correct"]]
    if template.kind == "single" and len(correct) != 1:
        raise VariantError(
            f"{len(correct)} choices are correct; a single question needs one", template.line
        )
    if not correct:
        raise VariantError("no choice is correct", template.line)
    key = {
        "correct": correct,
        "feedback": {e["id"]: e["feedback_html"] for e in entries},
        "values": {e["id"]: e["value"] for e in entries if e["value"] is not None},
        "tolerance": dict(template.choice_tolerance),
    }
    return [{"id": e["id"], "html": e["html"]} for e in entries], key


def _ordering(
    template: QuestionTemplate, env: Env, texts: _Texts, rng: random.Random, *_: Any
) -> _Choices:
    entries: list[dict[str, Any]] = [
        {
            "html": texts.html(item.label, item.line),
            "key": _number(item.key, env, item.line, "an item key"),
        }
        for item in template.items
    ]
    rng.shuffle(entries)
    for i, entry in enumerate(entries):
        entry["id"] = _IDS[i]
    ordered = sorted(entries, key=lambda e: e["key"], reverse=template.order == "descending")
    if len(entries) > 1 and [e["id"] for e in ordered] == [e["id"] for e in entries]:
        entries = entries[1:] + entries[:1]
        for i, entry in enumerate(entries):
            entry["id"] = _IDS[i]
        ordered = sorted(entries, key=lambda e: e["key"], reverse=template.order == "descending")
    key = {
        "order": [e["id"] for e in ordered],
        "keys": {e["id"]: e["key"] for e in entries},
        "direction": template.order,
    }
    return [{"id": e["id"], "html": e["html"]} for e in entries], key


def _plot_choice(
    template: QuestionTemplate,
    env: Env,
    texts: _Texts,
    rng: random.Random,
    figures: list[dict[str, Any]],
    configs: Mapping[str, dict[str, Any]],
) -> _Choices:
    entries: list[dict[str, Any]] = [
        {
            "figure": _figure(option.figure, configs, texts, "option"),
            "correct": _flag(option.correct, env, option.line),
            "feedback_html": texts.html(option.feedback, option.line),
        }
        for option in template.options
    ]
    if template.shuffle:
        rng.shuffle(entries)
    # Settings that tell the options apart must not be named by any figure's text.
    revealing = _differing_settings([e["figure"] for e in entries])
    choices = []
    for i, entry in enumerate(entries):
        entry["id"] = _IDS[i]
        entry["figure"]["hide"] = sorted(set(entry["figure"]["hide"]) | revealing)
        figures.append(entry["figure"])
        choices.append(
            {
                "id": entry["id"],
                "html": f"<p>Figure {_IDS[i].upper()}</p>",
                "figure": len(figures) - 1,
            }
        )
    correct = [e["id"] for e in entries if e["correct"]]
    if len(correct) != 1:
        raise VariantError(
            f"{len(correct)} options are correct; plot_choice needs one", template.line
        )
    key = {"correct": correct, "feedback": {e["id"]: e["feedback_html"] for e in entries}}
    return choices, key


def _differing_settings(figures: list[dict[str, Any]]) -> set[str]:
    configs = [config for figure in figures for config in figure["sims"]]
    keys = {key for config in configs for key in config}
    return {key for key in keys if len({repr(c.get(key)) for c in configs}) > 1}


_KINDS: dict[str, Callable[..., _Choices]] = {
    "numeric": _numeric,
    "single": _select,
    "multiple": _select,
    "ordering": _ordering,
    "plot_choice": _plot_choice,
}


def values_of(env: Env) -> dict[str, Any]:
    """Parameters and values as plain data (series as lists), for previews."""
    return {k: list(v) if isinstance(v, Series) else v for k, v in env.names.items()}
