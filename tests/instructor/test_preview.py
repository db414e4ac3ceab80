"""Template previews: any seed, stepping through seeds, parameters, key, figures, checks and
the answer over many seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.cli.content import content_group
from quizsvc.content import load_catalog
from quizsvc.db import get_db
from quizsvc.quiz import generate
from quizsvc.services.template_report import Pending, Report, ReportJobs, report_jobs
from tests.instructor.conftest import REPORT_SEEDS
from tests.instructor.helpers import text
from tests.support.site import page
from tests.web.helpers import FIXTURE_CONTENT


def report(app: Flask, template_id: str) -> Report:
    with app.app_context():
        from quizsvc.services import catalog

        result = report_jobs().wait(catalog.template(template_id), timeout=120)
    assert isinstance(result, Report), result
    return result


def test_a_seed_shows_its_parameters_key_figure_and_neighbours(
    app: Flask, instructor: FlaskClient
) -> None:
    template = load_catalog(FIXTURE_CONTENT).template("web-ratio")
    variant = generate(template, 3)
    html = page(instructor, "/instructor/templates/web-ratio?seed=3")
    shown = text(html)
    for name in ("depth", "width", "gain"):
        assert f"{name} {variant.params[name]:.4g}" in shown
    assert "ratio" in shown and "Derived values" in shown  # values computed from the networks
    assert variant.answer_key["display"] in shown and "accepted within 5 %" in shown
    assert "You divided the last layer by the first." in shown  # a misconception's feedback
    assert "The ratio is" in shown  # the explanation
    assert html.count("<svg") >= 1 and 'role="img"' in html
    assert 'href="/instructor/templates/web-ratio?seed=2"' in html
    assert 'href="/instructor/templates/web-ratio?seed=4"' in html
    assert f"{template.path}:{template.line}" in shown


def test_choices_are_marked_with_their_feedback(instructor: FlaskClient) -> None:
    variant = generate(load_catalog(FIXTURE_CONTENT).template("web-pick-plot"), 0)
    html = page(instructor, "/instructor/templates/web-pick-plot?seed=0")
    (correct,) = variant.answer_key["correct"]
    assert f"{correct} · correct" in text(html)
    assert "Its norms shrink towards the input." in html
    assert html.count("<svg") >= 2  # both options drawn


def test_an_ordering_preview_shows_the_correct_order(instructor: FlaskClient) -> None:
    shown = text(page(instructor, "/instructor/templates/web-order?seed=0"))
    assert "Correct order (descending)" in shown


def test_bad_seeds_and_unknown_templates_are_explained(instructor: FlaskClient) -> None:
    assert "A seed is a whole number" in page(
        instructor, "/instructor/templates/web-ratio?seed=x", 400
    )
    page(instructor, f"/instructor/templates/web-ratio?seed={2**31}", 400)
    page(instructor, "/instructor/templates/no-such-question", 404)


def test_the_report_shows_progress_then_the_answer_over_seeds(
    app: Flask, instructor: FlaskClient
) -> None:
    first = page(instructor, "/instructor/templates/web-ratio")
    if "of 11 done" in first:  # still running: the page says so and reloads once it is done
        assert "data-reload-when-done" in first
    done = report(app, "web-ratio")
    assert len(done.outcomes) + len(done.failures) == REPORT_SEEDS
    html = page(instructor, "/instructor/templates/web-ratio")
    assert "data-reload-when-done" not in html
    assert f"Histogram of the answer over {REPORT_SEEDS} seeds" in html
    assert "found nothing in seeds 0–4" in text(html)


def test_a_choice_template_shows_which_choice_is_correct_over_seeds(
    app: Flask, instructor: FlaskClient
) -> None:
    page(instructor, "/instructor/templates/web-which-smaller")
    done = report(app, "web-which-smaller")
    assert all(isinstance(o, str) and o.startswith("The ") for o in done.outcomes)
    assert f"of {REPORT_SEEDS}" in text(page(instructor, "/instructor/templates/web-which-smaller"))


def test_the_default_is_a_hundred_seeds_and_reports_are_kept(
    app: Flask, instructor: FlaskClient, tmp_path: Path
) -> None:
    app.config["TEMPLATE_REPORT_SEEDS"] = 100
    app.extensions.pop("quizsvc.template_reports", None)
    page(instructor, "/instructor/templates/web-bounded")
    done = report(app, "web-bounded")
    assert done.seeds == 100 and len(done.outcomes) == 100
    assert done.chart_alt == "Correct answer over 100 seeds: sigmoid + tanh: 100 of 100."
    with app.app_context():
        from quizsvc.services import catalog

        fresh = ReportJobs(get_db(app).engine, 100)
        assert fresh.get(catalog.template("web-bounded")) == done  # no recomputation


BROKEN = """
```question
id: web-broken
kind: numeric
objectives: [sigmoid-peak]
difficulty: 1
params:
  k: {int: [0, 3]}
values:
  half: 1 / (k - 1)
prompt: What is {{ half }}?
answer:
  value: =half
  tolerance: {relative: 0.05}
misconceptions:
  - value: =half * 1.01
    feedback: Almost.
explanation: It is {{ half }}.
```
"""


def test_check_findings_and_failing_seeds_match_the_command_line(
    app: Flask, instructor: FlaskClient, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    with (content / "02-facts.md").open("a", encoding="utf-8") as handle:
        handle.write(BROKEN)
    app.config["CONTENT_DIR"] = str(content)
    page(instructor, "/instructor/templates/web-broken")
    done = report(app, "web-broken")

    cli = CliRunner().invoke(
        content_group, ["check", "--seeds", "5", "--jobs", "1", "--content-dir", str(content)]
    )
    printed = [line for line in cli.output.splitlines() if "web-broken" in line]
    assert printed and any("would be graded correct" in line for line in printed)
    html = text(page(instructor, "/instructor/templates/web-broken"))
    for line in printed:
        assert line in html
    assert done.failures and "Seeds that make no variant" in html

    seed = done.failures[0][0]
    shown = text(page(instructor, f"/instructor/templates/web-broken?seed={seed}"))
    assert "This seed makes no variant" in shown and "02-facts.md:" in shown


def test_a_failed_report_is_shown_and_tried_again(
    app: Flask, instructor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quizsvc.services.template_report as module

    def boom(*_: object, **__: object) -> Report:
        raise RuntimeError("engine on fire")

    monkeypatch.setattr(module, "compute_report", boom)
    with app.app_context():
        from quizsvc.services import catalog

        template = catalog.template("web-tanh-bound")
        failed = report_jobs().wait(template, timeout=30)
        assert isinstance(failed, Pending) and "engine on fire" in failed.error
        assert "engine on fire" in text(page(instructor, "/instructor/templates/web-tanh-bound"))
        monkeypatch.undo()
        tries = [report_jobs().wait(template, timeout=60) for _ in range(3)]
        assert isinstance(tries[-1], Report)  # a try that started before the fix fails too


def test_seeds_side_by_side(instructor: FlaskClient) -> None:
    single = page(instructor, "/instructor/templates/web-ratio?seed=3")
    assert 'href="/instructor/templates/web-ratio/seeds?seed=3"' in single
    html = page(instructor, "/instructor/templates/web-ratio/seeds?seed=3")
    assert html.count('class="seed-column"') == 4
    for seed in range(3, 7):
        assert f'<a href="/instructor/templates/web-ratio?seed={seed}">Seed {seed}</a>' in html
    assert html.count("<dt><code>depth</code></dt>") == 4  # each column's own parameters
    assert 'href="/instructor/templates/web-ratio/seeds?seed=7"' in html
