"""The Review page: due cards, sessions of fresh variants, the desired retention."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.progress.models import AttemptKind, utcnow
from quizsvc.web.progress_format import relative
from tests.progress.helpers import answer_all, cards, make_due, user_id
from tests.support.site import page
from tests.web.helpers import LESSON, OTHER_LESSON, attempt_row, signup, start, stored_questions


def start_review(client: FlaskClient, lesson_id: str | None = None) -> int:
    response = client.post("/review/sessions", data={"lesson_id": lesson_id or ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/attempts/(\d+)/questions/1$", response.headers["Location"])
    assert match
    return int(match.group(1))


def test_the_review_page_says_when_the_next_review_is(client: FlaskClient, app: Flask) -> None:
    signup(client)
    html = page(client, "/review")
    assert "Nothing is due right now." in html and "lesson quiz" in html
    answer_all(client, app, start(client, OTHER_LESSON), right=[True, False, True])
    html = page(client, "/review")
    assert "Nothing is due right now." in html
    assert re.search(r"The next review is due in \d+ minutes", html)  # the wrong answer
    assert "Coming up this week" in html and "last answered wrong" in html
    assert "forgot" not in html and "Again" not in html  # no rating the learner never chose
    assert client.post("/review/sessions").status_code == 409


def test_a_review_session_serves_each_due_card_as_a_fresh_variant(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    first = start(client, LESSON)
    answer_all(client, app, first, right=[False, True, False, True, False])
    original = {q.template_id: q.seed for q in stored_questions(app, first)}
    uid = user_id(app)
    make_due(app, uid)

    html = page(client, "/review")
    assert "5 questions due" in html
    assert html.count('<span class="card-question">') == 5
    assert "Gradients in small networks" in html and "Start reviewing" in html

    seen: dict[str, set[int]] = {template_id: set() for template_id in original}
    for round_ in range(2):
        attempt_id = start_review(client)
        attempt = attempt_row(app, attempt_id)
        assert attempt.kind is AttemptKind.REVIEW and attempt.lesson_id == LESSON
        questions = stored_questions(app, attempt_id)
        assert {q.template_id for q in questions} == set(original)
        for q in questions:  # new numbers every time: a new seed per card and session
            assert q.seed != original[q.template_id] and q.seed not in seen[q.template_id]
            seen[q.template_id].add(q.seed)
        before = {t: (c.reps, c.due) for t, c in cards(app, uid).items()}
        answer_all(client, app, attempt_id, right=True)
        after = cards(app, uid)
        for template_id, (reps, due) in before.items():
            assert after[template_id].reps == reps + 1
            assert after[template_id].due > due
        assert "Nothing is due right now." in page(client, "/review")
        if round_ == 0:
            make_due(app, uid)


def test_a_session_can_take_one_lesson(client: FlaskClient, app: Flask) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=False)
    answer_all(client, app, start(client, LESSON), right=False)
    make_due(app, user_id(app))
    html = page(client, "/review")
    assert 'name="lesson_id" value="web-facts"' in html
    assert 'name="lesson_id" value="web-gradients"' in html
    attempt_id = start_review(client, OTHER_LESSON)
    assert {q.lesson_id for q in stored_questions(app, attempt_id)} == {OTHER_LESSON}
    assert client.post("/review/sessions", data={"lesson_id": "nope"}).status_code == 409


def test_a_learner_sets_their_desired_retention(client: FlaskClient, app: Flask) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON))
    html = page(client, "/review")
    assert 'id="retention"' in html and 'value="90"' in html

    for bad in ("ninety", "50", "99", ""):
        response = client.post("/review/retention", data={"retention": bad})
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "Enter a whole number of percent from 70 to 97" in text
        assert 'aria-invalid="true"' in text and 'role="alert"' in text

    uid = user_id(app)
    before = {t: c.due for t, c in cards(app, uid).items()}
    response = client.post("/review/retention", data={"retention": "95 %"})
    assert response.status_code == 302
    html = page(client, "/review")
    assert "Desired retention set to 95%" in html and 'value="95"' in html
    after = {t: c.due for t, c in cards(app, uid).items()}
    assert all(after[t] < before[t] for t in before)  # reviews come sooner


def test_cards_are_listed_by_their_question_and_say_whether_numbers_are_new(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=False)
    answer_all(client, app, start(client, LESSON), right=False)
    make_due(app, user_id(app))
    html = page(client, "/review")
    # The fixed-text question by its own words, the templated one with its placeholders elided.
    assert "What is the largest value of the sigmoid derivative?" in html
    assert "A …-layer sigmoid network of width … has gain …." in html
    assert "State the bounds of common activation derivatives. ·" not in html
    assert "The same question · one choice" in html
    assert "New numbers · number" in html


def test_nothing_due_offers_review_ahead_titled_review(client: FlaskClient, app: Flask) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=True)
    html = page(client, "/review")
    assert "Nothing is due right now." in html and "Review ahead" in html
    response = client.post("/review/sessions", data={"ahead": "1"})
    assert response.status_code == 302
    found = re.search(r"/attempts/(\d+)/", response.headers["Location"])
    assert found
    attempt_id = int(found.group(1))
    assert attempt_row(app, attempt_id).kind is AttemptKind.REVIEW
    assert {q.lesson_id for q in stored_questions(app, attempt_id)} == {OTHER_LESSON}
    question = page(client, f"/attempts/{attempt_id}/questions/1")
    assert "<title>Question 1 of 3 · Review · Facts about activations" in question


def test_a_review_due_within_the_minute_is_not_just_now() -> None:
    now = utcnow()
    assert relative(now + timedelta(seconds=20), now) == "in less than a minute"
    assert relative(now - timedelta(seconds=20), now) == "just now"
