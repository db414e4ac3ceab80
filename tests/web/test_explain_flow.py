"""An explain question as a learner meets it: write, see the model answer, tick, score; earlier
answers beside a new attempt; and the interview drill that mixes explain cards with numbers
and plots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from fsrs import Rating
from sqlalchemy import select

from quizsvc import kinds
from quizsvc.db import get_session
from quizsvc.progress.mastery_models import ReviewLog
from tests.support.site import page
from tests.web.explain_site import EXPLAIN_LESSON, explain_response, with_explain_lesson
from tests.web.helpers import (
    LESSON,
    OTHER_LESSON,
    attempt_row,
    responses,
    signup,
    start,
    stored_questions,
)


@pytest.fixture
def site(app: Flask, tmp_path: Path) -> Flask:
    with_explain_lesson(app, tmp_path / "content")
    return app


def _question(app: Flask, attempt_id: int, template_id: str) -> tuple[str, dict[str, object]]:
    for q in stored_questions(app, attempt_id):
        if q.template_id == template_id:
            return f"/attempts/{attempt_id}/questions/{q.position}", q.variant
    raise AssertionError(template_id)


def test_write_reveal_tick_and_score(client: FlaskClient, site: Flask) -> None:
    signup(client)
    attempt_id = start(client, EXPLAIN_LESSON)
    url, _ = _question(site, attempt_id, "web-explain-vanishing")
    first = page(client, url)
    assert re.search(r'<textarea [^>]*name="text"', first) and 'name="reveal"' in first
    assert "backpropagation multiplies one such factor" not in first  # not before answering
    assert "Check answer" not in first and 'name="met"' not in first

    empty = client.post(url, data={"reveal": "1", "text": "  "})
    assert empty.status_code == 422
    assert "before you see the model answer" in empty.get_data(as_text=True)

    shown = client.post(url, data={"reveal": "1", "text": "Slopes of <1/4> multiply."})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and responses(site, attempt_id) == []  # nothing scored yet
    assert "backpropagation multiplies one such factor" in html
    assert re.search(r"<textarea[^>]*readonly[^>]*>\s*Slopes of &lt;1/4&gt; multiply.", html)
    assert html.count('type="checkbox" id="met-') == 3 and "Score my answer" in html
    link = f'href="/lessons/{EXPLAIN_LESSON}#sec-the-sigmoid-s-slope"'
    assert link in html

    scored = client.post(url, data={"text": "Slopes of <1/4> multiply.", "met": ["a", "b"]})
    assert scored.status_code == 302
    [response] = responses(site, attempt_id)
    assert response.score == pytest.approx(2 / 3) and response.raw["met"] == ["a", "b"]
    with site.app_context():  # the self-assessment is the FSRS rating: some points missed
        rating = get_session().scalar(select(ReviewLog.rating).where(
            ReviewLog.response_id == response.id))  # fmt: skip
    assert rating == Rating.Hard
    feedback = page(client, url)
    assert "Partly right (67 %)" in feedback and "You covered 2 of 3 points" in feedback
    assert "Covered: <p>Names 1/4" in feedback and "Not covered: <p>Concludes" in feedback
    assert "Where the lesson teaches each point" in feedback and link in feedback

    lesson = page(client, f"/lessons/{EXPLAIN_LESSON}")
    assert '<h2 id="sec-the-sigmoid-s-slope">' in lesson


def test_earlier_answers_are_shown_to_compare(client: FlaskClient, site: Flask) -> None:
    signup(client)
    first = start(client, EXPLAIN_LESSON)
    url, variant = _question(site, first, "web-explain-vanishing")
    client.post(url, data=explain_response(variant, 1))
    assert "Your earlier answers" not in page(client, url)  # only other attempts count

    second = start(client, EXPLAIN_LESSON)
    url, _ = _question(site, second, "web-explain-vanishing")
    shown = client.post(url, data={"reveal": "1", "text": "Now I know: 1/4 per layer."})
    html = shown.get_data(as_text=True)
    assert "Your earlier answers to this question (1)" in html
    assert "The slope is at most 1/4 per layer." in html and "33 % of the rubric" in html
    other_url, _ = _question(site, second, "web-explain-skip")
    assert "Your earlier answers" not in client.post(
        other_url, data={"reveal": "1", "text": "Identity."}
    ).get_data(as_text=True)


def test_an_answer_said_aloud_needs_no_text(client: FlaskClient, site: Flask) -> None:
    signup(client)
    attempt_id = start(client, EXPLAIN_LESSON, mode="exam")
    url, _ = _question(site, attempt_id, "web-explain-skip")
    assert 'data-speak-seconds="120"' in page(client, url)
    shown = client.post(url, data={"reveal": "1", "spoken": "y"})
    assert shown.status_code == 200 and "You answered aloud." in shown.get_data(as_text=True)
    saved = client.post(url, data={"spoken": "y", "met": ["a", "b", "c"]})
    assert saved.status_code == 302
    [response] = responses(site, attempt_id)
    assert response.correct and response.raw == {"text": "", "spoken": True, "met": ["a", "b", "c"]}


def _roles(app: Flask, attempt_id: int) -> list[str]:
    return [kinds.get(q.variant["kind"]).interview for q in stored_questions(app, attempt_id)]


def test_interview_mode_alternates_explain_cards_with_work(
    client: FlaskClient, site: Flask
) -> None:
    signup(client)
    form = page(client, "/drill")
    assert 'name="interview"' in form
    data = {"lesson": [LESSON, EXPLAIN_LESSON], "count": "4", "minutes": "10", "mode": "exam",
            "interview": "y"}  # fmt: skip
    result = client.post("/drill", data=data)
    assert result.status_code == 302, result.get_data(as_text=True)
    attempt_id = int(re.search(r"/attempts/(\d+)/", result.headers["Location"]).group(1))  # type: ignore[union-attr]
    assert _roles(site, attempt_id) == ["explain", "work", "explain", "work"]
    assert "data-deadline" in page(client, f"/attempts/{attempt_id}/questions/1")

    untimed = client.post("/drill", data={**data, "minutes": "0"})
    assert untimed.status_code == 302  # an interview is always timed: 3 minutes a question
    attempt = attempt_row(site, int(untimed.headers["Location"].split("/")[2]))
    assert attempt.time_limit_s == 4 * 3 * 60
    no_cards = client.post("/drill", data={**data, "lesson": [OTHER_LESSON]})
    assert no_cards.status_code == 422
    assert "no interview questions" in no_cards.get_data(as_text=True)
    only_work = client.post("/drill", data={**data, "lesson": [LESSON]})
    attempt_id = int(only_work.headers["Location"].split("/")[2])
    assert _roles(site, attempt_id) == ["work", "work"]  # the fixture lesson has two


def test_an_interview_asks_no_question_twice_and_no_recall_question(
    client: FlaskClient, site: Flask
) -> None:
    signup(client)
    data = {"lesson": [EXPLAIN_LESSON, LESSON], "count": "8", "minutes": "10", "mode": "practice",
            "interview": "y"}  # fmt: skip
    result = client.post("/drill", data=data)
    attempt_id = int(re.search(r"/attempts/(\d+)/", result.headers["Location"]).group(1))  # type: ignore[union-attr]
    questions = stored_questions(site, attempt_id)
    # Two explain cards and the fixture's two work questions (a number, a plot); its single,
    # multiple and ordering questions are not interview questions.
    assert _roles(site, attempt_id) == ["explain", "work", "explain", "work"]
    assert len({q.template_id for q in questions}) == 4
