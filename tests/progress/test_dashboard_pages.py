"""The dashboard, an objective's evidence page and the class view, as their users see them."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

import quizsvc.web
from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, AttemptKind, Mode, Role
from quizsvc.services import accounts
from tests.progress.helpers import answer_all
from tests.support.site import TEST_HASH_METHOD, page
from tests.web.helpers import (
    LESSON,
    OTHER_LESSON,
    PASSWORD,
    attempt_row,
    login,
    signup,
    start,
    stored_questions,
)

STATIC = Path(quizsvc.web.__file__).parent / "static"


def test_progress_pages_ask_visitors_to_log_in(client: FlaskClient) -> None:
    for url in ("/dashboard", "/review", "/study-guide", "/dashboard/class"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_new_learner_sees_an_empty_dashboard_that_says_what_to_do(
    client: FlaskClient,
) -> None:
    signup(client)
    html = page(client, "/dashboard")
    assert "Take a <a" in html and "lesson quiz" in html
    assert "Your accuracy will be drawn here" in html
    assert html.count("not started") >= 6  # every objective of both fixture lessons
    assert '<a href="/dashboard" aria-current="page">Dashboard</a>' in html


def test_the_dashboard_shows_mastery_streak_reviews_accuracy_and_focus(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=[True, False, True])
    answer_all(client, app, start(client, LESSON), right=[False, True, False, True, False])
    html = page(client, "/dashboard")

    assert re.search(r'id="streak">\s*<p class="stat-value">1</p>', html)
    assert re.search(r'id="answers">\s*<p class="stat-value">8</p>', html)
    figure = re.search(r'<figure class="figure accuracy-figure"><svg[^>]*>', html)
    assert figure and 'role="img"' in figure.group(0)
    assert 'aria-label="Accuracy over time: 8 answers on' in figure.group(0)
    # Per lesson and objective, with the evidence in words.
    for title in ("Gradients in small networks", "Facts about activations"):
        assert f">{title}</a></h3>" in html
    assert "1 answer, 1 fully right" in html and "no answers yet" not in html.split("Facts")[0]
    assert 'class="level level-attempted"' in html
    # Weakest objectives link to the lesson section and to practice.
    focus = html.split('id="focus-heading"')[1].split('id="accuracy-heading"')[0]
    assert re.search(r'href="/lessons/web-(gradients|facts)#objective-[a-z-]+"', focus)
    assert re.search(r'action="/dashboard/objectives/web-[a-z]+/[a-z-]+/practice"', focus)
    assert 'href="/study-guide"' in focus
    # Study guide per lesson.
    assert 'href="/lessons/web-facts/study-guide"' in html


def test_practising_an_objective_serves_fresh_questions_that_test_it(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    first = page(client, "/dashboard/objectives/web-gradients/compare-activations")
    assert "Practise with new questions" in first
    response = client.post("/dashboard/objectives/web-gradients/compare-activations/practice")
    assert response.status_code == 302
    attempt_id = int(re.findall(r"/attempts/(\d+)/questions/1$", response.headers["Location"])[0])
    attempt: Attempt = attempt_row(app, attempt_id)
    assert (attempt.kind, attempt.mode, attempt.lesson_id) == (
        AttemptKind.RETRY,
        Mode.PRACTICE,
        LESSON,
    )
    questions = stored_questions(app, attempt_id)
    tested = {"web-which-smaller", "web-true-facts", "web-order"}  # compare-activations
    assert {q.template_id for q in questions} == tested
    assert all("compare-activations" in q.variant["objectives"] for q in questions)
    assert client.post("/dashboard/objectives/web-gradients/nope/practice").status_code == 404


def test_an_objective_page_shows_the_evidence_and_the_history(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    for _ in range(2):
        answer_all(client, app, start(client, OTHER_LESSON), right=True)
    html = page(client, "/dashboard/objectives/web-facts/sigmoid-peak")
    assert "Say where the sigmoid derivative peaks." in html
    assert "Your level:" in html and 'class="level level-familiar"' in html
    assert "2 (2 fully right)" in html
    assert "Proficient needs at least 70 % and 4 answers (2 more answers)." in html
    assert 'aria-label="Mastery of “Say where the sigmoid derivative peaks.” after each' in html
    assert html.count("See the question") == 2
    link = re.search(r'href="(/attempts/\d+/questions/\d+)"', html)
    assert link and client.get(link.group(1)).status_code == 200
    page(client, "/dashboard/objectives/web-facts/no-such-objective", 404)
    page(client, "/dashboard/objectives/no-such-lesson/sigmoid-peak", 404)


def test_the_class_view_is_for_instructors(client: FlaskClient, app: Flask) -> None:
    signup(client, "student@example.org", "Stu")
    answer_all(client, app, start(client, OTHER_LESSON), right=[True, False, True])
    assert "The class view is for instructors" in page(client, "/dashboard/class", 403)
    client.post("/logout")
    answer_all(client, app, start(client, OTHER_LESSON))  # a guest: not counted in the class
    client.post("/logout")
    with app.app_context():
        accounts.create_user(
            "teacher@example.org", PASSWORD, hash_method=TEST_HASH_METHOD, role=Role.INSTRUCTOR
        )
    login(client, "teacher@example.org")

    html = page(client, "/dashboard/class")
    assert re.search(r"across 1 registered student\s", html)
    facts = html.split('id="class-web-facts"')[1].split("</section>")[0]
    assert facts.count(">1 attempted</p>") == 3  # one answer each: right or wrong
    assert facts.count('aria-label="0 not started, 1 attempted, 0 familiar') == 3
    gradients = html.split('id="class-web-gradients"')[1].split("</section>")[0]
    assert gradients.count(">1 not started</p>") == 3

    html = page(client, "/dashboard/class?lesson=web-facts")
    learners = html.split('id="learners-heading"')[1]
    assert '<th scope="row">Stu</th>' in learners
    assert learners.count('class="level level-attempted"') == 3
    page(client, "/dashboard/class?lesson=nope", 404)


def test_objectives_answered_right_are_not_flagged_in_red(client: FlaskClient, app: Flask) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=[True, False, True])
    html = page(client, "/dashboard")
    focus = html.split('id="focus-heading"')[1].split('id="accuracy-heading"')[0]
    assert focus.count('<li class="card">') == 1  # only the objective that was missed
    missed = stored_questions(app, _last_attempt(app))[1].variant["objectives"]
    assert f"/dashboard/objectives/{OTHER_LESSON}/{missed[0]}" in focus

    client.post("/logout")
    signup(client, "bo@example.org", "Bo")
    answer_all(client, app, start(client, OTHER_LESSON), right=True)
    html = page(client, "/dashboard")
    focus = html.split('id="focus-heading"')[1].split('id="accuracy-heading"')[0]
    assert '<li class="card">' not in focus and 'id="nothing-to-flag"' in focus
    caption = html.split("<figcaption>")[1].split("</figcaption>")[0]
    assert "trend over" not in caption and "A trend appears from your second day on." in caption
    assert 'class="level level-attempted"' in html
    css = (STATIC / "progress.css").read_text()
    rule = re.search(r"\.level-attempted \{([^}]*)\}", css)
    assert rule and "--bad" not in rule.group(1)  # red is for wrong answers


def _last_attempt(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.max(Attempt.id))) or 0
