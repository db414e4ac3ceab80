"""A number filled into math is written the way math writes it, never as e-notation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quizsvc.content.placeholders import fill, latex_number


def test_e_notation_inside_inline_and_display_math_becomes_a_power_of_ten() -> None:
    from quizsvc.content import render_markdown

    html = render_markdown(fill("$x = {{ r:.3g }}^{1/31}$", {"r": 2892.8}))
    assert "<mi>e</mi>" not in html and "<mn>10</mn>" in html
    env = {"r": 2892.8, "s": 0.000012}
    text = "Ratio {{ r:.3g }}: $x = {{ r:.3g }}^{1/31}$ and $$y = {{ s:.2g }}$$."
    assert fill(text, env) == (
        "Ratio 2.89e+03: $x = (2.89 \\times 10^{3})^{1/31}$ and $$y = (1.2 \\times 10^{-5})$$."
    )


def test_plain_numbers_and_escaped_dollars_are_left_alone() -> None:
    env = {"r": 2892.8}
    assert fill("costs \\$5 and {{ r:.3g }} \\$", env) == "costs \\$5 and 2.89e+03 \\$"
    assert fill("$a = {{ r:.1f }}$", env) == "$a = 2892.8$"


@given(st.floats(min_value=1e-300, max_value=1e300))
def test_latex_number_keeps_the_value(x: float) -> None:
    text = latex_number(format(x, ".3e"))
    mantissa, exponent = text.strip("()").split(" \\times 10^{")
    value = float(f"{mantissa}e{exponent.rstrip('}')}")
    assert value == float(format(x, ".3e"))
