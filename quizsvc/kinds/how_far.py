"""How far a wrong number is from the answer, in words a learner can act on.

"Not within the tolerance" says only that the number is wrong. These sentences say in which
direction and by roughly how much ("about 100 times too large", "the right order of magnitude,
about 30 % low"), coarsely enough that they never give the key away: a factor is named only as
a power of ten, and a percentage only to the nearest ten, so a second try still needs the work.
"""

from __future__ import annotations

import math

# A ratio beyond this (half an order of magnitude) is named as a power of ten.
_ORDER = 10**0.5


def how_far(x: float, key: float) -> str:
    """One sentence on how ``x`` misses ``key`` (``x`` is already known to be wrong)."""
    if not (math.isfinite(x) and math.isfinite(key)):
        return "This number cannot be compared with the answer."
    if key == 0:
        return "Too large: the answer is smaller." if x > 0 else "Too small: the answer is larger."
    if x == 0:
        return "The answer is not 0."
    sign = "" if (x > 0) == (key > 0) else "The sign is wrong, and in size, "
    ratio = abs(x) / abs(key)
    if ratio >= _ORDER or ratio <= 1 / _ORDER:
        power = round(abs(math.log10(ratio)))
        direction = "too large" if ratio > 1 else "too small"
        text = f"about {_times(power)} {direction}"
    else:
        percent = abs(ratio - 1) * 100
        direction = "high" if ratio > 1 else "low"
        if percent < 10:
            off = f"less than 10 % {direction}"
        else:
            off = f"about {round(percent, -1):.0f} % {direction}"
        text = f"the right order of magnitude, {off}"
    if sign:
        return f"{sign}{text}."
    return f"{text[0].upper()}{text[1:]}."


def _times(power: int) -> str:
    """10**power as a reader says it: "10 times", "1,000 times", "10^8 times"."""
    if power <= 6:
        return f"{10**power:,} times"
    return f"10^{power} times"
