"""The fields of a `SimResult` that other layers read by name (template expressions).

The engine owns what a simulation measures, so it owns these names: the content layer checks
``net.<field>`` against :data:`RESULT_FIELDS` when a lesson loads, and ``quiz.simview`` builds
what expressions read from the accessors below, so the two cannot list different fields.
tests/sim/test_fields.py fails when the result types gain a number that is neither exposed nor
deliberately kept back. Torch-free, like `result`, so content can import it without the engine.
"""

from __future__ import annotations

from quizsvc.sim.result import LAYER_METRICS, SimResult

#: Per-layer series, one value per hidden layer (layer 1 nearest the input).
LAYER_FIELDS: tuple[str, ...] = LAYER_METRICS

#: One number per simulation; ``diverged_at`` is None for a run that stayed finite.
SCALAR_FIELDS: tuple[str, ...] = (
    "depth",
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

RESULT_FIELDS: tuple[str, ...] = LAYER_FIELDS + SCALAR_FIELDS + tuple(STEP_FIELDS)


def scalar(result: SimResult, name: str) -> float | int | None:
    """The value of one of :data:`SCALAR_FIELDS`."""
    if name not in SCALAR_FIELDS:
        raise ValueError(f"unknown scalar field {name!r}; choose one of {SCALAR_FIELDS}")
    if name == "depth":
        return result.config.depth
    value: float | int | None = getattr(result, name)
    return value


def step_trace(result: SimResult, name: str) -> tuple[list[int], list[float]]:
    """Recorded step numbers and the values of one of :data:`STEP_FIELDS` at those steps."""
    attribute = STEP_FIELDS[name]
    return [s.step for s in result.steps], [getattr(s, attribute) for s in result.steps]
