"""Study guides: a printable guide per lesson and a personal one, with answers at the end."""

from __future__ import annotations

import random
import re

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.progress import guide_content
from quizsvc.services import study_guides
from quizsvc.web.study_guides import answer_key_html
from tests.progress.helpers import answer_all, make_due, user_id
from tests.support.site import page
from tests.web.helpers import LESSON, OTHER_LESSON, signup, start

SECTIONS = ("Objectives", "Key ideas", "Formulas", "Figures", "Practice questions", "Answers")


def headings(html: str, level: int = 2) -> list[str]:
    found = re.findall(rf"<h{level}\b[^>]*>(.*?)</h{level}>", html)
    return [guide_content.text_of(h) for h in found]


def practice_part(html: str) -> str:
    return html.split('id="practice-heading"')[1].split('id="answers-heading"')[0]


def test_a_lesson_guide_has_every_section_in_order_with_answers_last(client: FlaskClient) -> None:
    html = page(client, "/lessons/web-gradients/study-guide")  # no log-in needed
    assert headings(html)[: len(SECTIONS)] == list(SECTIONS)
    assert "<h1>Study guide: Gradients in small networks</h1>" in html
    assert "Read per-layer gradient norms from a figure." in html  # an objective
    assert '<math display="block">' in html.split('id="formulas-heading"')[1]
    figures = html.split('id="figures-heading"')[1].split('id="practice-heading"')[0]
    assert figures.count('role="img"') == 1 and "Two tiny networks." in figures

    practice = practice_part(html)
    numbers = [int(n) for n in re.findall(r">Question (\d+)</h3>", practice)]
    assert numbers == list(range(1, 6))  # the fixture lesson's five templates, one variant each
    assert "Your answer:" in practice  # the numeric question leaves room to write
    assert re.search(r"<li><strong>A\.</strong>", practice)
    answers = html.split('id="answers-heading"')[1]
    assert [int(n) for n in re.findall(r"Answer to question (\d+)", answers)] == numbers
    assert "The ratio is" in answers  # explanations come with the answers, not before
    assert "The ratio is" not in practice
    assert 'href="/static/print.css" media="print"' in html
    assert '<script src="/static/print.js" defer></script>' in html


def test_each_guide_draws_new_variants(client: FlaskClient) -> None:
    first = practice_part(page(client, "/lessons/web-gradients/study-guide"))
    second = practice_part(page(client, "/lessons/web-gradients/study-guide"))
    assert first != second


def test_the_printed_answers_are_the_keys_of_the_printed_questions(app: Flask) -> None:
    with app.test_request_context():
        guide = study_guides.lesson_guide(OTHER_LESSON, 8, random.Random(7))
    by_template = {q.template_id: q for q in guide.questions}
    single = by_template["web-sigmoid-bound"]  # the largest value of sigma': 1/4
    (quarter,) = [c for c in single.choices if "<mn>4</mn>" in c.html]
    single_key = answer_key_html(single)
    assert f"<strong>{quarter.letter}.</strong>" in single_key
    assert single_key.count("<strong>") == 1
    multiple = answer_key_html(by_template["web-bounded"])  # bounded by 1: sigmoid and tanh
    assert multiple.count("<strong>") == 2
    assert "sigmoid" in multiple and "exponential" not in multiple
    page(app.test_client(), "/lessons/nope/study-guide", 404)


def test_a_personal_guide_is_built_from_weak_objectives_and_due_reviews(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    html = page(client, "/study-guide")
    assert "Nothing to put in a personal guide right now" in html

    answer_all(client, app, start(client, OTHER_LESSON), right=[False, True, False])
    answer_all(client, app, start(client, LESSON), right=True)
    make_due(app, user_id(app), ["web-sigmoid-bound", "web-bounded", "web-tanh-bound"])
    html = page(client, "/study-guide")
    assert headings(html) == [
        "Objectives to focus on",
        "Due for review",
        "Key ideas",
        "Practice questions",
        "Answers",
    ]
    focus = html.split('id="focus-heading"')[1].split('id="due-heading"')[0]
    assert 'href="/lessons/web-facts#objective-' in focus
    # Five columns do not fit 360 px: the table scrolls in its own box, not the page.
    assert re.search(r'<div class="table-scroll"><table>', focus)
    assert "Facts about activations" in focus
    due = html.split('id="due-heading"')[1].split('id="key-ideas-heading"')[0]
    assert due.count("<li>") == 3
    practice = practice_part(html)
    assert practice.count('class="guide-question"') >= 3
    assert "· Facts about activations" in practice
    assert "Answer to question 1" in html.split('id="answers-heading"')[1]
