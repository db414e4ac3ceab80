"""The simulation engine: real PyTorch networks for every quiz number and figure.

Knows nothing of Flask, the database or the lesson format; usable from a notebook::

    from quizsvc.sim import SimConfig, simulate
    res = simulate(SimConfig(depth=20, width=128, activation="tanh", init="xavier_normal"))
    [layer.weight_grad_norm for layer in res.layers]

See docs/simulate.md for the configuration fields, the result format and the definitions.

Importing the package does not import torch: configurations, limits and results are plain
Python (lesson files are validated against them), and `simulate` loads the engine on its first
call.
"""

from quizsvc.sim.config import (
    ACTIVATIONS,
    BIAS_INITS,
    DTYPES,
    FLOP_BUDGET,
    INITS,
    KAIMING_MODES,
    LIMITS,
    NORMS,
    OPTIMIZERS,
    TASKS,
    SimConfig,
    estimate_flops,
)
from quizsvc.sim.errors import ValidationError
from quizsvc.sim.result import LAYER_METRICS, Band, Histogram, LayerStats, SimResult, StepStats
from quizsvc.sim.version import ENGINE_VERSION


def simulate(cfg: SimConfig) -> SimResult:
    """Run ``cfg`` with the engine (`quizsvc.sim.engine.simulate`)."""
    # torch (about two seconds to import) loads with the first simulation, not the package.
    from quizsvc.sim.engine import simulate as run

    return run(cfg)


__all__ = [
    "ACTIVATIONS",
    "BIAS_INITS",
    "DTYPES",
    "ENGINE_VERSION",
    "FLOP_BUDGET",
    "INITS",
    "KAIMING_MODES",
    "LAYER_METRICS",
    "LIMITS",
    "NORMS",
    "OPTIMIZERS",
    "TASKS",
    "Band",
    "Histogram",
    "LayerStats",
    "SimConfig",
    "SimResult",
    "StepStats",
    "ValidationError",
    "estimate_flops",
    "simulate",
]
