"""The simulation engine: real PyTorch networks for every quiz number and figure.

Knows nothing of Flask, the database or the lesson format; usable from a notebook::

    from quizsvc.sim import SimConfig, simulate
    res = simulate(SimConfig(depth=20, width=128, activation="tanh", init="xavier_normal"))
    [layer.weight_grad_norm for layer in res.layers]
    rnn = simulate(SimConfig(arch="lstm", seq_len=50, hidden=64, forget_bias=1.0))
    rnn.time_metric("hidden_grad_norm")  # t = 1 (earliest) first

See docs/simulate.md for the configuration fields, the result format and the definitions.

Importing the package does not import torch: configurations, limits and results are plain
Python (lesson files are validated against them), and `simulate` loads the engine on its first
call.
"""

from quizsvc.sim.config import SimConfig, estimate_flops, estimate_memory, fields_for
from quizsvc.sim.errors import ValidationError
from quizsvc.sim.limits import (
    ACTIVATION_NAMES,
    ACTIVATIONS,
    ARCH_ACTIVATIONS,
    ARCH_TASKS,
    ARCHS,
    BIAS_INITS,
    DTYPES,
    FLOP_BUDGET,
    GATES,
    INITS,
    KAIMING_MODES,
    LIMITS,
    MEMORY_BUDGET,
    NORMS,
    OPTIMIZERS,
    RECURRENT_ARCHS,
    RECURRENT_INITS,
    TASKS,
)
from quizsvc.sim.result import (
    ALL_TIME_METRICS,
    LAYER_METRICS,
    TIME_METRICS,
    Band,
    Histogram,
    LayerStats,
    SimResult,
    StepStats,
    TimeStepStats,
    time_metric_names,
)
from quizsvc.sim.version import ENGINE_VERSION


def simulate(cfg: SimConfig) -> SimResult:
    """Run ``cfg`` with the engine (`quizsvc.sim.engine.simulate`)."""
    # torch (about two seconds to import) loads with the first simulation, not the package.
    from quizsvc.sim.engine import simulate as run

    return run(cfg)


__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_NAMES",
    "ALL_TIME_METRICS",
    "ARCHS",
    "ARCH_ACTIVATIONS",
    "ARCH_TASKS",
    "BIAS_INITS",
    "DTYPES",
    "ENGINE_VERSION",
    "FLOP_BUDGET",
    "GATES",
    "INITS",
    "KAIMING_MODES",
    "LAYER_METRICS",
    "LIMITS",
    "MEMORY_BUDGET",
    "NORMS",
    "OPTIMIZERS",
    "RECURRENT_ARCHS",
    "RECURRENT_INITS",
    "TASKS",
    "TIME_METRICS",
    "Band",
    "Histogram",
    "LayerStats",
    "SimConfig",
    "SimResult",
    "StepStats",
    "TimeStepStats",
    "ValidationError",
    "estimate_flops",
    "estimate_memory",
    "fields_for",
    "simulate",
    "time_metric_names",
]
