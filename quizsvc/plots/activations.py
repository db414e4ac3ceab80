"""Distribution of each layer's outputs, as mirrored histograms, with the saturation share.

Glorot & Bengio (2010) used this picture to show sigmoid and tanh layers drifting into
saturation; here every shown layer gets a violin built from the result's histogram (width
proportional to the square root of the count) and the percentage of saturated units above it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from quizsvc.plots.base import Description, Request
from quizsvc.plots.style import ALERT, FONT, PALETTE, few_ticks, number, percent, spread
from quizsvc.plots.table import Panel, Rounder
from quizsvc.plots.text import Facts

_HALF_WIDTH = 0.42
_ONE_ROW = 6  # labels of up to this many layers fit one row


def draw(fig: Figure, req: Request) -> Description:
    ax = fig.axes[0]
    sim, label = req.sims[0], req.labels[0]
    shown = spread(len(sim.layers), req.options["max_layers"])
    show_saturation = "saturation" not in req.hide
    lows, highs = [], []
    for x, i in enumerate(shown):
        hist = sim.layers[i].histogram
        if hist is None:
            ax.text(x, 0.0, "overflow", ha="center", color=ALERT, rotation=90)
            continue
        counts = np.asarray(hist.counts, dtype=float)
        edges = np.linspace(hist.lo, hist.hi, len(counts) + 1)
        # Width grows with sqrt(count): the tails stay visible beside ReLU's spike at 0.
        half = _HALF_WIDTH * np.sqrt(counts / max(counts.max(), 1.0))
        ax.fill_betweenx(
            np.repeat(edges, 2)[1:-1],
            x - np.repeat(half, 2),
            x + np.repeat(half, 2),
            facecolor=PALETTE[0],
            alpha=0.8,
            edgecolor=PALETTE[0],
            linewidth=0.8,
        )
        lows.append(hist.lo)
        highs.append(hist.hi)
    lo, hi = (min(lows), max(highs)) if lows else (-1.0, 1.0)
    pad = 0.05 * (hi - lo or 1.0)
    # Shares of saturated units above the violins; past _ONE_ROW layers a label is wider than
    # a violin's slot at the figure's font size, so they alternate between two rows.
    rows = 1 if len(shown) <= _ONE_ROW else 2
    ax.set_ylim(lo - pad, hi + ((1 + 4 * rows) if show_saturation else 1) * pad)
    if show_saturation:
        for x, i in enumerate(shown):
            ax.annotate(
                percent(sim.layers[i].saturation),
                xy=(x, 1.0),
                xycoords=ax.get_xaxis_transform(),
                xytext=(0, -2 - (x % rows) * 1.15 * FONT),
                textcoords="offset points",
                ha="center",
                va="top",
            )
    ax.set_xticks(range(len(shown)), [str(i + 1) for i in shown])
    few_ticks(ax.yaxis)
    # No value ticks up among the saturation labels.
    ax.set_yticks([t for t in ax.get_yticks() if lo - pad <= t <= hi + pad])
    ax.set_xlim(-0.6, len(shown) - 0.4)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(
        "layer (1 = nearest the input)"
        + ("; above: % of units saturated" if show_saturation else "")
    )
    ax.set_ylabel("layer output value h")
    return Description(title="Distribution of layer outputs", alt=_alt(req, shown, label))


def _alt(req: Request, shown: list[int], label: str) -> str:
    sim = req.sims[0]
    first, last = sim.layers[shown[0]], sim.layers[shown[-1]]
    span = f"layer {first.index} to layer {last.index}"
    facts = Facts(req.hide)
    facts.add(
        f"Histograms of the layer outputs of {label} for {len(shown)} of "
        f"{len(sim.layers)} layers, drawn as violins."
    )
    facts.add(
        f"Standard deviation of the outputs: {number(first.activation_std)} to "
        f"{number(last.activation_std)} ({span}).",
        "activation_std",
    )
    facts.add(
        f"Mean output: {number(first.activation_mean)} to {number(last.activation_mean)} ({span}).",
        "activation_mean",
    )
    facts.add(
        f"Saturated units: {percent(first.saturation)} to {percent(last.saturation)} ({span}).",
        "saturation",
    )
    dead = [sim.layers[i].dead_fraction for i in shown]
    if any(d > 0 for d in dead):
        facts.add(f"Dead units: up to {percent(max(dead))} in a layer.", "dead_fraction")
    return facts.text()


def tabulate(fig: Figure, req: Request) -> list[Panel]:
    """Each shown layer's violin as its 10th, 50th and 90th percentiles (read off the
    histogram the violin is drawn from, rounded as the axis reads) and its saturated share
    when the figure shows it."""
    ax = fig.axes[0]
    sim = req.sims[0]
    rounder = Rounder(ax)
    saturation = "saturation" not in req.hide
    panel = Panel(
        caption=f"Distribution of the layer outputs of {req.labels[0]}",
        x_label="layer",
        columns=[
            "10th percentile",
            "median",
            "90th percentile",
            *(["% of units saturated"] if saturation else []),
        ],
        precision=rounder.precision,
    )
    for i in spread(len(sim.layers), req.options["max_layers"]):
        layer = sim.layers[i]
        if layer.histogram is None:
            cells = ["overflow"] * 3
        else:
            counts = np.asarray(layer.histogram.counts, dtype=float)
            edges = np.linspace(layer.histogram.lo, layer.histogram.hi, len(counts) + 1)
            share = np.concatenate([[0.0], np.cumsum(counts)]) / max(counts.sum(), 1.0)
            cells = [rounder(float(np.interp(q, share, edges))) for q in (0.1, 0.5, 0.9)]
        panel.rows.append(
            [str(i + 1), *cells, *([percent(layer.saturation)] if saturation else [])]
        )
    return [panel]
