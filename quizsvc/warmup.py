"""Pay one-time costs (matplotlib's font cache and first render) before serving requests."""

from __future__ import annotations

import io


def warm_up() -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    ax.semilogy([1, 2, 3], [1, 10, 100])
    fig.savefig(io.BytesIO(), format="svg")
