"""What a simulation measured: `SimResult` and its parts, with the documented JSON format.

Results are plain frozen dataclasses of Python floats so they can be cached, stored with a quiz
variant and rebuilt (``SimResult.from_dict``) without torch. Non-finite numbers are legitimate
results (an exploding network overflows); JSON has no encoding for them, so ``to_dict`` writes
them as null and ``from_dict`` reads null back as NaN. docs/simulate.md describes every field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from quizsvc.sim.config import SimConfig
from quizsvc.sim.limits import GATES

#: Per-layer metrics of `LayerStats`, in the order the table and the JSON use.
LAYER_METRICS: tuple[str, ...] = (
    "weight_grad_norm",
    "bias_grad_norm",
    "output_grad_norm",
    "activation_mean",
    "activation_std",
    "preactivation_std",
    "saturation",
    "dead_fraction",
    "w_dot_grad",
)


#: Per-time-step metrics of `TimeStepStats` (recurrent networks); each gate block adds
#: ``<gate>_mean`` and ``<gate>_saturation`` (see `time_metric_names`).
TIME_METRICS: tuple[str, ...] = ("hidden_grad_norm", "cell_grad_norm", "hidden_rms")


def time_metric_names(gates: tuple[str, ...]) -> tuple[str, ...]:
    """Every per-time-step metric of a cell with these gate blocks (`SimConfig.gates`)."""
    return TIME_METRICS + tuple(f"{g}_{stat}" for g in gates for stat in ("mean", "saturation"))


#: Every per-time-step metric of any recurrent architecture.
ALL_TIME_METRICS: tuple[str, ...] = tuple(
    dict.fromkeys(m for gates in GATES.values() for m in time_metric_names(gates))
)


def _json_float(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _float(x: float | None) -> float:
    return math.nan if x is None else float(x)


@dataclass(frozen=True)
class Histogram:
    """Counts of a layer's output values in ``len(counts)`` equal bins spanning [lo, hi]."""

    lo: float
    hi: float
    counts: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"lo": self.lo, "hi": self.hi, "counts": list(self.counts)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Histogram:
        return cls(float(data["lo"]), float(data["hi"]), tuple(int(c) for c in data["counts"]))


@dataclass(frozen=True)
class LayerStats:
    """Measurements of hidden layer ``index`` (1 = nearest the input) at initialisation.

    Gradient norms are Frobenius/Euclidean norms of the loss gradient before clipping;
    ``output_grad_norm`` is taken with respect to the layer's output h_l (after the residual
    sum, if any). ``activation_*`` describe h_l, ``preactivation_std`` the tensor entering the
    activation (after normalisation), ``saturation`` and ``dead_fraction`` are defined in
    docs/simulate.md, ``w_dot_grad`` is <W_l, dL/dW_l>.
    """

    index: int
    weight_grad_norm: float
    bias_grad_norm: float
    output_grad_norm: float
    activation_mean: float
    activation_std: float
    preactivation_std: float
    saturation: float
    dead_fraction: float
    w_dot_grad: float
    histogram: Histogram | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index}
        out.update({m: _json_float(getattr(self, m)) for m in LAYER_METRICS})
        out["histogram"] = self.histogram.to_dict() if self.histogram else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LayerStats:
        hist = data.get("histogram")
        return cls(
            index=int(data["index"]),
            histogram=Histogram.from_dict(hist) if hist else None,
            **{m: _float(data[m]) for m in LAYER_METRICS},
        )


@dataclass(frozen=True)
class TimeStepStats:
    """Measurements of a recurrent network at time step ``t`` (1 = the earliest) at
    initialisation. The loss is read out from the last state h_T only, so ``hidden_grad_norm``,
    ||dL/dh_t|| over the batch before clipping, is what backpropagation through time carried
    back T - t steps; ``cell_grad_norm`` is ||dL/dc_t|| for an LSTM (NaN otherwise);
    ``hidden_rms`` is sqrt(mean h_t^2). Per gate block (`SimConfig.gates`): ``gate_mean`` is the
    mean activation, ``gate_saturation`` the fraction of (example, unit) entries with
    |phi'(z)| under 10 % of its maximum.
    """

    t: int
    hidden_grad_norm: float
    cell_grad_norm: float
    hidden_rms: float
    gate_mean: dict[str, float]
    gate_saturation: dict[str, float]

    def metric(self, name: str) -> float:
        """One of `time_metric_names`: a field, or ``<gate>_mean`` / ``<gate>_saturation``."""
        if name in TIME_METRICS:
            return float(getattr(self, name))
        gate, _, stat = name.rpartition("_")
        table = {"mean": self.gate_mean, "saturation": self.gate_saturation}.get(stat, {})
        if gate not in table:
            names = ", ".join(time_metric_names(tuple(self.gate_mean)))
            raise ValueError(f"unknown time-step metric {name!r}; choose one of {names}")
        return table[gate]

    def to_dict(self) -> dict[str, Any]:
        return {
            "t": self.t,
            **{m: _json_float(getattr(self, m)) for m in TIME_METRICS},
            "gate_mean": {k: _json_float(v) for k, v in self.gate_mean.items()},
            "gate_saturation": {k: _json_float(v) for k, v in self.gate_saturation.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimeStepStats:
        return cls(
            t=int(data["t"]),
            **{m: _float(data[m]) for m in TIME_METRICS},
            gate_mean={k: _float(v) for k, v in data["gate_mean"].items()},
            gate_saturation={k: _float(v) for k, v in data["gate_saturation"].items()},
        )


@dataclass(frozen=True)
class StepStats:
    """One optimiser step: the loss and gradient norms measured before the update."""

    step: int
    loss: float
    total_grad_norm: float
    clipped_grad_norm: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "loss": _json_float(self.loss),
            "total_grad_norm": _json_float(self.total_grad_norm),
            "clipped_grad_norm": _json_float(self.clipped_grad_norm),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepStats:
        return cls(
            int(data["step"]),
            _float(data["loss"]),
            _float(data["total_grad_norm"]),
            _float(data["clipped_grad_norm"]),
        )


@dataclass(frozen=True)
class Band:
    """Across seeds, per layer (or time step): the 10th, 50th (median) and 90th percentiles of
    one metric."""

    p10: list[float]
    p50: list[float]
    p90: list[float]

    def to_dict(self) -> dict[str, list[float | None]]:
        return {k: [_json_float(x) for x in getattr(self, k)] for k in ("p10", "p50", "p90")}

    @classmethod
    def from_dict(cls, data: dict[str, list[float | None]]) -> Band:
        return cls(*([_float(x) for x in data[k]] for k in ("p10", "p50", "p90")))


@dataclass(frozen=True)
class SimResult:
    """Everything `simulate` measured for one config (aggregated over seeds when seeds > 1).

    ``layers``, ``loss``, the gradient totals and ``clip_cosine`` come from the pass at
    initialisation (step 0). ``steps`` holds the training trace; ``layer_grad_norms`` and
    ``update_ratio`` map a recorded step to per-layer values (layer 1 first). ``diverged_at``
    is the first step whose loss or gradient was non-finite (0 for a single pass that
    overflowed). With several seeds every number is the median across seeds and ``band``
    holds per-layer percentiles of each metric in `LAYER_METRICS`, or for a recurrent network
    per-time-step percentiles of each of its `time_metric_names`.

    A recurrent network (``config.recurrent``) has no ``layers``; ``time_steps`` holds its
    per-time-step measurements instead (empty for an mlp).
    """

    config: SimConfig
    engine_version: str
    layers: list[LayerStats]
    readout_grad_norm: float
    loss: float
    total_grad_norm: float
    clipped_grad_norm: float
    clip_cosine: float
    steps: list[StepStats]
    layer_grad_norms: dict[int, list[float]]
    update_ratio: dict[int, list[float]]
    diverged_at: int | None
    seeds: int = 1
    band: dict[str, Band] | None = None
    time_steps: list[TimeStepStats] = field(default_factory=list)

    def metric(self, name: str) -> list[float]:
        """Per-layer values of one `LAYER_METRICS` entry, layer 1 first."""
        if name not in LAYER_METRICS:
            raise ValueError(f"unknown layer metric {name!r}; choose one of {LAYER_METRICS}")
        return [getattr(layer, name) for layer in self.layers]

    def time_metric(self, name: str) -> list[float]:
        """Per-time-step values of one of `time_metric_names`, t = 1 (earliest) first."""
        if not self.time_steps:
            raise ValueError(f"{name} is measured per time step: set arch to rnn, lstm or gru")
        return [step.metric(name) for step in self.time_steps]

    def to_dict(self) -> dict[str, Any]:
        """The documented ``--json`` format (docs/simulate.md); JSON-safe."""
        return {
            "engine_version": self.engine_version,
            "config": self.config.to_dict(),
            "seeds": self.seeds,
            **{name: _json_float(getattr(self, name)) for name in _SCALARS},
            "diverged_at": self.diverged_at,
            "layers": [layer.to_dict() for layer in self.layers],
            "steps": [s.to_dict() for s in self.steps],
            "layer_grad_norms": _series_to_json(self.layer_grad_norms),
            "update_ratio": _series_to_json(self.update_ratio),
            "band": {k: b.to_dict() for k, b in self.band.items()} if self.band else None,
            "time_steps": [s.to_dict() for s in self.time_steps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SimResult:
        """Rebuild a result from `to_dict` output (nulls become NaN)."""
        band = data.get("band")
        scalars = {name: _float(data[name]) for name in _SCALARS}
        return cls(
            config=SimConfig.from_dict(data["config"]),
            engine_version=str(data["engine_version"]),
            layers=[LayerStats.from_dict(x) for x in data["layers"]],
            steps=[StepStats.from_dict(x) for x in data["steps"]],
            layer_grad_norms=_series_from_json(data["layer_grad_norms"]),
            update_ratio=_series_from_json(data["update_ratio"]),
            diverged_at=data["diverged_at"],
            seeds=int(data["seeds"]),
            band={k: Band.from_dict(v) for k, v in band.items()} if band else None,
            time_steps=[TimeStepStats.from_dict(x) for x in data.get("time_steps", [])],
            **scalars,
        )


_SCALARS = ("loss", "total_grad_norm", "clipped_grad_norm", "clip_cosine", "readout_grad_norm")


def _series_to_json(series: dict[int, list[float]]) -> dict[str, list[float | None]]:
    return {str(step): [_json_float(x) for x in values] for step, values in series.items()}


def _series_from_json(series: dict[str, list[float | None]]) -> dict[int, list[float]]:
    return {int(step): [_float(x) for x in values] for step, values in series.items()}
