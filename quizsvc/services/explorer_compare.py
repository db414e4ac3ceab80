"""The one sentence that says how B differs from A, generated from what the networks measured.

It names the settings that differ, then the ratio of the gradients where the backward signal
arrives last (the first layer, or the earliest time step) as a power of ten, and, when both
trained, how their losses ended. Numbers are the results' own, so the sentence can be checked
against the figures beside it.

The sentence is data, not markup: its parts are text and powers of ten, so the page can set the
exponent as a superscript (explore/_results.html) while ``str()`` gives the plain form
("10^-4.2") wherever only text fits (a title, a log line, a test).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from quizsvc.services.explorer_state import DEFAULTS, format_value
from quizsvc.sim import SimResult, fields_for

#: Settings named in the sentence before "and N more".
MAX_NAMED = 3


def earliest_gradient(result: SimResult, metric: str) -> float:
    """The gradient norm where backpropagation ends: layer 1 (``metric``), or h_1 in time."""
    if result.time_steps:
        return result.time_steps[0].hidden_grad_norm
    return result.metric(metric)[0] if result.layers else math.nan


def where(result: SimResult) -> str:
    return "gradient at t = 1" if result.time_steps else "first-layer gradient"


@dataclass(frozen=True)
class PowerOfTen:
    """A ratio written as 10 to a power with one decimal: 6.3e-5 is 10^-4.2."""

    ratio: float

    @property
    def exponent(self) -> str:
        """The exponent as printed, "-4.2" (no "+" for ratios above 1)."""
        return f"{math.log10(self.ratio):+.1f}".replace("+", "")

    @property
    def exponent_typeset(self) -> str:
        """The exponent with a true minus sign (U+2212), for a superscript."""
        return self.exponent.replace("-", "\u2212")

    def __str__(self) -> str:
        return f"10^{self.exponent}"


@dataclass(frozen=True)
class Sentence:
    """Text and powers of ten, in order; ``str()`` is the plain-text sentence."""

    parts: tuple[str | PowerOfTen, ...]

    def __str__(self) -> str:
        return "".join(str(part) for part in self.parts)


def power_of_ten(ratio: float) -> str:
    """``10^-4.2`` for a ratio of 6.3e-5 (one decimal of the exponent): the plain form."""
    return str(PowerOfTen(ratio))


def setting_changes(a: SimResult, b: SimResult) -> list[str]:
    """ "activation sigmoid instead of tanh", one per setting where B differs from A."""
    da, db = a.config.to_dict(), b.config.to_dict()
    # A field of one architecture only (depth, seq_len) is said by "arch lstm instead of mlp".
    shared = set(fields_for(a.config.arch)) & set(fields_for(b.config.arch))
    changes = []
    for name in DEFAULTS:
        if name in shared and da[name] != db[name]:
            changes.append(f"{name} {format_value(db[name])} instead of {format_value(da[name])}")
    return changes


def difference_sentence(a: SimResult, b: SimResult, metric: str) -> str:
    """The comparison in plain text (powers of ten as "10^-4.2")."""
    return str(comparison(a, b, metric))


def comparison(a: SimResult, b: SimResult, metric: str) -> Sentence:
    """One sentence: what B changes, and what that did to the gradient and the loss."""
    changes = setting_changes(a, b)
    if not changes:
        return Sentence(("A and B are the same network, so their numbers are the same.",))
    named = ", ".join(changes[:MAX_NAMED])
    if len(changes) > MAX_NAMED:
        named += f" and {len(changes) - MAX_NAMED} more"
    ga, gb = earliest_gradient(a, metric), earliest_gradient(b, metric)
    subject = f"B's {where(b)}"
    if not (math.isfinite(ga) and math.isfinite(gb)):
        broken = " and ".join(n for n, g in (("A", ga), ("B", gb)) if not math.isfinite(g))
        gradient = f"{broken}'s gradient is not finite (the network overflowed)"
    elif ga == 0 or gb == 0:
        gradient = f"{subject} is {gb:.3g} against A's {ga:.3g}"
    elif abs(math.log10(gb / ga)) < 0.05:
        gradient = f"{subject} is about the same as A's ({gb:.3g} against {ga:.3g})"
    else:
        rest = f" of A's {where(a)} ({gb:.3g} against {ga:.3g}){_training(a, b)}."
        return Sentence((f"With {named}, {subject} is ", PowerOfTen(gb / ga), rest))
    return Sentence((f"With {named}, {gradient}{_training(a, b)}.",))


def _training(a: SimResult, b: SimResult) -> str:
    if not (a.steps and b.steps):
        return ""
    parts = []
    for name, result in (("A", a), ("B", b)):
        if result.diverged_at is not None:
            parts.append(f"{name} diverged at step {result.diverged_at}")
        else:
            last = result.steps[-1]
            parts.append(f"{name}'s loss was {last.loss:.3g} at step {last.step}")
    return "; " + " and ".join(parts)
