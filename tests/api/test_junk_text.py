"""Text no page can show or database store is refused at the door with a 422 and costs
nothing: NUL characters (PostgreSQL refuses them) and unpaired surrogates (no UTF-8 encodes
them, so a page that printed one answered 500 ever after), in every JSON body; and dates whose
offset pushes them off the calendar (issue 11 §3)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.courses.helpers import make_course, person
from tests.web.helpers import LESSON

JUNK = ["x\ud800", "\udfff", "a\x00b"]


def post(client: FlaskClient, url: str, body: object, token: str) -> object:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile client would.
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize("junk", JUNK)
def test_a_draft_or_answer_of_junk_text_is_refused_and_the_question_still_shows(
    app: Flask, junk: str
) -> None:
    ada = person(app, "ada@example.org")
    started = post(ada.client, "/api/v1/attempts", {"lesson_id": LESSON}, ada.token)
    attempt_id = started.get_json()["id"]  # type: ignore[attr-defined]
    base = f"/api/v1/attempts/{attempt_id}/questions/1"
    for url in (f"{base}/draft", f"{base}/answer"):
        refused = post(ada.client, url, {"response": junk}, ada.token)
        assert refused.status_code == 422, refused  # type: ignore[attr-defined]
        assert "UTF-8" in refused.get_json()["error"]["message"]  # type: ignore[attr-defined]
    assert ada.client.get(f"/attempts/{attempt_id}/questions/1").status_code == 200
    shown = ada.client.get(base, headers={"Authorization": f"Bearer {ada.token}"})
    assert shown.status_code == 200 and shown.get_json()["draft"] is None


@pytest.mark.parametrize("junk", JUNK)
def test_an_instructor_body_of_junk_text_is_refused(app: Flask, junk: str) -> None:
    ines = person(app, "ines@example.org", instructor=True)
    course = post(ines.client, "/api/v1/courses", {"title": junk, "term": "T"}, ines.token)
    assert course.status_code == 422  # type: ignore[attr-defined]
    course_id = make_course(app, ines)
    url = f"/api/v1/courses/{course_id}"
    member = post(ines.client, f"{url}/members", {"email": junk, "role": "ta"}, ines.token)
    assert member.status_code == 422  # type: ignore[attr-defined]
    titled = {"title": junk, "lesson_ids": [LESSON]}
    assert post(ines.client, f"{url}/assessments", titled, ines.token).status_code == 422  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "field, moment",
    [("opens_at", "0001-01-01T00:00:00+05:00"), ("closes_at", "9999-12-31T23:59:59-05:00")],
)
def test_a_date_off_the_calendar_is_refused(app: Flask, field: str, moment: str) -> None:
    ines = person(app, "ines@example.org", instructor=True)
    course_id = make_course(app, ines)
    body = {"title": "Quiz", "lesson_ids": [LESSON], field: moment}
    refused = post(ines.client, f"/api/v1/courses/{course_id}/assessments", body, ines.token)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert field in refused.get_json()["error"]["message"]  # type: ignore[attr-defined]
