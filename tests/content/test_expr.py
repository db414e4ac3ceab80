"""The expression sandbox: what templates may compute, and what they may never reach."""

from __future__ import annotations

import math

import pytest

from quizsvc.content.expr import (
    MAX_EXPR_CHARS,
    ExprError,
    Record,
    Series,
    StepSeries,
    compile_expr,
)

NET = Record(
    "simulation",
    {
        "weight_grad_norm": Series([4.0, 2.0, 1.0], "weight_grad_norm"),
        "depth": 3,
        "diverged_at": None,
        "step_loss": StepSeries([0, 1, 2], [3.0, 2.0, 1.5], "step_loss"),
    },
)
ENV = {"depth": 3, "act": "tanh", "x": 2.0, "net": NET}


def ev(source: str) -> object:
    return compile_expr(source).evaluate(ENV)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("x ** 2", 4.0),
        ("7 // 2 + 7 % 2", 4),
        ("net.weight_grad_norm[1]", 4.0),
        ("net.weight_grad_norm[-1]", 1.0),
        ("net.weight_grad_norm[depth]", 1.0),
        ("net.weight_grad_norm[1] / net.weight_grad_norm[-1]", 4.0),
        ("max(net.weight_grad_norm)", 4.0),
        ("min(x, 1, 5)", 1),
        ("mean([1, 2, 3])", 2.0),
        ("median(net.weight_grad_norm)", 2.0),
        ("sum(net.weight_grad_norm)", 7.0),
        ("len(net.weight_grad_norm)", 3),
        ("argmax(net.weight_grad_norm)", 1),
        ("argmin(net.weight_grad_norm)", 3),
        ("sigfig(123.456, 2)", 120.0),
        ("round(2.345, 1)", 2.3),
        ("log10(1000)", 3.0),
        ("log2(8)", 3.0),
        ("sqrt(16) + exp(0) + log(1)", 5.0),
        ("floor(2.7) + ceil(2.1) + int(3.9)", 8),
        ("abs(-2)", 2),
        ("1 if act == 'tanh' else 2", 1),
        ("act in ['relu', 'tanh']", True),
        ("0 < x < 3 and not x > 5", True),
        ("net.diverged_at == none", True),
        ("net.step_loss[0] / net.step_loss[-1]", 2.0),
        ("net.step_loss[1]", 2.0),
        ("pi > 3", True),
        ("-x + +x", 0.0),
        ("2 ** -1", 0.5),
    ],
)
def test_evaluates(source: str, expected: object) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("().__class__", "not allowed"),
        ("x.__class__", "not allowed"),
        ("net.__dict__", "not allowed"),
        ("net._private", "not allowed"),
        ("__import__('os')", "__import__"),
        ("_x + 1", "'_' are not allowed"),
        ("import os", "not a valid expression"),
        ("open('/etc/passwd')", "unknown function 'open'"),
        ("eval('1')", "unknown function 'eval'"),
        ("getattr(net, 'depth')", "unknown function 'getattr'"),
        ("net.weight_grad_norm.count(1)", "only a simulation's fields"),
        ("(lambda: 1)()", "lambdas are not allowed"),
        ("[i for i in net.weight_grad_norm]", "comprehensions"),
        ("net.weight_grad_norm[1:2]", "slices"),
        ("10 ^ 3", r"write \*\*"),
        ("max(x, key=abs)", "positional"),
        ("{'a': 1}", "dictionaries"),
        ("(y := 3)", "assignments"),
        ("1j", "complex"),
        ("f'{x}'", "not allowed"),
        ("1 +", "not a valid expression"),
        ("", "empty"),
        ("1" + " + 1" * 200, f"limit is {MAX_EXPR_CHARS}"),
    ],
)
def test_refuses_at_compile_time(source: str, message: str) -> None:
    with pytest.raises(ExprError, match=message):
        compile_expr(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("10 ** 10 ** 10", "power too large"),
        ("2 ** 5000", "power too large"),
        ("10.0 ** 400", "too large"),
        ("(-8) ** 0.5", "not a real number"),
        ("1 / 0", "division by zero"),
        ("net.weight_grad_norm[0]", "indexed from 1|layers 1..3"),
        ("net.weight_grad_norm[4]", "layers 1..3"),
        ("net.weight_grad_norm[1.5]", "whole-number"),
        ("net.step_loss[7]", "no step 7"),
        ("net.nonexistent", "no field"),
        ("x.depth", "not a simulation"),
        ("act * 1000", "arithmetic takes numbers"),
        ("act < 3", "compare numbers"),
        ("log(-1)", "undefined"),
        ("sqrt(act)", "takes one number"),
        ("undefined_name + 1", "not defined"),
        ("max()", "of nothing"),
        ("sigfig(1.0, 40)", "between 1 and 15"),
        ("x in 3", "needs a list"),
    ],
)
def test_refuses_at_run_time(source: str, message: str) -> None:
    with pytest.raises(ExprError, match=message):
        ev(source)


def test_names_and_attributes_for_static_checks() -> None:
    expr = compile_expr("net.weight_grad_norm[1] / max(g1, depth) if act == 'x' else none")
    assert expr.names() == {"net", "g1", "depth", "act"}
    assert expr.attributes() == [("net", "weight_grad_norm")]


def test_series_are_one_indexed_like_the_doc_says() -> None:
    series = Series([10.0, 20.0, 30.0])
    assert (series[1], series[2], series[3], series[-1], series[-3]) == (
        10.0,
        20.0,
        30.0,
        30.0,
        10.0,
    )
    with pytest.raises(ExprError):
        series[0]


def test_non_finite_results_are_values_not_errors() -> None:
    assert math.isinf(compile_expr("x * 1e308 * 10").evaluate({"x": 2.0}))
