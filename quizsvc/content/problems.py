"""Problems found in lesson files, reported the way a compiler reports errors.

Instructors fix content from these messages alone, so every problem carries the file, the line,
the column and a concrete fix, and loading never stops at the first one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one lesson file; ``str()`` is ``file:line:col: severity: msg (fix: ..)``."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"
        return f"{text} (fix: {self.fix})" if self.fix else text

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Loc:
    """A 1-based position in a lesson file."""

    line: int
    column: int = 1


class Reporter:
    """Collects the problems of one file; modules report into it instead of raising."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.problems: list[Problem] = []

    def error(self, loc: Loc, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.path, loc.line, loc.column, "error", message, fix))

    def warning(self, loc: Loc, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.path, loc.line, loc.column, "warning", message, fix))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def did_you_mean(word: object, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """Return ``"did you mean X?"`` for the closest choice, or ``""`` when nothing is close."""
    options = sorted({str(c) for c in choices})
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=cutoff)
    return f"did you mean {close[0]}?" if close else ""


def unknown_message(what: str, word: object, choices: Iterable[str]) -> tuple[str, str]:
    """Message and fix for an unknown name: ``rleu: did you mean relu?`` plus the allowed list."""
    options = sorted({str(c) for c in choices})
    hint = did_you_mean(word, options)
    message = f"unknown {what} {word!r}" + (f": {hint}" if hint else "")
    fix = f"use one of: {', '.join(options)}" if len(options) <= 40 else "check the spelling"
    return message, fix
