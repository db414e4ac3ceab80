"""`SimConfig`: what a simulation runs, validated against the engine's limits before it runs.

The supported architectures, activations, initialisations and their numeric limits live in
`sim.limits`. This module says which fields apply to which architecture and how fields combine,
and estimates the cost of a run before it starts. A config that exists is valid: the dataclass
validates itself on construction, so ``replace`` and ``from_dict`` cannot produce a config that
would fail (or run for an hour) later.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quizsvc.sim.errors import ValidationError, suggestion
from quizsvc.sim.limits import (
    ARCH_ACTIVATIONS,
    ARCH_TASKS,
    ARCHS,
    DEFAULT_ACTIVATION,
    FLOP_BUDGET,
    GATES,
    LSTM_FIELDS,
    MEMORY_BUDGET,
    MLP_FIELDS,
    RECURRENT_ARCHS,
    RECURRENT_FIELDS,
    check_field,
)
from quizsvc.sim.version import ENGINE_VERSION


@dataclass(frozen=True)
class SimConfig:
    """One network, task and training schedule. See docs/simulate.md for every field.

    Construction validates; invalid values raise `ValidationError`. ``arch`` picks a
    feedforward network (``depth`` layers of ``width``) or a recurrent one (one cell of
    ``hidden`` units over ``seq_len`` steps); a field of the other kind must keep its default.
    ``width`` is one width for every hidden layer or a tuple with one entry per hidden layer.
    ``activation`` None means the architecture's default (relu, or tanh for recurrent cells).
    ``steps=0`` means a single forward/backward pass; ``seeds > 1`` runs seeds ``seed, seed+1,
    ...`` and aggregates.
    """

    arch: str = "mlp"
    depth: int = 10
    width: int | tuple[int, ...] = 64
    seq_len: int = 50
    hidden: int = 64
    batch: int = 128
    input_dim: int | None = None
    activation: str = None  # type: ignore[assignment]  # None: DEFAULT_ACTIVATION[arch]
    leaky_slope: float = 0.01
    init: str = "pytorch_default"
    init_std: float = 0.05
    init_bound: float = 0.05
    kaiming_mode: str = "fan_in"
    gain: float | None = None
    bias: bool = True
    bias_init: str = "zeros"
    bias_std: float = 0.0
    norm: str = "none"
    residual: bool = False
    residual_scale: float = 1.0
    recurrent_init: str = "orthogonal"
    recurrent_gain: float = 1.0
    forget_bias: float = 0.0
    task: str = "regression"
    classes: int = 10
    clip_norm: float | None = None
    clip_norm_type: float = 2.0
    clip_value: float | None = None
    weight_decay: float = 0.0
    optimizer: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.9
    steps: int = 0
    record_every: int = 10
    dtype: str = "float32"
    seed: int = 0
    seeds: int = 1

    def __post_init__(self) -> None:
        if self.activation is None and self.arch in ARCHS:
            object.__setattr__(self, "activation", DEFAULT_ACTIVATION[self.arch])
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, check_field(f.name, getattr(self, f.name)))
        _check_arch(self)
        _check_combination(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SimConfig:
        """Build a config from plain data (JSON, a template's parameters); unknown keys fail."""
        names = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in names:
                hint = suggestion(key, names)
                raise ValidationError(
                    str(key),
                    data[key],
                    ", ".join(names),
                    f"unknown setting {key!r}:{hint} allowed: {', '.join(names)}",
                )
        return cls(**dict(data))

    def replace(self, **changes: Any) -> SimConfig:
        """Return a validated copy with ``changes`` applied (unknown names fail like from_dict)."""
        return SimConfig.from_dict({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """All fields, JSON-safe and canonical (tuples as lists, an infinite norm as "inf")."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, float) and math.isinf(value):
                value = "inf"
            out[f.name] = value
        return out

    def cache_key(self) -> str:
        """A stable hash of the canonical config and the engine version (for result caches)."""
        payload = json.dumps(
            {"engine_version": ENGINE_VERSION, "config": self.to_dict()},
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def recurrent(self) -> bool:
        """True for rnn, lstm and gru."""
        return self.arch in RECURRENT_ARCHS

    @property
    def gates(self) -> tuple[str, ...]:
        """The recurrent cell's weight blocks in torch's order (empty for an mlp)."""
        return GATES.get(self.arch, ())

    @property
    def widths(self) -> tuple[int, ...]:
        """The width of every hidden layer, layer 1 first."""
        if isinstance(self.width, tuple):
            return self.width
        return (self.width,) * self.depth

    @property
    def in_features(self) -> int:
        """The input dimension (``input_dim``, or the first hidden width or ``hidden``)."""
        if self.input_dim is not None:
            return self.input_dim
        return self.hidden if self.recurrent else self.widths[0]

    @property
    def out_features(self) -> int:
        """Readout size: the number of classes, or of regression targets (also ``classes``)."""
        return self.classes


def fields_for(arch: str) -> tuple[str, ...]:
    """The `SimConfig` fields that mean something for ``arch`` (for forms and explorers)."""
    other = RECURRENT_FIELDS + LSTM_FIELDS if arch == "mlp" else MLP_FIELDS
    if arch in ("rnn", "gru"):
        other += LSTM_FIELDS
    return tuple(f.name for f in dataclasses.fields(SimConfig) if f.name not in other)


# Elementwise work per unit and example in a pass (activation, its derivative, statistics).
_ELEMENTWISE_FLOPS = 40
# Fixed cost of one time step of a forward and backward pass (Python, dispatch, autograd
# bookkeeping), per weight block of the cell plus one, in FLOPs at ~100 GFLOP/s: a tiny rnn
# step measures about 0.1 ms, an LSTM step 0.3 ms.
_TIME_STEP_FLOPS = 6e6


def estimate_flops(cfg: SimConfig) -> float:
    """Estimated floating-point operations of ``simulate(cfg)``, compared with the budget.

    Counts the matrix products of forward (2·B·in·out) and backward (4·B·in·out) passes, the
    elementwise work per unit, optimiser updates, and initialisation (a QR factorisation per
    layer for orthogonal init), for every seed; float64 counts double because it runs at about
    half the float32 rate on CPU. Recurrent networks add a fixed cost per time step and the
    recomputation of the gates for their statistics (`_recurrent_flops`).
    """
    total = cfg.seeds * (_recurrent_flops(cfg) if cfg.recurrent else _mlp_flops(cfg))
    return total * (2.0 if cfg.dtype == "float64" else 1.0)


def estimate_memory(cfg: SimConfig) -> float:
    """Estimated peak bytes of a recurrent simulation: per example and step the input, and
    per gate block about three (hidden)-vectors the backward pass keeps (pre-activation,
    activation, products) plus five for the states, their gradients and the statistics; fitted
    to the peak resident memory measured for rnn, gru and lstm."""
    if not cfg.recurrent:
        return 0.0
    per_step = cfg.in_features + (3 * len(cfg.gates) + 5) * cfg.hidden
    return per_step * cfg.batch * cfg.seq_len * (8.0 if cfg.dtype == "float64" else 4.0)


def _recurrent_flops(cfg: SimConfig) -> float:
    gates, h, n_in = len(cfg.gates), cfg.hidden, cfg.in_features
    cell = gates * h * (n_in + h)  # multiply-adds per example and step
    readout = h * cfg.out_features
    per_pass = (
        6.0 * cfg.batch * (cfg.seq_len * cell + readout)
        + _ELEMENTWISE_FLOPS * cfg.batch * cfg.seq_len * gates * h
        + _TIME_STEP_FLOPS * (gates + 1) * cfg.seq_len
    )
    statistics = 2.0 * cfg.batch * cfg.seq_len * cell
    optimizer = 10.0 * (cell + readout + 2 * gates * h) * cfg.steps
    init = 10.0 * (cell + readout)
    if cfg.recurrent_init == "orthogonal":
        init += gates * 2.0 * h**3
    if cfg.init == "orthogonal":
        init += gates * 2.0 * max(h, n_in) * min(h, n_in) ** 2
    return per_pass * max(1, cfg.steps) + statistics + optimizer + init


def _mlp_flops(cfg: SimConfig) -> float:
    sizes = (cfg.in_features, *cfg.widths, cfg.out_features)
    pairs = list(itertools.pairwise(sizes))
    matmul = sum(i * o for i, o in pairs)
    units = sum(sizes[1:])
    per_pass = 6.0 * cfg.batch * matmul + _ELEMENTWISE_FLOPS * cfg.batch * units
    passes = max(1, cfg.steps)
    optimizer = 10.0 * (matmul + units) * cfg.steps
    if cfg.init == "orthogonal":
        init = sum(2.0 * max(i, o) * min(i, o) ** 2 for i, o in pairs)
    else:
        init = 10.0 * matmul
    return per_pass * passes + optimizer + init


def _check_arch(cfg: SimConfig) -> None:
    """Fields of the other kind of network keep their defaults; activation and task fit."""
    if cfg.recurrent:
        why = dict.fromkeys(MLP_FIELDS, f"arch {cfg.arch} is one recurrent layer of `hidden` units")
        if cfg.arch != "lstm":
            why.update(dict.fromkeys(LSTM_FIELDS, "only an lstm has a forget gate"))
    else:
        why = dict.fromkeys(
            RECURRENT_FIELDS + LSTM_FIELDS, "set arch to rnn, lstm or gru for a recurrent network"
        )
    for name, reason in why.items():
        default, value = _DEFAULTS[name], getattr(cfg, name)
        if value != default:
            raise ValidationError(
                name,
                value,
                f"the default {default!r} with arch {cfg.arch}",
                f"{name}={_plain(value)!r} does not apply to arch {cfg.arch}: {reason} "
                f"(leave {name} out)",
            )
    for name, table in (("activation", ARCH_ACTIVATIONS), ("task", ARCH_TASKS)):
        value = getattr(cfg, name)
        if value not in table[cfg.arch]:
            allowed = ", ".join(table[cfg.arch])
            raise ValidationError(
                name,
                value,
                allowed,
                f"{name}={value!r} is not available with arch {cfg.arch}: allowed {allowed}",
            )
    if cfg.forget_bias != 0 and not cfg.bias:
        allowed = "0 when bias is false (the forget-gate bias is one of the biases)"
        raise ValidationError(
            "forget_bias", cfg.forget_bias, allowed, f"forget_bias={cfg.forget_bias!r}: {allowed}"
        )


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(SimConfig)}


def _plain(value: Any) -> Any:
    """A value as the user wrote it: a tuple width as a list."""
    return list(value) if isinstance(value, tuple) else value


def _check_combination(cfg: SimConfig) -> None:
    if isinstance(cfg.width, tuple) and len(cfg.width) != cfg.depth:
        allowed = f"one width or a list of {cfg.depth} widths (one per hidden layer)"
        raise ValidationError(
            "width", list(cfg.width), allowed, f"width has {len(cfg.width)} entries: {allowed}"
        )
    if cfg.clip_norm is not None and cfg.clip_value is not None:
        allowed = "unset when clip_norm is set (clip by norm or by value, not both)"
        raise ValidationError(
            "clip_value", cfg.clip_value, allowed, f"clip_value={cfg.clip_value!r}: {allowed}"
        )
    if cfg.norm == "batch" and cfg.batch < 2:
        allowed = "2 or more with norm='batch' (batch statistics need two examples)"
        raise ValidationError("batch", cfg.batch, allowed, f"batch={cfg.batch}: {allowed}")
    flops = estimate_flops(cfg)
    if flops > FLOP_BUDGET:
        allowed = f"at most {FLOP_BUDGET:.3g} estimated FLOPs"
        raise ValidationError(
            "flops",
            flops,
            allowed,
            f"estimated cost {flops:.3g} FLOPs exceeds the budget of {FLOP_BUDGET:.3g}: "
            + (
                "reduce seq_len, hidden, batch, steps or seeds"
                if cfg.recurrent
                else "reduce depth, width, batch, steps or seeds"
            ),
        )
    memory = estimate_memory(cfg)
    if memory > MEMORY_BUDGET:
        allowed = f"at most {MEMORY_BUDGET / 2**20:.0f} MiB of activations"
        raise ValidationError(
            "memory",
            memory,
            allowed,
            f"backpropagation through time would keep about {memory / 2**20:.0f} MiB of "
            f"activations, over the limit of {MEMORY_BUDGET / 2**20:.0f} MiB: reduce batch, "
            "seq_len or hidden",
        )
