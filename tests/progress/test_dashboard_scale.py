"""A dashboard of 5,000 answers costs the same few queries as one of three; progress survives
a restart of the service."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select

from quizsvc.db import get_session
from quizsvc.progress import tracking
from quizsvc.progress.models import Attempt, AttemptQuestion, Response, utcnow
from tests.progress.helpers import answer_all, count_queries, user_id
from tests.support.database import make_app
from tests.web.helpers import LESSON, OTHER_LESSON, configure, login, signup, start

ANSWERS = 5_000
PER_ATTEMPT = 10
DAYS = 240
# The log-in's user row, the mastery rows, the per-day activity and the cards.
MAX_DASHBOARD_QUERIES = 4
TEMPLATES = {  # template id -> (lesson, objectives, difficulty), as the fixture lessons say
    "web-ratio": (LESSON, ["read-norms"], 2),
    "web-which-smaller": (LESSON, ["compare-activations"], 1),
    "web-pick-plot": (LESSON, ["read-norms", "count-layers"], 2),
    "web-sigmoid-bound": (OTHER_LESSON, ["sigmoid-peak"], 1),
    "web-bounded": (OTHER_LESSON, ["derivative-bounds"], 2),
}


def seed_history(app: Flask, uid: int, answers: int) -> None:
    """`answers` practice answers over DAYS days, stored as the quiz would, then counted."""
    rng = random.Random(5)
    now = utcnow()
    step = timedelta(days=DAYS) / answers
    moments = [now - timedelta(days=DAYS) + step * i for i in range(answers)]
    picks = [rng.choice(sorted(TEMPLATES)) for _ in moments]
    scores = [rng.choice([0.0, 0.5, 1.0, 1.0]) for _ in moments]
    with app.app_context():
        session = get_session()

        def add(model: Any, rows: list[dict[str, Any]]) -> list[int]:
            """Insert with ids chosen here: a plain executemany, much faster than RETURNING."""
            first = (session.scalar(select(func.max(model.id))) or 0) + 1
            ids = list(range(first, first + len(rows)))
            with_ids = [{"id": i, **row} for i, row in zip(ids, rows, strict=True)]
            session.execute(insert(model), with_ids)
            return ids

        attempt_ids = add(Attempt, [
            {"user_id": uid, "kind": "retry", "mode": "practice", "lesson_id": None, "seed": 1,
             "question_count": PER_ATTEMPT, "position": 1, "started_at": at, "finished_at": at,
             "score": 0.5, "time_limit_s": None}
            for at in moments[::PER_ATTEMPT]
        ])  # fmt: skip
        question_ids = add(AttemptQuestion, [
            {"attempt_id": attempt_ids[i // PER_ATTEMPT], "position": i % PER_ATTEMPT + 1,
             "template_id": template_id, "lesson_id": TEMPLATES[template_id][0],
             "content_hash": "h", "engine_version": "e", "seed": i, "hints_shown": 0,
             "variant": {"objectives": TEMPLATES[template_id][1],
                         "difficulty": TEMPLATES[template_id][2]},
             "answered_at": at, "score": score, "correct": score == 1.0}
            for i, (template_id, at, score) in enumerate(zip(picks, moments, scores, strict=True))
        ])  # fmt: skip
        response_ids = add(Response, [
            {"question_id": question_id, "seq": 1, "raw": "x", "parsed": "x", "score": score,
             "correct": score == 1.0, "feedback_html": "", "correct_answer_html": "",
             "hints_used": 0, "elapsed_ms": 30_000, "submitted_at": at}
            for question_id, at, score in zip(question_ids, moments, scores, strict=True)
        ])  # fmt: skip
        tracking.record(session, uid, [
            tracking.Evidence(response_id, template_id, TEMPLATES[template_id][0],
                              tuple(TEMPLATES[template_id][1]), TEMPLATES[template_id][2],
                              score, 0, 30_000, at)
            for response_id, template_id, at, score
            in zip(response_ids, picks, moments, scores, strict=True)
        ])  # fmt: skip
        session.commit()


def dashboard_queries(client: FlaskClient, app: Flask) -> tuple[int, str]:
    client.get("/dashboard")  # the figure is drawn and cached on the first view
    with count_queries(app) as statements:
        response = client.get("/dashboard")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_the_dashboard_query_count_does_not_grow_with_the_history(
    client: FlaskClient, app: Flask
) -> None:
    signup(client, "small@example.org")
    answer_all(client, app, start(client, OTHER_LESSON))
    small, _ = dashboard_queries(client, app)
    client.post("/logout")

    signup(client, "busy@example.org")
    seed_history(app, user_id(app, "busy@example.org"), ANSWERS)
    big, html = dashboard_queries(client, app)
    assert "5,000" in html and "Accuracy over time: 5,000 answers in" in html
    assert 'class="level level-' in html
    assert big == small <= MAX_DASHBOARD_QUERIES


def test_progress_survives_a_restart(client: FlaskClient, app: Flask, figure_cache: Path) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=[True, False, True])
    before = client.get("/dashboard").get_data(as_text=True)
    app.extensions["quizsvc.db"].engine.dispose()  # the old process is gone

    restarted = configure(make_app(app.config["DATABASE_URL"]), figure_cache)
    fresh = restarted.test_client()
    login(fresh)
    after = fresh.get("/dashboard").get_data(as_text=True)
    restarted.extensions["quizsvc.db"].engine.dispose()

    def progress(html: str) -> str:
        return html.split("<h1>Your progress</h1>")[1].split('id="mastery-heading"')[1]

    assert progress(after) == progress(before)
    assert progress(after).count("1 answer, 1 fully right") == 2  # two right, one wrong
