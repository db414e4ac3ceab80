"""Helpers shared by the web, API and browser tests: a learner's actions and the stored keys.

Tests answer correctly by reading the answer key from the database, as only the server can;
the browser and the API never see it before answering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, AttemptQuestion, Response
from tests.support.database import make_app
from tests.support.site import FIXTURE_CONTENT as FIXTURE_CONTENT  # where tests look for it
from tests.support.site import configure

LESSON = "web-gradients"  # every question kind, tiny networks
OTHER_LESSON = "web-facts"  # questions without simulations
PASSWORD = "correct horse battery"


@contextmanager
def sibling_app(app: Flask, **overrides: object) -> Iterator[Flask]:
    """Another app on the test's database with different settings (e.g. rate limits on),
    like a second server process or the same server after a restart."""
    other = configure(make_app(app.config["DATABASE_URL"], **overrides),
                      Path(app.config["FIGURE_CACHE_DIR"]))  # fmt: skip
    try:
        yield other
    finally:
        other.extensions["quizsvc.db"].engine.dispose()


def signup(client: FlaskClient, email: str = "ada@example.org", name: str = "Ada") -> None:
    response = client.post(
        "/signup", data={"email": email, "password": PASSWORD, "display_name": name}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def login(client: FlaskClient, email: str = "ada@example.org") -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def start(client: FlaskClient, lesson_id: str = LESSON, mode: str = "practice") -> int:
    response = client.post(f"/lessons/{lesson_id}/attempts", data={"mode": mode})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/attempts/(\d+)/questions/1$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def stored_questions(app: Flask, attempt_id: int) -> list[AttemptQuestion]:
    with app.app_context():
        query = (
            select(AttemptQuestion)
            .where(AttemptQuestion.attempt_id == attempt_id)
            .order_by(AttemptQuestion.position)
        )
        return list(get_session().scalars(query))


def position_of(app: Flask, attempt_id: int, kind: str) -> int:
    for question in stored_questions(app, attempt_id):
        if question.variant["kind"] == kind:
            return question.position
    raise AssertionError(f"no {kind} question in attempt {attempt_id}")


def variant_of(app: Flask, attempt_id: int, position: int) -> dict[str, Any]:
    return stored_questions(app, attempt_id)[position - 1].variant


def correct_response(variant: dict[str, Any]) -> Any:
    key = variant["answer_key"]
    kind = variant["kind"]
    if kind == "numeric":
        return repr(key["value"])
    if kind in ("single", "plot_choice"):
        return key["correct"][0]
    if kind == "multiple":
        return list(key["correct"])
    return list(key["order"])


def wrong_response(variant: dict[str, Any]) -> Any:
    key = variant["answer_key"]
    kind = variant["kind"]
    ids = [c["id"] for c in variant["choices"]]
    if kind == "numeric":
        # A thousand times the key or more, away from zero (a key of -1 made "key * 1000 + 1000"
        # exactly 0) and from every misconception (whose feedback would replace "how far off").
        value = key["value"]
        traps = [m["value"] for m in key.get("misconceptions", [])]
        for factor in (10.0**k for k in range(3, 12)):
            wrong = value * factor + (factor if value >= 0 else -factor)
            if all(abs(wrong - trap) > abs(trap) / 2 for trap in traps):
                return repr(wrong)
        raise AssertionError(f"no wrong number clear of the misconceptions {traps}")
    if kind in ("single", "plot_choice"):
        return next(i for i in ids if i not in key["correct"])
    if kind == "multiple":
        return [i for i in ids if i not in key["correct"]]
    return list(reversed(key["order"]))


def form_data(variant: dict[str, Any], response: Any) -> dict[str, Any]:
    """The answer form's fields for `response` (what a browser would post)."""
    kind = variant["kind"]
    if kind == "numeric":
        return {"answer": response}
    if kind in ("single", "plot_choice", "multiple"):
        return {"choice": response}
    return {f"rank-{item}": str(rank) for rank, item in enumerate(response, start=1)}


def answer(
    client: FlaskClient, app: Flask, attempt_id: int, position: int, *, right: bool = True
) -> Any:
    variant = variant_of(app, attempt_id, position)
    response = correct_response(variant) if right else wrong_response(variant)
    return client.post(
        f"/attempts/{attempt_id}/questions/{position}", data=form_data(variant, response)
    )


def responses(app: Flask, attempt_id: int) -> list[Response]:
    with app.app_context():
        query = (
            select(Response)
            .join(AttemptQuestion)
            .where(AttemptQuestion.attempt_id == attempt_id)
            .order_by(Response.id)
        )
        return list(get_session().scalars(query))


def attempt_row(app: Flask, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = get_session().get(Attempt, attempt_id)
        assert attempt is not None
        return attempt
