"""The work one variant's expressions may do is bounded: sizes, steps and time.

Nineteen ``values:`` lines of ``v = v * v`` used to pass ``content check`` and then take
minutes and gigabytes per variant. Every test here would run out of time or memory, or raise
something other than ExprError, without the bounds of quizsvc/content/exprlimits.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizsvc.content.expr import FUNCTIONS, ExprError, Record, compile_expr
from quizsvc.content.exprlimits import (
    MAX_FORMAT_PRECISION,
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_SECONDS,
    MAX_SEQUENCE,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    Budget,
    LimitError,
    format_problem,
    variant_budget,
)
from quizsvc.content.placeholders import format_value, parse_placeholders
from tests.content.lessons import BASE, find, line_of, load_text
from tests.content.test_expr import NET

BIG = 2**4000  # within the limit, so that one more multiplication crosses it
ENV: dict[str, object] = {"x": 2.0, "n": 7, "big": BIG, "act": "tanh", "net": NET}


def run(source: str, env: dict[str, object] | None = None) -> object:
    return compile_expr(source).evaluate(ENV if env is None else env)


def squarings(start: str, count: int) -> list[tuple[str, str]]:
    return [("v0", start)] + [(f"v{i}", f"v{i - 1} * v{i - 1}") for i in range(1, count + 1)]


def evaluate_values(lines: list[tuple[str, str]], budget: Budget | None = None) -> dict:
    """Evaluate ``values:`` lines in order, as one variant does."""
    env: dict[str, object] = {}
    with variant_budget(budget):
        for name, source in lines:
            env[name] = compile_expr(source).evaluate(env)
    return env


def test_the_reported_chain_of_squarings_stops_at_the_first_oversized_value() -> None:
    with pytest.raises(LimitError) as caught:
        evaluate_values(squarings("3 ** 40", 19))
    assert str(caught.value).startswith("'v6 * v6': a whole number of 8,116 bits is over")
    assert "10.0 ** 300" in str(caught.value)  # the fix: decimals overflow to inf instead


def test_the_same_chain_with_decimals_overflows_to_a_value() -> None:
    env = evaluate_values(squarings("3.0 ** 40", 19))
    assert env["v19"] == math.inf  # a non-finite answer is then a content-check error


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("big * 2", None),
        ("big * big", "bits is over the limit"),
        ("big * 2 ** 100", "bits is over the limit"),
        ("-big - big * 2 ** 96", "bits is over the limit"),
        ("3 ** 4096", "power too large"),
        ("n ** (10 ** 30)", "power too large"),
        ("'x' * 10 ** 9", "arithmetic takes numbers"),
        ("[1] * 10 ** 9", "arithmetic takes numbers"),
        ("act + act", "arithmetic takes numbers"),
        ("big / 3", "number too large"),
        ("sum([big, 1])", "number too large"),
    ],
)
def test_sizes_are_bounded_at_every_step(source: str, message: str | None) -> None:
    if message is None:
        assert run(source) == BIG * 2
        return
    with pytest.raises(ExprError, match=message):
        run(source)


def test_a_value_read_from_the_environment_is_bounded_too() -> None:
    with pytest.raises(LimitError, match="bits is over"):
        run("n + 1", {"n": 2 ** (MAX_INT_BITS + 1)})
    with pytest.raises(LimitError, match="text of"):
        run("word", {"word": "w" * (MAX_TEXT_CHARS + 1)})


def test_steps_are_counted_across_every_expression_of_a_variant() -> None:
    lines = [(f"v{i}", "1 + 1 + 1 + 1") for i in range(10)]  # 7 nodes each
    assert evaluate_values(lines, Budget(steps=70))["v9"] == 4
    with pytest.raises(LimitError, match="more than 69 steps") as caught:
        evaluate_values(lines, Budget(steps=69))
    assert str(caught.value).startswith("'1 + 1 + 1 + 1': ")


class FakeClock:
    """Time that moves only when told to, so no test sleeps or measures real time."""

    def __init__(self, tick: float) -> None:
        self.now = 0.0
        self.tick = tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now

    def simulation(self, seconds: float) -> Record:
        self.now += seconds
        return NET


def test_time_is_bounded_per_variant() -> None:
    lines = [(f"v{i}", "1 + 1") for i in range(200)]
    with pytest.raises(LimitError, match=r"more than 2 s"):
        evaluate_values(lines, Budget(seconds=2.0, clock=FakeClock(tick=0.05)))
    assert evaluate_values(lines, Budget(seconds=2.0, clock=FakeClock(tick=0.0001)))


def test_time_spent_in_a_simulation_is_not_charged_to_the_expressions() -> None:
    clock = FakeClock(tick=0.0)

    class LazySims(dict):  # like quiz.simview.Env: the simulation runs on first read
        def __getitem__(self, key: str) -> object:
            return clock.simulation(60.0) if key == "net" else super().__getitem__(key)

    budget = Budget(seconds=2.0, clock=clock)
    with variant_budget(budget):
        for _ in range(200):
            compile_expr("net.weight_grad_norm[1] + 1").evaluate(LazySims(net=None))
    assert clock.now == 200 * 60.0 and budget.spent == 0.0


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (".3g", None),
        ("10.4f", None),
        ("*^20", None),
        (f"{MAX_FORMAT_WIDTH + 1}", "width"),
        ("100000000", "width"),
        (".100000000f", "precision"),
        ("0>" + "9" * 5000, "width"),
    ],
)
def test_format_widths_and_precisions_are_bounded(spec: str, problem: str | None) -> None:
    found = format_problem(spec)
    assert (found is None) if problem is None else (problem in (found or ""))


@pytest.mark.parametrize(
    ("old", "new", "marker"),
    [
        ("  tolerance: {relative: 0.05}", "  format: '100000000'", "format:"),
        ("It is {{ ratio:.3g }}.", "It is {{ ratio:.100000000f }}.", "explanation:"),
    ],
)  # fmt: skip
def test_an_oversized_format_in_a_lesson_is_an_error_at_its_line(
    tmp_path: Path, old: str, new: str, marker: str
) -> None:
    text = BASE.replace(old, new)
    problem = find(load_text(tmp_path, text).problems, "the limit is")
    assert problem.line == line_of(text, marker) and problem.severity == "error"


def test_an_oversized_placeholder_format_is_refused_before_formatting() -> None:
    with pytest.raises(ExprError, match="width of 100000000"):
        parse_placeholders("{{ x:100000000 }}")
    with pytest.raises(ExprError, match="precision of 100000000"):
        format_value(1.5, ".100000000f")


def test_the_authoring_guide_states_the_limits_in_force() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md").read_text("utf-8")
    paragraph = guide[guide.index("**Bounded work.**") :].split("\n\n")[0]
    stated = [
        f"whole numbers up to {MAX_INT_BITS:,} bits",
        f"text up to {MAX_TEXT_CHARS:,} characters",
        f"lists up to {MAX_SEQUENCE:,}",
        f"format widths up to {MAX_FORMAT_WIDTH} and precisions up to {MAX_FORMAT_PRECISION}",
        f"{MAX_STEPS:,} evaluation steps and {MAX_SECONDS:g} s",
    ]
    for claim in stated:
        assert claim in " ".join(paragraph.split()), claim


# --- random expressions ----------------------------------------------------------------------

LEAVES = st.one_of(
    st.sampled_from(
        ["0", "1", "2", "3", "-1", "10", "0.5", "1e308", "1e-308", "2 ** 64", "10 ** 300",
         "pi", "none", "true", "false", "'text'", "x", "n", "big", "act", "net",
         "net.weight_grad_norm", "net.depth", "net.step_loss", "net.diverged_at", "[1, 2, 3]"]
    ),
    st.integers(-(10**40), 10**40).map(str),
    st.floats(allow_infinity=False, allow_nan=False).map(repr),
)  # fmt: skip
BINARY = ["+", "-", "*", "/", "//", "%", "**", "<", "<=", "==", "!=", ">", ">=", "in", "not in",
          "and", "or"]  # fmt: skip


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["-", "+", "not "]), children).map(lambda t: f"({t[0]}{t[1]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(sorted(FUNCTIONS)), st.lists(children, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(children, children).map(lambda t: f"({t[0]})[{t[1]}]"),
        st.lists(children, max_size=4).map(lambda items: f"[{', '.join(items)}]"),
    )  # fmt: skip


EXPRESSIONS = st.recursive(LEAVES, _grow, max_leaves=24)


def assert_bounded(value: object) -> None:
    if isinstance(value, int) and not isinstance(value, bool):
        assert value.bit_length() <= MAX_INT_BITS
    elif isinstance(value, str):
        assert len(value) <= MAX_TEXT_CHARS
    elif isinstance(value, list):
        assert len(value) <= MAX_SEQUENCE
        for item in value:
            assert_bounded(item)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_random_expressions_stay_in_bounds_and_fail_only_with_expr_error(source: str) -> None:
    budget = Budget(steps=2_000)
    with variant_budget(budget):
        try:
            value = compile_expr(source).evaluate(ENV)
        except ExprError:
            return  # anything else escapes and fails the test
    assert_bounded(value)
    assert budget.used <= 2_000


@settings(max_examples=150, deadline=None)
@given(
    start=st.sampled_from(["3 ** 40", "10 ** 300", "-7", "3", "1e300", "0.5", "big"]),
    steps=st.lists(
        st.tuples(st.sampled_from(["*", "+", "-", "**", "//", "%", "/"]),
                  st.sampled_from(["prev", "v0", "2", "3", "-1", "0.5"])),
        min_size=1, max_size=25,
    ),
)  # fmt: skip
def test_random_chains_of_values_stay_in_bounds(start: str, steps: list[tuple[str, str]]) -> None:
    env: dict[str, object] = {"big": BIG}
    names = ["v0"]
    with variant_budget(Budget(steps=1_000)):
        try:
            env["v0"] = compile_expr(start).evaluate(env)
            for i, (op, other) in enumerate(steps, start=1):
                operand = names[-1] if other == "prev" else other
                env[f"v{i}"] = compile_expr(f"{names[-1]} {op} {operand}").evaluate(env)
                names.append(f"v{i}")
                assert_bounded(env[f"v{i}"])
        except ExprError:
            pass
