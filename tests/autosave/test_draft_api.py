"""Drafts through /api/v1, each response checked against the OpenAPI document (issue #11)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.api.schema import call
from tests.web.helpers import LESSON, correct_response, position_of, variant_of

V1 = "/api/v1"
DRAFT = "/attempts/{attempt_id}/questions/{position}/draft"


def save(api: FlaskClient, attempt_id: int, position: int, body: object) -> TestResponse:
    url = f"{V1}/attempts/{attempt_id}/questions/{position}/draft"
    return call(api, "post", url, DRAFT, json=body)


def test_a_draft_is_kept_shown_and_graded_at_the_finish(api: FlaskClient, app: Flask) -> None:
    created = call(api, "post", f"{V1}/attempts", "/attempts",
                   json={"lesson_id": LESSON, "mode": "exam"})  # fmt: skip
    attempt_id = created.get_json()["id"]
    single = position_of(app, attempt_id, "single")
    numeric = position_of(app, attempt_id, "numeric")
    right = correct_response(variant_of(app, attempt_id, single))

    kept = save(api, attempt_id, single, {"response": right})
    assert kept.status_code == 200
    question = kept.get_json()
    assert question["draft"]["response"] == right and question["answer"] is None
    assert question["correct_answer_html"] is None  # a draft reveals nothing

    assert save(api, attempt_id, numeric, {"response": ["1"]}).status_code == 422
    assert save(api, attempt_id, numeric, {}).status_code == 422
    assert save(api, attempt_id, numeric, {"response": "0,5"}).status_code == 200

    finished = call(api, "post", f"{V1}/attempts/{attempt_id}/finish",
                    "/attempts/{attempt_id}/finish").get_json()  # fmt: skip
    assert finished["score"] == pytest.approx(1 / 5)
    review = call(api, "get", f"{V1}/attempts/{attempt_id}/review",
                  "/attempts/{attempt_id}/review").get_json()  # fmt: skip
    by_position = {q["position"]: q for q in review["questions"]}
    assert by_position[single]["answer"]["result"]["correct"] is True
    unreadable = by_position[numeric]
    assert unreadable["answer"] is None and "decimal separator" in unreadable["draft"]["problem"]
    assert save(api, attempt_id, single, {"response": right}).status_code == 409
