"""The one error type the engine raises for a bad configuration.

Instructors see these messages when a question template asks for something the engine cannot or
will not run, so every error names the field, the offending value and what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class ValidationError(ValueError):
    """A configuration value is unknown, mistyped or outside the engine's limits.

    Attributes:
        field: the configuration key at fault (``"flops"`` for the compute budget).
        value: the value that was rejected.
        allowed: a human-readable description of what would have been accepted.
    """

    def __init__(self, field: str, value: Any, allowed: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.allowed = allowed


def suggestion(word: str, choices: Iterable[str]) -> str:
    """Return ``" did you mean 'x'?"`` for the closest choice, or ``""`` when none is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" did you mean {close[0]!r}?" if close else ""


def choice_error(field: str, value: Any, choices: Iterable[str]) -> ValidationError:
    """Build the error for a name that is not one of ``choices``."""
    choices = list(choices)
    allowed = ", ".join(choices)
    hint = suggestion(value, choices)
    message = f"{field}={value!r} is not supported:{hint} allowed: {allowed}"
    return ValidationError(field, value, allowed, message)
