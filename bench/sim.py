"""Benchmark the simulation engine and the figures against floors measured in the same run.

    python bench/sim.py            # (make bench)
    python bench/sim.py --only recurrent

Floors: a large ``torch.mm`` gives this machine's FLOP rate; a simulation's floor is its own
matrix-product FLOPs (forward 2·B·in·out, backward 4·B·in·out per layer, per step) at that rate;
a recurrent network's the same per time step for its stacked gate matrices (in·gates·H and
H·gates·H) plus the readout. A figure's floor is a bare matplotlib line plot saved the same way
(same format, same settings). Every case is printed as time / floor. Goals: compute-bound
configurations (width or hidden >= 256 and batch >= 256) within 2x of their floor for the MLP,
3x for recurrent networks (torch's cells run one time step at a time, and the gate statistics
recompute the gates once more); figures within 2x of the bare plot.

Times are CPU time of this process (best of several runs), so other load on a shared machine
distorts them less than wall time would. One torch thread, as the web workers use. The FLOP
budget is lifted for the run: the grid includes configurations the service would refuse.
"""

from __future__ import annotations

import argparse
import io
import itertools
import time
from collections.abc import Callable

import matplotlib
import torch
from matplotlib.figure import Figure

from quizsvc.plots import render
from quizsvc.plots.style import RC, render_lock
from quizsvc.sim import SimConfig, SimResult, simulate
from quizsvc.sim import config as sim_config

RECURRENT = (
    # (arch, hidden, batch, seq_len)
    *(("lstm", h, b, 50) for h in (64, 256, 512) for b in (64, 256)),
    ("gru", 256, 256, 50),
    ("gru", 512, 256, 50),
    ("rnn", 256, 256, 100),
    ("rnn", 1024, 256, 50),
)
DEPTHS = (10, 50, 200)
WIDTHS = (64, 256, 1024)
BATCHES = (64, 256)
TRAINING = (
    SimConfig(depth=10, width=256, batch=256, steps=100, activation="relu", init="kaiming_normal"),
    SimConfig(
        depth=20,
        width=128,
        batch=128,
        steps=100,
        activation="tanh",
        optimizer="adam",
        lr=1e-3,
        clip_norm=1.0,
    ),
    SimConfig(depth=50, width=64, batch=64, steps=100, activation="relu", init="kaiming_normal"),
)


def cpu_time(fn: Callable[[], object], min_total: float = 0.3, repeats: int = 3) -> float:
    """Best per-call CPU seconds over ``repeats`` batches lasting at least ``min_total``."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        calls, start = 0, time.process_time()
        while True:
            fn()
            calls += 1
            elapsed = time.process_time() - start
            if elapsed >= min_total / repeats:
                break
        best = min(best, elapsed / calls)
    return best


def flop_rate() -> float:
    n = 2048
    a, b = torch.randn(n, n), torch.randn(n, n)
    return 2 * n**3 / cpu_time(lambda: torch.mm(a, b), min_total=1.0)


def matmul_flops(cfg: SimConfig) -> float:
    if cfg.recurrent:
        gates = len(cfg.gates) * cfg.hidden
        cell = cfg.seq_len * gates * (cfg.in_features + cfg.hidden)
        per_pass = 6.0 * cfg.batch * (cell + cfg.hidden * cfg.out_features)
    else:
        sizes = (cfg.in_features, *cfg.widths, cfg.out_features)
        per_pass = 6.0 * cfg.batch * sum(i * o for i, o in itertools.pairwise(sizes))
    return per_pass * max(1, cfg.steps)


def bare_plot(fmt: str) -> bytes:
    """The figure floor: one line on plain axes, saved like our figures."""
    with render_lock, matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.4, 4.0))
        ax = fig.add_subplot()
        ax.plot(range(20), [0.5**i for i in range(20)])
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, **({"metadata": {"Date": None}} if fmt == "svg" else {}))
        return buf.getvalue()


def figure_cases() -> dict[str, tuple[str, list[SimResult], dict[str, object]]]:
    tanh = simulate(
        SimConfig(depth=20, width=128, activation="tanh", init="xavier_normal", seeds=4)
    )
    relu = simulate(SimConfig(depth=20, width=128, activation="relu", init="kaiming_normal"))
    trained = simulate(TRAINING[1])
    lstm = simulate(SimConfig(arch="lstm", seq_len=50, hidden=64, forget_bias=1.0, seeds=4))
    rnn = simulate(SimConfig(arch="rnn", seq_len=50, hidden=64))
    return {
        "grad_norms": ("grad_norms", [tanh, relu], {}),
        "grad_norms + theory": (
            "grad_norms",
            [tanh, relu],
            {"theory": True, "metric": "output_grad_norm"},
        ),
        "activations": ("activations", [tanh], {}),
        "training": ("training", [trained], {}),
        "activation_fn": ("activation_fn", [], {"activation": "gelu"}),
        "update_ratio": ("update_ratio", [trained], {}),
        "layer_stats": ("layer_stats", [tanh, relu], {}),
        "layer_stats dead_fraction": ("layer_stats", [tanh, relu], {"metric": "dead_fraction"}),
        "time_grad_norms": ("time_grad_norms", [lstm, rnn], {}),
        "time_grad_norms + theory": ("time_grad_norms", [rnn], {"theory": True}),
    }


def row(name: str, seconds: float, floor: float, note: str = "") -> str:
    return f"{name:<34}{seconds * 1e3:>11.2f}{floor * 1e3:>11.2f}{seconds / floor:>8.2f}x  {note}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="depth 10/50 only, no depth 200")
    parser.add_argument(
        "--only",
        choices=("mlp", "recurrent", "figures"),
        help="run one group of cases (default: all)",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    sim_config.FLOP_BUDGET = float("inf")  # measure beyond the service's limits
    sim_config.MEMORY_BUDGET = float("inf")
    rate = flop_rate()
    header = f"{'case':<34}{'ms':>11}{'floor ms':>11}{'ratio':>8}"
    print(f"torch.mm 2048: {rate / 1e9:.1f} GFLOP/s (1 thread)\n\n{header}")
    if args.only in (None, "mlp"):
        mlp_cases(rate, args.quick)
    if args.only in (None, "recurrent"):
        recurrent_cases(rate)
    if args.only in (None, "figures"):
        print()
        figure_rows()


def mlp_cases(rate: float, quick: bool) -> None:
    for depth, width, batch in itertools.product(DEPTHS, WIDTHS, BATCHES):
        if quick and depth == 200:
            continue
        cfg = SimConfig(
            depth=depth, width=width, batch=batch, activation="relu", init="kaiming_normal"
        )
        floor = matmul_flops(cfg) / rate
        goal = "compute-bound, goal <= 2x" if width >= 256 and batch >= 256 else ""
        seconds = cpu_time(lambda cfg=cfg: simulate(cfg), min_total=min(3.0, 30 * floor))
        print(row(f"pass d{depth} w{width} b{batch}", seconds, floor, goal))
    for cfg in TRAINING:
        floor = matmul_flops(cfg) / rate
        seconds = cpu_time(lambda cfg=cfg: simulate(cfg), min_total=1.0, repeats=2)
        name = f"train {cfg.optimizer} 100 d{cfg.depth} w{cfg.width} b{cfg.batch}"
        print(row(name, seconds, floor))


def recurrent_cases(rate: float) -> None:
    for arch, hidden, batch, seq_len in RECURRENT:
        cfg = SimConfig(arch=arch, hidden=hidden, batch=batch, seq_len=seq_len)
        floor = matmul_flops(cfg) / rate
        goal = "compute-bound, goal <= 3x" if hidden >= 256 and batch >= 256 else ""
        seconds = cpu_time(lambda cfg=cfg: simulate(cfg), min_total=min(3.0, 30 * floor))
        print(row(f"{arch} T{seq_len} h{hidden} b{batch}", seconds, floor, goal))


def figure_rows() -> None:
    cases = figure_cases()
    for fmt in ("svg", "png"):
        floor = cpu_time(lambda fmt=fmt: bare_plot(fmt), min_total=1.0)
        print(row(f"bare line plot ({fmt})", floor, floor, "figure floor"))
        for name, (kind, sims, options) in cases.items():
            seconds = cpu_time(
                lambda k=kind, s=sims, o=options, f=fmt: render(k, s, fmt=f, **o), min_total=1.0
            )
            print(row(f"{name} ({fmt})", seconds, floor, "goal <= 2x"))


if __name__ == "__main__":
    main()
