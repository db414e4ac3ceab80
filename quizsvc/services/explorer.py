"""The explorer: run the networks a learner set up, draw them, and say how B differs from A.

Pages and the JSON fragment call `explore` with a parsed `ExplorerState`; it returns plain
data (figures as cached SVG, numbers, the comparison sentence) for the web layer to lay out.
The limits are the engine's own (`SimConfig` validates every field and the FLOP and memory
budgets exactly as for the CLI); a refused setting comes back with what to change, including
the largest depth, width, steps, ... that would fit the budget. Results are cached by
configuration (`quiz.SIM_CACHE`) and figures by what they show (`services.figures`), so going
back to a setting already seen costs nothing.

Links *into* the explorer are made here too: a lesson figure's networks, the networks of an
answered question (never before it is answered: their settings would give the answer away).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from quizsvc.content import Lesson
from quizsvc.content.expr import ExprError
from quizsvc.content.simcheck import sim_config
from quizsvc.plots import check_figure, render
from quizsvc.quiz import SIM_CACHE, Variant
from quizsvc.quiz.generate import MAX_SEED
from quizsvc.services import catalog
from quizsvc.services.attempts import QuestionView
from quizsvc.services.explorer_compare import Sentence, comparison, earliest_gradient
from quizsvc.services.explorer_presets import PRESETS, Preset
from quizsvc.services.explorer_state import (
    DEFAULTS,
    ExplorerState,
    Side,
    configs_query,
    parse,
    read_value,
)
from quizsvc.services.figure_store import Figure
from quizsvc.services.figures import figure_key, get_figure_cache
from quizsvc.sim import (
    ARCHS,
    FLOP_BUDGET,
    LIMITS,
    SimConfig,
    SimResult,
    ValidationError,
    estimate_flops,
    fields_for,
)

logger = logging.getLogger("quizsvc.figures")

#: Fields tried, in this order, when a configuration is over the budget.
BUDGET_FIELDS: tuple[str, ...] = ("steps", "depth", "width", "batch", "seq_len", "hidden", "seeds")


@dataclass(frozen=True)
class ShownFigure:
    title: str
    figure: Figure | None  # None: it could not be drawn (logged); the numbers still show


@dataclass(frozen=True)
class Numbers:
    """The headline numbers of one network, for the table beside the figures."""

    label: str
    flops: float
    loss: float
    earliest: float
    total_grad_norm: float
    final_loss: float | None
    diverged_at: int | None

    @property
    def budget_share(self) -> float:
        """The share of the FLOP budget this network used."""
        return self.flops / FLOP_BUDGET


@dataclass(frozen=True)
class Exploration:
    """What the explorer shows for one state: nothing to run when a side is refused."""

    state: ExplorerState
    results: dict[str, SimResult] = field(default_factory=dict)
    figures: list[ShownFigure] = field(default_factory=list)
    numbers: list[Numbers] = field(default_factory=list)
    sentence: Sentence | None = None  # str() for plain text; the page sets powers as superscripts
    problems: dict[str, dict[str, str]] = field(default_factory=dict)  # side -> field -> text

    @property
    def query(self) -> str:
        return self.state.query()


def explore(state: ExplorerState) -> Exploration:
    """Run (cached) the networks of ``state`` and draw them; refused sides say what to change."""
    problems = {s.key: _with_budget_hint(s) for s in state.sides if s.config is None}
    if problems:
        return Exploration(state=state, problems=problems)
    results = {s.key: SIM_CACHE.get(_config(s)) for s in state.sides}
    figures = _figures(state, results)
    numbers = [_numbers(key.upper(), r, state.metric) for key, r in results.items()]
    sentence = None
    if "b" in results:
        sentence = comparison(results["a"], results["b"], state.metric)
    return Exploration(state, results, figures, numbers, sentence)


def initial_state() -> ExplorerState:
    """The page with no query string: the first preset."""
    return parse(_query_args(PRESETS[0].query))


def presets() -> tuple[Preset, ...]:
    return PRESETS


def figure_links(lesson: Lesson, figure_id: str, seed: int) -> list[tuple[str, str]]:
    """(label, query string) pairs that open a lesson figure's networks, two at a time.

    ``seed`` is the figure's seed on the page being shown, so the explorer draws the very
    networks the learner was looking at.
    """
    spec = lesson.figures[figure_id]
    named = [(name, {"seed": seed % MAX_SEED, **cfg}) for name, cfg in spec.sims.items()]
    return _pairs(named)


def question_links(view: QuestionView) -> list[tuple[str, str]]:
    """Links that open an answered question's networks with its variant's exact settings.

    Empty until the feedback is revealed (a practice answer, or a finished exam): before that
    a network's settings could tell the answer away.
    """
    if not view.reveal:
        return []
    variant = Variant.from_dict(view.question.variant)
    return _pairs(_variant_networks(variant))


def _variant_networks(variant: Variant) -> list[tuple[str, dict[str, Any]]]:
    """The variant's simulations by name, as its template drew them; a template that changed
    since (or is gone) leaves the networks its figures stored."""
    try:
        template = catalog.get_catalog().template(variant.template_id)
    except KeyError:
        template = None
    if template is not None and template.content_hash == variant.content_hash:
        try:
            return [
                (name, {"seed": variant.seed % MAX_SEED, **sim_config(spec, variant.params)})
                for name, spec in template.sims.items()
            ]
        except ExprError:
            pass
    seen: dict[str, dict[str, Any]] = {}
    for figure in variant.figures:
        for label, cfg in zip(figure["labels"], figure["sims"], strict=False):
            seen.setdefault(str(label), cfg)
    return list(seen.items())


def _pairs(named: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str]]:
    """Networks two at a time (A, B), each pair as (its label, query string)."""
    links = []
    valid = []
    for name, cfg in named:
        try:
            SimConfig.from_dict(cfg)
        except ValidationError:
            continue
        valid.append((name, cfg))
    for i in range(0, len(valid), 2):
        pair = valid[i : i + 2]
        label = " against ".join(name for name, _ in pair)
        links.append((label, configs_query([cfg for _, cfg in pair])))
    return links


def _query_args(query: str) -> dict[str, str]:
    return dict(parse_qsl(query))


def _config(side: Side) -> SimConfig:
    assert side.config is not None
    return side.config


def _numbers(label: str, result: SimResult, metric: str) -> Numbers:
    final = result.steps[-1].loss if result.steps else None
    return Numbers(
        label=label,
        flops=estimate_flops(result.config),
        loss=result.loss,
        earliest=earliest_gradient(result, metric),
        total_grad_norm=result.total_grad_norm,
        final_loss=final,
        diverged_at=result.diverged_at,
    )


def _figures(state: ExplorerState, results: Mapping[str, SimResult]) -> list[ShownFigure]:
    """Overlay A and B where they are the same kind of network, else one figure each."""
    shown: list[ShownFigure] = []
    feedforward = {k: r for k, r in results.items() if not r.config.recurrent}
    recurrent = {k: r for k, r in results.items() if r.config.recurrent}
    if feedforward:
        metric = {"metric": state.metric}
        shown.append(_figure("Gradient norm per layer", "grad_norms", feedforward, metric))
        stat = {"metric": state.stat}
        shown.append(_figure("Activation statistics per layer", "layer_stats", feedforward, stat))
    if recurrent:
        shown.append(_figure("Gradient norm through time", "time_grad_norms", recurrent, {}))
    for key, result in results.items():
        if result.config.steps > 0:
            shown.append(_figure(f"Training of {key.upper()}", "training", {key: result}, {}))
    return shown


def _figure(
    title: str, kind: str, results: Mapping[str, SimResult], options: dict[str, Any]
) -> ShownFigure:
    sims = list(results.values())
    labels = [k.upper() for k in results]
    # The mean-field prediction is drawn wherever the theory covers every network shown.
    theory = check_figure(kind, sims, labels=labels, theory=True, **options) is None
    key = figure_key(
        "explore", kind, theory, sorted(options.items()), *(s.config.cache_key() for s in sims)
    )

    def draw() -> Any:
        return render(kind, sims, labels=labels, theory=theory, **options)

    try:
        return ShownFigure(title, get_figure_cache().get(key, draw))
    except Exception:  # a plotting bug must not cost the learner the numbers beside it
        logger.exception("explorer figure failed: %s of %s", kind, [s.config for s in sims])
        return ShownFigure(title, None)


def _with_budget_hint(side: Side) -> dict[str, str]:
    """A refused side's messages; over the budget, the largest values that would fit."""
    errors = dict(side.errors)
    budget = errors.get("flops")
    if budget is not None:
        fits = _fitting_values(side)
        if fits:
            errors["flops"] = (
                f"{budget}; it would fit with {', or '.join(fits)} (the rest unchanged)"
            )
    return errors


def _fitting_values(side: Side) -> list[str]:
    """Per field in BUDGET_FIELDS: the largest value that fits the budget, others unchanged."""
    relevant = fields_for(side.arch) if side.arch in ARCHS else ()
    values: dict[str, Any] = {}
    for name, raw in side.text.items():
        if name not in relevant:
            continue
        try:
            values[name] = read_value(name, raw)
        except ValueError:
            return []
    hints = []
    for name in BUDGET_FIELDS:
        current = values.get(name, DEFAULTS[name])
        if name not in relevant or not isinstance(current, int) or isinstance(current, bool):
            continue
        best = _largest_fitting(values, name, int(LIMITS[name][0]), current)
        if best is not None:
            hints.append(f"{name} {best}")
    return hints


def _largest_fitting(values: dict[str, Any], name: str, lo: int, current: int) -> int | None:
    """Binary search for the largest ``name`` below ``current`` that is within the budget."""

    def fits(value: int) -> bool:
        try:
            SimConfig.from_dict({**values, name: value})
        except ValidationError:
            return False  # over the budget (construction checks it), or another limit
        return True

    if current <= lo or not fits(lo):
        return None
    good, bad = lo, current
    while bad - good > 1:
        mid = (good + bad) // 2
        if fits(mid):
            good = mid
        else:
            bad = mid
    return good
