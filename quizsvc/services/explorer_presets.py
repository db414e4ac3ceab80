"""Ready-made comparisons for the explorer: the phenomenon of each lesson, as A against B.

Each preset is the pair of networks a lesson's figure or argument turns on, with the settings
that lesson uses, so "open the preset, change one control" continues the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quizsvc.services.explorer_state import configs_query

_MLP = {"depth": 20, "width": 128, "batch": 128}


@dataclass(frozen=True)
class Preset:
    title: str
    lesson_id: str
    a: dict[str, Any]
    b: dict[str, Any]

    @property
    def query(self) -> str:
        return configs_query([self.a, self.b])


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Deep sigmoid, Xavier against tanh, Xavier",
        "vanishing-gradients",
        {**_MLP, "activation": "tanh", "init": "xavier_normal"},
        {**_MLP, "activation": "sigmoid", "init": "xavier_normal"},
    ),
    Preset(
        "tanh at the edge of chaos against gain 2",
        "exploding-gradients",
        {**_MLP, "depth": 30, "activation": "tanh", "init": "xavier_normal", "bias": False},
        {
            **_MLP,
            "depth": 30,
            "activation": "tanh",
            "init": "xavier_normal",
            "gain": 2.0,
            "bias": False,
        },
    ),
    Preset(
        "Training blows up without clipping, and with it",
        "clipping-and-regularization",
        {"depth": 5, "width": 32, "batch": 32, "init": "kaiming_normal", "lr": 2.0, "steps": 30},
        {
            "depth": 5,
            "width": 32,
            "batch": 32,
            "init": "kaiming_normal",
            "lr": 2.0,
            "steps": 30,
            "clip_norm": 0.5,
        },
    ),
    Preset(
        "ReLU + Xavier against ReLU + He",
        "weight-initialization",
        {**_MLP, "activation": "relu", "init": "xavier_normal", "bias": False},
        {**_MLP, "activation": "relu", "init": "kaiming_normal", "bias": False},
    ),
    Preset(
        "Sigmoid saturates, ReLU does not",
        "saturation",
        {**_MLP, "depth": 10, "activation": "sigmoid", "init": "normal", "init_std": 0.5},
        {**_MLP, "depth": 10, "activation": "relu", "init": "kaiming_normal"},
    ),
    Preset(
        "ReLU against leaky ReLU, with many dead units",
        "relu-and-variants",
        {
            **_MLP,
            "activation": "relu",
            "init": "kaiming_normal",
            "bias_init": "normal",
            "bias_std": 1.0,
        },
        {
            **_MLP,
            "activation": "leaky_relu",
            "init": "kaiming_normal",
            "bias_init": "normal",
            "bias_std": 1.0,
        },
    ),
    Preset(
        "Batch norm in a plain deep net",
        "normalization",
        {"depth": 30, "width": 128, "batch": 32, "init": "kaiming_normal"},
        {"depth": 30, "width": 128, "batch": 32, "init": "kaiming_normal", "norm": "batch"},
    ),
    Preset(
        "Residual with scale 1 against scale 1/sqrt(depth)",
        "residual-connections",
        {
            "depth": 20,
            "width": 128,
            "batch": 64,
            "activation": "linear",
            "init": "kaiming_normal",
            "residual": True,
            "residual_scale": 1.0,
        },
        {
            "depth": 20,
            "width": 128,
            "batch": 64,
            "activation": "linear",
            "init": "kaiming_normal",
            "residual": True,
            "residual_scale": 0.2236,
        },
    ),
    Preset(
        "SGD against Adam on the same network",
        "how-networks-learn",
        {"depth": 4, "width": 64, "batch": 64, "init": "kaiming_normal", "lr": 0.05, "steps": 100},
        {
            "depth": 4,
            "width": 64,
            "batch": 64,
            "init": "kaiming_normal",
            "optimizer": "adam",
            "lr": 0.005,
            "steps": 100,
        },
    ),
    Preset(
        "Vanilla tanh RNN against LSTM with forget bias 1",
        "recurrent-networks",
        {"arch": "rnn", "seq_len": 50, "hidden": 64, "batch": 32},
        {"arch": "lstm", "seq_len": 50, "hidden": 64, "batch": 32, "forget_bias": 1.0},
    ),
    Preset(
        "Linear RNN with recurrent gain 0.9 against 1.1",
        "recurrent-networks",
        {
            "arch": "rnn",
            "activation": "linear",
            "seq_len": 50,
            "hidden": 32,
            "batch": 16,
            "recurrent_gain": 0.9,
        },
        {
            "arch": "rnn",
            "activation": "linear",
            "seq_len": 50,
            "hidden": 32,
            "batch": 16,
            "recurrent_gain": 1.1,
        },
    ),
)
