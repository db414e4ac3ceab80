"""A template that cannot make a variant costs the learner that question, never a server error.

The attempt tries other seeds, logs each failure, leaves the template out, and says so plainly
when no question at all could be prepared.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.quiz.simcache import SIM_CACHE
from quizsvc.services.attempts.start import GENERATION_TRIES
from tests.web.helpers import FIXTURE_CONTENT, LESSON, OTHER_LESSON, signup, start, stored_questions

# 10**300 squared four times has 4,800 digits: over the sandbox's limits, and before them too
# long for Python to print, which raised ValueError out of the prompt and made a 500.
OVERFLOW = """
```question
id: {id}
kind: numeric
objectives: [derivative-bounds]
difficulty: 1
values:
  v0: 10 ** 300
  v1: v0 * v0
  v2: v1 * v1
  v3: v2 * v2
  v4: v3 * v3
prompt: "Is {{{{ v4 }}}} a number?"
answer:
  value: 1
explanation: It is far too large to work with.
```
"""
BROKEN_LESSON = """---
id: web-broken
title: A lesson whose only question cannot be generated
summary: Every variant overflows.
order: 3
objectives:
  - id: derivative-bounds
    text: Unused.
---

# Broken
""" + OVERFLOW.format(id="web-broken-overflow")


@pytest.fixture
def content(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    with (folder / "02-facts.md").open("a", encoding="utf-8") as facts:
        facts.write(OVERFLOW.format(id="web-overflow"))
    (folder / "03-broken.md").write_text(BROKEN_LESSON, encoding="utf-8")
    app.config["CONTENT_DIR"] = str(folder)
    return folder


def failures(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "fields", {}).get("event") == event]


def test_a_failing_template_is_left_out_after_trying_other_seeds(
    client: FlaskClient, app: Flask, content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    signup(client)
    attempt_id = start(client, OTHER_LESSON)
    assert {q.template_id for q in stored_questions(app, attempt_id)} == {
        "web-sigmoid-bound", "web-bounded", "web-tanh-bound"
    }  # fmt: skip
    logged = failures(caplog, "variant_failed")
    assert len(logged) == GENERATION_TRIES
    assert {r.fields["template"] for r in logged} == {"web-overflow"}  # type: ignore[attr-defined]
    assert len({r.fields["seed"] for r in logged}) == GENERATION_TRIES  # type: ignore[attr-defined]
    assert "'v2 * v2': a whole number of 7,973 bits" in logged[0].fields["error"]  # type: ignore[attr-defined]


def test_when_no_question_can_be_prepared_the_learner_is_told(
    client: FlaskClient, content: Path
) -> None:
    signup(client)
    response = client.post("/lessons/web-broken/attempts", data={"mode": "practice"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "We could not prepare these questions right now" in html
    assert "Traceback" not in html and "v2 * v2" not in html


def test_an_engine_failure_costs_the_questions_it_breaks_not_the_attempt(
    client: FlaskClient,
    app: Flask,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_engine(config: object) -> object:
        raise RuntimeError("the engine failed")

    monkeypatch.setattr(SIM_CACHE, "get", broken_engine)
    signup(client)
    attempt_id = start(client, LESSON)
    # The questions that read a simulation fail; the two that read none are asked.
    assert {q.template_id for q in stored_questions(app, attempt_id)} == {
        "web-true-facts", "web-pick-plot"
    }  # fmt: skip
    crashed = failures(caplog, "variant_crashed")
    assert len(crashed) == 3 * GENERATION_TRIES
    assert all(r.exc_info and r.exc_info[0] is RuntimeError for r in crashed)
