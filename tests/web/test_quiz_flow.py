"""Quiz pages as a learner uses them: practice and exam, every question kind, review, drills."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt
from tests.support.site import page
from tests.web.helpers import (
    LESSON,
    OTHER_LESSON,
    answer,
    attempt_row,
    correct_response,
    form_data,
    position_of,
    responses,
    signup,
    start,
    stored_questions,
    variant_of,
)


def test_practice_gives_feedback_after_each_answer(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "numeric")
    url = f"/attempts/{attempt_id}/questions/{position}"
    html = page(client, url)
    assert f"Question {position} of 5" in html
    assert 'class="qnav"' in html and "0 of 5 answered" in html

    malformed = client.post(url, data={"answer": "0,5"})
    assert malformed.status_code == 422
    text = malformed.get_data(as_text=True)
    assert "decimal separator" in text and 'role="alert"' in text
    assert 'value="0,5"' in text  # what they typed stays in the box
    assert responses(app, attempt_id) == []  # a malformed answer costs nothing

    right = answer(client, app, attempt_id, position)
    assert right.status_code == 302 and right.headers["Location"].endswith("#feedback")
    html = page(client, url)
    assert "Correct" in html and 'id="feedback"' in html
    assert "The ratio is" in html  # the explanation, now that the answer is in
    assert "1 of 5 answered" in html
    assert 'name="answer"' not in html  # one answer per question in practice mode

    again = answer(client, app, attempt_id, position)  # a double click
    assert again.status_code == 302
    assert len(responses(app, attempt_id)) == 1
    changed = answer(client, app, attempt_id, position, right=False)
    assert changed.status_code == 302
    assert "You have answered this question" in page(client, url)
    assert len(responses(app, attempt_id)) == 1


def test_the_page_never_shows_the_key_before_the_answer(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    for question in stored_questions(app, attempt_id):
        html = page(client, f"/attempts/{attempt_id}/questions/{question.position}")
        variant = question.variant
        assert variant["explanation_html"] not in html
        assert str(variant["seed"]) not in html
        for feedback in variant["answer_key"].get("feedback", {}).values():
            assert feedback not in html
        assert "answer_key" not in html and "misconception" not in html


def test_every_kind_is_answered_through_its_form(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    for question in stored_questions(app, attempt_id):
        result = answer(client, app, attempt_id, question.position)
        assert result.status_code == 302, question.variant["kind"]
    assert [r.score for r in responses(app, attempt_id)] == [1.0] * 5
    html = page(client, f"/attempts/{attempt_id}/questions/5")
    assert "Answer saved" in html and "Correct" not in html  # exam: results at the end


def test_ordering_form_refuses_two_items_at_one_position(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "ordering")
    ids = [c["id"] for c in variant_of(app, attempt_id, position)["choices"]]
    data = {f"rank-{i}": "1" for i in ids}
    result = client.post(f"/attempts/{attempt_id}/questions/{position}", data=data)
    assert result.status_code == 422
    assert "different position" in result.get_data(as_text=True)
    empty = client.post(
        f"/attempts/{attempt_id}/questions/{position_of(app, attempt_id, 'single')}"
    )
    assert empty.status_code == 422 and "Choose an answer" in empty.get_data(as_text=True)


def test_exam_answers_change_until_finish_then_review(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    single = position_of(app, attempt_id, "single")
    saved = answer(client, app, attempt_id, single, right=False)
    assert saved.headers["Location"].endswith(f"/questions/{single}")  # stays: see test_ux_audit
    answer(client, app, attempt_id, single, right=True)
    answer(client, app, attempt_id, single, right=True)  # unchanged: not recorded again
    assert [r.seq for r in responses(app, attempt_id)] == [1, 2]

    early = client.get(f"/attempts/{attempt_id}/review")
    assert early.status_code == 302  # the review opens when the attempt is finished
    finished = client.post(f"/attempts/{attempt_id}/finish")
    assert finished.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    assert attempt_row(app, attempt_id).score == 0.2  # one of five right, the rest unanswered

    html = page(client, f"/attempts/{attempt_id}/review")
    assert "20 %" in html and html.count('class="review-item"') == 5
    assert html.count('verdict wrong">Not answered') == 4 and "Your answer" in html
    assert "Try a new variant" in html
    for question in stored_questions(app, attempt_id):
        assert question.variant["explanation_html"] in html
    late = answer(client, app, attempt_id, single)
    assert late.status_code == 302 and late.headers["Location"].endswith("/review")
    assert len(responses(app, attempt_id)) == 2


def test_hints_are_revealed_one_at_a_time_and_recorded(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "numeric")
    url = f"/attempts/{attempt_id}/questions/{position}"
    assert "Show a hint (2 left)" in page(client, url)
    assert client.post(f"{url}/hint").headers["Location"].endswith("#hints")
    html = page(client, url)
    assert "Read the first and the last point." in html and "Show a hint (1 left)" in html
    answer(client, app, attempt_id, position)
    assert responses(app, attempt_id)[0].hints_used == 1


def test_try_a_new_variant_from_the_review(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}/finish")
    position = position_of(app, attempt_id, "numeric")
    result = client.post(f"/attempts/{attempt_id}/questions/{position}/retry")
    retry_id = int(re.search(r"/attempts/(\d+)/", result.headers["Location"]).group(1))  # type: ignore[union-attr]
    original, fresh = (
        stored_questions(app, attempt_id)[position - 1],
        stored_questions(app, retry_id),
    )
    assert len(fresh) == 1 and fresh[0].template_id == original.template_id
    assert fresh[0].seed != original.seed
    assert "New variant" in page(client, f"/attempts/{retry_id}/questions/1")


def test_resume_where_the_learner_left(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    page(client, f"/attempts/{attempt_id}/questions/3")
    assert client.get(f"/attempts/{attempt_id}").headers["Location"].endswith("/questions/3")
    lesson = page(client, f"/lessons/{LESSON}")
    assert "Resume it" in lesson and f"/attempts/{attempt_id}" in lesson


def test_a_timed_drill_mixes_lessons_and_ends_on_time(client: FlaskClient, app: Flask) -> None:
    signup(client)
    form = page(client, "/drill")
    assert 'name="lesson"' in form and 'id="minutes"' in form
    data = {"lesson": [LESSON, OTHER_LESSON], "count": "6", "minutes": "10", "mode": "exam"}
    result = client.post("/drill", data=data)
    assert result.status_code == 302
    attempt_id = int(re.search(r"/attempts/(\d+)/", result.headers["Location"]).group(1))  # type: ignore[union-attr]
    questions = stored_questions(app, attempt_id)
    assert len(questions) == 6 and {q.lesson_id for q in questions} == {LESSON, OTHER_LESSON}
    assert "data-deadline" in page(client, f"/attempts/{attempt_id}/questions/1")

    with app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        attempt.started_at -= timedelta(minutes=11)
        get_session().commit()
    late = answer(client, app, attempt_id, 1)
    assert late.headers["Location"].endswith("/review")
    assert attempt_row(app, attempt_id).finished_at is not None
    assert responses(app, attempt_id) == []


def test_drill_form_explains_bad_choices(client: FlaskClient) -> None:
    none = client.post("/drill", data={"count": "5", "minutes": "5", "mode": "exam"})
    assert none.status_code == 422 and "at least one lesson" in none.get_data(as_text=True)
    many = client.post("/drill", data={"lesson": LESSON, "count": "99", "minutes": "5"})
    assert many.status_code == 422 and "3 to 20 questions" in many.get_data(as_text=True)
    words = client.post("/drill", data={"lesson": LESSON, "count": "ten", "minutes": "5"})
    assert words.status_code == 422 and "whole number" in words.get_data(as_text=True)


def test_another_learners_attempt_is_not_found(client: FlaskClient, app: Flask) -> None:
    signup(client, "owner@example.org")
    attempt_id = start(client)
    variant = variant_of(app, attempt_id, 1)
    client.post("/logout")
    signup(client, "intruder@example.org")
    base = f"/attempts/{attempt_id}"
    for url in (base, f"{base}/questions/1", f"{base}/review"):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/questions/1", f"{base}/questions/1/hint", f"{base}/finish",
                f"{base}/questions/1/retry"):  # fmt: skip
        data = form_data(variant, correct_response(variant))
        assert client.post(url, data=data).status_code == 404, url
    assert responses(app, attempt_id) == []
    assert client.get(f"{base}/questions/99").status_code == 404


def test_the_question_links_mark_a_partly_right_answer_as_partial(
    client: FlaskClient, app: Flask
) -> None:
    app.config["PRACTICE_TRIES"] = 1  # settled by its one answer (tests/web/test_practice_tries)
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "ordering")
    variant = variant_of(app, attempt_id, position)
    order = list(variant["answer_key"]["order"])
    order[0], order[1] = order[1], order[0]  # one pair out of place: partial credit
    url = f"/attempts/{attempt_id}/questions/{position}"
    assert client.post(url, data=form_data(variant, order)).status_code == 302
    html = page(client, url)
    assert "Partly right" in html
    link = re.search(rf'<a href="{url}"\s+class="([^"]*)"', html)
    assert link and link.group(1) == "partial", link
    assert f'{position}<span class="visually-hidden">, partial</span>' in html
