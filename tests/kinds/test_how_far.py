"""A wrong number's feedback says which way and roughly how far, never the key itself."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizsvc.kinds.how_far import how_far


@pytest.mark.parametrize(
    ("x", "key", "said"),
    [
        (150.0, 1.5, "About 100 times too large."),
        (0.0021, 2.0, "About 1,000 times too small."),
        (7e-9, 1.0, "About 10^8 times too small."),
        (0.7, 1.0, "The right order of magnitude, about 30 % low."),
        (1.26, 1.0, "The right order of magnitude, about 30 % high."),
        (1.06, 1.0, "The right order of magnitude, less than 10 % high."),
        (-20.0, 2.0, "The sign is wrong, and in size, about 10 times too large."),
        (0.0, 3.0, "The answer is not 0."),
        (2.0, 0.0, "Too large: the answer is smaller."),
    ],
)
def test_the_sentences(x: float, key: float, said: str) -> None:
    assert how_far(x, key) == said


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(
    lambda v: abs(v) > 1e-12
)


@given(finite, finite)
def test_direction_agrees_and_the_factor_is_coarse(x: float, key: float) -> None:
    text = how_far(x, key)
    ratio = abs(x) / abs(key)
    if ratio > 1:
        assert "too large" in text or "high" in text
    elif ratio < 1:
        assert "too small" in text or "low" in text
    assert ("sign is wrong" in text) == ((x > 0) != (key > 0))
    # Named only as a power of ten or to the nearest ten percent: the key never follows
    # exactly from the learner's own number and the sentence.
    times = re.search(r"about (?:10\^(\d+)|([\d,]+)) times", text)
    if times:
        factor = (
            10 ** int(times.group(1)) if times.group(1) else int(times.group(2).replace(",", ""))
        )
        assert factor >= 10 and math.log10(factor) == int(math.log10(factor))
    if "%" in text and "less than" not in text:
        percent = int(text.split("about ")[-1].split(" %")[0])
        assert percent % 10 == 0
