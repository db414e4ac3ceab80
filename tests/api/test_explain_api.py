"""An explain question through /api/v1: an interview drill, the model answer on request (nothing
stored), then the self-assessment as the response; every answer checked against the OpenAPI
document."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from quizsvc import kinds
from tests.api.schema import call
from tests.web.explain_site import EXPLAIN_LESSON, with_explain_lesson
from tests.web.helpers import LESSON, responses, stored_questions

V1 = "/api/v1"
QUESTION = "/attempts/{attempt_id}/questions/{position}"


def test_an_interview_through_the_api(api: FlaskClient, app: Flask, tmp_path: Path) -> None:
    with_explain_lesson(app, tmp_path / "content")
    drill = {"lesson_ids": [LESSON, EXPLAIN_LESSON], "count": 4, "minutes": 10, "interview": True}
    started = call(api, "post", f"{V1}/attempts", "/attempts", json={"drill": drill})
    assert started.status_code == 201, started.get_json()
    attempt_id = started.get_json()["id"]
    questions = stored_questions(app, attempt_id)
    assert [kinds.get(q.variant["kind"]).interview for q in questions][:2] == ["explain", "work"]

    url = f"{V1}/attempts/{attempt_id}/questions/1"
    shown = call(api, "get", url, QUESTION).get_json()
    assert shown["kind"] == "explain" and shown["model_answer_html"] is None
    assert all(c["anchor"].startswith("sec-") for c in shown["choices"])
    model = call(api, "post", f"{url}/model-answer", f"{QUESTION}/model-answer").get_json()
    assert model["model_answer_html"] and responses(app, attempt_id) == []

    ids = [c["id"] for c in shown["choices"]]
    body = {"response": {"text": "Mine.", "met": ids[:1]}}
    answered = call(api, "post", f"{url}/answer", f"{QUESTION}/answer", json=body)
    assert answered.status_code == 201, answered.get_json()
    assert [r.score for r in responses(app, attempt_id)] == [1 / len(ids)]

    bad = {"response": {"text": "", "met": []}}
    refused = call(api, "post", f"{url}/answer", f"{QUESTION}/answer", json=bad)
    assert refused.status_code == 422 and "say it aloud" in refused.get_json()["error"]["message"]
    untimed = {"drill": {**drill, "minutes": None}}
    timed = call(api, "post", f"{V1}/attempts", "/attempts", json=untimed)
    assert timed.status_code == 201 and timed.get_json()["deadline"] is not None
