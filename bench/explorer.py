"""Explorer benchmark: what a typical change of one control costs, served through the app.

    .venv/bin/python bench/explorer.py [--changes 30]

A learner compares A (fixed, so cached after the first request) with B and changes one of B's
controls: depth (5..50), width (32..256), activation or initialisation, one pass (steps 0),
each change a configuration never seen before (a new seed), so B's simulation and both figures
are computed cold. Each change is one GET of /explore/results (the fragment explore.js fetches)
through the Flask test client, on one torch thread like a gunicorn worker.

Goal (issue 15): a learner waits less than 250 ms at p50 on 2 cores, so the goal is about
wall-clock time: the wall-clock p50 of a change is printed against it. Beside it, the CPU time
of this process (`time.process_time`, as bench/sim.py measures): what a request costs a worker
on a core of its own, however loaded the machine running the benchmark is.

The floor, measured in the same run and interleaved with the changes, is the simulation of B
alone (`quizsvc.sim.simulate`, uncached): the work no explorer can skip. Its CPU time over its
wall-clock time is the share of a core this process got during the run (1.0 on an idle machine),
printed with the load average: on a shared machine the wall-clock p50 includes waiting for a
core, which is the machine's load and not the explorer's cost. So the exit status fails when the
CPU p50 misses the goal (slow anywhere), or when the wall-clock p50 misses it while this process
had a core to itself (share >= 0.9): never only because other work loaded the machine. A second
pass over the same changes shows the cached cost (a learner going back to a setting).

Not included in the wall-clock time: HTTP through gunicorn (the Flask test client calls the app
directly; bench/http_load.py measures a bare route through gunicorn) and explore.js's 350 ms
pause after the last change, which starts when the learner stops changing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import torch

from quizsvc import create_app, migrate
from quizsvc.sim import SimConfig, simulate

GOAL_MS = 250.0
#: The share of a core at or above which the machine counts as idle for the wall-clock goal.
IDLE_SHARE = 0.9
A = {"depth": 20, "width": 128, "activation": "tanh", "init": "xavier_normal"}


def changes(count: int, rng: random.Random) -> list[dict[str, object]]:
    """B's configurations: A with one control changed, each with a fresh seed."""
    options: dict[str, list[object]] = {
        "depth": [5, 10, 20, 30, 40, 50],
        "width": [32, 64, 128, 256],
        "activation": ["sigmoid", "relu", "gelu", "linear"],
        "init": ["kaiming_normal", "orthogonal", "xavier_uniform"],
    }
    out = []
    for i in range(count):
        field = rng.choice(list(options))
        out.append({**A, field: rng.choice(options[field]), "seed": 1000 + i})
    return out


def query(b: dict[str, object]) -> str:
    pairs = [(f"a.{k}", str(v)) for k, v in A.items()]
    pairs += [(f"b.{k}", str(v)) for k, v in b.items()]
    return urlencode(pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = random.Random(7)
    work = Path(tempfile.mkdtemp(prefix="bench-explorer-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "FIGURE_CACHE_DIR": str(work / "figures"),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    # Migrated, as in production: the figure store shares figures through its table (without
    # it every figure logged a failed read, claim and write, and the times included them).
    migrate.upgrade(app)
    client = app.test_client()
    # Warm-up: torch, matplotlib and A's simulation load once per worker, not per change.
    warm = client.get(f"/explore/results?{query({**A, 'seed': 1})}")
    assert warm.status_code == 200, warm.get_data(as_text=True)[:500]

    bs = changes(args.changes, rng)
    served, walls, floors, floor_walls = [], [], [], []
    for b in bs:
        start, wall = time.process_time(), time.perf_counter()
        response = client.get(f"/explore/results?{query(b)}")
        served.append(time.process_time() - start)
        walls.append(time.perf_counter() - wall)
        assert response.status_code == 200, response.status_code
        start, wall = time.process_time(), time.perf_counter()
        simulate(SimConfig.from_dict(b))
        floors.append(time.process_time() - start)
        floor_walls.append(time.perf_counter() - wall)
    cached = []
    for b in bs:
        start = time.process_time()
        client.get(f"/explore/results?{query(b)}")
        cached.append(time.process_time() - start)
    return report(served, walls, floors, floor_walls, cached)


def report(
    served: list[float],
    walls: list[float],
    floors: list[float],
    floor_walls: list[float],
    cached: list[float],
) -> int:
    """Print the table and the goal lines; 1 if the goal is missed for the explorer's sake."""
    ms = 1e3
    p50, floor = statistics.median(served), statistics.median(floors)
    p90 = statistics.quantiles(served, n=10)[-1]
    wall_p50, floor_wall = statistics.median(walls), statistics.median(floor_walls)
    wall_p90 = statistics.quantiles(walls, n=10)[-1]
    share = min(1.0, sum(floors) / sum(floor_walls))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"explorer: {len(served)} typical changes of B (depth <= 50, width <= 256, one pass); "
        f"{os.cpu_count()} cores, load {load}; this process had {share:.0%} of a core"
    )
    print(f"{'case':<28}{'wall ms':>10}{'CPU ms':>10}{'floor wall':>12}{'floor CPU':>11}"
          f"{'CPU ratio':>11}")  # fmt: skip
    print(f"{'change, p50 (cold)':<28}{wall_p50 * ms:>10.1f}{p50 * ms:>10.1f}"
          f"{floor_wall * ms:>12.1f}{floor * ms:>11.1f}{p50 / floor:>10.1f}x")  # fmt: skip
    print(f"{'change, p90 (cold)':<28}{wall_p90 * ms:>10.1f}{p90 * ms:>10.1f}"
          f"{'':>12}{'':>11}{p90 / floor:>10.1f}x")  # fmt: skip
    back = statistics.median(cached)
    print(f"{'back to a setting (cached)':<28}{'':>10}{back * ms:>10.1f}{'':>12}{'':>11}"
          f"{back / floor:>10.1f}x")  # fmt: skip
    wall_met, cpu_met = wall_p50 * ms < GOAL_MS, p50 * ms < GOAL_MS
    loaded = share < IDLE_SHARE
    alone = f" (with a core of its own about {wall_p50 * share * ms:.0f} ms)" if loaded else ""
    print(f"goal: a learner waits < {GOAL_MS:.0f} ms at p50 (wall-clock): measured "
          f"{wall_p50 * ms:.0f} ms, {'met' if wall_met else 'NOT met'}{alone}")  # fmt: skip
    print(f"      the change's CPU time < {GOAL_MS:.0f} ms at p50: measured {p50 * ms:.0f} ms, "
          f"{'met' if cpu_met else 'NOT met'}")  # fmt: skip
    if not wall_met and loaded:
        print(f"      the wall-clock miss is not counted: this process had {share:.0%} of a core "
              f"(< {IDLE_SHARE:.0%}), the rest of the wait was other work's")  # fmt: skip
    return 0 if cpu_met and (wall_met or loaded) else 1


if __name__ == "__main__":
    sys.exit(main())
