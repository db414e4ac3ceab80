"""Adding a kind takes its module, its partial and a registry entry: ``selfcheck`` (in
tests/kinds/selfcheck.py, a kind scored by the learner's own check against a rubric) is
registered here and works through content, variants, grading, the quiz pages, export and
analytics without a change anywhere else."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

from quizsvc import kinds
from quizsvc.analytics.answers import answer_of
from quizsvc.analytics.labels import Labeler
from quizsvc.content import Catalog, load_catalog
from quizsvc.export.bank import build_bank
from quizsvc.export.gift import gift_text
from quizsvc.export.qti import qti_package
from quizsvc.quiz import AnswerError, generate, grade
from quizsvc.quiz.checks import check_template
from quizsvc.quiz.generate import build
from tests.content.lessons import find, line_of, write
from tests.kinds.selfcheck import SELF_ASSESSED, SelfCheck
from tests.web.helpers import signup, start

TEMPLATES = Path(__file__).parent / "templates"
LESSON = """\
---
id: explaining
title: Explaining
summary: Say why, then check yourself.
order: 1
objectives:
  - id: why-vanish
    text: Explain why gradients vanish in deep sigmoid networks.
  - id: slope-bound
    text: Name the largest slope of the sigmoid.
  - id: depth-compounds
    text: Say how depth compounds the shrinking.
tags: [vanishing]
---

# Explaining

Why does the gradient of a deep sigmoid network shrink?

```question
id: explain-vanishing
kind: selfcheck
objectives: [why-vanish, slope-bound, depth-compounds]
difficulty: 2
params:
  depth: {int: [10, 30]}
prompt: |
  Why do the gradients of a {{ depth }}-layer sigmoid network vanish near the input?
model_answer: |
  The sigmoid's derivative is at most 1/4, and backpropagation multiplies one such factor per
  layer, so over {{ depth }} layers the gradient shrinks like a power of 1/4.
rubric:
  - Names 1/4, the largest slope of the sigmoid.
  - Says one factor is multiplied in per layer, {{ depth }} of them.
explanation: Glorot and Bengio (2010) measured this in deep sigmoid networks.
```
"""


@pytest.fixture
def selfcheck(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(kinds.REGISTRY, "selfcheck", SelfCheck())


def _catalog(folder: Path, text: str = LESSON) -> Catalog:
    write(folder, "explaining.md", text)
    return load_catalog(folder)


def test_an_unregistered_kind_is_an_unknown_kind(tmp_path: Path) -> None:
    problem = find(_catalog(tmp_path).problems, "unknown question kind 'selfcheck'")
    assert problem.line == line_of(LESSON, "kind: selfcheck")


@pytest.mark.usefixtures("selfcheck")
def test_content_reads_the_kind_and_reports_its_problems_at_their_lines(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path / "good")
    assert catalog.problems == []
    template = catalog.template("explain-vanishing")
    assert template.kind == "selfcheck" and len(template.spec.rubric) == 2
    assert template.rubric == template.spec.rubric  # the kind's fields read as the template's

    broken = LESSON.replace("rubric:", "answer: {value: 1}\nrubrik:")
    problems = _catalog(tmp_path / "broken", broken).problems
    assert find(problems, "needs a rubric").line == line_of(broken, "```question")
    other = find(problems, "'answer' is for numeric questions, not selfcheck")
    assert other.line == line_of(broken, "answer: {value: 1}")
    assert "did you mean rubric?" in find(problems, "rubrik").message


@pytest.mark.usefixtures("selfcheck")
def test_variants_are_checked_and_scored_by_the_learners_own_check(tmp_path: Path) -> None:
    template = _catalog(tmp_path).template("explain-vanishing")
    assert check_template(template, seeds=3, render_seeds=0).problems == []
    variant = generate(template, 4)
    depth = variant.params["depth"]
    assert f"{depth} of them" in variant.choices[1]["html"] and variant.answer_key["model_html"]
    half = grade(variant, {"text": "Slopes of at most 1/4 multiply.", "met": ["0"]})
    assert (half.score, half.correct, half.feedback_html) == (0.5, False, SELF_ASSESSED)
    assert "1/4" in half.correct_answer_html
    assert grade(variant, {"text": "Both.", "met": ["1", "0"]}).correct
    for bad in ({"text": " ", "met": []}, {"text": "x", "met": ["7"]}, "just text"):
        with pytest.raises(AnswerError):
            grade(variant, bad)


@pytest.mark.usefixtures("selfcheck")
def test_exports_and_analytics_ask_the_kind(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    template = catalog.template("explain-vanishing")
    bank = build_bank(catalog.lessons[0], variants=2)
    essays = re.findall(r"\{\n(?:\t####[^\n]*\n)?\}", gift_text(bank))  # no answers: an essay
    assert len(essays) == 2
    with zipfile.ZipFile(io.BytesIO(qti_package(bank))) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    assert xml.count("essay_question") == 2
    generation = build(template, 1)
    assert answer_of(template, generation) == "2 rubric points"
    parsed = grade(generation.variant, {"text": "1/4.", "met": ["0"]}).parsed
    shown = Labeler(template).wrong_shown(generation.variant.to_dict(), parsed, SELF_ASSESSED)
    assert [label for label, _ in shown] == [
        "missed: Says one factor is multiplied in per layer, "
        f"{generation.variant.params['depth']} of them."
    ]


@pytest.mark.usefixtures("selfcheck")
def test_a_learner_answers_it_in_the_quiz_pages(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    app.config["CONTENT_DIR"] = str(tmp_path / "content")
    write(tmp_path / "content", "explaining.md", LESSON)
    app.register_blueprint(Blueprint("selfcheck_partial", __name__, template_folder=TEMPLATES))
    signup(client)
    attempt_id = start(client, "explaining")
    url = f"/attempts/{attempt_id}/questions/1"
    page = client.get(url).get_data(as_text=True)
    assert '<textarea id="text" name="text"' in page and 'name="met" value="1"' in page

    empty = client.post(url, data={"text": "", "met": ["0"]})
    assert empty.status_code == 422
    assert "Write your answer, then tick" in empty.get_data(as_text=True)
    assert (
        client.post(url, data={"text": "At most 1/4 per layer.", "met": ["0"]}).status_code == 302
    )
    feedback = client.get(url).get_data(as_text=True)
    assert "Partly right (50 %)" in feedback and "At most 1/4 per layer." in feedback
    assert "Scored by your own check" in feedback

    client.post(f"/attempts/{attempt_id}/finish")
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "50 %" in review and "backpropagation multiplies one such factor" in review
