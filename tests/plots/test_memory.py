"""Memory stays flat over 1,000 renders (no pyplot: every figure is garbage once saved)."""

from __future__ import annotations

import os

import pytest

from quizsvc.plots import render
from quizsvc.sim import SimConfig, simulate

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


@pytest.mark.slow
def test_memory_is_flat_over_a_thousand_renders() -> None:
    result = simulate(SimConfig(depth=8, width=16, batch=8, activation="tanh"))
    jobs = [
        ("grad_norms", [result], {}),
        ("activation_fn", [], {"activation": "elu"}),
    ]
    for kind, sims, options in jobs * 25:  # warm caches: fonts, text layout, colormaps
        render(kind, sims, **options)
    before = _rss_bytes()
    for i in range(1000):
        kind, sims, options = jobs[i % len(jobs)]
        render(kind, sims, **options)
    growth = _rss_bytes() - before
    # A leaked figure costs ~1 MB, so 1,000 leaks would show as ~1 GB; allow allocator slack.
    assert growth < 16 * 2**20, f"RSS grew by {growth / 2**20:.1f} MB"
