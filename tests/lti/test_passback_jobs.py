"""Grade passback on the task queue: the finishing request never waits on (or fails with) the
LMS, a job sends only what is due, and the periodic task sends the retries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizsvc.db import get_session
from quizsvc.jobs import jobs_of
from quizsvc.progress.lti import LtiAttempt
from quizsvc.progress.models import Attempt, utcnow
from quizsvc.services import attempts
from tests.lti.conftest import Tool
from tests.lti.helpers import answer_all_and_finish, attempt_of, csrf_token, passback_row
from tests.support.lti_platform import STUDENT, LmsUser, TestPlatform, http_client, launch
from tests.web.helpers import correct_response, form_data, stored_questions

pytestmark = [pytest.mark.xdist_group("lti"), pytest.mark.usefixtures("fresh_platform")]


def backdate(tool: Tool, attempt_id: int) -> None:
    """The retry's backoff has passed."""
    with tool.app.app_context():
        stored = get_session().get(LtiAttempt, attempt_id)
        assert stored is not None and stored.next_try_at is not None
        stored.next_try_at = stored.next_try_at.replace(year=2000)
        get_session().commit()


def test_a_finish_while_the_lms_is_down_succeeds_and_the_periodic_task_sends_it_later(
    tool: Tool, lms: TestPlatform
) -> None:
    user = LmsUser("lms-student-jobs", "Jo Jobs", "jo@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    client = http_client()
    attempt_id = attempt_of(launch(client, lms, user))
    lms.fail_scores = 1000  # the LMS is down
    answer_all_and_finish(client, tool, attempt_id)  # asserts the review page came back
    row = passback_row(tool, attempt_id)  # the job ran in the finishing request (immediate)
    assert row["passback"] == "due" and row["tries"] == 1 and row["score"] == 1.0

    jobs = jobs_of(tool.app)
    # A job for a score whose retry is not due yet sends nothing: idempotent.
    jobs.lti_passback([attempt_id])
    jobs.send_due_lti_scores()
    assert passback_row(tool, attempt_id)["tries"] == 1

    lms.fail_scores = 0  # the LMS is back, and the backoff has passed
    backdate(tool, attempt_id)
    jobs.send_due_lti_scores()
    assert passback_row(tool, attempt_id)["passback"] == "sent"
    # Once sent, neither the job nor the periodic task sends it again.
    jobs.lti_passback([attempt_id])
    jobs.send_due_lti_scores()
    assert [s["userId"] for s in lms.scores()].count(user.sub) == 1


def test_an_attempt_left_at_its_deadline_is_graded_and_its_score_sent_without_a_visit(
    tool: Tool, lms: TestPlatform
) -> None:
    """The student answers, closes the tab and never comes back: the periodic task grades the
    attempt once its time is up, and the LMS gets the score."""
    user = LmsUser("lms-walked-out", "Wally Walkout", "wally@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    client = http_client()
    attempt_id = attempt_of(launch(client, lms, user))
    for question in stored_questions(tool.app, attempt_id):
        url = f"{tool.url}/attempts/{attempt_id}/questions/{question.position}"
        data = form_data(question.variant, correct_response(question.variant))
        token = csrf_token(client.get(url).text)
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 200
    jobs = jobs_of(tool.app)
    with tool.app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None and attempt.finished_at is None
        attempt.time_limit_s = 600
        get_session().commit()
    jobs.settle_attempts()
    assert passback_row(tool, attempt_id)["score"] is None  # time is not up: not graded

    with tool.app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        attempt.started_at = utcnow() - timedelta(minutes=30)  # the deadline passed unvisited
        get_session().commit()
    jobs.settle_attempts()
    row = passback_row(tool, attempt_id)
    assert row["score"] == 1.0 and row["passback"] == "sent"
    sent = [s for s in lms.scores() if s["userId"] == user.sub]
    assert len(sent) == 1 and sent[0]["scoreGiven"] == sent[0]["scoreMaximum"] > 0
    with tool.app.app_context():
        assert attempts.settle_overdue() == 0  # graded once
