"""The gradebook: scores, attempt counts, lateness and time per student and assessment, the
drill-down to an attempt, the CSV (UTF-8 with a BOM), per-assessment statistics, regrading."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import timedelta
from pathlib import Path

from flask import Flask

from quizsvc.analytics.stats import SMALL_SAMPLE
from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment
from quizsvc.progress.models import Attempt
from quizsvc.services.catalog import EXTENSION_KEY
from tests.courses.helpers import (
    answer_all,
    enroll,
    finish,
    make_assessment,
    make_course,
    person,
    start,
)
from tests.support.site import FIXTURE_CONTENT


def test_gradebook_csv_and_drill_down(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    zoe = person(app, "zoe@example.org", name="Ζωή Παπαδοπούλου")
    bob = person(app, "bob@example.org", name="=cmd|' /C calc'!A0")
    lazy = person(app, "lazy@example.org", name="Lazy")
    course_id = make_course(app, ada)
    for student in (zoe, bob, lazy):
        enroll(app, course_id, student)
    quiz = make_assessment(app, ada, course_id, title="Quiz α", attempts_allowed=2)
    zoe_attempt = start(zoe, course_id, quiz)
    answer_all(app, zoe, zoe_attempt)
    finish(zoe, zoe_attempt)
    bob_first = start(bob, course_id, quiz)
    answer_all(app, bob, bob_first, right=False)
    finish(bob, bob_first)
    bob_second = start(bob, course_id, quiz)  # left in progress
    with app.app_context():  # Zoe worked for 12 minutes, and submitted 3 minutes after the close
        stored = get_session().get(Attempt, zoe_attempt)
        assert stored is not None and stored.finished_at is not None
        stored.started_at = stored.finished_at - timedelta(minutes=12)
        found = get_session().get(Assessment, quiz)
        assert found is not None
        found.closes_at = stored.finished_at - timedelta(minutes=3)
        get_session().commit()

    html = ada.client.get(f"/courses/{course_id}/gradebook").get_data(as_text=True)
    assert "Ζωή Παπαδοπούλου" in html and "100 %" in html and "0 %" in html
    assert "late by 3 min" in html and "12 min spent" in html
    assert f"/courses/{course_id}/attempts/{zoe_attempt}" in html
    assert f"/courses/{course_id}/attempts/{bob_second}" in html  # every attempt drills down
    review = ada.client.get(f"/courses/{course_id}/attempts/{zoe_attempt}").get_data(as_text=True)
    assert "Ζωή Παπαδοπούλου, attempt 1" in review and "Correct answer" in review

    response = ada.client.get(f"/courses/{course_id}/gradebook.csv")
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "student",
        "email",
        "Quiz α: score %",
        "Quiz α: attempts",
        "Quiz α: late minutes",
        "Quiz α: minutes spent",
    ]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["Ζωή Παπαδοπούλου"] == ["zoe@example.org", "100.0", "1", "3.0", "12.0"]
    assert by_name["'=cmd|' /C calc'!A0"][1:3] == ["0.0", "2"]  # no formula reaches Excel
    assert by_name["Lazy"] == ["lazy@example.org", "", "0", "", ""]

    api = ada.client.get(
        f"/api/v1/courses/{course_id}/gradebook", headers={"Authorization": f"Bearer {ada.token}"}
    ).get_json()
    cells = {row["name"]: row["cells"][0] for row in api["students"]}
    assert (
        cells["Ζωή Παπαδοπούλου"]["score"] == 1.0
        and cells["Ζωή Παπαδοπούλου"]["late_seconds"] == 180
    )
    assert cells["Lazy"] == {
        "assessment_id": quiz,
        "score": None,
        "attempts": 0,
        "in_progress": False,
        "late_seconds": None,
        "seconds_spent": 0,
        "best_attempt_id": None,
    }


def test_statistics_are_scoped_to_the_assessment_and_warn_under_ten_answers(app: Flask) -> None:
    ada = person(app, "ada@example.org", instructor=True)
    bob = person(app, "bob@example.org")
    course_id = make_course(app, ada)
    enroll(app, course_id, bob)
    quiz = make_assessment(app, ada, course_id)
    other = make_assessment(app, ada, course_id, title="Other")
    attempt_id = start(bob, course_id, quiz)
    answer_all(app, bob, attempt_id)
    finish(bob, attempt_id)
    practice = start(bob, course_id, other)
    answer_all(app, bob, practice, right=False)
    finish(bob, practice)
    html = ada.client.get(f"/courses/{course_id}/assessments/{quiz}/statistics").get_data(
        as_text=True
    )
    assert "1 submitted" in html and "fewer than 10" in html and "few answers" in html
    # A question's own numbers follow the instructor analytics' rule, from the same table.
    assert f"fewer than {SMALL_SAMPLE} answers: its facility" in html
    assert html.count("100 %") >= 3  # facility of each question, from this assessment only


def test_regrade_previews_then_stores_with_the_same_seeds(app: Flask, tmp_path: Path) -> None:
    content = tmp_path / "lessons"
    shutil.copytree(FIXTURE_CONTENT, content)
    app.config["CONTENT_DIR"] = str(content)
    app.extensions.pop(EXTENSION_KEY, None)
    ada = person(app, "ada@example.org", instructor=True)
    bob = person(app, "bob@example.org", name="Bob")
    course_id = make_course(app, ada)
    enroll(app, course_id, bob)
    quiz = make_assessment(
        app, ada, course_id, template_ids=["web-sigmoid-bound"], lesson_ids=[], question_count=1
    )
    attempt_id = start(bob, course_id, quiz)
    answer_all(app, bob, attempt_id)
    finish(bob, attempt_id)
    url = f"/courses/{course_id}/assessments/{quiz}/regrade"
    assert "nothing to regrade" in ada.client.get(url).get_data(as_text=True)

    # The author finds the key wrong: 1/2 is declared correct instead of 1/4.
    lesson = content / "02-facts.md"
    text = lesson.read_text()
    text = text.replace(
        '  - text: "$1/4$"\n    correct: true\n    feedback: Right, at $x = 0$.',
        '  - text: "$1/4$"\n    feedback: Right, at $x = 0$.',
        1,
    )
    text = text.replace('  - text: "$1/2$"\n', '  - text: "$1/2$"\n    correct: true\n', 1)
    lesson.write_text(text)
    app.extensions.pop(EXTENSION_KEY, None)
    with app.app_context():
        before = get_session().get(Attempt, attempt_id)
        assert before is not None
        seed = before.questions[0].seed
    preview = ada.client.get(url).get_data(as_text=True)
    assert "1 score would change" in preview and "100 %" in preview and "Bob" in preview
    with app.app_context():
        unchanged = get_session().get(Attempt, attempt_id)
        assert unchanged is not None and unchanged.score == 1.0  # a preview stores nothing
    fingerprint = preview.split('name="fingerprint" value="')[1].split('"')[0]
    assert (
        ada.client.post(url, data={"fingerprint": "stale"}, follow_redirects=True)
        .get_data(as_text=True)
        .count("changed since the preview")
    )
    assert ada.client.post(url, data={"fingerprint": fingerprint}).status_code == 302
    with app.app_context():
        after = get_session().get(Attempt, attempt_id)
        assert after is not None and after.score == 0.0 and after.questions[0].seed == seed
    assert "nothing to regrade" in ada.client.get(url).get_data(as_text=True)
