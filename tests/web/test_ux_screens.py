"""Screens a learner meets first: the quiz offered at the top of a lesson, sign-up errors in our
own words, and history rows named for what they were (a review, a new variant)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.progress.helpers import answer_all
from tests.support.site import page
from tests.web.helpers import LESSON, OTHER_LESSON, signup, start


def test_a_lesson_offers_its_quiz_at_the_top(client: FlaskClient) -> None:
    html = page(client, f"/lessons/{LESSON}")
    top = html.split('class="lesson-body"')[0]
    assert 'id="quiz-top"' in top and f'action="/lessons/{LESSON}/attempts"' in top
    assert 'name="mode" value="practice"' in top and 'name="mode" value="exam"' in top
    response = client.post(f"/lessons/{LESSON}/attempts", data={"mode": "exam"})
    assert response.status_code == 302  # the top buttons start the same quiz
    html = page(client, f"/lessons/{LESSON}")
    assert "Resume your quiz" in html.split('class="lesson-body"')[0]


def test_sign_up_errors_are_in_our_words(client: FlaskClient) -> None:
    empty = client.post("/signup", data={"email": "", "password": ""})
    assert empty.status_code == 422
    text = empty.get_data(as_text=True)
    assert "Enter your email address, such as ada@example.org." in text
    assert "Choose a password of at least 8 characters." in text
    short = client.post("/signup", data={"email": "bo@example.org", "password": "short"})
    text = short.get_data(as_text=True)
    assert "Use a password of 8 to 200 characters." in text
    long_name = client.post(
        "/signup", data={"email": "bo@example.org", "password": "x" * 9, "display_name": "n" * 81}
    )
    assert "Keep your name to 80 characters or fewer." in long_name.get_data(as_text=True)
    for default in ("This field is required", "Field must be", "Field cannot be longer"):
        assert default not in text + empty.get_data(as_text=True)


def test_history_names_review_sessions_and_stacks_on_a_phone(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=True)
    client.post(f"/attempts/{start(client, LESSON)}/finish")
    client.post("/review/sessions", data={"ahead": "1"})
    html = page(client, "/history")
    assert '<table class="stack-rows">' in html
    assert re.search(r'<td data-label="Quiz">Review · Facts about activations</td>', html)
    assert '<td data-label="Score">' in html
