"""Every /api/v1 route, its authorization, CSRF, double submission and resume after restart.

Each response is validated against the OpenAPI document (tests/api/schema.py).
"""

from __future__ import annotations

import re
import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.security import limiter
from quizsvc.services.attempts import answering as attempts_service
from tests.api.conftest import make_token
from tests.api.schema import call
from tests.web.helpers import (
    LESSON,
    OTHER_LESSON,
    correct_response,
    position_of,
    responses,
    sibling_app,
    stored_questions,
    variant_of,
    wrong_response,
)

V1 = "/api/v1"
ATTEMPT = "/attempts/{attempt_id}"
QUESTION = "/attempts/{attempt_id}/questions/{position}"


def start(api: FlaskClient, body: dict[str, object] | None = None) -> dict[str, object]:
    response = call(api, "post", f"{V1}/attempts", "/attempts", json=body or {"lesson_id": LESSON})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def submit(api: FlaskClient, attempt_id: int, position: int, response: object):
    url = f"{V1}/attempts/{attempt_id}/questions/{position}/answer"
    return call(api, "post", url, f"{QUESTION}/answer", json={"response": response})


def test_lessons_for_visitors_and_learners(client: FlaskClient, token: str) -> None:
    anonymous = call(client, "get", f"{V1}/lessons", "/lessons").get_json()
    assert [lesson["id"] for lesson in anonymous["lessons"]] == [LESSON, OTHER_LESSON]
    assert anonymous["lessons"][0]["progress"] is None
    assert anonymous["lessons"][0]["question_count"] == 5
    headers = {"Authorization": f"Bearer {token}"}
    known = call(client, "get", f"{V1}/lessons", "/lessons", headers=headers).get_json()
    assert known["lessons"][0]["progress"]["mastered"] == 0


def test_tokens_identify_the_learner(client: FlaskClient, token: str) -> None:
    me = call(client, "get", f"{V1}/me", "/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["guest"] is False
    for header in ("Bearer qz_not-a-real-token", "Basic abc", "Bearer "):
        refused = call(client, "get", f"{V1}/me", "/me", headers={"Authorization": header})
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert call(client, "get", f"{V1}/me", "/me").status_code == 401
    assert call(client, "get", f"{V1}/progress", "/progress").status_code == 401
    assert call(client, "get", f"{V1}/attempts", "/attempts").status_code == 401


def test_a_practice_attempt_through_the_api(api: FlaskClient, app: Flask) -> None:
    attempt = start(api)
    attempt_id = int(attempt["id"])  # type: ignore[call-overload]
    assert attempt["question_count"] == 5 and attempt["answered"] == 0
    assert call(api, "get", f"{V1}/attempts/{attempt_id}", ATTEMPT).get_json()["id"] == attempt_id

    position = position_of(app, attempt_id, "numeric")
    url = f"{V1}/attempts/{attempt_id}/questions/{position}"
    question = call(api, "get", url, QUESTION).get_json()
    variant = variant_of(app, attempt_id, position)
    assert question["kind"] == "numeric" and question["answer"] is None
    assert question["correct_answer_html"] is None and question["explanation_html"] is None
    body = str(question)
    assert "answer_key" not in body and str(variant["seed"]) not in body
    assert "params" not in question

    figure = call(api, "get", question["figures"][0]["url"], f"{QUESTION}/figures/{{index}}")
    assert figure.mimetype == "image/svg+xml" and b'role="img"' in figure.data
    missing = call(api, "get", f"{url}/figures/9", f"{QUESTION}/figures/{{index}}")
    assert missing.status_code == 404

    hinted = call(api, "post", f"{url}/hints", f"{QUESTION}/hints").get_json()
    assert len(hinted["hints_html"]) == 1 and hinted["hints_total"] == 2

    malformed = submit(api, attempt_id, position, "1e-3x")
    assert (
        malformed.status_code == 422
        and "Enter a number" in malformed.get_json()["error"]["message"]
    )
    assert responses(app, attempt_id) == []

    graded = submit(api, attempt_id, position, correct_response(variant))
    assert graded.status_code == 201
    result = graded.get_json()
    assert result["recorded"] is True and result["question"]["answer"]["result"]["correct"] is True
    assert result["question"]["explanation_html"] == variant["explanation_html"]

    duplicate = submit(api, attempt_id, position, correct_response(variant))
    assert duplicate.status_code == 200 and duplicate.get_json()["recorded"] is False
    locked = submit(api, attempt_id, position, wrong_response(variant))
    assert locked.status_code == 409
    assert len(responses(app, attempt_id)) == 1

    early = call(api, "get", f"{V1}/attempts/{attempt_id}/review", f"{ATTEMPT}/review")
    assert early.status_code == 409
    finished = call(api, "post", f"{V1}/attempts/{attempt_id}/finish", f"{ATTEMPT}/finish")
    assert finished.get_json()["score"] == 0.2 and finished.get_json()["finished_at"]
    review = call(api, "get", f"{V1}/attempts/{attempt_id}/review", f"{ATTEMPT}/review")
    items = review.get_json()["questions"]
    assert len(items) == 5 and all(item["correct_answer_html"] for item in items)
    assert submit(api, attempt_id, position, correct_response(variant)).status_code == 409


def test_every_kind_is_graded_through_the_api(api: FlaskClient, app: Flask) -> None:
    attempt_id = int(start(api, {"lesson_id": LESSON, "mode": "exam"})["id"])  # type: ignore[call-overload]
    for question in stored_questions(app, attempt_id):
        result = submit(api, attempt_id, question.position, correct_response(question.variant))
        assert result.status_code == 201
        assert result.get_json()["question"]["answer"]["result"] is None  # exam: at the end
    attempt = call(api, "get", f"{V1}/attempts/{attempt_id}", ATTEMPT).get_json()
    assert attempt["answered"] == 5 and {q["correct"] for q in attempt["questions"]} == {None}
    finished = call(api, "post", f"{V1}/attempts/{attempt_id}/finish", f"{ATTEMPT}/finish")
    assert finished.get_json()["score"] == 1.0
    again = call(api, "post", f"{V1}/attempts/{attempt_id}/finish", f"{ATTEMPT}/finish")
    assert again.get_json()["finished_at"] == finished.get_json()["finished_at"]


def test_malformed_requests_are_explained(api: FlaskClient, app: Flask) -> None:
    path = "/attempts"
    assert call(api, "post", f"{V1}/attempts", path, data="x").status_code == 400
    assert call(api, "post", f"{V1}/attempts", path, json={}).status_code == 422
    unknown = call(api, "post", f"{V1}/attempts", path, json={"lesson_id": "nope"})
    assert unknown.status_code == 404
    bad_mode = call(api, "post", f"{V1}/attempts", path, json={"lesson_id": LESSON, "mode": "x"})
    assert bad_mode.status_code == 422
    few = call(api, "post", f"{V1}/attempts", path, json={"drill": {"count": 1}})
    assert few.status_code == 422 and "3 to 20" in few.get_json()["error"]["message"]
    attempt_id = int(start(api)["id"])  # type: ignore[call-overload]
    position = position_of(app, attempt_id, "ordering")
    url = f"{V1}/attempts/{attempt_id}/questions/{position}/answer"
    empty = call(api, "post", url, f"{QUESTION}/answer", json={})
    assert empty.status_code == 422
    partial = submit(api, attempt_id, position, ["a"])
    assert partial.status_code == 422 and "exactly once" in partial.get_json()["error"]["message"]


def test_a_drill_through_the_api(api: FlaskClient, app: Flask) -> None:
    drill = start(api, {"drill": {"lesson_ids": [], "count": 4, "minutes": 5}, "mode": "exam"})
    assert drill["kind"] == "drill" and drill["deadline"] and drill["lesson_id"] is None
    lessons = {q.lesson_id for q in stored_questions(app, int(drill["id"]))}  # type: ignore[call-overload]
    assert lessons == {LESSON, OTHER_LESSON}


def test_progress_and_history(api: FlaskClient, app: Flask) -> None:
    attempt_id = int(start(api)["id"])  # type: ignore[call-overload]
    variant = variant_of(app, attempt_id, 1)
    submit(api, attempt_id, 1, correct_response(variant))
    call(api, "post", f"{V1}/attempts/{attempt_id}/finish", f"{ATTEMPT}/finish")
    progress = call(api, "get", f"{V1}/progress", "/progress").get_json()
    lesson = next(p for p in progress["lessons"] if p["lesson_id"] == LESSON)
    assert lesson["mastered"] == 1 and lesson["attempts"] == 1 and lesson["best_score"] == 0.2
    assert progress["attempts"] == {"finished": 1, "in_progress": 0}
    history = call(api, "get", f"{V1}/attempts", "/attempts").get_json()["attempts"]
    assert [a["id"] for a in history] == [attempt_id]


def test_another_learners_attempt_is_404_everywhere(
    api: FlaskClient, client: FlaskClient, app: Flask
) -> None:
    attempt_id = int(start(api)["id"])  # type: ignore[call-overload]
    other = {"Authorization": f"Bearer {make_token(app, 'other@example.org')}"}
    a = f"{V1}/attempts/{attempt_id}"
    q = f"{a}/questions/1"
    checks = [
        ("get", a, ATTEMPT, {}),
        ("post", f"{a}/finish", f"{ATTEMPT}/finish", {}),
        ("get", f"{a}/review", f"{ATTEMPT}/review", {}),
        ("get", q, QUESTION, {}),
        ("post", f"{q}/hints", f"{QUESTION}/hints", {}),
        ("get", f"{q}/figures/0", f"{QUESTION}/figures/{{index}}", {}),
        ("post", f"{q}/answer", f"{QUESTION}/answer", {"json": {"response": "1"}}),
    ]
    fresh = app.test_client()
    for method, url, path, kwargs in checks:
        assert call(fresh, method, url, path, headers=other, **kwargs).status_code == 404, url
    assert responses(app, attempt_id) == []
    # A guest (session, no token) gets the same answer.
    guest = app.test_client()
    guest.post(f"/lessons/{LESSON}/attempts")
    assert call(guest, "get", a, ATTEMPT).status_code == 404


def test_session_requests_need_the_csrf_header_to_change_anything(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()
    html = browser.get("/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    signup_data = {"email": "s@example.org", "password": "long enough", "csrf_token": token}
    assert browser.post("/signup", data=signup_data).status_code == 302
    assert call(browser, "get", f"{V1}/me", "/me").status_code == 200
    html = browser.get("/").get_data(as_text=True)  # signing up gave the session a new token
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    body = {"lesson_id": OTHER_LESSON}
    refused = call(browser, "post", f"{V1}/attempts", "/attempts", json=body)
    assert refused.status_code == 400
    accepted = call(
        browser, "post", f"{V1}/attempts", "/attempts", json=body, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201


def test_a_guest_session_can_use_the_api(app: Flask) -> None:
    guest = app.test_client()
    guest.post(f"/lessons/{OTHER_LESSON}/attempts")
    me = call(guest, "get", f"{V1}/me", "/me").get_json()
    assert me["guest"] is True
    attempts = call(guest, "get", f"{V1}/attempts", "/attempts").get_json()["attempts"]
    assert len(attempts) == 1


def test_answers_survive_a_restart(api: FlaskClient, app: Flask, token: str) -> None:
    attempt_id = int(start(api, {"lesson_id": LESSON, "mode": "exam"})["id"])  # type: ignore[call-overload]
    variant = variant_of(app, attempt_id, 2)
    submit(api, attempt_id, 2, correct_response(variant))
    api.get(f"{V1}/attempts/{attempt_id}/questions/3")

    with sibling_app(app) as restarted:
        check_resumed(restarted.test_client(), token, attempt_id, correct_response(variant))


def check_resumed(client: FlaskClient, token: str, attempt_id: int, given: object) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    attempt = call(client, "get", f"{V1}/attempts/{attempt_id}", ATTEMPT, headers=headers)
    assert attempt.get_json()["position"] == 3 and attempt.get_json()["answered"] == 1
    question = call(
        client, "get", f"{V1}/attempts/{attempt_id}/questions/2", QUESTION, headers=headers
    ).get_json()
    assert question["answer"]["response"] == given


def test_answers_are_rate_limited(app: Flask, token: str) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, ANSWER_RATE_LIMIT="2/minute") as limited:
        client = limited.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        attempt_id = int(start(client, {"lesson_id": OTHER_LESSON})["id"])  # type: ignore[call-overload]
        statuses = [submit(client, attempt_id, 1, "zz").status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    limiter.reset()


def test_two_identical_answers_racing_are_recorded_once(
    app: Flask, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests pass the duplicate check before either writes; the unique (question, seq)
    constraint turns the loser's insert into a recognised duplicate, not a second row."""
    headers = {"Authorization": f"Bearer {token}"}
    setup = app.test_client()
    created = setup.post(f"{V1}/attempts", json={"lesson_id": OTHER_LESSON}, headers=headers)
    attempt_id = created.get_json()["id"]
    response = correct_response(variant_of(app, attempt_id, 1))
    barrier = threading.Barrier(2, timeout=20)
    record = attempts_service._record

    def record_once_both_have_checked(*args: object) -> object:
        barrier.wait()
        return record(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(attempts_service, "_record", record_once_both_have_checked)
    statuses: list[int] = []

    def post() -> None:
        client = app.test_client()
        url = f"{V1}/attempts/{attempt_id}/questions/1/answer"
        result = client.post(url, json={"response": response}, headers=headers)
        statuses.append(result.status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 201]
    assert len(responses(app, attempt_id)) == 1


def test_practice_tries_through_the_api(api: FlaskClient, app: Flask) -> None:
    """An API client sees the tries rule and a wrong try's "how far off", never the key early."""
    attempt_id = int(start(api)["id"])  # type: ignore[call-overload]
    position = position_of(app, attempt_id, "numeric")
    variant = variant_of(app, attempt_id, position)
    url = f"{V1}/attempts/{attempt_id}/questions/{position}"
    fresh = call(api, "get", url, QUESTION).get_json()
    assert fresh["tries"] == {"allowed": 3, "used": 0, "left": 0, "credit_percent": [100, 67, 33]}

    wrong = submit(api, attempt_id, position, wrong_response(variant)).get_json()["question"]
    assert wrong["tries"]["used"] == 1 and wrong["tries"]["left"] == 2
    assert wrong["answer"]["result"] is None and wrong["explanation_html"] is None
    assert "too large" in wrong["answer"]["try_feedback_html"].lower()
    assert variant["answer_key"]["display"] not in wrong["answer"]["try_feedback_html"]
    assert wrong["can_answer"] is True

    right = submit(api, attempt_id, position, correct_response(variant)).get_json()["question"]
    assert right["tries"] == {"allowed": 3, "used": 2, "left": 0, "credit_percent": [100, 67, 33]}
    assert right["answer"]["result"]["correct"] is True
    assert right["answer"]["try_feedback_html"] is None
    assert right["answer"]["result"]["score"] == pytest.approx(1.0)  # the grade; credit: 67 %
