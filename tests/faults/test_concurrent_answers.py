"""Answers that arrive at the same time: every one counts exactly as a serial run would count it,
and only a true conflict (one question answered twice at once) is refused.

The requests run in threads against the real database; a barrier inside the service holds each
one until all have passed their checks, so their transactions overlap every time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress import tracking
from quizsvc.progress.mastery_models import ObjectiveMastery, ReviewCard, ReviewLog
from quizsvc.progress.models import User
from quizsvc.services.attempts import answering as attempts_service
from tests.api.conftest import make_token
from tests.web.helpers import LESSON, correct_response, variant_of, wrong_response

V1 = "/api/v1"
LEARNERS = 3
ATTEMPTS_EACH = 2  # of LESSON's five questions: ten answers per learner, in parallel


def progress_state(app: Flask, uid: int) -> dict[str, Any]:
    """The learner's mastery rows and review cards, as comparable tuples."""
    session = get_session()
    masteries = session.scalars(select(ObjectiveMastery).where(ObjectiveMastery.user_id == uid))
    cards = session.scalars(select(ReviewCard).where(ReviewCard.user_id == uid))
    return {
        "mastery": {
            (m.lesson_id, m.objective_id): (
                pytest.approx(m.theta, abs=1e-12),
                m.evidence,
                m.correct,
                m.last_seen,
            )
            for m in masteries
        },
        "cards": {
            c.template_id: (c.reps, c.lapses, c.last_review, pytest.approx(c.stability))
            for c in cards
        },
    }


def replayed_state(app: Flask, uid: int) -> dict[str, Any]:
    """What a serial replay of the same answers gives (tracking.rebuild), not kept."""
    session = get_session()
    tracking.rebuild(session, uid)
    state = progress_state(app, uid)
    session.rollback()
    return state


def run_together(
    monkeypatch: pytest.MonkeyPatch, calls: list[Callable[[], int]], *, hold: bool = True
) -> list[int]:
    """Run `calls` in threads; with `hold`, each waits inside the service until every one has
    checked the question and is about to write."""
    barrier = threading.Barrier(len(calls), timeout=60)
    record = attempts_service._record

    def record_together(*args: object) -> object:
        barrier.wait()
        return record(*args)  # type: ignore[arg-type]

    if hold:
        monkeypatch.setattr(attempts_service, "_record", record_together)
    statuses: list[int] = [0] * len(calls)

    def run(index: int) -> None:
        statuses[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    monkeypatch.undo()
    return statuses


def answer_call(app: Flask, token: str, attempt_id: int, position: int, response: Any) -> Any:
    def call() -> int:
        client = app.test_client()
        url = f"{V1}/attempts/{attempt_id}/questions/{position}/answer"
        headers = {"Authorization": f"Bearer {token}"}
        return client.post(url, json={"response": response}, headers=headers).status_code

    return call


def start_practice(app: Flask, token: str) -> int:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(f"{V1}/attempts", json={"lesson_id": LESSON}, headers=headers)
    assert created.status_code == 201
    return int(created.get_json()["id"])


@pytest.mark.slow
def test_parallel_answers_of_one_learner_all_count_as_a_serial_run_would(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    learners = []
    for n in range(LEARNERS):
        email = f"learner{n}@example.org"
        token = make_token(app, email)
        attempt_ids = [start_practice(app, token) for _ in range(ATTEMPTS_EACH)]
        calls = []
        for a, attempt_id in enumerate(attempt_ids):
            for position in range(1, 6):
                variant = variant_of(app, attempt_id, position)
                right = (position + a + n) % 3 != 0
                response = correct_response(variant) if right else wrong_response(variant)
                calls.append(answer_call(app, token, attempt_id, position, response))
        learners.append((email, calls))

    for email, calls in learners:
        statuses = run_together(monkeypatch, calls)
        assert statuses == [201] * len(calls), (email, statuses)  # no false conflicts

    with app.app_context():
        session = get_session()
        for email, calls in learners:
            uid = session.scalar(select(User.id).where(User.email == email))
            assert uid is not None
            counted = session.scalars(select(ReviewLog).where(ReviewLog.user_id == uid)).all()
            assert len(counted) == len(calls)
            stored = progress_state(app, uid)
            assert sum(e for _, e, _, _ in stored["mastery"].values()) >= len(calls)
            assert stored == replayed_state(app, uid), email


@pytest.mark.parametrize("same", [True, False])
def test_one_question_answered_twice_at_once_is_the_only_conflict(
    app: Flask, monkeypatch: pytest.MonkeyPatch, same: bool
) -> None:
    token = make_token(app, "ada@example.org")
    attempt_id = start_practice(app, token)
    variant = variant_of(app, attempt_id, 1)
    first = correct_response(variant)
    second = first if same else wrong_response(variant)
    calls = [
        answer_call(app, token, attempt_id, 1, first),
        answer_call(app, token, attempt_id, 1, second),
        answer_call(app, token, attempt_id, 2, correct_response(variant_of(app, attempt_id, 2))),
    ]
    statuses = run_together(monkeypatch, calls)
    assert statuses[2] == 201  # another question of the same attempt is no conflict
    assert sorted(statuses[:2]) == ([200, 201] if same else [201, 409])
