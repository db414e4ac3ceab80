"""`simulate`: run the network a `SimConfig` describes and measure it.

One pass (or one optimiser step) is: forward, one ``torch.autograd.grad`` call for the
parameter gradients and, when per-layer statistics are wanted, the gradients with respect to
every layer output in the same backward pass; then clipping with torch's own
``clip_grad_norm_`` / ``clip_grad_value_`` so the totals have exactly their semantics.
Per-layer statistics live in `quizsvc.sim.stats`.

Nothing global is changed: randomness comes from per-simulation generators and the thread
count is the caller's (results are reproducible for a fixed thread count; the CLI and the web
workers use one thread).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor

from quizsvc.sim.aggregate import aggregate
from quizsvc.sim.config import SimConfig
from quizsvc.sim.network import (
    Network,
    Task,
    Trace,
    build_network,
    forward,
    generators,
    loss,
    make_task,
)
from quizsvc.sim.optim import Optimizer
from quizsvc.sim.result import SimResult, StepStats
from quizsvc.sim.stats import Grads, layer_stats, norms, to_floats
from quizsvc.sim.version import ENGINE_VERSION


def simulate(cfg: SimConfig) -> SimResult:
    """Run ``cfg`` (every seed when ``cfg.seeds > 1``) and return what was measured.

    Never raises for numerical trouble: overflow or NaN ends training at that step and is
    reported as ``diverged_at``. Invalid configs cannot reach here (`SimConfig` validates).
    """
    if cfg.seeds == 1:
        return _run(cfg)
    runs = [_run(cfg.replace(seed=cfg.seed + k, seeds=1)) for k in range(cfg.seeds)]
    return aggregate(cfg, runs)


@dataclass
class _Totals:
    total: float
    clipped: float
    cosine: float


def _run(cfg: SimConfig) -> SimResult:
    weight_gen, data_gen = generators(cfg.seed)
    net = build_network(cfg, weight_gen)
    task = make_task(cfg, data_gen)
    params = net.parameters()

    trace, loss_value, grads = _pass(net, cfg, task, with_hidden=True)
    layers = layer_stats(net, cfg, trace, grads)
    readout = float(grads.params[cfg.depth].norm())
    totals = _clip(params, grads.params, cfg, cosine=True)
    initial_diverged = not (math.isfinite(loss_value) and math.isfinite(totals.total))

    training = _Training(diverged_at=0 if initial_diverged else None)
    if cfg.steps > 0:
        initial_norms = [layer.weight_grad_norm for layer in layers]
        training = _train(net, cfg, task, (loss_value, totals), initial_norms)
    return SimResult(
        config=cfg,
        engine_version=ENGINE_VERSION,
        layers=layers,
        readout_grad_norm=readout,
        loss=loss_value,
        total_grad_norm=totals.total,
        clipped_grad_norm=totals.clipped,
        clip_cosine=totals.cosine,
        steps=training.steps,
        layer_grad_norms=training.layer_grad_norms,
        update_ratio=training.update_ratio,
        diverged_at=training.diverged_at,
    )


def _pass(
    net: Network, cfg: SimConfig, task: Task, with_hidden: bool
) -> tuple[Trace, float, Grads]:
    """Forward and backward; gradients are also stored in each parameter's ``.grad``."""
    params = net.parameters()
    trace = forward(net, cfg, task.x)
    value = loss(cfg, trace.output, task.target)
    wrt = [*params, *trace.hidden] if with_hidden else params
    grads = torch.autograd.grad(value, wrt)
    for p, g in zip(params, grads[: len(params)], strict=True):
        p.grad = g
    return (
        trace,
        float(value.detach()),
        Grads(list(grads[: len(params)]), list(grads[len(params) :])),
    )


def _clip(params: list[Tensor], grads: list[Tensor], cfg: SimConfig, cosine: bool) -> _Totals:
    """Clip ``.grad`` in place as configured; report the norms before and after and, when
    ``cosine`` is asked for, the cosine between the gradient before and after (else NaN)."""
    norm_type = cfg.clip_norm_type
    if cfg.clip_norm is None and cfg.clip_value is None:
        total = float(torch.nn.utils.get_total_norm(grads, norm_type))
        return _Totals(total, total, 1.0 if math.isfinite(total) else math.nan)
    original = [g.clone() for g in grads] if cosine else []
    if cfg.clip_norm is not None:
        total_t = torch.nn.utils.clip_grad_norm_(params, cfg.clip_norm, norm_type)
    else:
        assert cfg.clip_value is not None  # _clip runs only when one of the two is set
        total_t = torch.nn.utils.get_total_norm(grads, norm_type)
        torch.nn.utils.clip_grad_value_(params, cfg.clip_value)
    clipped = [p.grad for p in params if p.grad is not None]
    after = float(torch.nn.utils.get_total_norm(clipped, norm_type))
    return _Totals(float(total_t), after, _cosine(original, clipped) if cosine else math.nan)


def _cosine(a: list[Tensor], b: list[Tensor]) -> float:
    """Cosine of the angle between two gradients given as lists of tensors."""
    dot = sum(torch.sum(x * y) for x, y in zip(a, b, strict=True))
    norm_a = torch.nn.utils.get_total_norm(a, 2.0)
    norm_b = torch.nn.utils.get_total_norm(b, 2.0)
    return float(dot / (norm_a * norm_b))


@dataclass
class _Training:
    steps: list[StepStats] = field(default_factory=list)
    layer_grad_norms: dict[int, list[float]] = field(default_factory=dict)
    update_ratio: dict[int, list[float]] = field(default_factory=dict)
    diverged_at: int | None = None


def _train(
    net: Network,
    cfg: SimConfig,
    task: Task,
    first: tuple[float, _Totals],
    initial_norms: list[float],
) -> _Training:
    """Run ``cfg.steps`` optimiser steps and return the trace.

    Step 0 reuses the (already clipped) gradients of the initial pass and its per-layer norms
    ``initial_norms`` measured before clipping. A step whose loss or total gradient norm is
    non-finite is recorded and ends the run before any update is applied.
    """
    out = _Training()
    params = net.parameters()
    hidden_weights = net.weights[: cfg.depth]
    optimizer = Optimizer(cfg, params)
    loss_value, totals = first
    for step in range(cfg.steps):
        record = step % cfg.record_every == 0 or step == cfg.steps - 1
        grad_norms = initial_norms
        if step > 0:
            _, loss_value, grads = _pass(net, cfg, task, with_hidden=False)
            grad_norms = norms(grads.params[: cfg.depth]) if record else []
            totals = _clip(params, grads.params, cfg, cosine=False)
        if not (math.isfinite(loss_value) and math.isfinite(totals.total)):
            out.steps.append(StepStats(step, loss_value, totals.total, math.nan))
            out.diverged_at = step
            return out
        out.steps.append(StepStats(step, loss_value, totals.total, totals.clipped))
        before = [w.detach().clone() for w in hidden_weights] if record else []
        optimizer.step()
        if record:
            out.layer_grad_norms[step] = grad_norms
            out.update_ratio[step] = _update_ratios(before, hidden_weights)
    return out


def _update_ratios(before: list[Tensor], after: list[Tensor]) -> list[float]:
    """||W_new - W_old|| / ||W_old|| per layer: the update-to-data ratio."""
    with torch.no_grad():
        ratios = [
            torch.linalg.vector_norm(new - old) / torch.linalg.vector_norm(old)
            for new, old in zip(after, before, strict=True)
        ]
    return to_floats(ratios)
