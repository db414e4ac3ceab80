"""A learner's attempt for the draft tests, and the service calls made on their behalf."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.draft_models import AnswerDraft
from quizsvc.progress.models import Attempt, AttemptQuestion, User
from tests.web.helpers import LESSON, OTHER_LESSON, signup


def drill(client: FlaskClient, *, minutes: int = 10, mode: str = "exam", count: int = 3) -> int:
    """A timed drill over both fixture lessons (started by a learner already logged in)."""
    data = {"lesson": [LESSON, OTHER_LESSON], "count": str(count), "minutes": str(minutes),
            "mode": mode}  # fmt: skip
    location = client.post("/drill", data=data).headers["Location"]
    match = re.search(r"/attempts/(\d+)/questions/1$", location)
    assert match, location
    return int(match.group(1))


@contextmanager
def as_learner(app: Flask, attempt_id: int) -> Iterator[User]:
    """A request context and the owner of the attempt, to call services as their pages do."""
    with app.test_request_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        user = get_session().get(User, attempt.user_id)
        assert user is not None
        yield user


def stranger(client: FlaskClient) -> None:
    signup(client, "someone.else@example.org", "Someone")


def age(app: Flask, attempt_id: int, minutes: int) -> None:
    """Move the attempt's start back, as if that much time had passed."""
    with app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        attempt.started_at -= timedelta(minutes=minutes)
        get_session().commit()


def drafts(app: Flask, attempt_id: int) -> dict[int, AnswerDraft]:
    """The attempt's drafts by question position."""
    with app.app_context():
        query = (
            select(AttemptQuestion.position, AnswerDraft)
            .join(AttemptQuestion, AnswerDraft.question_id == AttemptQuestion.id)
            .where(AttemptQuestion.attempt_id == attempt_id)
        )
        return {position: draft for position, draft in get_session().execute(query)}
