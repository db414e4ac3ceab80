"""How correctness varies with each parameter of a template ("learners fail when depth > 20").

Every variant stores the parameters it was drawn with, so each answer can be placed on each
parameter's axis. Numbers are grouped by value when there are few distinct values, else into
quantile bins; choices are grouped by value. A sentence is written only for a split that a
two-proportion z-test supports (|z| >= 2) and that moves facility by at least 15 points, so
an instructor is not sent chasing noise in a handful of answers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quizsvc.analytics.stats import Answer

MAX_VALUE_GROUPS = 6
QUANTILE_BINS = 4
MIN_GROUP = 5
MIN_GAP = 0.15
MIN_Z = 2.0


@dataclass(frozen=True)
class Group:
    label: str
    n: int
    correct: int

    @property
    def facility(self) -> float:
        return self.correct / self.n


@dataclass(frozen=True)
class ParameterEffect:
    name: str
    numeric: bool
    groups: tuple[Group, ...]
    finding: str | None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def show(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def parameter_effects(answers: Sequence[Answer]) -> list[ParameterEffect]:
    """One effect per parameter seen in the answered variants, in name order."""
    given = [a for a in answers if a.answered]
    names = sorted({name for a in given for name in a.params})
    return [effect(name, given) for name in names]


def effect(name: str, answers: Sequence[Answer]) -> ParameterEffect:
    pairs = [(a.params[name], a.correct) for a in answers if name in a.params]
    numeric = bool(pairs) and all(is_number(v) for v, _ in pairs)
    if numeric:
        groups = _numeric_groups([(float(v), c) for v, c in pairs])
        finding = _threshold_finding(name, [(float(v), c) for v, c in pairs])
    else:
        groups = _value_groups([(show(v), c) for v, c in pairs])
        finding = _category_finding(name, [(show(v), c) for v, c in pairs])
    return ParameterEffect(name, numeric, tuple(groups), finding)


def _value_groups(pairs: Sequence[tuple[Any, bool]]) -> list[Group]:
    by_value: dict[Any, list[bool]] = {}
    for value, correct in pairs:
        by_value.setdefault(value, []).append(correct)
    return [Group(show(v), len(cs), sum(cs)) for v, cs in sorted(by_value.items())]


def _numeric_groups(pairs: Sequence[tuple[float, bool]]) -> list[Group]:
    values = sorted({v for v, _ in pairs})
    if len(values) <= MAX_VALUE_GROUPS:
        return _value_groups([(int(v) if v.is_integer() else v, c) for v, c in pairs])
    ordered = sorted(v for v, _ in pairs)
    edges = [
        ordered[round(i * (len(ordered) - 1) / QUANTILE_BINS)] for i in range(1, QUANTILE_BINS)
    ]
    bounds = sorted({ordered[0], *edges, ordered[-1]})
    groups = []
    for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        last = i == len(bounds) - 2
        inside = [c for v, c in pairs if lo <= v < hi or (last and v == hi)]
        if inside:
            closing = "]" if last else ")"
            groups.append(Group(f"[{show(lo)}, {show(hi)}{closing}", len(inside), sum(inside)))
    return groups


def z_score(correct_a: int, n_a: int, correct_b: int, n_b: int) -> float:
    """Two-proportion z statistic with the pooled proportion (0 when it is undefined)."""
    pooled = (correct_a + correct_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return 0.0 if spread == 0 else (correct_a / n_a - correct_b / n_b) / spread


def _supported(low: Group, high: Group) -> bool:
    if min(low.n, high.n) < MIN_GROUP:
        return False
    gap = abs(low.facility - high.facility)
    return gap >= MIN_GAP and abs(z_score(low.correct, low.n, high.correct, high.n)) >= MIN_Z


def _percent(group: Group) -> str:
    return f"{group.facility * 100:.0f} % correct (n = {group.n})"


def _threshold_finding(name: str, pairs: Sequence[tuple[float, bool]]) -> str | None:
    """The threshold t with the largest significant facility gap between x <= t and x > t."""
    best: tuple[float, float, Group, Group] | None = None
    for t in sorted({v for v, _ in pairs})[:-1]:
        below = [c for v, c in pairs if v <= t]
        above = [c for v, c in pairs if v > t]
        low = Group(f"{name} ≤ {show(t)}", len(below), sum(below))
        high = Group(f"{name} > {show(t)}", len(above), sum(above))
        gap = abs(low.facility - high.facility)
        if _supported(low, high) and (best is None or gap > best[0]):
            best = (gap, t, low, high)
    if best is None:
        return None
    _, _, low, high = best
    worse, better = (low, high) if low.facility < high.facility else (high, low)
    return (
        f"Learners fail more often when {worse.label}: {_percent(worse)}, "
        f"against {_percent(better)} when {better.label}."
    )


def _category_finding(name: str, pairs: Sequence[tuple[str, bool]]) -> str | None:
    """The value whose facility differs most (significantly) from all other values pooled."""
    best: tuple[float, Group, Group] | None = None
    for value in sorted({v for v, _ in pairs}):
        inside = [c for v, c in pairs if v == value]
        outside = [c for v, c in pairs if v != value]
        if not outside:
            continue
        one = Group(value, len(inside), sum(inside))
        rest = Group("other values", len(outside), sum(outside))
        gap = abs(one.facility - rest.facility)
        if (
            _supported(one, rest)
            and one.facility < rest.facility
            and (best is None or gap > best[0])
        ):
            best = (gap, one, rest)
    if best is None:
        return None
    _, one, rest = best
    return (
        f"Learners fail more often when {name} is {one.label}: {_percent(one)}, "
        f"against {_percent(rest)} for the other values."
    )
