"""What the per-layer figures can plot: each metric's axis label and the words for its alt text.

Kept apart from the drawing modules (which import matplotlib) because the figure rules in
`quizsvc.plots.kinds` offer these names as the ``metric`` option, and lesson files are
validated against those rules without drawing anything.
"""

from __future__ import annotations

from typing import Literal

#: grad_norms: metric -> (axis label, words for the alt text)
GRAD_NORM_METRICS: dict[str, tuple[str, str]] = {
    "weight_grad_norm": ("‖∂L/∂W‖ per layer (Frobenius norm)", "weight-gradient norm"),
    "output_grad_norm": (
        "‖∂L/∂h‖ per layer (Euclidean norm)",
        "norm of the gradient at the layer output",
    ),
    "bias_grad_norm": ("‖∂L/∂b‖ per layer (Euclidean norm)", "bias-gradient norm"),
}

Scale = Literal["fraction", "signed", "std"]

#: layer_stats: metric -> (axis label, words for the alt text and title, scale)
LAYER_STAT_METRICS: dict[str, tuple[str, str, Scale]] = {
    "activation_mean": ("mean of layer output h", "mean of the layer outputs", "signed"),
    "activation_std": ("std of layer output h", "standard deviation of the layer outputs", "std"),
    "preactivation_std": (
        "std of pre-activation z",
        "standard deviation of the pre-activations",
        "std",
    ),
    "saturation": (
        "saturated (unit, example) pairs (%)",
        "share of saturated (unit, example) pairs",
        "fraction",
    ),
    "dead_fraction": ("dead units (% of the layer)", "share of dead units", "fraction"),
    "w_dot_grad": ("⟨W, ∂L/∂W⟩ per layer (loss units)", "inner product of W and ∂L/∂W", "signed"),
}
