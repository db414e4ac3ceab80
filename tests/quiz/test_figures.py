"""Figures of variants and lessons are drawn from the stored settings, through the cache."""

from __future__ import annotations

import pytest

from quizsvc.content import Catalog
from quizsvc.quiz import SIM_CACHE, generate, render_live_figure, render_variant_figure


def test_variant_figure_svg_and_png(toy: Catalog) -> None:
    variant = generate(toy.template("toy-ratio"), 4)
    svg = render_variant_figure(variant, 0)
    assert svg.mime == "image/svg+xml" and svg.data.lstrip().startswith(b"<")
    assert render_variant_figure(variant, 0) == svg  # same settings, same bytes
    png = render_variant_figure(variant, 0, fmt="png")
    assert png.mime == "image/png" and png.data.startswith(b"\x89PNG")
    with pytest.raises(IndexError):
        render_variant_figure(variant, 1)


def test_figure_alt_text_hides_the_asked_quantity(toy: Catalog) -> None:
    variant = generate(toy.template("toy-ratio"), 4)
    rendered = render_variant_figure(variant, 0)
    assert rendered.alt and variant.answer_key["display"] not in rendered.alt


def test_plot_choice_options_do_not_name_their_configuration(toy: Catalog) -> None:
    variant = generate(toy.template("toy-pick-plot"), 2)
    for choice in variant.choices:
        rendered = render_variant_figure(variant, choice["figure"])
        text = rendered.alt.lower() + rendered.data.decode().lower()
        assert "sigmoid" not in text and "relu" not in text


def test_figures_reuse_the_answers_simulations(toy: Catalog) -> None:
    variant = generate(toy.template("toy-ratio"), 9)
    misses = SIM_CACHE.stats.misses
    render_variant_figure(variant, 0)
    assert SIM_CACHE.stats.misses == misses


def test_live_figure_depends_on_the_seed(toy: Catalog) -> None:
    figure = toy.lesson("toy-gradients").figures["toy-live"]
    first = render_live_figure(figure, 1)
    assert first == render_live_figure(figure, 1)
    assert first.data != render_live_figure(figure, 2).data
