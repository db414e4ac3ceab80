"""Find a number a lesson states, and compare it with a recomputation.

The per-lesson tests read the number out of the lesson file itself, so editing a digit in a
lesson fails the suite until the computation agrees.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content"
NUM = r"(-?\d+(?:\.\d+)?)"  # a plain decimal number
NUM_COMMAS = r"(-?\d[\d,]*(?:\.\d+)?)"  # ... that may group thousands with commas


class LessonText:
    """One lesson's text, with white space folded so sentences match across line breaks."""

    def __init__(self, filename: str, *, prose_only: bool = False, number: str = NUM) -> None:
        self.path = CONTENT / filename
        self.text = self.path.read_text(encoding="utf-8")
        source = self.text
        if prose_only:
            source = re.sub(r"```(?:question|figure)\n.*?\n```", "", source, flags=re.S)
        self.flat = re.sub(r"\s+", " ", source)
        self.number = number

    def grab(self, pattern: str) -> tuple[str, ...]:
        """The groups of the one match of ``pattern`` (fails on none or several)."""
        matches = list(re.finditer(pattern, self.flat))
        assert len(matches) == 1, f"expected one match of {pattern!r}, found {len(matches)}"
        return matches[0].groups()

    def find(self, template: str) -> tuple[str, ...]:
        """Like `grab`, but ``template`` is literal lesson text with ``@`` for each number."""
        return self.grab(self.number.join(re.escape(part) for part in template.split("@")))

    def figure(self, figure_id: str) -> dict:
        """The YAML of the live figure ``figure_id``."""
        for block in re.findall(r"```figure\n(.*?)\n```", self.text, flags=re.S):
            data = yaml.safe_load(block)
            if data["id"] == figure_id:
                return data
        raise AssertionError(f"no figure {figure_id!r} in {self.path.name}")


def agrees(stated: str, value: float) -> bool:
    """``stated`` is ``value`` rounded to the decimals it shows (thousands commas allowed)."""
    stated = stated.replace(",", "")
    decimals = len(stated.split(".")[1]) if "." in stated else 0
    return abs(float(stated) - value) <= 0.5 * 10.0**-decimals * (1 + 1e-9)


def check(stated: tuple[str, ...], values: list[float]) -> None:
    assert len(stated) == len(values)
    for s, v in zip(stated, values, strict=True):
        assert agrees(s, v), f"the lesson states {s}, the computation gives {v:.6g}"
