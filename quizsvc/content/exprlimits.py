"""How much work the expressions of one variant may do.

Each expression is short, but a template chains them: nineteen ``values:`` lines of
``v = v * v`` square one number into hundreds of megabytes and minutes of CPU. Python cannot
interrupt a single big multiplication, so the sandbox keeps every intermediate value small
(whole numbers, text, lists, format widths), which bounds the cost of one step, and counts the
steps and the time of each variant, which bounds how many there are. A template over a limit
fails like any broken expression: a file:line error in ``quizsvc content check``, and a skipped
variant (never a server error) when a learner starts an attempt.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from quizsvc.content.exprlib import ExprError, is_int, is_number

MAX_EXPR_CHARS = 500
#: Whole numbers: 4096 bits is about 1233 digits; a float already overflows at 2**1024.
MAX_INT_BITS = 4096
MAX_TEXT_CHARS = 10_000
MAX_SEQUENCE = 10_000
#: Evaluated expression nodes per variant (the shipped course needs at most 110).
MAX_STEPS = 200_000
#: Seconds of expression work per variant, simulations excluded (a backstop behind MAX_STEPS).
MAX_SECONDS = 2.0
MAX_FORMAT_WIDTH = 40
MAX_FORMAT_PRECISION = 20
_CLOCK_EVERY = 64

_DIGITS = round(MAX_INT_BITS * math.log10(2))
_NUMBER_FIX = "compute with decimals (10.0 ** 300 instead of 10 ** 300) or with smaller numbers"


class LimitError(ExprError):
    """A bound of this module was exceeded; the sandbox adds the expression to the message."""


def check_size(value: object) -> object:
    """``value`` itself, if it is small enough to compute with; else :class:`LimitError`."""
    if isinstance(value, int) and not isinstance(value, bool):
        bits = value.bit_length()
        if bits > MAX_INT_BITS:
            raise LimitError(
                f"a whole number of {bits:,} bits is over the limit of {MAX_INT_BITS:,} bits "
                f"(about {_DIGITS:,} digits): {_NUMBER_FIX}"
            )
    elif isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        raise LimitError(f"a text of {len(value):,} characters is over {MAX_TEXT_CHARS:,}")
    elif isinstance(value, list) and len(value) > MAX_SEQUENCE:
        raise LimitError(f"a list of {len(value):,} items is over {MAX_SEQUENCE:,}")
    return value


def check_pow(base: object, exponent: object) -> None:
    """Refuse a whole-number power before computing it: its size is known in advance."""
    if not (is_number(base) and is_number(exponent)):
        raise ExprError("** takes numbers")
    if not (is_int(base) and is_int(exponent)):
        return
    assert isinstance(base, int) and isinstance(exponent, int)
    if abs(base) <= 1:
        return
    bits = math.inf if exponent.bit_length() > 64 else abs(exponent) * math.log2(abs(base))
    if bits > MAX_INT_BITS:
        raise LimitError(
            f"power too large: the result would have more than {MAX_INT_BITS:,} bits "
            f"(about {_DIGITS:,} digits): {_NUMBER_FIX}"
        )


_SPEC = re.compile(
    r"(?:.?[<>=^])?[+\- ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d*))?[A-Za-z%]?", re.S
)


def format_problem(spec: str) -> str | None:
    """Why format spec ``spec`` would write an oversized text (``'100000000'``), else None.

    Specs of another shape are left to ``format()``, which refuses them itself.
    """
    match = _SPEC.fullmatch(spec)
    if match is None:
        return None
    for part, limit in (("width", MAX_FORMAT_WIDTH), ("precision", MAX_FORMAT_PRECISION)):
        digits = match.group(part) or "0"
        if len(digits) > 4 or int(digits) > limit:
            return f"format {spec!r} has a {part} of {digits}; the limit is {limit}"
    return None


class Budget:
    """Steps and seconds left for the expressions of one variant.

    Time counts only while an expression runs (:meth:`running`) and not while it waits for a
    simulation (:meth:`paused`): simulations have their own budget in the engine. ``clock`` is
    a parameter so tests can drive time without sleeping.
    """

    def __init__(
        self,
        steps: int = MAX_STEPS,
        seconds: float = MAX_SECONDS,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.steps = steps
        self.seconds = seconds
        self.clock = clock
        self.used = 0
        self.spent = 0.0
        self._since: float | None = None

    def step(self) -> None:
        """Charge one evaluated node; raises :class:`LimitError` when the variant is over."""
        self.used += 1
        if self.used > self.steps:
            raise LimitError(
                f"the expressions of one variant take more than {self.steps:,} steps; "
                "simplify the values: and placeholders, or loosen the constraints"
            )
        if self.used % _CLOCK_EVERY == 0 and self.elapsed() > self.seconds:
            raise LimitError(
                f"the expressions of one variant take more than {self.seconds:g} s; "
                "simplify the values: and placeholders"
            )

    def elapsed(self) -> float:
        running = 0.0 if self._since is None else self.clock() - self._since
        return self.spent + running

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count time during one evaluation (nested evaluations count once)."""
        if self._since is not None:
            yield
            return
        self._since = self.clock()
        try:
            yield
        finally:
            self.spent += self.clock() - self._since
            self._since = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the clock while something else (a simulation) runs."""
        if self._since is None:
            yield
            return
        self.spent += self.clock() - self._since
        self._since = None
        try:
            yield
        finally:
            self._since = self.clock()


_CURRENT: ContextVar[Budget | None] = ContextVar("quizsvc_expr_budget", default=None)


@contextmanager
def variant_budget(budget: Budget | None = None) -> Iterator[Budget]:
    """Share one budget between every expression evaluated in the block (one variant)."""
    shared = budget or Budget()
    token = _CURRENT.set(shared)
    try:
        yield shared
    finally:
        _CURRENT.reset(token)


def current_budget() -> Budget:
    """The enclosing variant's budget, or a fresh one for an evaluation on its own."""
    return _CURRENT.get() or Budget()
