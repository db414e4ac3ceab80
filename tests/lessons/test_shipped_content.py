"""The shipped curriculum meets issue 5's bar: structure, question mix, clean variants, freshness.

Per-lesson tests beside this file reproduce every number the prose states; this file checks what
holds for all lessons alike.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from quizsvc.content import Catalog, Lesson, load_catalog
from quizsvc.quiz.checks import check_template
from quizsvc.quiz.generate import build
from tests.support.database import CONTENT_DIR

LESSON_IDS = [
    "how-networks-learn",
    "saturation",
    "vanishing-gradients",
    "exploding-gradients",
    "relu-and-variants",
    "weight-initialization",
    "normalization",
    "residual-connections",
    "clipping-and-regularization",
    "diagnosing-training",
    "recurrent-networks",
]
CHECK_SEEDS = 20
# Issue 5 asks for 20 distinct keys over 200 seeds; 20 among the first 40 is a stronger
# condition that costs a fifth as much.
FRESHNESS_SEEDS = 40
MIN_DISTINCT_KEYS = 20


@cache
def catalog() -> Catalog:
    return load_catalog(CONTENT_DIR)


def lesson(lesson_id: str) -> Lesson:
    return catalog().lesson(lesson_id)


def test_the_course_loads_without_problems_and_in_order() -> None:
    assert [str(p) for p in catalog().problems] == []
    assert [item.id for item in catalog().lessons] == LESSON_IDS
    assert [item.order for item in catalog().lessons] == list(range(1, len(LESSON_IDS) + 1))


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_lesson_structure(lesson_id: str) -> None:
    item = lesson(lesson_id)
    source = item.path.read_text(encoding="utf-8")
    assert 3 <= len(item.objectives) <= 6
    assert 1000 <= item.word_count <= 2500, item.word_count
    assert item.figures, "at least one live figure"
    assert re.search(r"^#+ .*questions interviewers ask", source, re.I | re.M)
    assert re.search(r"^#+ .*(references|further reading)", source, re.I | re.M)
    assert re.search(r"\b(19|20)\d\d\b", source), "references name papers with their year"
    assert "<math" in item.html, "the key formulas render as math"
    assert re.search(r"worked example", source, re.I)


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_question_bank_mix(lesson_id: str) -> None:
    questions = lesson(lesson_id).questions
    assert len(questions) >= 8
    numeric_with_figure = [q for q in questions if q.kind == "numeric" and q.sims and q.figures]
    assert len(numeric_with_figure) >= 4
    assert any(q.kind in {"plot_choice", "ordering"} for q in questions)
    conceptual = [q for q in questions if q.kind in {"single", "multiple"}]
    assert conceptual
    for q in conceptual:
        distractors = [c for c in q.choices if not c.correct]
        assert distractors and all(c.feedback for c in distractors), q.id
    assert all(q.explanation.strip() for q in questions)
    objectives = {o.id for o in lesson(lesson_id).objectives}
    tested = {o for q in questions for o in q.objectives}
    assert tested == objectives, "every objective is tested and no unknown one is named"


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_every_template_passes_the_variant_check(lesson_id: str) -> None:
    problems = []
    for template in lesson(lesson_id).questions:
        report = check_template(template, CHECK_SEEDS, render_seeds=1)
        assert report.variants == CHECK_SEEDS, template.id
        problems += [str(p) for p in report.problems]
    assert problems == []


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_numeric_answers_are_fresh_across_seeds(lesson_id: str) -> None:
    for template in lesson(lesson_id).questions:
        if template.kind != "numeric":
            continue
        keys = {
            build(template, seed).variant.answer_key["display"] for seed in range(FRESHNESS_SEEDS)
        }
        assert len(keys) >= MIN_DISTINCT_KEYS, (template.id, len(keys))
