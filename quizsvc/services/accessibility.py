"""Accessibility settings of an account, and the data tables they show.

"Describe figures as data": a learner who has it sees, under each figure, the figure's plotted
series as a table (`quizsvc.plots.table`). The learner switches it in the account; an
instructor can switch it on or off for a student by email. The tables are drawn on demand
(the simulations are cached; a table costs a drawing without the rendering) and kept in a
small per-process cache.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from sqlalchemy import select

from quizsvc.content import Lesson
from quizsvc.db import get_session
from quizsvc.progress.accessibility import AccessibilitySetting
from quizsvc.progress.models import AttemptQuestion, User, utcnow
from quizsvc.quiz import Variant, render_live_figure, render_variant_figure
from quizsvc.services import accounts
from quizsvc.services.errors import InvalidInput, NotFound
from quizsvc.services.figures import figure_key
from quizsvc.sim import ENGINE_VERSION

_TABLES: LRUCache[str, dict[str, Any]] = LRUCache(512)
_TABLES_LOCK = threading.Lock()


@dataclass(frozen=True)
class FigureData:
    """Whether an account sees data tables, and who switched them on."""

    enabled: bool
    granted_by: str | None  # the instructor's name; None when the learner chose it


def figure_data(user: User | None) -> FigureData:
    """The account's setting (off for nobody, a guest without a row, or a new account)."""
    row = get_session().get(AccessibilitySetting, user.id) if user is not None else None
    if row is None:
        return FigureData(False, None)
    return FigureData(row.figure_data, row.set_by.name if row.set_by is not None else None)


def set_figure_data(user: User, enabled: bool, *, by: User | None = None) -> None:
    """Switch data tables on or off for ``user``; ``by`` is the instructor doing it for them."""
    session = get_session()
    row = session.get(AccessibilitySetting, user.id)
    if row is None:
        row = AccessibilitySetting(user_id=user.id)
        session.add(row)
    row.figure_data = enabled
    row.set_by_id = by.id if by is not None and by.id != user.id else None
    row.updated_at = utcnow()
    session.commit()


def grant_figure_data(instructor: User, email: str, enabled: bool) -> User:
    """An instructor switches data tables on (or off) for the student with ``email``."""
    student = accounts.find_by_email(email)
    if student is None or student.is_guest:
        raise NotFound(
            f"No account uses {email.strip()}: check the address the student signed up with."
        )
    if student.id == instructor.id:
        raise InvalidInput("Switch your own setting on your account page.")
    set_figure_data(student, enabled, by=instructor)
    return student


def granted_by(instructor: User) -> list[AccessibilitySetting]:
    """The students for whom ``instructor`` switched data tables on, newest first."""
    rows = get_session().scalars(
        select(AccessibilitySetting)
        .where(AccessibilitySetting.set_by_id == instructor.id, AccessibilitySetting.figure_data)
        .order_by(AccessibilitySetting.updated_at.desc())
    )
    return list(rows)


def _cached(key: str, draw: Any) -> dict[str, Any]:
    with _TABLES_LOCK:
        table = _TABLES.get(key)
    if table is None:
        table = json.loads(draw().data)
        with _TABLES_LOCK:
            _TABLES[key] = table
    return table


def variant_table(question: AttemptQuestion, index: int) -> dict[str, Any]:
    """The data table of figure ``index`` of a stored variant (same hide rules as its figure)."""
    key = figure_key(
        "table",
        question.template_id,
        question.content_hash,
        question.engine_version,
        question.seed,
        index,
    )
    variant = Variant.from_dict(question.variant)
    return _cached(key, lambda: render_variant_figure(variant, index, "json"))


def live_table(lesson: Lesson, figure_id: str, seed: int) -> dict[str, Any]:
    """The data table of a lesson's live figure for one seed of the page's pool."""
    figure = lesson.figures[figure_id]
    key = figure_key("table", lesson.id, lesson.content_hash, figure_id, seed, ENGINE_VERSION)
    return _cached(key, lambda: render_live_figure(figure, seed, "json"))
