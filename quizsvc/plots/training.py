"""A training trace: gradient norm per step before and after clipping, and the loss.

Top: the total gradient norm before clipping (solid) and after (dashed), with the clipping
threshold when clipping is by norm. Bottom: the loss. A run that became non-finite is marked
at the step where it stopped.
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from quizsvc.plots.base import Description, Request
from quizsvc.plots.style import (
    ALERT,
    PALETTE,
    dashed,
    few_ticks,
    fit_margins,
    legend_above,
    log_y,
    number,
    positive,
)
from quizsvc.plots.text import Facts
from quizsvc.sim import SimResult

#: Figure height relative to the default, and the panels' height ratio (gradient norm : loss).
_TALLER = 1.35
_HEIGHTS = (1, 2)


def draw(fig: Figure, req: Request) -> Description:
    top, bottom = fig.axes
    _loss_panel_first(fig)
    sim = req.sims[0]
    cfg = sim.config
    steps = [s.step for s in sim.steps]
    before = [s.total_grad_norm for s in sim.steps]
    after = [s.clipped_grad_norm for s in sim.steps]
    losses = [s.loss for s in sim.steps]
    clipping = cfg.clip_norm is not None or cfg.clip_value is not None
    top.plot(
        steps,
        positive(before),
        color=PALETTE[0],
        label="before clipping" if clipping else "gradient norm",
    )
    plotted = before
    if clipping:
        top.plot(steps, positive(after), **dashed(PALETTE[1]), label="after clipping")
        plotted = before + after
    if cfg.clip_norm is not None:
        value = "" if "clip_norm" in req.hide else f" = {cfg.clip_norm:g}"
        top.axhline(
            cfg.clip_norm,
            color=ALERT,
            linestyle=":",
            linewidth=1.4,
            label=f"threshold max_norm{value}",
        )
        plotted = [*plotted, cfg.clip_norm]
    log_y(top, plotted, max_ticks=4)
    top.set_ylabel("gradient norm ‖g‖")
    bottom.plot(steps, positive(losses), color=PALETTE[2])
    log_y(bottom, losses, max_ticks=4)
    bottom.set_ylabel("loss (MSE)" if cfg.task == "regression" else "loss (nats)")
    bottom.set_xlabel("optimiser step")
    few_ticks(bottom.xaxis, integer=True)
    if sim.diverged_at is not None:
        _mark_divergence(fig, sim.diverged_at, "diverged_at" in req.hide)
    # Above the top panel, never over a curve; one series alone needs no legend.
    handles = top.get_legend_handles_labels()[0]
    if len(handles) > 1:
        legend_above(top, handles, max_cols=2)
    return Description(title="Training trace: gradient norm and loss", alt=_alt(req, sim))


def _loss_panel_first(fig: Figure) -> None:
    """Questions read losses off the bottom panel to a fraction of a decade: give it two thirds
    of a taller figure (about 85 px per decade across three decades at the page's width)."""
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height * _TALLER)
    grid = fig.axes[0].get_gridspec()
    assert grid is not None  # the axes come from Figure.subplots
    grid.set_height_ratios(_HEIGHTS)
    fit_margins(fig)  # margins keep their size in inches; re-places the axes on the new grid


def _mark_divergence(fig: Figure, step: int, hide_step: bool) -> None:
    """A dotted line and an x at the step whose loss or gradient was non-finite. The top x is
    labelled for the legend: the curves run up to this step, so text beside it would sit on them."""
    top, bottom = fig.axes
    marks: list[Line2D] = []
    for ax in (top, bottom):
        ax.axvline(step, color=ALERT, linestyle=":", linewidth=1.4)
        marks += ax.plot(
            [step],
            [0.5],
            marker="x",
            color=ALERT,
            markersize=9,
            markeredgewidth=2,
            linestyle="none",
            transform=ax.get_xaxis_transform(),
        )
    marks[0].set_label("non-finite" + ("" if hide_step else f" at step {step}"))


def _alt(req: Request, sim: SimResult) -> str:
    cfg = sim.config
    facts = Facts(req.hide)
    first, last = sim.steps[0], sim.steps[-1]
    # Where a diverged run ends gives away diverged_at: name the step only when it may show.
    hide_end = sim.diverged_at is not None and "diverged_at" in req.hide
    end = "the last step" if hide_end else f"step {last.step}"
    run = "the run" if hide_end else f"{len(sim.steps)} optimiser steps"
    facts.add(
        f"Two line charts over {run}, log scales: the total gradient norm above, the loss below."
    )
    facts.add(f"Optimiser {cfg.optimizer}.", "optimizer")
    facts.add(f"Learning rate {cfg.lr:g}.", "lr")
    finite = [s.total_grad_norm for s in sim.steps if math.isfinite(s.total_grad_norm)]
    facts.add(
        f"Gradient norm before clipping: {number(first.total_grad_norm)} at step 0, "
        f"{number(last.total_grad_norm)} at {end}, largest finite value "
        f"{number(max(finite, default=math.nan))}.",
        "total_grad_norm",
    )
    if cfg.clip_norm is not None or cfg.clip_value is not None:
        facts.add(
            f"After clipping: {number(first.clipped_grad_norm)} at step 0, "
            f"{number(last.clipped_grad_norm)} at {end}.",
            "clipped_grad_norm",
        )
    if cfg.clip_norm is not None:
        facts.add(f"Clipping threshold (dotted): {cfg.clip_norm:g}.", "clip_norm")
    if cfg.clip_value is not None:
        facts.add(f"Each gradient entry is clipped to ±{cfg.clip_value:g}.", "clip_value")
    facts.add(f"Loss: {number(first.loss)} at step 0, {number(last.loss)} at {end}.", "loss")
    if sim.diverged_at is not None:
        facts.add(
            f"The loss or gradient became non-finite at step {sim.diverged_at} and "
            "training stopped there.",
            "diverged_at",
        )
    return facts.text()
