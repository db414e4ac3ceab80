"""Drafts through the pages, with JavaScript off: every way off a question submits its form and
keeps what is entered; finishing confirms; sign-up returns to the question (issue #11)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.autosave.helpers import drafts
from tests.support.site import page
from tests.web.helpers import (
    LESSON,
    PASSWORD,
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


def url(attempt_id: int, position: int) -> str:
    return f"/attempts/{attempt_id}/questions/{position}"


def test_skip_keeps_what_was_typed(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    numeric = position_of(app, attempt_id, "numeric")
    target = numeric % 5 + 1
    html = page(client, url(attempt_id, numeric))
    # Skip, Previous, Next and the question numbers submit the answer form.
    assert f'form="answer-form" name="nav" value="{target}"' in html
    assert 'name="nav" value="finish"' in html
    moved = client.post(url(attempt_id, numeric), data={"answer": "0.25", "nav": str(target)})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(url(attempt_id, target))
    assert [d.raw for d in drafts(app, attempt_id).values()] == ["0.25"]
    assert responses(app, attempt_id) == []  # kept, not answered
    back = page(client, url(attempt_id, numeric))
    assert 'value="0.25"' in back and ">Saved</p>" in back
    assert "0 of 5 answered" in back


def test_an_untouched_question_leaves_no_draft(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    ordering = position_of(app, attempt_id, "ordering")
    items = [c["id"] for c in variant_of(app, attempt_id, ordering)["choices"]]
    # The form as shown (items in order) is what the browser sends back when nothing changed.
    shown = {**form_data({"kind": "ordering"}, items), "nav": "1"}
    assert client.post(url(attempt_id, ordering), data=shown).status_code == 302
    single = position_of(app, attempt_id, "single")
    assert client.post(url(attempt_id, single), data={"nav": "1"}).status_code == 302
    assert drafts(app, attempt_id) == {}


def test_a_malformed_ordering_is_not_saved_and_says_so(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    ordering = position_of(app, attempt_id, "ordering")
    items = [c["id"] for c in variant_of(app, attempt_id, ordering)["choices"]]
    same = {f"rank-{i}": "1" for i in items}
    moved = client.post(url(attempt_id, ordering), data={**same, "nav": "1"})
    assert moved.headers["Location"].endswith(url(attempt_id, 1))
    assert "was not saved: Give each item a different position" in page(client, url(attempt_id, 1))
    assert drafts(app, attempt_id) == {}


def test_the_draft_endpoint_answers_json(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    numeric = position_of(app, attempt_id, "numeric")
    ordering = position_of(app, attempt_id, "ordering")
    saved = client.post(f"{url(attempt_id, numeric)}/draft", data={"answer": "1e-3"})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    assert saved.get_json()["saved_at"]
    items = [c["id"] for c in variant_of(app, attempt_id, ordering)["choices"]]
    refused = client.post(f"{url(attempt_id, ordering)}/draft",
                          data={f"rank-{i}": "1" for i in items})  # fmt: skip
    assert refused.status_code == 422
    assert refused.get_json() == {
        "saved": False, "message": f"Give each item a different position from 1 to {len(items)}."
    }  # fmt: skip
    assert client.post(f"{url(attempt_id, 99)}/draft", data={}).status_code == 404
    client.post(f"/attempts/{attempt_id}/finish")
    late = client.post(f"{url(attempt_id, numeric)}/draft", data={"answer": "2"})
    assert late.status_code == 409 and late.get_json()["saved"] is False


@pytest.fixture
def csrf_client(app: Flask) -> FlaskClient:
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_the_draft_endpoint_needs_the_csrf_token(csrf_client: FlaskClient, app: Flask) -> None:
    html = page(csrf_client, f"/lessons/{LESSON}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    started = csrf_client.post(f"/lessons/{LESSON}/attempts", data={"csrf_token": token})
    question = started.headers["Location"]
    assert csrf_client.post(f"{question}/draft", data={"answer": "1"}).status_code == 400
    # Becoming a guest logged the visitor in, which rotated the token: the page has the new one.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page(csrf_client, question)).group(1)  # type: ignore[union-attr]
    with_token = csrf_client.post(f"{question}/draft", data={"answer": "1", "csrf_token": token})
    assert with_token.status_code in (200, 422)  # whatever the kind, the token let it in


def test_finish_confirms_and_counts_what_is_unanswered(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    single = position_of(app, attempt_id, "single")
    numeric = position_of(app, attempt_id, "numeric")
    answer(client, app, attempt_id, single)
    variant = variant_of(app, attempt_id, numeric)
    finishing = client.post(
        url(attempt_id, numeric), data={"answer": correct_response(variant), "nav": "finish"}
    )
    assert finishing.headers["Location"].endswith(f"/attempts/{attempt_id}/finish")
    assert attempt_row(app, attempt_id).finished_at is None  # asked first
    html = page(client, f"/attempts/{attempt_id}/finish")
    assert "4 of 5 questions are not answered" in html
    assert f"for question\n      {numeric} will be graded as it stands" in html
    assert "3 questions will score 0" in html
    finished = client.post(f"/attempts/{attempt_id}/finish")
    assert finished.headers["Location"].endswith("/review")
    assert attempt_row(app, attempt_id).score == pytest.approx(2 / 5)


def test_finish_with_every_question_answered_does_not_ask(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    for question in stored_questions(app, attempt_id):
        answer(client, app, attempt_id, question.position)
    done = client.post(url(attempt_id, 5), data={"nav": "finish"})
    assert done.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    assert attempt_row(app, attempt_id).score == 1.0


def test_the_review_shows_a_draft_it_could_not_grade(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    numeric = position_of(app, attempt_id, "numeric")
    client.post(url(attempt_id, numeric), data={"answer": "0,5", "nav": "1"})
    html = page(client, f"/attempts/{attempt_id}/finish")
    assert "cannot be graded as they stand" in html and "decimal separator" in html
    client.post(f"/attempts/{attempt_id}/finish")
    review = page(client, f"/attempts/{attempt_id}/review")
    assert "did not submit could not be graded" in review and "<p>0,5</p>" in review


def test_signing_up_mid_exam_returns_to_the_question(client: FlaskClient, app: Flask) -> None:
    attempt_id = start(client, mode="exam")  # a guest
    html = page(client, url(attempt_id, 3))
    link = re.search(r'href="(/signup\?next=[^"]+)"', html)
    assert link, "the header's sign-up link names the way back"
    signup_url = link.group(1).replace("&amp;", "&")
    form = page(client, signup_url)
    action = re.search(r'<form[^>]*action="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    done = client.post(action.replace("&amp;", "&"),
                       data={"email": "mid@example.org", "password": PASSWORD})  # fmt: skip
    assert done.status_code == 302
    assert done.headers["Location"].endswith(url(attempt_id, 3))
    assert "Question 3 of 5" in page(client, done.headers["Location"])


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example/",
     "javascript:alert(1)"],
)  # fmt: skip
def test_next_never_leaves_the_site(client: FlaskClient, target: str) -> None:
    response = client.post(
        "/signup", query_string={"next": target},
        data={"email": "next@example.org", "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_home_page_offers_to_resume(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    answer(client, app, attempt_id, 1)
    page(client, url(attempt_id, 2))
    html = page(client, "/")
    assert "Pick up where you left off" in html
    assert f'href="/attempts/{attempt_id}"' in html
    assert "Gradients in small networks</strong> · Exam ·" in html
    assert "1 of 5 answered" in html
    client.post(f"/attempts/{attempt_id}/finish")
    assert "Pick up where you left off" not in page(client, "/")


def test_ending_a_guest_session_warns_first(client: FlaskClient) -> None:
    start(client)  # a guest
    html = page(client, "/")
    assert 'href="/logout?next=/"' in html and "End guest session" in html
    warning = page(client, "/logout?next=/")
    assert "Your guest work will be lost" in warning
    assert 'href="/signup?next=/"' in warning
    assert client.post("/logout").status_code == 302
    assert "End guest session" not in page(client, "/")


def test_opening_a_hint_keeps_what_was_typed(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    numeric = position_of(app, attempt_id, "numeric")
    hinted = client.post(url(attempt_id, numeric), data={"answer": "3.5", "nav": "hint"})
    assert hinted.headers["Location"].endswith(f"{url(attempt_id, numeric)}#hints")
    html = page(client, url(attempt_id, numeric))
    assert "Read the first and the last point." in html and 'value="3.5"' in html
