"""Reading a learner's numeric answer.

Learners type numbers the way they write them on paper (``1e-3``, ``1/1000``, ``10^-3``, a
Unicode minus from a phone keyboard). Anything else is refused with a message that says what is
accepted; a refusal is not an attempt, so a typo never costs a point.
"""

from __future__ import annotations

import math
import re

MAX_ANSWER_CHARS = 100
ACCEPTED = "Enter a number such as 0.001, 1e-3, -2.5e+04, 1/1000, 10^-3 or 2.5*10^-3."

_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_SIGNED = rf"[+-]?{_NUM}"
_PLAIN = re.compile(rf"^({_SIGNED})$")
_FRACTION = re.compile(rf"^({_SIGNED})\s*/\s*({_NUM})$")
_POWER = re.compile(rf"^([+-]?)({_NUM})\s*\^\s*\(?\s*([+-]?{_NUM})\s*\)?$")
_SCIENTIFIC = re.compile(rf"^({_SIGNED})\s*[*×·xX]\s*10\s*\^\s*\(?\s*([+-]?\d+)\s*\)?$")
_MINUSES = str.maketrans(
    {"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"}
)


class AnswerError(ValueError):
    """A response that cannot be read; the message tells the learner what is accepted."""


def parse_number(text: str) -> float:
    """Parse a numeric answer to a finite float, or raise :class:`AnswerError`."""
    if not isinstance(text, str):
        raise AnswerError(f"The answer must be text. {ACCEPTED}")
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(f"The answer is longer than {MAX_ANSWER_CHARS} characters. {ACCEPTED}")
    cleaned = text.strip().translate(_MINUSES)
    if not cleaned:
        raise AnswerError(f"The answer is empty. {ACCEPTED}")
    if re.fullmatch(r"[+-]?\d+,\d+", cleaned):
        raise AnswerError(
            f"Use a point as the decimal separator ({cleaned.replace(',', '.')}), and no "
            f"thousands separators. {ACCEPTED}"
        )
    value = _evaluate(cleaned)
    if value is None:
        raise AnswerError(f"{text.strip()!r} is not a number we can read. {ACCEPTED}")
    if not math.isfinite(value):
        raise AnswerError(f"The answer must be a finite number. {ACCEPTED}")
    return value


def _evaluate(text: str) -> float | None:
    try:
        if match := _PLAIN.match(text):
            return float(match.group(1))
        if match := _FRACTION.match(text):
            return float(match.group(1)) / float(match.group(2))
        if match := _SCIENTIFIC.match(text):
            return float(match.group(1)) * 10.0 ** int(match.group(2))
        if match := _POWER.match(text):
            # The sign applies to the power, as on paper: -10^-2 is -(10^-2).
            sign = -1.0 if match.group(1) == "-" else 1.0
            return sign * float(match.group(2)) ** float(match.group(3))
    except (OverflowError, ZeroDivisionError, ValueError):
        return math.inf
    return None
