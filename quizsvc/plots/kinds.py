"""The figure kinds, what each needs, and `check_figure` to vet a request before drawing.

The content validator imports ``FIGURE_KINDS`` and ``check_figure`` to reject a template's
figure at load time (with its line number) rather than when a learner opens the question, so
every rule a render would trip over is checked here, against results or bare configs.

These rules import neither matplotlib nor torch, so lesson files can be validated without
either: each kind names the module that draws it (``quizsvc.plots.<module>.draw``), which
`quizsvc.plots.drawing` imports when the first figure of that kind is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizsvc.plots.metrics import GRAD_NORM_METRICS, LAYER_STAT_METRICS
from quizsvc.plots.text import HIDEABLE
from quizsvc.sim import ACTIVATIONS, SimConfig, SimResult
from quizsvc.sim.errors import suggestion


@dataclass(frozen=True)
class Option:
    """A figure option: its default, a validity test and what is allowed (for messages)."""

    default: Any
    valid: Callable[[Any], bool]
    allowed: str


@dataclass(frozen=True)
class FigureKind:
    """One kind of figure: what it shows and what it needs from its simulations."""

    description: str
    requires: str
    min_sims: int
    max_sims: int
    options: Mapping[str, Option]
    module: str  # quizsvc.plots.<module> has draw(fig, request) -> Description
    rows: int = 1
    needs_training: bool = False


def _int_between(lo: int, hi: int) -> Option:
    def valid(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi

    return Option(None, valid, f"an integer {lo}..{hi}")


def _number_between(lo: float, hi: float) -> Option:
    def valid(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool) and lo <= v <= hi

    return Option(None, valid, f"a number {lo:g}..{hi:g}")


def _with_default(option: Option, default: Any) -> Option:
    return Option(default, option.valid, option.allowed)


def _choice(default: Any, choices: Iterable[Any]) -> Option:
    choices = tuple(choices)
    return Option(default, lambda v: v in choices, "one of " + ", ".join(map(str, choices)))


_BOOL = Option(True, lambda v: isinstance(v, bool), "true or false")

FIGURE_KINDS: dict[str, FigureKind] = {
    "grad_norms": FigureKind(
        description="per-layer gradient norms on a log axis, several networks overlaid, with "
        "the multi-seed band and the mean-field prediction on request",
        requires="1-8 simulations; theory needs metric output_grad_norm and no batch norm",
        min_sims=1,
        max_sims=8,
        options={
            "metric": _choice("weight_grad_norm", GRAD_NORM_METRICS),
            "band": _BOOL,
        },
        module="grad_norms",
    ),
    "activations": FigureKind(
        description="distribution of each layer's outputs with the share of saturated units",
        requires="1 simulation",
        min_sims=1,
        max_sims=1,
        options={"max_layers": _with_default(_int_between(2, 24), 10)},
        module="activations",
    ),
    "training": FigureKind(
        description="total gradient norm per step before and after clipping, the clipping "
        "threshold, and the loss; non-finite steps marked",
        requires="1 simulation with steps > 0",
        min_sims=1,
        max_sims=1,
        options={},
        module="training",
        rows=2,
        needs_training=True,
    ),
    "activation_fn": FigureKind(
        description="an activation function and its derivative with saturated regions shaded",
        requires="option activation (or 1 simulation to take it from)",
        min_sims=0,
        max_sims=1,
        options={
            "activation": _choice(None, ACTIVATIONS),
            "slope": _number_between(0.0, 1.0),
            "zmax": _with_default(_number_between(1.0, 20.0), 5.0),
        },
        module="activation_fn",
    ),
    "layer_stats": FigureKind(
        description="one per-layer statistic (activation mean or spread, saturation, dead "
        "units, <W, dL/dW>) against depth, several networks overlaid, with the multi-seed band",
        requires="1-8 simulations",
        min_sims=1,
        max_sims=8,
        options={
            "metric": _choice("activation_std", LAYER_STAT_METRICS),
            "band": _BOOL,
        },
        module="layer_stats",
    ),
    "update_ratio": FigureKind(
        description="update-to-data ratio ||dW||/||W|| per layer over training steps",
        requires="1 simulation with steps > 0",
        min_sims=1,
        max_sims=1,
        options={"max_layers": _with_default(_int_between(1, 12), 6)},
        module="update_ratio",
        needs_training=True,
    ),
}


def check_figure(
    kind: str,
    sims: Sequence[SimResult | SimConfig],
    *,
    labels: Sequence[str] | None = None,
    hide: Iterable[str] | str = (),
    theory: bool = False,
    **options: Any,
) -> str | None:
    """Why this figure cannot be drawn from ``sims`` (results or their configs), or None.

    Takes the same arguments as `quizsvc.plots.render` (except ``fmt``).
    """
    if kind not in FIGURE_KINDS:
        hint = suggestion(kind, FIGURE_KINDS)
        return f"unknown figure kind {kind!r}:{hint} allowed: {', '.join(FIGURE_KINDS)}"
    spec = FIGURE_KINDS[kind]
    configs = [s.config if isinstance(s, SimResult) else s for s in sims]
    checks = (
        _count_problem(kind, spec, len(configs)),
        _labels_problem(labels, len(configs)),
        _names_problem("hide", names(hide), HIDEABLE),
        _names_problem(f"{kind} option", options, spec.options),
        _values_problem(kind, spec, options),
        _training_problem(kind, spec, configs),
        _theory_problem(kind, configs, options, theory),
        _activation_fn_problem(kind, configs, options),
    )
    return next((c for c in checks if c), None)


def names(hide: Iterable[str] | str) -> frozenset[str]:
    """``hide`` as a set of names (a single string is one name, not its letters)."""
    return frozenset([hide]) if isinstance(hide, str) else frozenset(hide)


def _count_problem(kind: str, spec: FigureKind, n: int) -> str | None:
    if spec.min_sims <= n <= spec.max_sims:
        return None
    want = (
        str(spec.min_sims)
        if spec.min_sims == spec.max_sims
        else f"{spec.min_sims} to {spec.max_sims}"
    )
    return f"{kind} draws {want} simulation(s), got {n}"


def _labels_problem(labels: Sequence[str] | None, n: int) -> str | None:
    if labels is None or len(labels) == n:
        return None
    return f"{len(labels)} labels for {n} simulations: give one label per simulation"


def _names_problem(what: str, names: Iterable[str], allowed: Iterable[str]) -> str | None:
    allowed = sorted(allowed)
    for name in names:
        if name not in allowed:
            hint = suggestion(name, allowed)
            return f"unknown {what} {name!r}:{hint} allowed: {', '.join(allowed) or 'none'}"
    return None


def _values_problem(kind: str, spec: FigureKind, options: Mapping[str, Any]) -> str | None:
    for name, value in options.items():
        option = spec.options.get(name)
        if option is not None and value is not None and not option.valid(value):
            return f"{kind} option {name}={value!r}: allowed {option.allowed}"
    return None


def _training_problem(kind: str, spec: FigureKind, configs: list[SimConfig]) -> str | None:
    if spec.needs_training and any(c.steps == 0 for c in configs):
        return f"{kind} needs a training run: set steps > 0 in its simulation"
    return None


def _theory_problem(
    kind: str, configs: list[SimConfig], options: Mapping[str, Any], wanted: bool
) -> str | None:
    if not wanted:
        return None
    if kind != "grad_norms":
        return f"theory overlays are drawn on grad_norms only, not on {kind}"
    if options.get("metric", "weight_grad_norm") != "output_grad_norm":
        return (
            "the mean-field theory predicts the gradient at each layer's output: "
            "set the option metric: output_grad_norm"
        )
    # The mean-field recursion runs in torch: imported only for a figure that asks for theory,
    # so the rules stay importable (and lesson files checkable) without it.
    from quizsvc.sim import theory

    for cfg in configs:
        try:
            theory.mean_field_profile(cfg)
        except theory.TheoryUnavailable as err:
            return str(err)
    return None


def _activation_fn_problem(
    kind: str, configs: list[SimConfig], options: Mapping[str, Any]
) -> str | None:
    if kind == "activation_fn" and not configs and options.get("activation") is None:
        return "activation_fn needs the option activation when no simulation is given"
    return None


def defaults(kind: str) -> dict[str, Any]:
    """The kind's options with their default values."""
    return {name: option.default for name, option in FIGURE_KINDS[kind].options.items()}
