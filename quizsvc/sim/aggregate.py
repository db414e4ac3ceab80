"""Multi-seed aggregation: K runs of one config -> medians and a 10-90 % band per layer.

A single seed can mislead (one unlucky init); the median over seeds is what a question should
quote, and the band shows how much a learner's own run could differ.
"""

from __future__ import annotations

import numpy as np

from quizsvc.sim.config import SimConfig
from quizsvc.sim.result import (
    LAYER_METRICS,
    Band,
    LayerStats,
    SimResult,
    StepStats,
    TimeStepStats,
    time_metric_names,
)


def percentiles(values: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    """Percentiles along axis 0; NaN where any run is NaN, infinities handled without warnings."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.percentile(values, q, axis=0)


def _median(values: list[float]) -> float:
    return float(percentiles(np.asarray(values, dtype=np.float64), (50.0,))[0])


def aggregate(cfg: SimConfig, runs: list[SimResult]) -> SimResult:
    """Combine single-seed ``runs`` (seeds cfg.seed, cfg.seed+1, ...) into one result.

    Per-layer (or per-time-step) metrics and scalars become medians; ``band`` holds p10/p50/p90
    per layer (or time step). The training trace is the per-step median over the seeds still
    running at that step, recorded series likewise; ``diverged_at`` is the earliest divergence
    of any seed. Histograms are those of the first seed (bins of different runs do not line up).
    """
    band: dict[str, Band] = {}
    medians: dict[str, list[float]] = {}
    recurrent = cfg.recurrent
    for metric in time_metric_names(cfg.gates) if recurrent else LAYER_METRICS:
        table = np.asarray(
            [run.time_metric(metric) if recurrent else run.metric(metric) for run in runs],
            dtype=np.float64,
        )
        p10, p50, p90 = percentiles(table, (10.0, 50.0, 90.0))
        band[metric] = Band(p10.tolist(), p50.tolist(), p90.tolist())
        medians[metric] = p50.tolist()
    layers = [
        LayerStats(
            index=layer.index,
            histogram=layer.histogram,
            **{m: medians[m][layer.index - 1] for m in LAYER_METRICS},
        )
        for layer in runs[0].layers
    ]
    diverged = [run.diverged_at for run in runs if run.diverged_at is not None]
    return SimResult(
        config=cfg,
        engine_version=runs[0].engine_version,
        layers=layers,
        readout_grad_norm=_median([run.readout_grad_norm for run in runs]),
        loss=_median([run.loss for run in runs]),
        total_grad_norm=_median([run.total_grad_norm for run in runs]),
        clipped_grad_norm=_median([run.clipped_grad_norm for run in runs]),
        clip_cosine=_median([run.clip_cosine for run in runs]),
        steps=_median_steps(runs),
        layer_grad_norms=_median_series([run.layer_grad_norms for run in runs]),
        update_ratio=_median_series([run.update_ratio for run in runs]),
        diverged_at=min(diverged) if diverged else None,
        seeds=len(runs),
        band=band,
        time_steps=_median_time_steps(cfg.gates, runs[0].time_steps, medians),
    )


def _median_time_steps(
    gates: tuple[str, ...], first: list[TimeStepStats], medians: dict[str, list[float]]
) -> list[TimeStepStats]:
    return [
        TimeStepStats(
            t=step.t,
            hidden_grad_norm=medians["hidden_grad_norm"][i],
            cell_grad_norm=medians["cell_grad_norm"][i],
            hidden_rms=medians["hidden_rms"][i],
            gate_mean={g: medians[f"{g}_mean"][i] for g in gates},
            gate_saturation={g: medians[f"{g}_saturation"][i] for g in gates},
        )
        for i, step in enumerate(first)
    ]


def _median_steps(runs: list[SimResult]) -> list[StepStats]:
    longest = max(len(run.steps) for run in runs)
    out = []
    for i in range(longest):
        alive = [run.steps[i] for run in runs if i < len(run.steps)]
        out.append(
            StepStats(
                step=i,
                loss=_median([s.loss for s in alive]),
                total_grad_norm=_median([s.total_grad_norm for s in alive]),
                clipped_grad_norm=_median([s.clipped_grad_norm for s in alive]),
            )
        )
    return out


def _median_series(series: list[dict[int, list[float]]]) -> dict[int, list[float]]:
    steps = sorted({step for s in series for step in s})
    out = {}
    for step in steps:
        table = np.asarray([s[step] for s in series if step in s], dtype=np.float64)
        out[step] = percentiles(table, (50.0,))[0].tolist()
    return out
