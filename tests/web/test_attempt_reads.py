"""Reading an attempt never writes; the deadline of a timed drill is applied by a command."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, User
from quizsvc.services import attempts
from tests.web.helpers import LESSON, OTHER_LESSON, attempt_row, signup


def _overdue_drill(client: FlaskClient, app: Flask) -> tuple[int, int]:
    signup(client)
    data = {"lesson": [LESSON, OTHER_LESSON], "count": "3", "minutes": "10", "mode": "exam"}
    location = client.post("/drill", data=data).headers["Location"]
    attempt_id = int(re.search(r"/attempts/(\d+)/", location).group(1))  # type: ignore[union-attr]
    with app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        attempt.started_at -= timedelta(minutes=11)
        get_session().commit()
        return attempt_id, attempt.user_id


def test_reads_leave_an_overdue_drill_as_stored(client: FlaskClient, app: Flask) -> None:
    attempt_id, user_id = _overdue_drill(client, app)
    with app.test_request_context():
        user = get_session().get(User, user_id)
        assert user is not None
        attempt = attempts.get_attempt(user, attempt_id)
        question = attempts.question_of(user, attempt_id, 1)
        assert not attempt.finished and question.attempt is attempt
        assert attempts.unfinished_attempts(user) == []  # over: not offered for resuming
        assert not get_session().dirty
    assert attempt_row(app, attempt_id).finished_at is None
    # The page that shows the attempt settles it: resuming an overdue drill opens its review.
    assert client.get(f"/attempts/{attempt_id}").headers["Location"].endswith("/review")
    assert attempt_row(app, attempt_id).finished_at is not None


def test_settle_grades_an_overdue_drill_at_its_deadline(client: FlaskClient, app: Flask) -> None:
    attempt_id, user_id = _overdue_drill(client, app)
    with app.test_request_context():
        user = get_session().get(User, user_id)
        assert user is not None
        attempt = attempts.settle(user, attempt_id)
        deadline = attempt.deadline()
    row = attempt_row(app, attempt_id)
    assert row.finished_at is not None and row.finished_at == deadline and row.score == 0.0
