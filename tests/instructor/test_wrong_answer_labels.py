"""Wrong-answer labels and the answer over seeds read unambiguously, math rendered on pages and
as plain text in CSV, even when choices or items differ only by a filled-in number."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.analytics.answers import answer_of
from quizsvc.analytics.labels import ChoiceMatcher, Labeler, display_html, readable
from quizsvc.content import load_catalog
from quizsvc.quiz import generate
from quizsvc.quiz.generate import build
from tests.instructor.helpers import make_user, text
from tests.instructor.seed import Pick, add_attempt
from tests.support.database import CONTENT_DIR
from tests.support.site import page
from tests.web.helpers import FIXTURE_CONTENT

SQUARE = '<math display="inline"><mrow><msup><mi>η</mi><mn>2</mn></msup></mrow></math>'


def lr_variant() -> dict[str, Any]:
    """An ordering variant like hnl-lr-ordering's, highest loss (smallest rate) first."""
    rates = {"a": "0.1", "b": "0.001", "c": "0.01"}
    return {
        "kind": "ordering",
        "choices": [{"id": i, "html": f"<p>learning rate {r}</p>"} for i, r in rates.items()],
        "answer_key": {"order": ["b", "c", "a"], "keys": {"a": 0.1, "b": 0.9, "c": 0.5}},
    }


def test_ordering_items_that_differ_by_a_number_get_distinct_labels() -> None:
    labeler = Labeler(None)
    variant = lr_variant()
    assert labeler.wrong(variant, ["b", "a", "c"], "") == ("1st › 3rd › 2nd by key",)
    assert labeler.wrong(variant, ["a", "c", "b"], "") == ("3rd › 2nd › 1st by key",)
    ((label, shown),) = labeler.wrong_shown(variant, ["b", "a", "c"], "")
    assert shown == "learning rate 0.001 › learning rate 0.1 › learning rate 0.01"
    assert "{{" not in display_html(label, shown)


def test_choices_that_read_alike_are_labelled_by_what_the_learner_saw() -> None:
    matcher = ChoiceMatcher(["About {{ x }}", "About {{ 10 * x }}", "The $\\eta$ network"])
    assert matcher.label("<p>About 0.3</p>") == "About 0.3"
    assert matcher.label("<p>About 3</p>") == "About 3"
    assert matcher.label("<p>The <math><mi>η</mi></math> network</p>") == "The η network"


def test_math_reads_as_text_in_labels_and_as_mathml_on_pages() -> None:
    shown = f"step size {SQUARE}"
    assert readable(f"<p>{shown}</p>") == "step size η^2"
    assert display_html("step size η^2", shown) == shown  # the learner's HTML, math and all
    labelled = display_html("2nd › 1st by key", shown)
    assert labelled.startswith("2nd › 1st by key") and SQUARE in labelled


def test_the_answer_over_seeds_of_an_ordering_names_each_item_once() -> None:
    template = load_catalog(CONTENT_DIR).template("hnl-lr-ordering")
    outcome = answer_of(template, build(template, 0))
    assert isinstance(outcome, str) and "{{" not in outcome
    # Drawn numbers read as "…": the same item is one label whatever the seed drew.
    assert sorted(outcome.split(" › ")) == [
        "learning rate …, momentum …",
        "learning rate …, no momentum",
        "… times the learning rate (…), no momentum",
    ]


def test_pages_render_math_and_csv_has_plain_text(app: Flask, instructor: FlaskClient) -> None:
    variant = generate(load_catalog(FIXTURE_CONTENT).template("web-order"), 0).to_dict()
    variant = copy.deepcopy(variant)
    for n, choice in enumerate(variant["choices"]):
        choice["html"] = f"<p>rate {SQUARE} × {10**n}</p>"  # items that differ by a number
    order = variant["answer_key"]["order"]
    wrong = [order[0], order[2], order[1]]
    for i in range(2):
        user = make_user(app, f"learner{i}@example.org")
        add_attempt(app, user, [Pick(variant, wrong)])

    html = page(instructor, "/instructor/analytics/templates/web-order")
    rows = html.split("Most chosen wrong answers")[1]
    assert "1st › 3rd › 2nd by key" in rows and "<msup>" in rows
    assert "$" not in text(rows) and "{{" not in rows
    overview = page(instructor, "/instructor/analytics/lessons/web-gradients")
    assert "1st › 3rd › 2nd by key" in overview

    body = instructor.get("/instructor/analytics/items.csv?lesson=web-gradients").get_data(
        as_text=True
    )
    (row,) = [r for r in csv.DictReader(io.StringIO(body)) if r["template_id"] == "web-order"]
    assert row["top_wrong_answer"] == "1st › 3rd › 2nd by key" and row["top_wrong_count"] == "2"
    body = instructor.get("/instructor/analytics/templates/web-order/answers.csv").get_data(
        as_text=True
    )
    assert "<" not in body and {r["wrong_answer"] for r in csv.DictReader(io.StringIO(body))} == {
        "1st › 3rd › 2nd by key"
    }
