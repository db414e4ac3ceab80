"""When a numeric answer counts as right: relative, absolute, significant figures, log10.

One definition serves grading, the content checker (which asks whether two choices or a
distractor and the answer are indistinguishable) and the exports (which grade by interval), so
they can never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

TOLERANCES: tuple[str, ...] = ("relative", "absolute", "sigfigs", "log10")

# Floating-point slack so that the key itself, rounded as shown, is never refused.
_SLACK = 1e-9


def within(x: float, key: float, tolerance: Mapping[str, float]) -> bool:
    """True when ``x`` is an acceptable answer for ``key`` under ``tolerance``."""
    if not (math.isfinite(x) and math.isfinite(key)):
        return False
    ((kind, amount),) = tolerance.items()
    # Rounding error of typing a decimal: a few units in the last place of the numbers.
    rounding = 4 * math.ulp(max(abs(x), abs(key)))
    if kind == "absolute":
        return abs(x - key) <= amount * (1 + _SLACK) + rounding
    if kind == "relative":
        return abs(x - key) <= amount * abs(key) * (1 + _SLACK) + rounding
    if kind == "sigfigs":
        if key == 0:
            return x == 0
        unit = 10.0 ** (math.floor(math.log10(abs(key))) - int(amount) + 1)
        return abs(x - key) <= 0.5 * unit * (1 + _SLACK) + rounding
    if kind == "log10":
        if x == 0 or key == 0 or (x > 0) != (key > 0):
            return False
        return abs(math.log10(abs(x)) - math.log10(abs(key))) <= amount * (1 + _SLACK)
    raise ValueError(f"unknown tolerance {kind!r}")


def describe(tolerance: Mapping[str, float]) -> str:
    """The tolerance in words, for feedback after answering."""
    ((kind, amount),) = tolerance.items()
    if kind == "relative":
        return f"within {amount * 100:g} %"
    if kind == "absolute":
        return f"within ±{amount:g}"
    if kind == "sigfigs":
        return f"to {int(amount)} significant figures"
    return f"within a factor of {10**amount:.3g}"


def tolerance_interval(value: float, tolerance: Mapping[str, float]) -> tuple[float, float]:
    """The numbers :func:`within` accepts for ``value``, as a closed interval, for systems that
    grade numbers by range (Canvas, Moodle)."""
    ((kind, amount),) = tolerance.items()
    if kind == "absolute":
        half = amount
    elif kind == "relative":
        half = amount * abs(value)
    elif kind == "sigfigs":
        if value == 0:
            return 0.0, 0.0
        half = 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - int(amount) + 1)
    elif kind == "log10":
        low, high = abs(value) / 10.0**amount, abs(value) * 10.0**amount
        return (low, high) if value > 0 else (-high, -low)
    else:
        raise ValueError(f"unknown tolerance {kind!r}")
    return value - half, value + half
