"""The numeric answer parser accepts and refuses exactly what issue 4 lists."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizsvc.quiz import AnswerError, parse_number

ACCEPTED = [
    ("0.001", 0.001),
    ("1e-3", 0.001),
    ("1E-3", 0.001),
    ("-2.5e+04", -25000.0),
    ("1/1000", 0.001),
    ("10^-3", 0.001),
    ("10^(-3)", 0.001),
    ("\u22120.5", -0.5),
    ("  42  ", 42.0),
    ("\t7\n", 7.0),
    (".5", 0.5),
    ("5.", 5.0),
    ("+3", 3.0),
    ("2.5*10^-3", 0.0025),
    ("2.5×10^3", 2500.0),
    ("-10^-2", -0.01),
    ("-1/8", -0.125),
    ("1 / 4", 0.25),
]

REFUSED = [
    *("0,5", "abc", "", "   ", "nan", "NaN", "inf", "-inf", "Infinity", "1" * 101, "1e999"),
    *("10^400", "1/0", "1,000", "1e", "--1", "0x10", "1.2.3", "5%", "1/-2", "sqrt(2)"),
]


@pytest.mark.parametrize(("text", "value"), ACCEPTED)
def test_accepts(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", REFUSED)
def test_refuses_with_a_message_that_says_what_is_accepted(text: str) -> None:
    with pytest.raises(AnswerError) as info:
        parse_number(text)
    assert "1e-3" in str(info.value) and "1/1000" in str(info.value)


def test_decimal_comma_message_suggests_the_point() -> None:
    with pytest.raises(AnswerError, match=r"0\.5"):
        parse_number("0,5")


def test_over_100_characters_is_refused_even_if_numeric() -> None:
    text = "0." + "0" * 97 + "1"
    assert len(text) == 100 and parse_number(text) > 0
    with pytest.raises(AnswerError, match="100 characters"):
        parse_number(text + "1")


def test_non_text_is_refused() -> None:
    with pytest.raises(AnswerError):
        parse_number(0.5)  # type: ignore[arg-type]


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite)
def test_any_finite_float_round_trips(x: float) -> None:
    assert parse_number(repr(x)) == x
    assert parse_number(f"  {x!r} ") == x


@given(finite.filter(lambda x: x < 0))
def test_unicode_minus_is_a_minus(x: float) -> None:
    assert parse_number(repr(x).replace("-", "\u2212")) == x


@given(st.integers(-300, 300), st.floats(0.1, 9.9))
def test_powers_of_ten_and_scientific_forms(exponent: int, mantissa: float) -> None:
    assert math.isclose(parse_number(f"10^{exponent}"), 10.0**exponent, rel_tol=1e-12)
    assert math.isclose(
        parse_number(f"{mantissa}e{exponent}"), mantissa * 10.0**exponent, rel_tol=1e-12
    )


@given(st.integers(-(10**6), 10**6), st.integers(1, 10**6))
def test_fractions(numerator: int, denominator: int) -> None:
    assert math.isclose(parse_number(f"{numerator}/{denominator}"), numerator / denominator)


@given(st.text(max_size=120))
def test_arbitrary_text_parses_to_a_finite_number_or_raises_answer_error(text: str) -> None:
    try:
        value = parse_number(text)
    except AnswerError as exc:
        assert str(exc)
    else:
        assert math.isfinite(value)


def test_superscripts_are_refused_and_other_decimal_digits_read_as_digits() -> None:
    """``²`` is no decimal digit (the message says what is accepted); ``٣`` and ``５`` are
    decimal digits in other scripts and read as 3 and 5, as Python's float() reads them."""
    with pytest.raises(AnswerError, match="not a number we can read"):
        parse_number("10²")
    assert parse_number("٣") == 3.0 and parse_number("５e-1") == 0.5


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=8))
def test_text_of_unicode_digits_is_a_number_or_a_message(text: str) -> None:
    try:
        assert math.isfinite(parse_number(text))
    except AnswerError as exc:
        assert "Enter a number" in str(exc)
