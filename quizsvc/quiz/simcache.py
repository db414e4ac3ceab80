"""Simulations shared between variants, figures and attempts.

Identical configurations (same settings, seed and engine version, so the same
``SimConfig.cache_key()``) are computed once per process; a variant's figures re-run the sims
its answer came from, so the cache turns that into a lookup. Threads that ask for a config
being computed wait for that one run instead of starting their own. The counters let
bench/variants.py separate simulation time from template overhead.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from cachetools import LRUCache, cached

from quizsvc.sim import SimConfig, SimResult, simulate


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    sim_seconds: float = 0.0


class SimCache:
    """A thread-safe LRU cache (cachetools) of simulation results keyed by ``cfg.cache_key()``."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._timing = threading.Lock()
        self._sim_seconds = 0.0
        self._cached = cached(
            LRUCache(maxsize),
            key=SimConfig.cache_key,
            condition=threading.Condition(),
            info=True,
        )(self._simulate)

    def get(self, cfg: SimConfig) -> SimResult:
        return self._cached(cfg)

    @property
    def stats(self) -> CacheStats:
        info = self._cached.cache_info()
        return CacheStats(hits=info.hits, misses=info.misses, sim_seconds=self._sim_seconds)

    def clear(self) -> None:
        self._cached.cache_clear()
        with self._timing:
            self._sim_seconds = 0.0

    def _simulate(self, cfg: SimConfig) -> SimResult:
        start = time.perf_counter()
        result = simulate(cfg)
        with self._timing:
            self._sim_seconds += time.perf_counter() - start
        return result


SIM_CACHE = SimCache()
