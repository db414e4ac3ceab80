"""What `content check` finds in generated variants."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from quizsvc.content import Catalog
from quizsvc.quiz.checks import check_live_figure, check_template
from tests.content.lessons import BASE, line_of, load_text

CHOICES = """
```question
id: eq-choices
kind: single
objectives: [obj-a]
difficulty: 1
params:
  x: {uniform: [1, 2]}
values:
  y: x * 1.001
prompt: Pick {{ x:.3g }}.
choices:
  - text: "{{ x:.3g }}"
    value: =x
    correct: true
    feedback: Yes.
  - text: "{{ y:.5g }}"
    value: =y
    feedback: No.
explanation: Because.
```
"""


def test_a_clean_template_has_no_findings(toy: Catalog) -> None:
    for template in toy.templates.values():
        report = check_template(template, seeds=3, render_seeds=1)
        assert report.problems == [] and report.variants == 3, report.problems


def test_misconception_graded_correct(tmp_path: Path) -> None:
    text = BASE.replace(
        "  tolerance: {relative: 0.05}",
        "  tolerance: {relative: 0.05}\nmisconceptions:\n  - value: =ratio * 1.01\n"
        "    feedback: Close.",
    )
    report = check_template(load_text(tmp_path, text).template("base-q"), seeds=3, render_seeds=0)
    (problem,) = report.problems
    assert "misconception 1" in problem.message and "would be graded correct" in problem.message
    assert problem.line == line_of(text, "- value: =ratio * 1.01")
    assert "seeds 0, 1, 2" in problem.message and problem.severity == "error"


def test_distractor_equal_to_the_answer(tmp_path: Path) -> None:
    text = BASE + CHOICES
    report = check_template(load_text(tmp_path, text).template("eq-choices"), 2, 0)
    assert any("distractor" in p.message and "graded correct" in p.message for p in report.problems)


def test_two_choices_equal_within_tolerance(tmp_path: Path) -> None:
    text = BASE + CHOICES.replace(
        "    feedback: No.", "    feedback: No.\n    correct: true"
    ).replace("kind: single", "kind: multiple")
    report = check_template(load_text(tmp_path, text).template("eq-choices"), 2, 0)
    assert any("two choices are equal within tolerance" in p.message for p in report.problems)


def test_non_finite_answer_and_failed_expression(tmp_path: Path) -> None:
    text = BASE.replace("value: =ratio", "value: =ratio * 1e308 * 1e308 if depth == 4 else ratio")
    report = check_template(load_text(tmp_path, text).template("base-q"), 12, 0)
    (problem,) = report.problems
    assert "not finite" in problem.message and problem.line == line_of(text, "value: =ratio")
    assert report.variants < 12


def test_zero_answer_with_relative_tolerance_warns(tmp_path: Path) -> None:
    text = BASE.replace("value: =ratio", "value: =ratio * 0")
    (problem,) = check_template(load_text(tmp_path, text).template("base-q"), 1, 0).problems
    assert problem.severity == "warning" and "relative tolerance" in problem.message


def test_figure_that_fails_to_render(tmp_path: Path) -> None:
    text = BASE.replace(
        "explanation: It", "figures:\n  - {kind: grad_norms, sims: [net]}\nexplanation: It"
    )
    template = load_text(tmp_path, text).template("base-q")
    figure = dataclasses.replace(template.figures[0], kind="nope")
    template = dataclasses.replace(template, figures=(figure,))
    report = check_template(template, 3, render_seeds=2)
    (problem,) = report.problems
    assert "figure 1 fails to render" in problem.message and "seeds 0, 1" in problem.message


def test_live_figure_check(toy: Catalog) -> None:
    lesson = toy.lesson("toy-gradients")
    assert check_live_figure(lesson.figures["toy-live"], str(lesson.path)) == []
