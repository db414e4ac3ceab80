"""Alt text and labels built from the data, able to leave out what a question asks.

A figure next to a question must not give the answer away in its alt text, title or labels.
Every sentence of the description is tagged with the quantities it mentions; a caller's
``hide`` set removes the tagged sentences, and automatic legend labels never name a hidden
configuration field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from quizsvc.sim import LAYER_METRICS, TIME_METRICS, SimConfig, fields_for

#: Quantities a figure can mention besides configuration fields and per-layer metrics.
EXTRA_QUANTITIES: tuple[str, ...] = (
    *TIME_METRICS,
    "loss",
    "total_grad_norm",
    "clipped_grad_norm",
    "diverged_at",
    "update_ratio",
    "ratio",
    "derivative_bound",
)

#: Every name ``hide`` accepts.
HIDEABLE: frozenset[str] = frozenset(
    (*LAYER_METRICS, *EXTRA_QUANTITIES, *(f.name for f in fields(SimConfig)))
)

#: Fields that identify a network in an automatic label, most telling first.
_LABEL_FIELDS = (
    "arch",
    "activation",
    "forget_bias",
    "recurrent_init",
    "recurrent_gain",
    "seq_len",
    "hidden",
    "init",
    "norm",
    "residual",
    "depth",
    "width",
    "optimizer",
    "lr",
    "clip_norm",
    "clip_value",
    "gain",
    "seed",
)


class Facts:
    """Sentences of a description, each dropped when it mentions a hidden quantity."""

    def __init__(self, hide: frozenset[str]) -> None:
        self.hide = hide
        self.sentences: list[str] = []

    def add(self, sentence: str, *quantities: str) -> None:
        if not self.hide.intersection(quantities):
            self.sentences.append(sentence)

    def text(self) -> str:
        return " ".join(self.sentences)


def config_labels(configs: Sequence[SimConfig], hide: frozenset[str]) -> list[str]:
    """Legend labels naming what tells the configs apart (hidden fields never appear).

    One config is described by its activation, init and depth (a recurrent one by its arch,
    activation and size); several by the fields in which they differ ("LSTM, forget bias 1"
    against "RNN"). A field that does not apply to a config's arch is left out of its label.
    When everything telling them apart is hidden: "network A", "network B", ...
    """
    if len(configs) == 1:
        single = ("arch", "activation", "hidden") if configs[0].recurrent else _SINGLE_MLP
        names = [f for f in single if f not in hide]
    else:
        names = [
            f
            for f in _LABEL_FIELDS
            if f not in hide and len({repr(_value(c, f)) for c in configs}) > 1
        ]
    labels = [", ".join(t for f in names if (t := _field_text(c, f))) for c in configs]
    if len(set(labels)) < len(labels) or not all(labels):
        return [f"network {chr(ord('A') + i)}" for i in range(len(configs))]
    return labels


_SINGLE_MLP = ("activation", "init", "depth")


def _value(cfg: SimConfig, name: str) -> object:
    """A field's value for comparison (width 64 and width [64, 64] are the same network);
    None where the field does not apply to the config's arch (an LSTM has no depth)."""
    if name not in fields_for(cfg.arch) or (name == "activation" and cfg.arch in _FIXED_CELLS):
        return None
    return cfg.widths if name == "width" else getattr(cfg, name)


#: Cells whose activation is part of their definition (sigmoid gates, tanh candidate).
_FIXED_CELLS = ("lstm", "gru")


def _field_text(cfg: SimConfig, name: str) -> str:
    """How a field reads in a legend label; empty where it does not apply to the config."""
    value = _value(cfg, name)
    if value is None:
        return ""
    if name == "arch":
        return str(value).upper()
    if name == "forget_bias":
        return f"forget bias {value:g}"
    if name == "recurrent_gain":
        return f"recurrent gain {value:g}"
    if name == "recurrent_init":
        return f"{value} recurrent"
    if name in ("activation", "init"):
        return str(value)
    if name == "residual":
        return f"residual x{cfg.residual_scale:g}" if value else "no residual"
    if name == "norm":
        return f"{value} norm" if value != "none" else "no norm"
    if isinstance(value, tuple):
        value = "/".join(str(v) for v in value) if len(set(value)) > 1 else value[0]
    return f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
