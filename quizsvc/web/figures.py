"""Figures placed in pages as inline SVG, drawn on first view through the figure cache.

A figure that fails to draw is logged and replaced by a short note, so one broken figure
never takes a lesson or a quiz page down with it. Each figure links to its file (a tap or click
enlarges it), and a learner with "describe figures as data" gets its data table beside it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, get_template_attribute, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from quizsvc.content import Lesson, render_markdown
from quizsvc.services import accessibility, explorer, figures
from quizsvc.services.attempts import QuestionView
from quizsvc.services.figure_store import Figure

logger = logging.getLogger("quizsvc.figures")

_LIVE_FIGURE = re.compile(r'<figure class="live-figure" data-figure="([^"]+)"></figure>')
_LEADING_H1 = re.compile(r"^\s*<h1[^>]*>.*?</h1>\s*", re.DOTALL)


@dataclass(frozen=True)
class ShownFigure:
    index: int
    svg: Markup | None  # None: the figure could not be drawn
    alt: str
    caption_html: Markup
    link: str = ""  # the figure's own file, shown full size
    table: dict[str, Any] | None = None  # its data, for a learner who asked for tables


def figure_data_on() -> bool:
    """Whether the current learner asked for (or was granted) figures described as data."""
    if "figure_data" not in g:
        user = current_user if current_user.is_authenticated else None
        g.figure_data = accessibility.figure_data(user).enabled
    return bool(g.figure_data)


def _table(what: str, tabulate: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    if not figure_data_on():
        return None
    try:
        return tabulate()
    except Exception:  # the picture is still there; the table is an addition to it
        logger.exception("figure table failed: %s", what)
        return None


def _draw(what: str, draw: Callable[[], Figure]) -> Figure | None:
    try:
        return draw()
    except Exception:  # a plotting bug must not cost the learner the whole page
        logger.exception("figure failed: %s", what)
        return None


def question_figures(view: QuestionView) -> dict[int, ShownFigure]:
    """Every figure of a question (prompt figures and plot_choice options) by index."""
    shown: dict[int, ShownFigure] = {}
    for spec in view.public["figures"]:
        index = spec["index"]
        figure = _draw(
            f"{view.question.template_id}#{index}",
            functools.partial(figures.variant_figure, view.question, index),
        )
        what = f"{view.question.template_id}#{index}"
        shown[index] = ShownFigure(
            index=index,
            svg=Markup(figure.svg) if figure else None,  # our own rendered SVG
            alt=figure.alt if figure else "",
            caption_html=Markup(spec.get("caption_html") or ""),  # sanitized by quizsvc.quiz
            link=url_for(
                "accessibility.question_figure",
                attempt_id=view.attempt.id,
                position=view.position,
                index=index,
            ),
            table=_table(
                what, functools.partial(accessibility.variant_table, view.question, index)
            ),
        )
    return shown


@functools.lru_cache(maxsize=512)
def _caption_html(caption: str) -> str:
    return render_markdown(caption) if caption else ""


def lesson_html(lesson: Lesson, seed: int) -> Markup:
    """The lesson's sanitized HTML with each live figure drawn in place.

    A leading <h1> is dropped: the page shows the lesson title as its own heading.
    """

    def fill(match: re.Match[str]) -> str:
        figure_id = match.group(1)
        spec = lesson.figures.get(figure_id)
        if spec is None:
            return ""
        figure = _draw(
            f"{lesson.id}/{figure_id}", lambda: figures.live_figure(lesson, figure_id, seed)
        )
        body = (
            figure.svg
            if figure
            else '<p class="figure-missing">This figure could not be drawn just now.</p>'
        )
        caption = _caption_html(spec.caption)
        shown = ShownFigure(
            index=0,
            svg=Markup(body),
            alt=figure.alt if figure else "",
            caption_html=Markup(caption + _explorer_links(lesson, figure_id, seed)),
            link=url_for(
                "accessibility.lesson_figure", lesson_id=lesson.id, figure_id=figure_id, draw=seed
            )
            if figure
            else "",
            table=_table(
                f"{lesson.id}/{figure_id}",
                lambda: accessibility.live_table(lesson, figure_id, seed),
            ),
        )
        block = get_template_attribute("figures/_figure.html", "figure_block")
        return str(block(shown, "live-figure", f"figure-{escape(figure_id)}"))

    body = _LEADING_H1.sub("", lesson.html, count=1)
    return Markup(_LIVE_FIGURE.sub(fill, body))  # sanitized by quizsvc.content


def _explorer_links(lesson: Lesson, figure_id: str, seed: int) -> str:
    """ "Open in the explorer" with the figure's networks, as drawn for this seed."""
    links = explorer.figure_links(lesson, figure_id, seed)
    if not links:
        return ""
    page = url_for("explore.page")
    anchors = ", ".join(
        f'<a href="{escape(page)}?{escape(query)}">{escape(label)}</a>' for label, query in links
    )
    return f'<span class="explore-links"> Open in the explorer: {anchors}</span>'
