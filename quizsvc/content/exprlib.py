"""What template expressions can see: the values they read and the functions they call.

The sandbox (:mod:`quizsvc.content.expr`) lets an expression touch nothing but these: numbers,
text, lists, a simulation's fields as a read-only :class:`Record` of per-layer :class:`Series`
and per-step :class:`StepSeries`, and the functions of :data:`FUNCTIONS`. Every function checks
its arguments itself and fails with :class:`ExprError`, whose message is for the instructor.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizsvc.sim.limits import ACTIVATION_NAMES

CONSTANTS: dict[str, object] = {"none": None, "true": True, "false": False, "pi": math.pi}


class ExprError(Exception):
    """An expression that cannot be compiled or evaluated; the message is for the instructor."""


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, complex)


class _Values(Sequence[float]):
    """Read-only numbers with a name for messages; subclasses say what an index means."""

    def __init__(self, values: Iterable[float], name: str) -> None:
        self.values = tuple(float(v) for v in values)
        self.name = name

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Any:
        return iter(self.values)

    def _whole(self, index: Any, what: str) -> int:
        if isinstance(index, slice) or not is_int(index):
            raise ExprError(f"{self.name}[...] takes a whole-number {what}")
        return int(index)


class Series(_Values):
    """A per-layer series indexed from 1 (the layer nearest the input); ``[-1]`` is the last."""

    unit = "layer"

    def __init__(self, values: Iterable[float], name: str = "series") -> None:
        super().__init__(values, name)

    def __getitem__(self, index: Any) -> Any:
        index = self._whole(index, f"{self.unit} index")
        n = len(self.values)
        if index == 0 or not -n <= index <= n:
            raise ExprError(f"{self.name} has {self.unit}s 1..{n} (or -1..-{n}); got [{index}]")
        return self.values[index - 1] if index > 0 else self.values[index]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}, {list(self.values)})"


class TimeSeries(Series):
    """A recurrent network's series per time step, indexed from 1 (the earliest step)."""

    unit = "time step"


class StepSeries(_Values):
    """A training trace indexed by step number; ``[-1]`` is the last recorded step."""

    def __init__(self, steps: Sequence[int], values: Sequence[float], name: str) -> None:
        super().__init__(values, name)
        self.steps = tuple(int(s) for s in steps)

    def __getitem__(self, index: Any) -> Any:
        index = self._whole(index, "step")
        if not self.values:
            raise ExprError(f"{self.name} is empty: this simulation has no training steps")
        if index == -1:
            return self.values[-1]
        if index not in self.steps:
            shown = ", ".join(map(str, self.steps[:5])) + (", ..." if len(self.steps) > 5 else "")
            raise ExprError(f"{self.name} has no step {index}; recorded steps: {shown}, or -1")
        return self.values[self.steps.index(index)]


@dataclass(frozen=True)
class Record:
    """A read-only namespace; the only objects whose attributes expressions may read."""

    kind: str
    fields: Mapping[str, object]

    def get(self, name: str) -> object:
        if name not in self.fields:
            raise ExprError(f"a {self.kind} has no field {name!r}")
        return self.fields[name]


def _numbers(args: tuple[object, ...], fname: str) -> list[float]:
    """Accept f(a, b, c) or f(sequence); every element must be a number."""
    items: Iterable[object] = args
    if len(args) == 1 and isinstance(args[0], (Series, StepSeries, list, tuple)):
        items = args[0]
    result = list(items)
    if not result:
        raise ExprError(f"{fname}() of nothing")
    if not all(is_number(x) for x in result):
        raise ExprError(f"{fname}() takes numbers")
    return [x for x in result]  # type: ignore[misc]


def _unary_number(fn: Callable[[float], float], fname: str) -> Callable[..., float]:
    def wrapped(*args: object) -> float:
        if len(args) != 1 or not is_number(args[0]):
            raise ExprError(f"{fname}() takes one number")
        try:
            return fn(args[0])  # type: ignore[arg-type]
        except (ValueError, OverflowError) as exc:
            raise ExprError(f"{fname}({args[0]!r}) is undefined") from exc

    return wrapped


def _round(*args: object) -> float:
    if len(args) not in (1, 2) or not all(is_number(a) for a in args):
        raise ExprError("round() takes a number and optionally a number of decimals")
    if len(args) == 2 and not (is_int(args[1]) and -20 <= args[1] <= 20):  # type: ignore[operator]
        raise ExprError("round(x, n) takes n between -20 and 20")
    return round(*args)  # type: ignore[call-overload]


def sigfig(x: object, n: object = 2) -> float:
    """Round ``x`` to ``n`` significant figures (1..15)."""
    if not is_number(x) or not is_int(n) or not 1 <= n <= 15:  # type: ignore[operator]
        raise ExprError("sigfig(x, n) takes a number and n between 1 and 15")
    if not math.isfinite(x):  # type: ignore[arg-type]
        return float(x)  # type: ignore[arg-type]
    return float(f"{x:.{n}g}")


def _arg_extreme(pick: Callable[..., float], fname: str) -> Callable[..., int]:
    def wrapped(*args: object) -> int:
        values = _numbers(args, fname)
        return values.index(pick(values)) + 1

    return wrapped


def _len(*args: object) -> int:
    if len(args) != 1 or not isinstance(args[0], (Series, StepSeries, list, tuple)):
        raise ExprError("len() takes one series or list")
    return len(args[0])


def _int(*args: object) -> int:
    if len(args) != 1 or not is_number(args[0]) or not math.isfinite(args[0]):  # type: ignore[arg-type]
        raise ExprError("int() takes one finite number")
    return int(args[0])  # type: ignore[call-overload]


def display(*args: object) -> str:
    """An activation's name as prose writes it (``display('relu')`` is ``'ReLU'``): drawn names
    are the engine's identifiers, and "a relu network" in a prompt reads as a typo."""
    if len(args) != 1 or not isinstance(args[0], str) or args[0] not in ACTIVATION_NAMES:
        raise ExprError(f"display() takes an activation name: {', '.join(ACTIVATION_NAMES)}")
    return ACTIVATION_NAMES[args[0]]


FUNCTIONS: dict[str, Callable[..., object]] = {
    "abs": _unary_number(abs, "abs"),
    "sqrt": _unary_number(math.sqrt, "sqrt"),
    "exp": _unary_number(math.exp, "exp"),
    "log": _unary_number(math.log, "log"),
    "log10": _unary_number(math.log10, "log10"),
    "log2": _unary_number(math.log2, "log2"),
    "floor": _unary_number(math.floor, "floor"),
    "ceil": _unary_number(math.ceil, "ceil"),
    "int": _int,
    "round": _round,
    "sigfig": sigfig,
    "min": lambda *a: min(_numbers(a, "min")),
    "max": lambda *a: max(_numbers(a, "max")),
    "sum": lambda *a: math.fsum(_numbers(a, "sum")),
    "mean": lambda *a: statistics.fmean(_numbers(a, "mean")),
    "median": lambda *a: statistics.median(_numbers(a, "median")),
    "len": _len,
    "argmax": _arg_extreme(max, "argmax"),
    "argmin": _arg_extreme(min, "argmin"),
    "display": display,
}
