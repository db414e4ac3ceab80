"""``{{ expr }}`` and ``{{ expr:format }}`` placeholders in prompts, choices and feedback.

A tiny format of our own rather than Jinja: placeholders are checked at load time (undefined
names are errors with a line number) and evaluated by the same sandbox as every expression.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from quizsvc.content.expr import Expr, ExprError, Series, compile_expr
from quizsvc.content.exprlimits import format_problem

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_FORMAT_SPEC = re.compile(r"^[<>=^]?[+\- ]?#?0?\d*[,_]?(\.\d+)?[eEfFgGdn%]?$")


@dataclass(frozen=True)
class Placeholder:
    """One ``{{ ... }}``: the expression, its optional format spec and where it sits."""

    text: str
    expr: Expr
    spec: str


def _split_spec(body: str) -> tuple[str, str]:
    """Split ``expr:spec`` at the last top-level colon when the rest is a format spec."""
    depth = 0
    for i in range(len(body) - 1, -1, -1):
        char = body[i]
        if char in ")]":
            depth += 1
        elif char in "([":
            depth -= 1
        elif char == ":" and depth == 0:
            spec = body[i + 1 :].strip()
            if _FORMAT_SPEC.match(spec):
                return body[:i].strip(), spec
            break
    return body.strip(), ""


def parse_placeholders(text: str) -> list[Placeholder]:
    """All placeholders of ``text``; raises :class:`ExprError` naming the bad one."""
    found = []
    for match in PLACEHOLDER.finditer(text):
        source, spec = _split_spec(match.group(1))
        try:
            expr = compile_expr(source)
        except ExprError as exc:
            raise ExprError(f"in {match.group(0)!r}: {exc}") from exc
        problem = format_problem(spec)
        if problem:
            raise ExprError(f"in {match.group(0)!r}: {problem}")
        found.append(Placeholder(match.group(0), expr, spec))
    return found


def format_value(value: object, spec: str = "") -> str:
    """Format a value for a learner: numbers with 4 significant figures unless told otherwise."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "none"}[value]
    if isinstance(value, Series | list):
        return ", ".join(format_value(v, spec) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if spec:
        if isinstance(value, str):
            raise ExprError(f"format {spec!r} is for numbers, but the value is the text {value!r}")
        problem = format_problem(spec)
        if problem:
            raise ExprError(problem)
        try:
            return format(value, spec)
        except ValueError as exc:
            raise ExprError(f"format {spec!r} does not apply to {value!r}") from exc
    if isinstance(value, float):
        return format(value, ".4g")
    return str(value)


_MATH = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$[^$\n]+?(?<!\\)\$", re.DOTALL)
_E_NOTATION = re.compile(r"(\d(?:\.\d*)?)[eE]([+-]?)0*(\d+)")


def latex_number(text: str) -> str:
    """``2.89e+03`` as ``(2.89 \\times 10^{3})``: inside math, e-notation reads as a product.

    The parentheses keep the number one factor, so an exponent the author writes after the
    placeholder applies to all of it.
    """
    return _E_NOTATION.sub(
        lambda m: f"({m.group(1)} \\times 10^{{{'-' if m.group(2) == '-' else ''}{m.group(3)}}})",
        text,
    )


def fill(text: str, env: Mapping[str, object]) -> str:
    """Replace every placeholder with its formatted value; raises :class:`ExprError`."""
    math_spans = [m.span() for m in _MATH.finditer(text)]

    def replace(match: re.Match[str]) -> str:
        source, spec = _split_spec(match.group(1))
        try:
            formatted = format_value(compile_expr(source).evaluate(env), spec)
        except ExprError as exc:
            raise ExprError(f"placeholder {match.group(0)!r}: {exc}") from exc
        if any(start < match.start() < end for start, end in math_spans):
            return latex_number(formatted)
        return formatted

    return PLACEHOLDER.sub(replace, text)
