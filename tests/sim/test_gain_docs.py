"""The second-moment gains that the theory module and docs/simulate.md state, derived.

ELU's second moment has a closed form, E[elu(u)^2] = 1/2 + e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2
for u ~ N(0, 1), so its gain 1 / sqrt(E[elu(u)^2]) needs no quadrature: a stated 1.2528 (the
value the docstring once gave) fails here. GELU's is checked by an independent integration.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import torch

from quizsvc.sim import theory

ROOT = Path(__file__).resolve().parents[2]


def phi(x: float) -> float:
    """The standard normal CDF."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def elu_gain() -> float:
    # E[u^2; u > 0] = 1/2 and E[(e^u - 1)^2; u < 0] = e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2.
    second = 0.5 + math.exp(2) * phi(-2) - 2 * math.exp(0.5) * phi(-1) + 0.5
    return 1 / math.sqrt(second)


def gelu_gain() -> float:
    u = torch.linspace(-12, 12, 2_400_001, dtype=torch.float64)
    density = torch.exp(-0.5 * u**2) / math.sqrt(2 * math.pi)
    second = torch.trapezoid(torch.nn.functional.gelu(u) ** 2 * density, u)
    return 1 / math.sqrt(float(second))


def stated(text: str, activation: str) -> float:
    """The one gain given for ``activation``: "gelu 1.5335" or "1.5335 for gelu"."""
    pattern = rf"\b{activation} (\d\.\d{{4}})|(\d\.\d{{4}}) for {activation}\b"
    (match,) = re.findall(pattern, text)
    return float(match[0] or match[1])


@pytest.mark.parametrize(("activation", "derive"), [("elu", elu_gain), ("gelu", gelu_gain)])
def test_second_moment_gain_is_derived_and_stated_right(activation: str, derive) -> None:
    exact = derive()
    assert theory.gain(activation) == pytest.approx(exact, abs=1e-9)
    docstring = theory.gain.__doc__ or ""
    docs = (ROOT / "docs" / "simulate.md").read_text(encoding="utf-8")
    for text in (docstring.replace("\n", " "), docs):
        assert round(exact, 4) == stated(text, activation)
