"""`quizsvc serve --dev`: a lesson edit shows on the next load; a broken edit keeps the last
good version for students while instructors see why."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.cli.serve import serve_command
from quizsvc.services.live_catalog import reload_enabled
from tests.instructor.helpers import INSTRUCTOR, STUDENT, make_user, text
from tests.support.site import page
from tests.web.helpers import FIXTURE_CONTENT, login

LESSON_FILE = "02-facts.md"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    return folder


@pytest.fixture
def live(app: Flask, content: Path) -> Flask:
    app.config.update(CONTENT_DIR=str(content), CONTENT_RELOAD=True)
    return app


def edit(path: Path, old: str, new: str) -> None:
    """Rewrite a lesson file and move its mtime on, as an editor saving twice a second would."""
    before = path.stat().st_mtime_ns
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_an_edit_shows_on_the_next_load_without_reimporting_torch(
    live: Flask, client: FlaskClient, content: Path
) -> None:
    torch = sys.modules["torch"]
    assert "Facts about activations" in page(client, "/lessons/web-facts")
    edit(content / LESSON_FILE, "title: Facts about activations", "title: Activation facts")
    html = page(client, "/lessons/web-facts")
    assert "Activation facts" in html and "Facts about activations" not in html
    assert sys.modules["torch"] is torch


def test_a_new_lesson_file_appears(live: Flask, client: FlaskClient, content: Path) -> None:
    page(client, "/")
    source = (content / LESSON_FILE).read_text(encoding="utf-8")
    copy = source.replace("id: web-facts", "id: web-more").replace("order: 2", "order: 3")
    for qid in ("web-sigmoid-bound", "web-bounded", "web-tanh-bound"):
        copy = copy.replace(f"id: {qid}", f"id: {qid}-2")
    (content / "03-more.md").write_text(copy, encoding="utf-8")
    assert "/lessons/web-more" in page(client, "/")


def test_a_broken_edit_keeps_the_good_version_for_students_and_tells_instructors(
    live: Flask, client: FlaskClient, content: Path
) -> None:
    make_user(live, STUDENT)
    make_user(live, INSTRUCTOR, instructor=True)
    student, teacher = live.test_client(), client
    login(student, STUDENT)
    login(teacher, INSTRUCTOR)
    assert "Facts about activations" in page(student, "/lessons/web-facts")

    path = content / LESSON_FILE
    edit(path, "title: Facts about activations", "title: Broken facts")
    edit(path, "kind: multiple", "kind: multipel")
    html = page(student, "/lessons/web-facts")
    assert "Facts about activations" in html and "Broken facts" not in html
    assert student.post("/lessons/web-facts/attempts", data={"mode": "practice"}).status_code == 302

    status = text(page(teacher, "/instructor/content"))
    assert "Students see the previous good version of Facts about activations" in status
    assert f"{LESSON_FILE}:" in status and "unknown question kind 'multipel'" in status
    assert "did you mean multiple?" in status

    edit(path, "kind: multipel", "kind: multiple")
    assert "Broken facts" in page(student, "/lessons/web-facts")
    status = text(page(teacher, "/instructor/content"))
    assert "previous good version" not in status and "Served as Broken facts" in status


def test_a_file_broken_from_the_start_is_not_served(
    live: Flask, instructor: FlaskClient, content: Path
) -> None:
    (content / "03-bad.md").write_text("---\nid: bad\n", encoding="utf-8")
    status = text(page(instructor, "/instructor/content"))
    assert "Not served to students" in status
    assert "03-bad.md:1:1: error: the front matter is not closed" in status


def test_reloading_is_off_unless_asked_for(app: Flask) -> None:
    assert not reload_enabled(app)
    app.debug = True  # `quizsvc serve --dev` runs Flask's debug server
    assert reload_enabled(app)
    app.config["CONTENT_RELOAD"] = "0"  # QUIZSVC_CONTENT_RELOAD=0 wins
    assert not reload_enabled(app)


def test_serve_dev_turns_reloading_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_run(self: Flask, **options: object) -> None:
        self.debug = bool(options.get("debug"))  # what Flask.run does first
        seen.update(options, reloading=reload_enabled(self))

    monkeypatch.setattr(Flask, "run", fake_run)
    result: Result = app.test_cli_runner().invoke(serve_command, ["--dev", "--port", "5999"])
    assert result.exit_code == 0, result.output
    assert seen["reloading"] is True and seen["use_reloader"] is True
