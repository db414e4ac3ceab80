"""Item analytics pages and CSV on a seeded data set whose numbers are worked out by hand."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.content import load_catalog
from quizsvc.progress.models import AttemptKind
from quizsvc.quiz import generate
from quizsvc.services.analytics import _cell
from tests.instructor.helpers import INSTRUCTOR, text
from tests.instructor.seed import Pick, add_attempt
from tests.support.site import page
from tests.web.helpers import FIXTURE_CONTENT

Variants = dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def variants() -> Variants:
    catalog = load_catalog(FIXTURE_CONTENT)
    return {tid: generate(catalog.template(tid), 0).to_dict() for tid in catalog.templates}


def ids(variant: dict[str, Any]) -> tuple[str, str]:
    """The correct and a wrong choice id of a single-choice variant."""
    (right,) = variant["answer_key"]["correct"]
    return right, next(c["id"] for c in variant["choices"] if c["id"] != right)


def learners(app: Flask, count: int) -> list[int]:
    from tests.instructor.helpers import make_user

    return [make_user(app, f"learner{i}@example.org") for i in range(count)]


@pytest.fixture
def seeded(app: Flask, instructor: FlaskClient, variants: Variants) -> dict[str, Any]:
    """Six learners answer two questions (see the comments for who does what)."""
    single, multiple = variants["web-which-smaller"], variants["web-true-facts"]
    right, wrong = ids(single)
    good = sorted(multiple["answer_key"]["correct"])
    bad = next(c["id"] for c in multiple["choices"] if c["id"] not in good)
    plan = [  # (single choice, seconds, multiple choice): attempt scores 1, 1, .5, .25, 0, .5
        (right, 10, good),
        (right, 20, good),
        (right, 30, [bad]),
        (wrong, 40, good[:1]),  # half credit on the second question
        (wrong, 50, [good[0], bad]),
        (None, 60, good),  # the first question left unanswered
    ]
    users = learners(app, len(plan))
    for user, (choice, seconds, picked) in zip(users, plan, strict=True):
        first = Pick(single, seconds=seconds) if choice is None else Pick(single, choice, seconds)
        add_attempt(app, user, [first, Pick(multiple, picked)])
    # Neither an instructor's attempt nor an unfinished one counts.
    from quizsvc.services import accounts

    with app.app_context():
        teacher = accounts.find_by_email(INSTRUCTOR)
        assert teacher is not None
        teacher_id = teacher.id
    add_attempt(app, teacher_id, [Pick(single, wrong), Pick(multiple, [bad])])
    add_attempt(app, users[0], [Pick(single, wrong), Pick(multiple, [bad])], finished=False)
    wrong_label = next(c for c in single["choices"] if c["id"] == wrong)["html"]
    return {"wrong_single": "ReLU" if "ReLU" in wrong_label else "sigmoid"}


def test_the_item_numbers(instructor: FlaskClient, seeded: dict[str, Any]) -> None:
    shown = text(page(instructor, "/instructor/analytics/templates/web-which-smaller"))
    # answered 5 (one unanswered), 3 right; rest scores 1, 1, 0, .5, 0 -> r_pb = 0.4564
    assert "Answered 5 Unanswered 1 Facility 60 % Mean score 60 % Discrimination 0.46" in shown
    assert "Median time 30 s" in shown
    network = seeded["wrong_single"]
    assert f"The {network} network (…)" in shown  # the template's own choice text, readable
    rows = shown.split("Most chosen wrong answers")[1]
    assert " 2 100 %" in rows

    shown = text(page(instructor, "/instructor/analytics/templates/web-true-facts"))
    # 6 answered, right: learners 1, 2, 6; rest (first question) 1, 1, 1, 0, 0, 0 -> r = 1/3
    assert "Answered 6 Unanswered 0 Facility 50 % Mean score 58 % Discrimination 0.33" in shown
    assert "ReLU saturates for large positive inputs. 2 100 %" in shown


def test_the_lesson_score_distribution(instructor: FlaskClient, seeded: dict[str, Any]) -> None:
    html = page(instructor, "/instructor/analytics/lessons/web-gradients")
    shown = text(html)
    assert "6 finished quizzes of this lesson: mean 54 %, median 50 %" in shown
    assert (
        "Scores of 6 attempts (median 50 %): 0–10 %: 1, 20–30 %: 1, 50–60 %: 2, 90–100 %: 2."
        in html
    )
    overview = text(page(instructor, "/instructor/analytics"))
    assert "Gradients in small networks 6 50 % 2 11" in overview


def test_the_items_csv(instructor: FlaskClient, seeded: dict[str, Any]) -> None:
    body = instructor.get("/instructor/analytics/items.csv?lesson=web-gradients").get_data(
        as_text=True
    )
    assert body.startswith("\ufefflesson_id,template_id,question,")  # UTF-8 with BOM, for Excel
    rows = {row["template_id"]: row for row in csv.DictReader(io.StringIO(body))}
    assert {t for t, row in rows.items() if row["answered"] != "0"} == {
        "web-which-smaller",
        "web-true-facts",
    }
    # Questions nobody answered are listed too, each with its first line.
    assert rows["web-ratio"]["answered"] == "0" and rows["web-ratio"]["facility"] == ""
    assert rows["web-ratio"]["question"] == "A …-layer sigmoid network of width … has gain …."
    assert set(rows) == {"web-ratio", "web-which-smaller", "web-true-facts", "web-order",
                         "web-pick-plot"}  # fmt: skip
    single = rows["web-which-smaller"]
    assert (single["answered"], single["unanswered"], single["facility"]) == ("5", "1", "0.6")
    assert float(single["discrimination"]) == pytest.approx(0.456435, abs=1e-6)
    assert single["median_seconds"] == "30.0" and single["top_wrong_count"] == "2"
    assert float(rows["web-true-facts"]["mean_score"]) == pytest.approx(3.5 / 6, abs=1e-6)


def test_correctness_by_parameter(app: Flask, instructor: FlaskClient, variants: Variants) -> None:
    numeric = variants["web-ratio"]
    key = numeric["answer_key"]
    (user,) = learners(app, 1)
    answers = {
        3: repr(key["value"]),
        4: repr(key["value"]),
        5: repr(key["value"] * 10),  # a power of ten off
        6: repr(key["misconceptions"][0]["value"]),  # the inverted ratio
    }
    for i in range(24):
        depth = 3 + i % 4
        pick = Pick(numeric, answers[depth], params={"depth": depth, "width": [8, 16][i // 4 % 2]})
        add_attempt(app, user, [pick], kind=AttemptKind.RETRY)
    html = page(instructor, "/instructor/analytics/templates/web-ratio")
    shown = text(html)
    assert "Answered 24 Unanswered 0 Facility 50 %" in shown
    assert (
        "Learners fail more often when depth > 4: 0 % correct (n = 12), "
        "against 100 % correct (n = 12) when depth ≤ 4." in shown
    )
    assert "Share correct by depth: 3: 100 % of 6, 4: 100 % of 6, 5: 0 % of 6, 6: 0 % of 6." in html
    width = shown.split("width")[-1]
    assert "No clear effect" in shown and "Learners fail more often when width" not in width
    assert "misconception: You divided the last layer by the first. 6 50 %" in shown
    assert "off by a factor of 10^1 6 50 %" in shown

    body = instructor.get("/instructor/analytics/templates/web-ratio/answers.csv").get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 24 and {r["param_depth"] for r in rows} == {"3", "4", "5", "6"}
    assert {r["correct"] for r in rows if r["param_depth"] in ("3", "4")} == {"True"}


def test_a_template_without_answers_and_an_unknown_one(instructor: FlaskClient) -> None:
    shown = text(page(instructor, "/instructor/analytics/templates/web-order"))
    assert "Answered 0" in shown and "No wrong answers recorded" in shown
    page(instructor, "/instructor/analytics/templates/no-such-question", 404)
    page(instructor, "/instructor/analytics/lessons/no-such-lesson", 404)


def test_csv_cells_cannot_run_as_formulas() -> None:
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("-3") == "'-3"
    assert _cell(-3.0) == -3.0 and _cell(None) == "" and _cell(0.1234567891) == 0.123457


def test_the_lesson_table_warns_about_small_samples(
    instructor: FlaskClient, seeded: dict[str, Any]
) -> None:
    html = page(instructor, "/instructor/analytics/lessons/web-gradients")
    assert 'class="small-sample-note"' in html and "fewer than 20 answers" in html
    table = html.split('<table class="items">')[1]
    assert table.count(">few answers</span>") == 2  # both questions have 6 answers
    single = page(instructor, "/instructor/analytics/templates/web-which-smaller")
    assert "Fewer than 20 answers so far" in single
