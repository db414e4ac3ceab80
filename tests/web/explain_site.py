"""The web fixture lessons plus a lesson of explain questions, for the explain and interview
tests (the shared fixture lessons stay as the other tests count them)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from flask import Flask

from tests.web.helpers import FIXTURE_CONTENT

EXPLAIN_LESSON = "web-explaining"
EXPLAIN_FIXTURE = Path(__file__).parent / "fixtures" / "explain" / "03-explaining.md"


def with_explain_lesson(app: Flask, folder: Path) -> Path:
    """Serve the fixture lessons and the explain lesson from ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for lesson in [*FIXTURE_CONTENT.glob("*.md"), EXPLAIN_FIXTURE]:
        shutil.copy(lesson, folder / lesson.name)
    app.config["CONTENT_DIR"] = str(folder)
    return folder


def explain_response(variant: dict[str, Any], met: int) -> dict[str, Any]:
    """The form a learner posts after ticking the first ``met`` rubric points."""
    ids = [c["id"] for c in variant["choices"]]
    return {"text": "The slope is at most 1/4 per layer.", "met": ids[:met]}
