"""The progress figures: drawn with the plots pipeline, deterministic, described in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from quizsvc.progress import charts
from quizsvc.progress.queries import DayActivity
from tests.support.figures import drawn, legends_clear_of_axes

START = date(2026, 3, 2)


def history(days: int, every: int = 1) -> list[DayActivity]:
    return [
        DayActivity(START + timedelta(days=i), 4, 4 * (0.4 + 0.5 * i / days), 2)
        for i in range(0, days, every)
    ]


def test_the_accuracy_figure_is_an_svg_described_by_its_data() -> None:
    figure = charts.accuracy_figure(history(30))
    assert figure.mime == "image/svg+xml"
    svg = figure.data.decode()
    assert 'role="img"' in svg and "<title>Accuracy over time</title>" in svg
    assert figure.alt.startswith("Accuracy over time: 120 answers in 30 days between 02 Mar 2026")
    assert "Mean score 40 % in the first day" in figure.alt
    assert charts.accuracy_figure(history(30)).data == figure.data  # deterministic


def test_a_long_history_is_drawn_by_week() -> None:
    figure = charts.accuracy_figure(history(300, every=2))
    assert "answers in 43 weeks" in figure.alt


def test_the_mastery_figure_shows_the_answers_and_the_fading() -> None:
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    points = [(at, 0.55), (at + timedelta(hours=1), 0.68), (at + timedelta(days=2), 0.8)]
    fade = [(at + timedelta(days=d), 0.8 * 0.98**d) for d in range(3, 10)]
    figure = charts.mastery_figure("Read norms", points, fade)
    assert figure.alt == (
        "Mastery of “Read norms” after each of 3 answers: from 55 % after the first to 80 % "
        "after the last; 67 % today."
    )
    assert "mastered ≥ 85%" in figure.data.decode()


def test_the_legend_leaves_the_newest_answers_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    """The newest day is always at the right end, where a legend inside the panel hid it."""
    at = datetime(2026, 11, 20, 10, tzinfo=UTC)
    points = [(at + timedelta(days=d), 0.2 + 0.05 * d) for d in range(9)]
    for call in (
        lambda: charts.accuracy_figure([DayActivity(date(2026, 11, 29), 10, 2.3, 2)]),
        lambda: charts.mastery_figure("Read norms", points, []),
    ):
        fig = drawn(monkeypatch, charts, call)
        assert [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
        assert legends_clear_of_axes(fig) == []


def test_date_ticks_name_their_month(monkeypatch: pytest.MonkeyPatch) -> None:
    """A November history spanning into a December tick must not be labelled "2026-Dec"."""
    days = [DayActivity(date(2026, 11, 29), 10, 2.3, 2)]
    fig = drawn(monkeypatch, charts, lambda: charts.accuracy_figure(days))
    FigureCanvasAgg(fig).draw()
    axis = fig.axes[-1].xaxis
    labels = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
    assert "29 Nov" in labels and all(re.fullmatch(r"\d\d (Nov|Dec)", t) for t in labels)
    assert axis.get_major_formatter().get_offset() == "2026"


def test_one_day_of_answers_draws_no_trend_and_sits_inside_the_axis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    days = [DayActivity(date(2026, 12, 7), 1, 1.0, 1)]
    fig = drawn(monkeypatch, charts, lambda: charts.accuracy_figure(days))
    top, bottom = fig.axes
    labels = [text.get_text() for text in top.get_legend().get_texts()]
    assert labels == ["mean score per day"]  # no "last 7 days" without a trend to show
    (points,) = top.get_lines()
    low, high = top.get_xlim()
    for x in points.get_xdata(orig=False):
        assert low < x < high
    bar = bottom.patches[0]
    assert bar.get_x() < points.get_xdata(orig=False)[0] < bar.get_x() + bar.get_width()
    assert charts.accuracy_figure(days).alt == (
        "Accuracy over time: 1 answer on 07 Dec 2026, mean score 100 %."
    )
    two = charts.accuracy_figure([*days, DayActivity(date(2026, 12, 8), 2, 1.0, 1)])
    assert "last 7 days" in two.data.decode()
