"""The per-process simulation cache: least recently used results go first, and threads asking
for a config that is being computed wait for that one run."""

from __future__ import annotations

import threading

import pytest

from quizsvc.quiz import simcache
from quizsvc.quiz.simcache import SimCache
from quizsvc.sim import SimConfig, SimResult, simulate


def config(seed: int) -> SimConfig:
    return SimConfig.from_dict({"depth": 2, "width": 4, "batch": 2, "seed": seed})


def test_the_least_recently_used_result_goes_first() -> None:
    cache = SimCache(maxsize=2)
    first = cache.get(config(1))
    cache.get(config(2))
    assert cache.get(config(1)) is first  # 1 is now more recent than 2
    cache.get(config(3))  # evicts 2
    assert cache.stats.misses == 3 and cache.stats.hits == 1
    assert cache.get(config(1)) is first and cache.stats.misses == 3
    cache.get(config(2))
    assert cache.stats.misses == 4
    assert cache.stats.sim_seconds > 0
    cache.clear()
    assert (cache.stats.hits, cache.stats.misses, cache.stats.sim_seconds) == (0, 0, 0.0)


def test_concurrent_requests_for_one_config_run_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = threading.Event(), threading.Event()
    runs: list[SimConfig] = []

    def slow_simulate(cfg: SimConfig) -> SimResult:
        runs.append(cfg)
        entered.set()
        release.wait(timeout=30)
        return simulate(cfg)

    monkeypatch.setattr(simcache, "simulate", slow_simulate)
    cache = SimCache()
    results: list[SimResult] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(config(7))))]
    threads[0].start()
    assert entered.wait(timeout=30)
    for _ in range(3):
        thread = threading.Thread(target=lambda: results.append(cache.get(config(7))))
        thread.start()
        threads.append(thread)
    release.wait(timeout=0.2)  # let the others reach the cache while the first run is going
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(runs) == 1 and len(results) == 4
    assert all(result is results[0] for result in results)
