"""The expression sandbox for question templates.

Instructors write small formulas (``g1 / gL``, ``net.weight_grad_norm[-1]``); running them with
``eval`` would hand lesson files the whole interpreter. Instead we parse with :mod:`ast` and walk
an explicit allow-list of node types: no attribute access except a simulation's documented
fields, no imports, no calls except the functions of :mod:`quizsvc.content.exprlib`, and work
bounded by :mod:`quizsvc.content.exprlimits` (the size of every value, the steps and the time of
each variant).
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from quizsvc.content.exprlib import (
    CONSTANTS,
    FUNCTIONS,
    ExprError,
    Record,
    Series,
    StepSeries,
    is_int,
    is_number,
)
from quizsvc.content.exprlimits import (
    MAX_EXPR_CHARS,
    Budget,
    LimitError,
    check_pow,
    check_size,
    current_budget,
)

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "Expr",
    "ExprError",
    "Record",
    "Series",
    "StepSeries",
    "compile_expr",
]

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
        """The value in ``env``, charged to the enclosing variant's budget (see exprlimits)."""
        budget = current_budget()
        try:
            with budget.running():
                return _Evaluator(env, budget).visit(self.tree.body)
        except LimitError as exc:
            raise LimitError(f"{self.source!r}: {exc}") from None
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
        except MemoryError as exc:
            raise LimitError(f"{self.source!r} needs more memory than there is") from exc


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


def _power(base: object, exponent: object) -> object:
    check_pow(base, exponent)
    result = base**exponent  # type: ignore[operator]
    if isinstance(result, complex):
        raise ExprError("a negative number to a fractional power is not a real number")
    return result


class _Evaluator:
    """Evaluates a checked tree; every node type was vetted by :func:`_check_node`."""

    def __init__(self, env: Mapping[str, object], budget: Budget) -> None:
        self.env = env
        self.budget = budget

    def visit(self, node: ast.AST) -> Any:
        """Every node is one step of the budget, and every value it makes is size-checked."""
        self.budget.step()
        method = getattr(self, "visit_" + type(node).__name__)
        return check_size(method(node))

    def visit_Constant(self, node: ast.Constant) -> object:
        return node.value

    def visit_Name(self, node: ast.Name) -> object:
        if node.id in self.env:
            with self.budget.paused():  # reading a simulation may run it: not our time
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
        if isinstance(target, list) and is_int(index):
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
        if not is_number(value):
            raise ExprError("unary minus takes a number")
        return -value if isinstance(node.op, ast.USub) else +value

    def visit_BinOp(self, node: ast.BinOp) -> object:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        if not (is_number(left) and is_number(right)):
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
                is_number(left) and is_number(right)
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
        return fn(*[self.visit(a) for a in node.args])
