"""Practice that teaches: several tries per question, the next hint after a wrong one, credit
that follows the tries used, and feedback that says how far off a number is."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizsvc.db import get_session
from quizsvc.kinds.how_far import how_far
from quizsvc.progress.mastery_models import ReviewLog
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
    wrong_response,
)


def _reviews(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(ReviewLog)) or 0


def _how_far_sentence(variant: dict[str, Any]) -> str:
    sentence = how_far(float(wrong_response(variant)), variant["answer_key"]["value"])
    assert "too large" in sentence.lower()  # the helper's wrong answer is a thousand times off
    return sentence


def test_a_wrong_try_says_how_far_off_and_offers_the_next_hint(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "numeric")
    url = f"/attempts/{attempt_id}/questions/{position}"
    variant = variant_of(app, attempt_id, position)
    first = page(client, url)
    rule = "3 tries per question: a right answer earns 100 % on the first try, 67 % on the second, "
    assert (rule + "33 % on the third.").replace(" %", "&nbsp;%") in first

    wrong = answer(client, app, attempt_id, position, right=False)
    assert wrong.status_code == 302 and wrong.headers["Location"].endswith("#feedback")
    html = page(client, url)
    assert "Not right: try again" in html and html.count('id="feedback"') == 1
    assert "Answer saved" not in html
    assert _how_far_sentence(variant) in html  # how far off, in which direction
    assert "2 tries left; a right answer now earns 67&nbsp;%." in html
    assert "Show the next hint" in html
    assert 'name="answer"' in html and ">Try again</button>" in html
    assert variant["explanation_html"] not in html  # nothing of the key before the last try
    assert variant["answer_key"]["display"] not in html
    assert _reviews(app) == 1  # the first try is the evidence of what the learner knew

    hint = client.post(f"{url}/hint")
    assert hint.status_code == 302
    assert "Read the first and the last point." in page(client, url)

    right = answer(client, app, attempt_id, position)
    assert right.status_code == 302
    html = page(client, url)
    assert '<span class="verdict correct">Correct</span>' in html
    assert "Right on try 2 of 3: 67 % of its score counts." in html
    assert "<dd><p>Correct.</p></dd>" not in html  # the verdict says it once
    assert 'name="answer"' not in html
    assert _reviews(app) == 1  # a later try is not new evidence
    question = stored_questions(app, attempt_id)[position - 1]
    assert question.correct is True and question.score == pytest.approx(2 / 3)

    late = answer(client, app, attempt_id, position, right=False)
    assert late.status_code == 302
    assert "You have answered this question" in page(client, url)
    assert len(responses(app, attempt_id)) == 2


def test_after_the_last_wrong_try_the_key_and_explanation_show(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "single")
    url = f"/attempts/{attempt_id}/questions/{position}"
    variant = variant_of(app, attempt_id, position)
    wrong_ids = [
        c["id"] for c in variant["choices"] if c["id"] not in variant["answer_key"]["correct"]
    ]
    for tried, choice in enumerate(wrong_ids[:3], start=1):
        client.post(url, data={"choice": choice})
        html = page(client, url)
        if tried < 3:
            assert "Not right: try again" in html
            # A choice's feedback may name the right choice: it waits for the last try.
            assert variant["explanation_html"] not in html
        else:
            assert "try again" not in html
            assert '<span class="verdict wrong">Not right</span>' in html
            assert variant["explanation_html"] in html
            assert 'name="choice"' not in html
    assert len(responses(app, attempt_id)) == min(3, len(wrong_ids))
    question = stored_questions(app, attempt_id)[position - 1]
    assert question.score == 0 and question.correct is False


def test_one_try_when_configured_and_in_exams(client: FlaskClient, app: Flask) -> None:
    app.config["PRACTICE_TRIES"] = 1
    signup(client)
    attempt_id = start(client)
    assert attempt_row(app, attempt_id).tries == 1
    position = position_of(app, attempt_id, "numeric")
    url = f"/attempts/{attempt_id}/questions/{position}"
    assert "tries per question" not in page(client, url)
    answer(client, app, attempt_id, position, right=False)
    html = page(client, url)
    assert "try again" not in html and 'name="answer"' not in html
    assert _how_far_sentence(variant_of(app, attempt_id, position)) in html  # still how far off

    app.config["PRACTICE_TRIES"] = 3
    exam = start(client, mode="exam")
    assert attempt_row(app, exam).tries == 1
    assert "tries per question" not in page(client, f"/attempts/{exam}/questions/1")


def test_every_practice_start_takes_the_configured_tries(client: FlaskClient, app: Flask) -> None:
    """Objective practice, a review session and a retry read PRACTICE_TRIES too, not only the
    lesson quiz (objective practice once ignored it)."""
    app.config["PRACTICE_TRIES"] = 2
    signup(client)
    practice = client.post(f"/dashboard/objectives/{LESSON}/read-norms/practice")
    assert practice.status_code == 302
    attempt_id = int(practice.headers["Location"].split("/attempts/")[1].split("/")[0])
    assert attempt_row(app, attempt_id).tries == 2
    quiz = start(client)
    assert attempt_row(app, quiz).tries == 2
    assert "2 tries per question" in page(client, f"/attempts/{quiz}/questions/1")


def test_a_partly_right_try_keeps_its_share_of_the_credit(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, OTHER_LESSON)
    position = position_of(app, attempt_id, "multiple")
    url = f"/attempts/{attempt_id}/questions/{position}"
    html = page(client, url)
    assert "Partial credit: each right choice you select earns an equal share" in html
    variant = variant_of(app, attempt_id, position)
    right = correct_response(variant)
    client.post(url, data=form_data(variant, right[:1] if len(right) > 1 else []))
    client.post(url, data=form_data(variant, right))
    question = stored_questions(app, attempt_id)[position - 1]
    tries = len(responses(app, attempt_id))
    assert question.score == pytest.approx((3 - tries + 1) / 3)
