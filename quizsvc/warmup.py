"""Pay one-time costs in a fresh worker before it serves its first request.

A cold worker would otherwise charge the first learner for importing torch and matplotlib
(about 2 s), for matplotlib's first render (~200 ms), for torch's first kernels and for parsing
every lesson file. gunicorn calls this after forking each worker (see gunicorn.conf.py), never
in the master, so no torch state is ever shared across a fork.
"""

from __future__ import annotations

import io

from flask import Flask


def warm_up(app: Flask | None = None) -> None:
    """Warm matplotlib and torch; with the worker's app, also load its lesson catalog."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    ax.semilogy([1, 2, 3], [1, 10, 100])
    fig.savefig(io.BytesIO(), format="svg")

    from quizsvc.sim import SimConfig, simulate

    simulate(SimConfig.from_dict({"depth": 2, "width": 4, "batch": 2}))
    simulate(SimConfig.from_dict({"arch": "lstm", "seq_len": 2, "hidden": 4, "batch": 2}))
    if isinstance(app, Flask):
        from quizsvc.services.catalog import get_catalog

        get_catalog(app)
