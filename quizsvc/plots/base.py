"""What a figure kind's ``draw`` receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quizsvc.sim import SimResult


@dataclass(frozen=True)
class Request:
    """A validated render request: results, legend labels, hidden quantities, options."""

    sims: list[SimResult]
    labels: list[str]
    hide: frozenset[str] = frozenset()
    theory: bool = False
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Description:
    """Short title (SVG <title>) and the alt text built from the data (also SVG <desc>)."""

    title: str
    alt: str
