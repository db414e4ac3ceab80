"""Helpers of the progress tests: a learner's answers, the stored progress, moving time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update

from quizsvc.db import get_session
from quizsvc.progress.mastery_models import MasteryEvent, ObjectiveMastery, ReviewCard, ReviewLog
from quizsvc.progress.models import User, utcnow
from tests.web.helpers import answer, stored_questions


def user_id(app: Flask, email: str = "ada@example.org") -> int:
    with app.app_context():
        found = get_session().scalar(select(User.id).where(User.email == email))
        assert found is not None
        return found


def answer_all(
    client: FlaskClient, app: Flask, attempt_id: int, *, right: bool | list[bool] = True
) -> None:
    """Answer every question of an attempt, right or wrong (one flag per question allowed)."""
    questions = stored_questions(app, attempt_id)
    flags = right if isinstance(right, list) else [right] * len(questions)
    for question, flag in zip(questions, flags, strict=True):
        response = answer(client, app, attempt_id, question.position, right=flag)
        assert response.status_code == 302, response.get_data(as_text=True)


def rows(app: Flask, model: Any, uid: int) -> list[Any]:
    with app.app_context():
        return list(get_session().scalars(select(model).where(model.user_id == uid)))


def masteries(app: Flask, uid: int) -> dict[tuple[str, str], ObjectiveMastery]:
    return {(r.lesson_id, r.objective_id): r for r in rows(app, ObjectiveMastery, uid)}


def cards(app: Flask, uid: int) -> dict[str, ReviewCard]:
    return {c.template_id: c for c in rows(app, ReviewCard, uid)}


def logs(app: Flask, uid: int) -> list[ReviewLog]:
    return sorted(rows(app, ReviewLog, uid), key=lambda log: log.id)


def events(app: Flask, uid: int) -> list[MasteryEvent]:
    return sorted(rows(app, MasteryEvent, uid), key=lambda e: e.id)


def make_due(app: Flask, uid: int, template_ids: list[str] | None = None) -> None:
    """Bring cards due now, as if their interval had passed."""
    with app.app_context():
        session = get_session()
        query = update(ReviewCard).where(ReviewCard.user_id == uid)
        if template_ids is not None:
            query = query.where(ReviewCard.template_id.in_(template_ids))
        session.execute(query.values(due=utcnow() - timedelta(hours=1)))
        session.commit()


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the block."""
    engine = app.extensions["quizsvc.db"].engine
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
