"""The expression sandbox for question templates.

Instructors write small formulas (``g1 / gL``, ``net.weight_grad_norm[-1]``); running them with
``eval`` would hand lesson files the whole interpreter. Instead we parse with :mod:`ast` and walk
an explicit allow-list of node types: no attribute access except a simulation's documented
fields, no imports, no calls except the functions below, bounded size and bounded powers.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizsvc.sim.result import LAYER_METRICS

MAX_EXPR_CHARS = 500
MAX_INT_POW_BITS = 4096
MAX_SEQUENCE = 10_000

# Fields a simulation offers to expressions (see docs/authoring.md). Series are per layer; the
# engine owns their list.
SIM_SERIES_FIELDS = LAYER_METRICS
SIM_SCALAR_FIELDS = (
    "depth",
    "loss",
    "total_grad_norm",
    "clipped_grad_norm",
    "readout_grad_norm",
    "clip_cosine",
    "diverged_at",
)
SIM_STEP_FIELDS = ("step_loss", "step_grad_norm", "step_clipped_grad_norm")
SIM_FIELDS = SIM_SERIES_FIELDS + SIM_SCALAR_FIELDS + SIM_STEP_FIELDS

CONSTANTS: dict[str, object] = {"none": None, "true": True, "false": False, "pi": math.pi}


class ExprError(Exception):
    """An expression that cannot be compiled or evaluated; the message is for the instructor."""


class Series(Sequence[float]):
    """A per-layer series indexed from 1 (the layer nearest the input); ``[-1]`` is the last."""

    def __init__(self, values: Iterable[float], name: str = "series") -> None:
        self.values = tuple(float(v) for v in values)
        self.name = name

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice) or not _is_int(index):
            raise ExprError(f"{self.name}[...] takes a whole-number layer index")
        n = len(self.values)
        if index == 0 or not -n <= index <= n:
            raise ExprError(f"{self.name} has layers 1..{n} (or -1..-{n}); got [{index}]")
        return self.values[index - 1] if index > 0 else self.values[index]

    def __iter__(self) -> Any:
        return iter(self.values)

    def __repr__(self) -> str:
        return f"Series({self.name}, {list(self.values)})"


class StepSeries(Sequence[float]):
    """A training trace indexed by step number; ``[-1]`` is the last recorded step."""

    def __init__(self, steps: Sequence[int], values: Sequence[float], name: str) -> None:
        self.steps = tuple(int(s) for s in steps)
        self.values = tuple(float(v) for v in values)
        self.name = name

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice) or not _is_int(index):
            raise ExprError(f"{self.name}[...] takes a whole-number step")
        if not self.values:
            raise ExprError(f"{self.name} is empty: this simulation has no training steps")
        if index == -1:
            return self.values[-1]
        if index not in self.steps:
            shown = ", ".join(map(str, self.steps[:5])) + (", ..." if len(self.steps) > 5 else "")
            raise ExprError(f"{self.name} has no step {index}; recorded steps: {shown}, or -1")
        return self.values[self.steps.index(index)]

    def __iter__(self) -> Any:
        return iter(self.values)


@dataclass(frozen=True)
class Record:
    """A read-only namespace; the only objects whose attributes expressions may read."""

    kind: str
    fields: Mapping[str, object]

    def get(self, name: str) -> object:
        if name not in self.fields:
            raise ExprError(f"a {self.kind} has no field {name!r}")
        return self.fields[name]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, complex)


def _numbers(args: tuple[object, ...], fname: str) -> list[float]:
    """Accept f(a, b, c) or f(sequence); every element must be a number."""
    items: Iterable[object] = args
    if len(args) == 1 and isinstance(args[0], (Series, StepSeries, list, tuple)):
        items = args[0]
    result = list(items)
    if not result:
        raise ExprError(f"{fname}() of nothing")
    if not all(_is_number(x) for x in result):
        raise ExprError(f"{fname}() takes numbers")
    return [x for x in result]  # type: ignore[misc]


def _unary_number(fn: Callable[[float], float], fname: str) -> Callable[..., float]:
    def wrapped(*args: object) -> float:
        if len(args) != 1 or not _is_number(args[0]):
            raise ExprError(f"{fname}() takes one number")
        try:
            return fn(args[0])  # type: ignore[arg-type]
        except (ValueError, OverflowError) as exc:
            raise ExprError(f"{fname}({args[0]!r}) is undefined") from exc

    return wrapped


def _round(*args: object) -> float:
    if len(args) not in (1, 2) or not all(_is_number(a) for a in args):
        raise ExprError("round() takes a number and optionally a number of decimals")
    if len(args) == 2 and not (_is_int(args[1]) and -20 <= args[1] <= 20):  # type: ignore[operator]
        raise ExprError("round(x, n) takes n between -20 and 20")
    return round(*args)  # type: ignore[call-overload]


def sigfig(x: object, n: object = 2) -> float:
    """Round ``x`` to ``n`` significant figures (1..15)."""
    if not _is_number(x) or not _is_int(n) or not 1 <= n <= 15:  # type: ignore[operator]
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
    if len(args) != 1 or not _is_number(args[0]) or not math.isfinite(args[0]):  # type: ignore[arg-type]
        raise ExprError("int() takes one finite number")
    return int(args[0])  # type: ignore[call-overload]


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
}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ALLOWED = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Subscript,
    ast.Attribute,
    ast.List,
    ast.Tuple,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Pow,
    *_BINOPS,
    *_COMPARE,
)
_REFUSED_HINTS: dict[type, str] = {
    ast.BitXor: "'^' is not a power here: write ** (10 ** -3)",
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed; use sum(), mean(), max() on a series",
    ast.GeneratorExp: "comprehensions are not allowed; use sum(), mean(), max() on a series",
    ast.Slice: "slices are not allowed; index single layers ([1], [-1]) or pass the series",
    ast.NamedExpr: "assignments are not allowed; define it under values:",
    ast.Dict: "dictionaries are not allowed",
}


@dataclass(frozen=True)
class Expr:
    """A compiled, checked expression; ``source`` is what the instructor wrote (without ``=``)."""

    source: str
    tree: ast.Expression = field(repr=False, compare=False)

    def names(self) -> set[str]:
        """Free names (parameters, values, simulations), not functions or constants."""
        found = {n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name)}
        return {n for n in found if n not in CONSTANTS and n not in self.called()}

    def called(self) -> set[str]:
        return {
            n.func.id
            for n in ast.walk(self.tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }

    def attributes(self) -> list[tuple[str, str]]:
        """``(name, field)`` for each ``name.field`` in the expression."""
        return [
            (n.value.id, n.attr)
            for n in ast.walk(self.tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
        ]

    def evaluate(self, env: Mapping[str, object]) -> object:
        try:
            return _Evaluator(env).visit(self.tree.body)
        except ExprError:
            raise
        except ZeroDivisionError as exc:
            raise ExprError(f"division by zero in {self.source!r}") from exc
        except OverflowError as exc:
            raise ExprError(f"number too large in {self.source!r}") from exc
        except (TypeError, ValueError) as exc:
            raise ExprError(f"cannot evaluate {self.source!r}: {exc}") from exc
        except RecursionError as exc:
            raise ExprError(f"expression nested too deeply: {self.source!r}") from exc


@functools.lru_cache(maxsize=4096)
def compile_expr(source: str) -> Expr:
    """Parse and check an expression; raises :class:`ExprError` with a fix-oriented message.

    Cached: placeholders are compiled again for every variant.
    """
    source = source.strip()
    if len(source) > MAX_EXPR_CHARS:
        raise ExprError(f"expression is {len(source)} characters; the limit is {MAX_EXPR_CHARS}")
    if not source:
        raise ExprError("empty expression after '='")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"not a valid expression: {source!r} ({exc.msg})") from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExprError(f"not a valid expression: {source!r}") from exc
    _check_tree(tree)
    return Expr(source, tree)


def _check_tree(tree: ast.AST) -> None:
    """Refuse the most telling construct first (a lambda, a slice), then check every node."""
    nodes = list(ast.walk(tree))
    for node in nodes:
        if type(node) in _REFUSED_HINTS:
            raise ExprError(_REFUSED_HINTS[type(node)])
    for node in nodes:
        _check_node(node)


def _check_node(node: ast.AST) -> None:
    if not isinstance(node, _ALLOWED):
        hint = _REFUSED_HINTS.get(type(node), "")
        name = type(node).__name__
        raise ExprError(hint or f"{name} is not allowed in expressions")
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise ExprError(f"names starting with '_' are not allowed: {node.id}")
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            raise ExprError(f"attribute {node.attr!r} is not allowed")
        if not isinstance(node.value, ast.Name):
            raise ExprError("only a simulation's fields can be read: name.field")
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            raise ExprError("only a simulation's fields can be read; methods cannot be called")
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            target = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise ExprError(f"unknown function {target!r}; available: {', '.join(FUNCTIONS)}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExprError(f"{node.func.id}() takes positional arguments only")
    if isinstance(node, ast.Constant) and isinstance(node.value, complex):
        raise ExprError("complex numbers are not allowed")
    if isinstance(node, ast.Constant) and not isinstance(
        node.value, (int, float, str, bool, type(None))
    ):
        raise ExprError(f"constant {node.value!r} is not allowed")


def _check_pow(base: object, exponent: object) -> object:
    if not (_is_number(base) and _is_number(exponent)):
        raise ExprError("** takes numbers")
    if (
        _is_int(base)
        and _is_int(exponent)
        and abs(base) > 1  # type: ignore[arg-type]
        and abs(exponent) * math.log2(abs(base)) > MAX_INT_POW_BITS  # type: ignore[arg-type]
    ):
        raise ExprError("power too large")
    result = base**exponent  # type: ignore[operator]
    if isinstance(result, complex):
        raise ExprError("a negative number to a fractional power is not a real number")
    return result


class _Evaluator:
    """Evaluates a checked tree; every node type was vetted by :func:`_check_node`."""

    def __init__(self, env: Mapping[str, object]) -> None:
        self.env = env

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, "visit_" + type(node).__name__)
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> object:
        return node.value

    def visit_Name(self, node: ast.Name) -> object:
        if node.id in self.env:
            return self.env[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ExprError(f"{node.id!r} is not defined")

    def visit_Attribute(self, node: ast.Attribute) -> object:
        target = self.visit(node.value)
        if not isinstance(target, Record):
            raise ExprError(f"{ast.unparse(node.value)} has no fields (it is not a simulation)")
        return target.get(node.attr)

    def visit_Subscript(self, node: ast.Subscript) -> object:
        target = self.visit(node.value)
        index = self.visit(node.slice)
        if isinstance(target, (Series, StepSeries)):
            return target[index]
        if isinstance(target, list) and _is_int(index):
            if not -len(target) <= index < len(target):
                raise ExprError(f"index {index} out of range for a list of {len(target)}")
            return target[index]
        raise ExprError(f"{ast.unparse(node.value)} cannot be indexed")

    def visit_List(self, node: ast.List) -> list[object]:
        return [self.visit(e) for e in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> list[object]:
        return [self.visit(e) for e in node.elts]

    def visit_UnaryOp(self, node: ast.UnaryOp) -> object:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        if not _is_number(value):
            raise ExprError("unary minus takes a number")
        return -value if isinstance(node.op, ast.USub) else +value

    def visit_BinOp(self, node: ast.BinOp) -> object:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow):
            return _check_pow(left, right)
        if not (_is_number(left) and _is_number(right)):
            raise ExprError(f"arithmetic takes numbers: {ast.unparse(node)}")
        return _BINOPS[type(node.op)](left, right)

    def visit_BoolOp(self, node: ast.BoolOp) -> object:
        result: object = None
        for operand in node.values:
            result = self.visit(operand)
            if isinstance(node.op, ast.And) and not result:
                return result
            if isinstance(node.op, ast.Or) and result:
                return result
        return result

    def visit_Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) and not (
                _is_number(left) and _is_number(right)
            ):
                raise ExprError(f"{ast.unparse(node)}: < and > compare numbers")
            if isinstance(op, (ast.In, ast.NotIn)) and not isinstance(right, (list, Series)):
                raise ExprError("'in' needs a list on its right: act in ['relu', 'gelu']")
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> object:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Call(self, node: ast.Call) -> object:
        fn = FUNCTIONS[node.func.id]  # type: ignore[attr-defined]
        args = [self.visit(a) for a in node.args]
        for arg in args:
            if isinstance(arg, list) and len(arg) > MAX_SEQUENCE:
                raise ExprError("list too long")
        return fn(*args)
