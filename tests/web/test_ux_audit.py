"""UX audit: focus on the first sign-up field, history times in UTC, an exam answer that is
saved without moving on, so that "Next" advances exactly one question."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt
from tests.support.site import page
from tests.web.helpers import answer, signup, start


def controls(html: str) -> list[str]:
    """The form's visible controls and links in the actions bar, in document order."""
    return re.findall(r"<(?:input|select|textarea|a|button)\b(?![^>]*type=\"hidden\")[^>]*>", html)


def autofocused(html: str) -> list[str]:
    return [tag for tag in controls(html) if re.search(r"\sautofocus\b", tag)]


def test_sign_up_focuses_its_first_field(client: FlaskClient) -> None:
    html = page(client, "/signup")
    form = html.split('class="form-card"')[1].split("</form>")[0]
    first = next(tag for tag in controls(form) if tag.startswith("<input"))
    assert 'name="display_name"' in first
    assert autofocused(form) == [first]


def test_a_sign_up_error_focuses_the_field_at_fault(client: FlaskClient) -> None:
    data = {"display_name": "Ada", "email": "ada@example.org", "password": "short"}
    bad = client.post("/signup", data=data)
    assert bad.status_code == 422
    (focused,) = autofocused(bad.get_data(as_text=True))
    assert 'name="password"' in focused


def test_history_times_say_utc(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    with app.app_context():
        session = get_session()
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        attempt.started_at = datetime(2025, 3, 5, 14, 3, tzinfo=UTC)
        session.commit()
    html = page(client, "/history")
    assert "05 Mar 2025, 14:03 UTC" in html
    assert "attempt of 05 Mar 14:03 UTC" in html  # the link's text for screen readers too
    times = re.findall(r"\d\d:\d\d(?: UTC)?", html.split("<tbody>")[1])
    assert times and all(t.endswith("UTC") for t in times)


def test_saving_an_exam_answer_stays_on_the_question_and_focuses_next(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    saved = answer(client, app, attempt_id, 2)
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/attempts/{attempt_id}/questions/2")
    assert "#" not in saved.headers["Location"]  # a fragment would stop autofocus

    html = page(client, f"/attempts/{attempt_id}/questions/2")
    assert "Question 2 of 5" in html and "Answer to question 2 saved." in html
    assert "Answer saved" in html  # the saved answer is shown on the same page
    (focused,) = autofocused(html)
    # "Next" submits the answer form (what is entered is kept) and moves to question 3.
    assert 'name="nav" value="3"' in focused
    # One click on "Next" moves one question on; revisiting does not steal focus again.
    assert "Question 3 of 5" in page(client, f"/attempts/{attempt_id}/questions/3")
    assert autofocused(page(client, f"/attempts/{attempt_id}/questions/2")) == []


def test_saving_the_last_exam_answer_focuses_finish(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    answer(client, app, attempt_id, 5)
    (focused,) = autofocused(page(client, f"/attempts/{attempt_id}/questions/5"))
    assert focused.startswith("<button") and 'type="submit"' in focused
    html = page(client, f"/attempts/{attempt_id}/questions/5")
    assert "Next question" not in html and "Skip →" not in html


def test_a_rejected_exam_answer_focuses_the_input_not_next(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    answer(client, app, attempt_id, 1)
    from tests.web.helpers import position_of

    numeric = position_of(app, attempt_id, "numeric")
    bad = client.post(f"/attempts/{attempt_id}/questions/{numeric}", data={"answer": "0,5"})
    assert bad.status_code == 422
    focused = autofocused(bad.get_data(as_text=True))
    assert focused and 'name="nav"' not in " ".join(focused)
