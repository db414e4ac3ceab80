"""Lesson files: parse, validate (file:line problems with fixes) and render safely.

A pure library: no Flask, no database. See docs/authoring.md for the format.
"""

from quizsvc.content.catalog import CONTENT_DIR_ENV, Catalog, default_content_dir, load_catalog
from quizsvc.content.markdown import render_markdown
from quizsvc.content.model import (
    FigureSpec,
    Lesson,
    LiveFigure,
    Objective,
    ParamSpec,
    QuestionTemplate,
)
from quizsvc.content.problems import Problem

__all__ = [
    "CONTENT_DIR_ENV",
    "Catalog",
    "FigureSpec",
    "Lesson",
    "LiveFigure",
    "Objective",
    "ParamSpec",
    "Problem",
    "QuestionTemplate",
    "default_content_dir",
    "load_catalog",
    "render_markdown",
]
