"""The fields of a `SimResult` that other layers read by name (template expressions).

The engine owns what a simulation measures, so it owns these names: the content layer checks
``net.<field>`` against :data:`RESULT_FIELDS` when a lesson loads, and ``quiz.simview`` builds
what expressions read from the accessors below, so the two cannot list different fields.
tests/sim/test_fields.py fails when the result types gain a number that is neither exposed nor
deliberately kept back. Torch-free, like `result`, so content can import it without the engine.
"""

from __future__ import annotations

from quizsvc.sim.result import ALL_TIME_METRICS, LAYER_METRICS, SimResult

#: Per-layer series, one value per hidden layer (layer 1 nearest the input); an mlp's.
LAYER_FIELDS: tuple[str, ...] = LAYER_METRICS

#: Per-time-step series of a recurrent network (t = 1 the earliest), in place of the per-layer
#: ones: the gradient at the state (and LSTM cell), the state's size, and per gate block
#: ``<gate>_mean`` and ``<gate>_saturation``; a network has those of its own gates only.
TIME_FIELDS: tuple[str, ...] = ALL_TIME_METRICS

#: Settings a template reads back as numbers (the network's size).
CONFIG_FIELDS: tuple[str, ...] = ("depth", "seq_len", "hidden")

#: One number per simulation; ``diverged_at`` is None for a run that stayed finite.
SCALAR_FIELDS: tuple[str, ...] = (
    *CONFIG_FIELDS,
    "loss",
    "total_grad_norm",
    "clipped_grad_norm",
    "readout_grad_norm",
    "clip_cosine",
    "diverged_at",
)

#: Training traces indexed by step number: field name -> `StepStats` attribute.
STEP_FIELDS: dict[str, str] = {
    "step_loss": "loss",
    "step_grad_norm": "total_grad_norm",
    "step_clipped_grad_norm": "clipped_grad_norm",
}

RESULT_FIELDS: tuple[str, ...] = LAYER_FIELDS + TIME_FIELDS + SCALAR_FIELDS + tuple(STEP_FIELDS)


def series_fields(result: SimResult) -> tuple[str, ...]:
    """The series ``result`` offers: per layer for an mlp, per time step (of its own gates)
    for a recurrent network."""
    from quizsvc.sim.result import time_metric_names

    cfg = result.config
    return time_metric_names(cfg.gates) if cfg.recurrent else LAYER_FIELDS


def series(result: SimResult, name: str) -> list[float]:
    """The values of one of `series_fields`, layer 1 or t = 1 first."""
    return result.time_metric(name) if result.config.recurrent else result.metric(name)


def scalar(result: SimResult, name: str) -> float | int | None:
    """The value of one of :data:`SCALAR_FIELDS`."""
    if name not in SCALAR_FIELDS:
        raise ValueError(f"unknown scalar field {name!r}; choose one of {SCALAR_FIELDS}")
    if name in CONFIG_FIELDS:
        config_value: int = getattr(result.config, name)
        return config_value
    value: float | int | None = getattr(result, name)
    return value


def step_trace(result: SimResult, name: str) -> tuple[list[int], list[float]]:
    """Recorded step numbers and the values of one of :data:`STEP_FIELDS` at those steps."""
    attribute = STEP_FIELDS[name]
    return [s.step for s in result.steps], [getattr(s, attribute) for s in result.steps]
