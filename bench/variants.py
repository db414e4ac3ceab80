"""Variant benchmark: what generating a question costs, and how much of it is template overhead.

    .venv/bin/python bench/variants.py [--seeds 5] [--content-dir DIR] [--attempts 5]

For each shipped template, the median over ``--seeds`` seeds of:

- cold: ``generate`` with an empty simulation cache, then every figure of the variant drawn
  (what starting an attempt and showing the question costs);
- warm: ``generate`` again for the same seed (every simulation cached);
- sims and figures: the simulation time (measured inside the cache) and the time to draw the
  figures without their simulations;
- overhead: the generation time outside simulations (drawing parameters, building and
  validating configurations, expressions, placeholders, Markdown, math, sanitizing), and its
  share of the cold cost (the median of the per-seed shares). The goal is under 10 %;
  templates without simulations or figures are all overhead (a few milliseconds of Markdown
  and math) and show n/a.

Then a whole 10-question attempt (10 templates, new seeds, cold cache, figures drawn), median of
``--attempts``. Every time is also given as a ratio to a floor measured in the same run: one
128x128 float32 matrix product in torch on one thread.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from quizsvc.content import QuestionTemplate, load_catalog
from quizsvc.quiz import SIM_CACHE, generate, render_variant_figure

GOAL = 0.10
ATTEMPT_QUESTIONS = 10


@dataclass
class Cost:
    """Seconds spent in one measured unit of work, split by where they went."""

    total: float
    sims: float
    figures: float
    overhead: float

    @property
    def share(self) -> float:
        return self.overhead / self.total if self.total else 0.0


def matmul_floor(repeats: int = 2000) -> float:
    """Median seconds of one 128x128 float32 matrix product (the unit of every ratio)."""
    a, b = torch.randn(128, 128), torch.randn(128, 128)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measured(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, simulation seconds inside it) of ``work``."""
    sims_before = SIM_CACHE.stats.sim_seconds
    start = time.perf_counter()
    work()
    return time.perf_counter() - start, SIM_CACHE.stats.sim_seconds - sims_before


def variant_cost(template: QuestionTemplate, seed: int) -> Cost:
    """Generate one variant and draw its figures, with whatever the cache holds."""
    holder = {}
    gen_time, gen_sims = measured(lambda: holder.setdefault("v", generate(template, seed)))
    variant = holder["v"]
    fig_time, fig_sims = measured(
        lambda: [render_variant_figure(variant, i) for i in range(len(variant.figures))]
    )
    return Cost(gen_time + fig_time, gen_sims + fig_sims, fig_time - fig_sims, gen_time - gen_sims)


def median_cost(costs: list[Cost]) -> Cost:
    """Each part's median (so the parts need not add up to the total)."""
    return Cost(
        statistics.median(c.total for c in costs),
        statistics.median(c.sims for c in costs),
        statistics.median(c.figures for c in costs),
        statistics.median(c.overhead for c in costs),
    )


def total_cost(costs: list[Cost]) -> Cost:
    return Cost(
        sum(c.total for c in costs),
        sum(c.sims for c in costs),
        sum(c.figures for c in costs),
        sum(c.overhead for c in costs),
    )


def bench_template(template: QuestionTemplate, seeds: int) -> tuple[Cost, float, float]:
    """Median cold cost, median warm generate time and median overhead share over seeds."""
    cold, warm = [], []
    for seed in range(seeds):
        SIM_CACHE.clear()
        cold.append(variant_cost(template, seed))
        start = time.perf_counter()
        generate(template, seed)
        warm.append(time.perf_counter() - start)
    return median_cost(cold), statistics.median(warm), statistics.median(c.share for c in cold)


def bench_attempt(templates: list[QuestionTemplate], attempts: int) -> Cost:
    """A 10-question attempt: new seeds, cold cache, every figure drawn; median of attempts."""
    rng = random.Random(0)
    costs = []
    for attempt in range(attempts):
        SIM_CACHE.clear()
        chosen = rng.sample(templates, min(ATTEMPT_QUESTIONS, len(templates)))
        costs.append(total_cost([variant_cost(t, 10_000 + attempt) for t in chosen]))
    return median_cost(costs)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per template (median)")
    parser.add_argument("--attempts", type=int, default=5, help="10-question attempts (median)")
    parser.add_argument("--content-dir", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    catalog = load_catalog(args.content_dir)
    templates = list(catalog.templates.values())
    if not templates:
        sys.exit("no valid templates: run `quizsvc content check`")
    floor = matmul_floor()
    print(
        f"floor: one 128x128 matmul = {floor * 1e6:.1f} us; {len(templates)} templates, "
        f"median of {args.seeds} seeds; times in ms\n"
    )
    header = f"{'template':34} {'kind':11} {'cold':>8} {'warm':>8} {'sims':>8} {'figures':>8} "
    print(header + f"{'overhead':>8} {'share':>6} {'x floor':>8}")
    shares = []
    for template in templates:
        cold, warm, share = bench_template(template, args.seeds)
        # Only plot_choice templates have options (drawn per choice); other kinds have none.
        computed = bool(template.sims or template.figures or getattr(template, "options", None))
        if computed:
            shares.append(share)
        shown = f"{share:6.1%}" if computed else f"{'n/a':>6}"
        print(
            f"{template.id[:34]:34} {template.kind:11} {ms(cold.total)} {ms(warm)} {ms(cold.sims)} "
            f"{ms(cold.figures)} {ms(cold.overhead)} {shown} {cold.overhead / floor:8.0f}"
        )
    attempt = bench_attempt(templates, args.attempts)
    print(
        f"\n10-question attempt: {ms(attempt.total)} ms = sims {ms(attempt.sims).strip()} + "
        f"figures {ms(attempt.figures).strip()} + overhead {ms(attempt.overhead).strip()} "
        f"({attempt.share:.1%}); {attempt.total / floor:.0f} x floor"
    )
    if shares:
        median_share = statistics.median(shares)
        verdict = "met" if median_share < GOAL else "NOT met"
        print(
            f"template overhead share (templates that simulate or draw): median "
            f"{median_share:.1%}, max {max(shares):.1%} (goal < {GOAL:.0%}: {verdict})"
        )


if __name__ == "__main__":
    main()
