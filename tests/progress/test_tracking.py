"""Graded answers update mastery and review cards, through the real quiz flow, on every backend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from fsrs import Rating, State

from quizsvc.db import get_session
from quizsvc.progress import tracking
from quizsvc.progress.mastery_models import ReviewLog
from quizsvc.progress.models import Response, utcnow
from tests.progress.helpers import (
    answer_all,
    cards,
    events,
    logs,
    masteries,
    user_id,
)
from tests.web.helpers import (
    LESSON,
    OTHER_LESSON,
    PASSWORD,
    answer,
    correct_response,
    form_data,
    login,
    signup,
    start,
    stored_questions,
)

FACTS = OTHER_LESSON  # three questions without simulations, one objective each


def _question(app: Flask, attempt_id: int, template_id: str) -> tuple[int, dict[str, Any]]:
    for q in stored_questions(app, attempt_id):
        if q.template_id == template_id:
            return q.position, q.variant
    raise AssertionError(template_id)


def _answer_bounded(client: FlaskClient, app: Flask, how: str) -> None:
    """Answer web-bounded (two right choices of three) right, half right or wrong."""
    attempt_id = start(client, FACTS)
    position, variant = _question(app, attempt_id, "web-bounded")
    right = correct_response(variant)
    wrong = [c["id"] for c in variant["choices"] if c["id"] not in right]
    chosen = {"right": right, "partial": right[:1], "wrong": wrong}[how]
    response = client.post(
        f"/attempts/{attempt_id}/questions/{position}", data=form_data(variant, chosen)
    )
    assert response.status_code == 302


@pytest.mark.parametrize("how", ["right", "partial", "wrong"])
def test_each_graded_answer_updates_mastery_card_and_history(
    client: FlaskClient, app: Flask, how: str
) -> None:
    signup(client)
    _answer_bounded(client, app, how)
    uid = user_id(app)
    state = masteries(app, uid)[(FACTS, "derivative-bounds")]
    assert state.evidence == 1
    assert state.correct == (1 if how == "right" else 0)
    assert (state.theta > 0) if how == "right" else (state.theta < 0)
    (log,) = logs(app, uid)
    assert log.score == {"right": 1.0, "partial": 0.5, "wrong": 0.0}[how]
    expected = {"right": (Rating.Good, Rating.Easy), "partial": (Rating.Hard,),
                "wrong": (Rating.Again,)}[how]  # fmt: skip
    assert Rating(log.rating) in expected
    card = cards(app, uid)["web-bounded"]
    assert card.reps == 1 and card.last_rating == log.rating
    if how == "right":
        assert card.due - log.reviewed_at >= timedelta(days=1)
    else:
        assert card.due - log.reviewed_at <= timedelta(minutes=15)
    (event,) = events(app, uid)
    assert (event.lesson_id, event.objective_id) == (FACTS, "derivative-bounds")
    assert event.score == log.score and event.evidence == 1


def test_partial_credit_lands_between_right_and_wrong(client: FlaskClient, app: Flask) -> None:
    thetas = {}
    for how in ("right", "partial", "wrong"):
        email = f"{how}@example.org"
        fresh = app.test_client()
        signup(fresh, email)
        _answer_bounded(fresh, app, how)
        thetas[how] = masteries(app, user_id(app, email))[(FACTS, "derivative-bounds")].theta
    assert thetas["wrong"] < thetas["partial"] < thetas["right"]


def test_an_answer_counts_for_every_objective_its_question_tests(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    attempt_id = start(client, LESSON)
    position, _ = _question(app, attempt_id, "web-pick-plot")  # read-norms and count-layers
    assert answer(client, app, attempt_id, position).status_code == 302
    uid = user_id(app)
    assert set(masteries(app, uid)) == {(LESSON, "read-norms"), (LESSON, "count-layers")}
    assert len(logs(app, uid)) == 1 and len(events(app, uid)) == 2


def test_exam_answers_count_once_when_the_exam_is_finished(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, FACTS, mode="exam")
    questions = stored_questions(app, attempt_id)
    first = questions[0].position
    assert answer(client, app, attempt_id, first, right=False).status_code == 302
    assert answer(client, app, attempt_id, first, right=True).status_code == 302  # changed
    assert answer(client, app, attempt_id, questions[1].position, right=False).status_code == 302
    uid = user_id(app)
    assert logs(app, uid) == []  # correctness is hidden until the end, and may still change

    assert client.post(f"/attempts/{attempt_id}/finish").status_code == 302
    counted = {log.template_id: log for log in logs(app, uid)}
    assert set(counted) == {questions[0].template_id, questions[1].template_id}  # not the skipped
    assert counted[questions[0].template_id].score == 1.0  # the final answer, not the first
    assert counted[questions[1].template_id].score == 0.0
    client.post(f"/attempts/{attempt_id}/finish")  # finishing twice changes nothing
    assert len(logs(app, uid)) == 2


def test_recording_the_same_answer_twice_counts_it_once(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, FACTS, mode="exam")  # counted only when the exam is finished
    questions = stored_questions(app, attempt_id)
    for question in questions:
        assert answer(client, app, attempt_id, question.position).status_code == 302
    uid = user_id(app)
    assert logs(app, uid) == [] and masteries(app, uid) == {}

    def record(times: int) -> None:
        with app.app_context():
            session = get_session()
            fresh = []
            for question in questions:
                response = session.query(Response).filter_by(question_id=question.id).one()
                fresh.append(tracking.evidence(question, response, response.submitted_at))
            tracking.record(session, uid, fresh * times)
            session.commit()

    record(2)  # each answer twice within one batch
    once = {k: (m.theta, m.evidence) for k, m in masteries(app, uid).items()}
    assert len(once) == 3 and {evidence for _, evidence in once.values()} == {1}
    assert len(logs(app, uid)) == 3 and len(events(app, uid)) == 3
    record(1)  # and again in a later batch
    assert {k: (m.theta, m.evidence) for k, m in masteries(app, uid).items()} == once
    assert len(logs(app, uid)) == 3 and len(events(app, uid)) == 3


def test_rebuilding_from_the_logs_gives_the_live_state(client: FlaskClient, app: Flask) -> None:
    signup(client)
    for flags in ([True, False, True], [False, True, True], [True, True, True]):
        answer_all(client, app, start(client, FACTS), right=flags)
    uid = user_id(app)

    def snapshot() -> tuple[dict[Any, Any], dict[Any, Any]]:
        return (
            {k: (round(m.theta, 9), m.evidence, m.correct, m.last_seen)
             for k, m in masteries(app, uid).items()},
            {t: (c.due, c.state, c.reps, c.lapses, round(c.stability or 0, 9))
             for t, c in cards(app, uid).items()},
        )  # fmt: skip

    live = snapshot()
    with app.app_context():
        tracking.rebuild(get_session(), uid)
        get_session().commit()
    assert snapshot() == live


def test_a_guest_who_logs_in_brings_their_progress(client: FlaskClient, app: Flask) -> None:
    signup(client)
    answer_all(client, app, start(client, FACTS), right=[True, False, True])
    uid = user_id(app)
    before = masteries(app, uid)
    client.post("/logout")

    guest_attempt = start(client, FACTS)  # a visitor starts practising: a guest
    answer_all(client, app, guest_attempt, right=True)
    login(client)
    after = masteries(app, uid)
    assert {k: m.evidence for k, m in after.items()} == {
        k: m.evidence + 1 for k, m in before.items()
    }
    assert len(logs(app, uid)) == 6
    assert all(c.reps == 2 for c in cards(app, uid).values())
    with app.app_context():  # nothing is left behind under the deleted guest
        assert get_session().query(ReviewLog).filter(ReviewLog.user_id != uid).count() == 0


def test_a_guest_who_signs_up_keeps_their_progress(client: FlaskClient, app: Flask) -> None:
    answer_all(client, app, start(client, FACTS))
    response = client.post(
        "/signup", data={"email": "new@example.org", "password": PASSWORD, "display_name": "N"}
    )
    assert response.status_code == 302
    uid = user_id(app, "new@example.org")
    assert len(logs(app, uid)) == 3 and len(cards(app, uid)) == 3


def test_desired_retention_reschedules_the_cards(client: FlaskClient, app: Flask) -> None:
    signup(client)
    answer_all(client, app, start(client, FACTS))  # right: cards in the Review state
    uid = user_id(app)
    assert all(State(c.state) is State.Review for c in cards(app, uid).values())

    def due_dates() -> list[Any]:
        return sorted((t, c.due) for t, c in cards(app, uid).items())

    with app.app_context():
        tracking.set_desired_retention(get_session(), uid, 0.80)
        get_session().commit()
    relaxed = due_dates()
    with app.app_context():
        tracking.set_desired_retention(get_session(), uid, 0.95)
        get_session().commit()
    strict = due_dates()
    assert all(s < r for (_, s), (_, r) in zip(strict, relaxed, strict=True))
    assert all(due > utcnow() for _, due in strict)
