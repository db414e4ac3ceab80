"""The content status page: every file and template with the command line's own messages."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.cli.content import content_group
from tests.instructor.helpers import text
from tests.support.site import page
from tests.web.helpers import FIXTURE_CONTENT


def test_every_lesson_and_template_is_listed(instructor: FlaskClient) -> None:
    html = page(instructor, "/instructor/content")
    shown = text(html)
    assert "2 lesson files" in shown and "0 errors" in shown
    assert "Served as Gradients in small networks" in shown
    for template_id in ("web-ratio", "web-which-smaller", "web-order", "web-pick-plot"):
        assert f'href="/instructor/templates/{template_id}"' in html
        assert f'href="/instructor/analytics/templates/{template_id}"' in html


def test_problems_read_as_the_command_line_prints_them(
    app: Flask, instructor: FlaskClient, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    path = content / "02-facts.md"
    source = path.read_text(encoding="utf-8")
    source = source.replace("explanation: Both saturating", "hint_text: Both saturating", 1)
    path.write_text(source.replace("kind: single", "kind: singel", 1), encoding="utf-8")
    app.config["CONTENT_DIR"] = str(content)

    cli = CliRunner().invoke(
        content_group, ["check", "--seeds", "0", "--content-dir", str(content)]
    )
    assert cli.exit_code == 1
    printed = [
        line for line in cli.output.splitlines() if ": error: " in line or ": warning: " in line
    ]
    assert printed
    shown = text(page(instructor, "/instructor/content"))
    for line in printed:
        assert line in shown
    assert "Not served to students" in shown
    assert "unknown question kind 'singel': did you mean single?" in shown


def test_a_warning_is_shown_against_its_template(
    app: Flask, instructor: FlaskClient, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    path = content / "02-facts.md"
    source = path.read_text(encoding="utf-8")
    marker = "explanation: $\\tanh'(x) = 1 - \\tanh^2(x)$ is largest at $x = 0$.\n"
    assert marker in source
    path.write_text(source.replace(marker, ""), encoding="utf-8")
    app.config["CONTENT_DIR"] = str(content)

    html = page(instructor, "/instructor/content")
    row = html[html.index('href="/instructor/templates/web-tanh-bound"') :].split("</tr>")[0]
    assert "1 warning" in row
    other = html[html.index('href="/instructor/templates/web-bounded"') :].split("</tr>")[0]
    assert "valid" in other
    assert "question has no explanation" in text(html)


def test_questions_are_grouped_by_lesson_and_named_by_their_first_line(
    instructor: FlaskClient,
) -> None:
    html = page(instructor, "/instructor/content")
    assert html.count('<details class="content-file') == 2  # one collapsible section per lesson
    assert "<summary><h2" in html and "Gradients in small networks <code>" in html
    assert "A …-layer sigmoid network of width … has gain …." in html
    assert "What is the largest value of the sigmoid derivative?" in html
    assert " open>" not in html  # healthy lessons start closed: the page is a list of lessons
