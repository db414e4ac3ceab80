"""An explain template in the instructor's preview and in the printed study guide: the rubric
with its sections, and the model answer as the key."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.support.site import page
from tests.web.explain_site import EXPLAIN_LESSON, with_explain_lesson


def test_preview_and_study_guide_show_rubric_and_model_answer(
    app: Flask, instructor: FlaskClient, tmp_path: Path
) -> None:
    with_explain_lesson(app, tmp_path / "content")
    preview = page(instructor, "/instructor/templates/web-explain-vanishing?seed=2")
    assert "Names 1/4, the largest slope of the sigmoid." in preview
    assert "(section: The sigmoid&#39;s slope)" in preview
    assert "backpropagation multiplies one such factor" in preview
    guide = page(instructor, f"/lessons/{EXPLAIN_LESSON}/study-guide")
    assert "Answer aloud or on paper, then check the rubric in the key." in guide
    assert "Rubric:" in guide and "Says one factor is multiplied in per layer." in guide
