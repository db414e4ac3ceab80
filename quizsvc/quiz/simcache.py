"""Simulations shared between variants, figures and attempts.

Identical configurations (same settings, seed and engine version, so the same
``SimConfig.cache_key()``) are computed once per process; a variant's figures re-run the sims
its answer came from, so the cache turns that into a lookup. The counters let bench/variants.py
separate simulation time from template overhead.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from quizsvc.sim import SimConfig, SimResult, simulate


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    sim_seconds: float = 0.0


class SimCache:
    """A thread-safe LRU cache of simulation results keyed by ``cfg.cache_key()``."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self.stats = CacheStats()
        self._results: OrderedDict[str, SimResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, cfg: SimConfig) -> SimResult:
        key = cfg.cache_key()
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                self.stats.hits += 1
                return self._results[key]
        start = time.perf_counter()
        result = simulate(cfg)
        elapsed = time.perf_counter() - start
        with self._lock:
            self.stats.misses += 1
            self.stats.sim_seconds += elapsed
            self._results[key] = result
            while len(self._results) > self.maxsize:
                self._results.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._results.clear()
            self.stats = CacheStats()


SIM_CACHE = SimCache()
