"""What each `SimConfig` field may hold: the supported names, the numeric limits and the budgets.

These tables are the engine's facts that other layers rely on (the content validator checks an
instructor's parameter ranges against ``LIMITS``, forms list ``CHOICES``); `check_field`
applies them to one value, so a field is judged the same way wherever it is set.
"""

from __future__ import annotations

import math
from typing import Any

from quizsvc.sim.errors import ValidationError, choice_error

ARCHS: tuple[str, ...] = ("mlp", "rnn", "lstm", "gru")
RECURRENT_ARCHS: tuple[str, ...] = ("rnn", "lstm", "gru")
ACTIVATIONS: tuple[str, ...] = (
    "linear",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "gelu",
    "selu",
)
#: Each activation as prose writes it ("a ReLU network", "a tanh network"): the engine's names
#: are identifiers, and a prompt that prints them reads "a relu network". Lessons print a drawn
#: activation with the expression function ``display(act)``.
ACTIVATION_NAMES: dict[str, str] = {
    "linear": "linear",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "selu": "SELU",
}
INITS: tuple[str, ...] = (
    "normal",
    "uniform",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "orthogonal",
    "pytorch_default",
)
RECURRENT_INITS: tuple[str, ...] = ("orthogonal", "normal", "identity")
BIAS_INITS: tuple[str, ...] = ("zeros", "normal", "pytorch_default")
NORMS: tuple[str, ...] = ("none", "batch", "layer")
OPTIMIZERS: tuple[str, ...] = ("sgd", "adam")
TASKS: tuple[str, ...] = ("regression", "classification", "recall")
KAIMING_MODES: tuple[str, ...] = ("fan_in", "fan_out")
DTYPES: tuple[str, ...] = ("float32", "float64")

#: Per architecture: the activations and tasks it accepts, and its default activation. A
#: recurrent cell computes h_t = phi(W_ih x_t + W_hh h_(t-1) + b) (torch.nn.RNN offers tanh and
#: relu; linear is the same recurrence without phi); LSTM and GRU have sigmoid gates and a tanh
#: candidate, so their only activation is tanh.
ARCH_ACTIVATIONS: dict[str, tuple[str, ...]] = {
    "mlp": ACTIVATIONS,
    "rnn": ("tanh", "relu", "linear"),
    "lstm": ("tanh",),
    "gru": ("tanh",),
}
ARCH_TASKS: dict[str, tuple[str, ...]] = {
    "mlp": ("regression", "classification"),
    "rnn": ("regression", "recall"),
    "lstm": ("regression", "recall"),
    "gru": ("regression", "recall"),
}
DEFAULT_ACTIVATION: dict[str, str] = {"mlp": "relu", "rnn": "tanh", "lstm": "tanh", "gru": "tanh"}
#: Fields that mean something for one kind of network only; elsewhere they must keep their
#: default, so a setting that would be silently ignored is an error instead.
MLP_FIELDS: tuple[str, ...] = ("depth", "width", "norm", "residual", "residual_scale")
RECURRENT_FIELDS: tuple[str, ...] = ("seq_len", "hidden", "recurrent_init", "recurrent_gain")
LSTM_FIELDS: tuple[str, ...] = ("forget_bias",)

#: Estimated floating-point operations one simulation may cost (all seeds together, float64
#: counted double). About two seconds of one CPU core at the ~100 GFLOP/s bench/sim.py measures.
FLOP_BUDGET = 2e11
#: Bytes of activations a recurrent simulation may keep for backpropagation through time.
MEMORY_BUDGET = 256 * 2**20

#: field -> (min, max), inclusive. Sequences (``width``) are checked element-wise.
LIMITS: dict[str, tuple[float, float]] = {
    "depth": (1, 256),
    "width": (1, 2048),
    "seq_len": (1, 1000),
    "hidden": (1, 1024),
    "batch": (1, 1024),
    "input_dim": (1, 4096),
    "leaky_slope": (0.0, 1.0),
    "init_std": (0.0, 10.0),
    "init_bound": (0.0, 10.0),
    "gain": (0.0, 10.0),
    "bias_std": (0.0, 10.0),
    "residual_scale": (0.0, 10.0),
    "recurrent_gain": (0.0, 10.0),
    "forget_bias": (-10.0, 10.0),
    "classes": (2, 1000),
    "clip_norm": (1e-8, 1e6),
    "clip_norm_type": (1.0, math.inf),
    "clip_value": (1e-8, 1e6),
    "weight_decay": (0.0, 1.0),
    "lr": (0.0, 10.0),
    "momentum": (0.0, 0.999),
    "steps": (0, 5000),
    "record_every": (1, 5000),
    "seed": (0, 2**31 - 1),
    "seeds": (1, 32),
    "flops": (0.0, FLOP_BUDGET),
    "memory": (0.0, MEMORY_BUDGET),
}

#: One line per field, for the CLI's --help and docs/simulate.md (a test keeps them in step).
FIELD_DOCS: dict[str, str] = {
    "arch": "network: mlp (feedforward) or a recurrent rnn, lstm or gru",
    "depth": "number of hidden layers (mlp)",
    "width": "units per hidden layer: one number, or one per layer (comma-separated on the CLI)",
    "seq_len": "time steps T the recurrent network is unrolled over (rnn, lstm, gru)",
    "hidden": "units H of the recurrent state (rnn, lstm, gru)",
    "batch": "examples (sequences) in the (fixed) batch",
    "input_dim": "input dimension (default: the first hidden width, or hidden)",
    "activation": "nonlinearity of every hidden layer (rnn: tanh, relu or linear; "
    "default relu for mlp, tanh for rnn)",
    "leaky_slope": "negative slope of leaky_relu",
    "init": "weight initialisation (the readout layer uses it too)",
    "init_std": "standard deviation for init normal",
    "init_bound": "bound b of uniform(-b, b) for init uniform",
    "kaiming_mode": "fan Kaiming init divides by",
    "gain": "gain for xavier/kaiming/orthogonal (default: torch's, see docs)",
    "bias": "layers have biases",
    "bias_init": "bias initialisation",
    "bias_std": "standard deviation for bias_init normal",
    "norm": "normalisation before each activation (no learnable scale or shift)",
    "residual": "add each layer's input to its output where widths match",
    "residual_scale": "scale of the residual branch: h + s * phi(...)",
    "recurrent_init": "recurrent weight init: orthogonal (times the gain), normal "
    "(std gain/sqrt(hidden)) or identity (times the gain, IRNN)",
    "recurrent_gain": "gain G of the recurrent init: every scheme has spectral radius about G",
    "forget_bias": "bias of the LSTM forget gate (Gers et al. 2000 suggest 1)",
    "task": "synthetic task: regression to random targets, classification of clusters (mlp), "
    "recall of the first token (recurrent)",
    "classes": "number of classes, or of regression targets",
    "clip_norm": "clip the total gradient norm to this (torch clip_grad_norm_)",
    "clip_norm_type": "p of the p-norm for the total norm ('inf' for the max)",
    "clip_value": "clip each gradient entry to +-this (torch clip_grad_value_)",
    "weight_decay": "L2 weight decay of the optimiser",
    "optimizer": "optimiser for training steps",
    "lr": "learning rate",
    "momentum": "SGD momentum, or Adam's beta1",
    "steps": "optimiser steps (0: one forward/backward pass)",
    "record_every": "record per-layer gradient norms and update ratios every k steps",
    "dtype": "floating-point type",
    "seed": "random seed (weights and data)",
    "seeds": "run seeds seed..seed+seeds-1 and report medians and a 10-90 % band",
}

#: How each field is checked: a name from a list, an integer, a flag, or else a number; the
#: optional ones may also be None.
CHOICES: dict[str, tuple[str, ...]] = {
    "arch": ARCHS,
    "activation": ACTIVATIONS,
    "init": INITS,
    "bias_init": BIAS_INITS,
    "norm": NORMS,
    "task": TASKS,
    "optimizer": OPTIMIZERS,
    "kaiming_mode": KAIMING_MODES,
    "recurrent_init": RECURRENT_INITS,
    "dtype": DTYPES,
}
INT_FIELDS = (
    "depth",
    "seq_len",
    "hidden",
    "batch",
    "input_dim",
    "classes",
    "steps",
    "record_every",
    "seed",
    "seeds",
)
BOOL_FIELDS = ("bias", "residual")
OPTIONAL_FIELDS = ("input_dim", "gain", "clip_norm", "clip_value")

#: Matrices (gates, or the candidate) stacked in a recurrent cell's weights, in torch's order.
GATES: dict[str, tuple[str, ...]] = {
    "rnn": ("state",),
    "lstm": ("input", "forget", "candidate", "output"),
    "gru": ("reset", "update", "candidate"),
}


def range_text(field: str) -> str:
    """``LIMITS[field]`` as people read it: "1..256", "0..0.999", "1..inf"."""
    lo, hi = LIMITS[field]
    return f"{_num(lo)}..{_num(hi)}"


def _num(x: float) -> str:
    if isinstance(x, int):
        return str(x)
    return "inf" if math.isinf(x) else f"{x:g}"


def _out_of_range(field: str, value: Any) -> ValidationError:
    allowed = range_text(field)
    return ValidationError(
        field, value, allowed, f"{field}={value!r} is out of range: allowed {allowed}"
    )


def _type_error(field: str, value: Any, kind: str) -> ValidationError:
    allowed = f"{kind} {range_text(field)}" if field in LIMITS else kind
    return ValidationError(field, value, allowed, f"{field}={value!r} must be {allowed}")


def _check_int(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, value, "an integer")
    lo, hi = LIMITS[field]
    if not lo <= value <= hi:
        raise _out_of_range(field, value)
    return value


def _check_float(field: str, value: Any) -> float:
    if isinstance(value, str):
        # YAML 1.1 reads "1e-3" as a string; accept numeric text so templates stay readable.
        try:
            value = float(value)
        except ValueError:
            raise _type_error(field, value, "a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(field, value, "a number")
    value = float(value)
    lo, hi = LIMITS[field]
    if math.isnan(value) or not lo <= value <= hi:
        raise _out_of_range(field, value)
    return value


def _check_width(value: Any) -> int | tuple[int, ...]:
    if isinstance(value, list | tuple):
        if not value:
            raise _type_error("width", value, "an integer or a non-empty list of integers")
        return tuple(_check_int("width", v) for v in value)
    return _check_int("width", value)


def check_field(name: str, value: Any) -> Any:
    if name in OPTIONAL_FIELDS and value is None:
        return None
    if name == "width":
        return _check_width(value)
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise choice_error(name, value, CHOICES[name])
        return value
    if name in BOOL_FIELDS:
        if not isinstance(value, bool):
            raise ValidationError(name, value, "true or false", f"{name}={value!r} must be a bool")
        return value
    if name in INT_FIELDS:
        return _check_int(name, value)
    return _check_float(name, value)
