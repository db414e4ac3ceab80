"""Two app instances and a real `quizsvc worker` on one database and queue (PostgreSQL and
Redis when the suite has them, else SQLite files): a worker killed mid-fill loses nothing, a
new one finishes the pools, learners whose requests alternate between the instances get every
figure without either instance drawing one, and the pools refill after their starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from quizsvc import migrate
from quizsvc.db import get_session
from quizsvc.progress.models import Response
from quizsvc.services import accounts, pools, tokens
from tests.support.database import (
    POSTGRES_URL,
    create_postgres_schema,
    drop_postgres_schema,
    make_app,
)
from tests.support.site import FIXTURE_CONTENT, TEST_HASH_METHOD
from tests.web.helpers import LESSON, PASSWORD

REDIS_URL = os.environ.get("QUIZSVC_TEST_REDIS_URL")
TARGET = 2
REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("workers")]


@dataclass(frozen=True)
class Backend:
    config: dict[str, object]  # QUIZSVC_* settings every instance and worker shares

    def environ(self, figures: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZSVC_")}
        env.update({f"QUIZSVC_{k}": str(v) for k, v in self.config.items()})
        env["QUIZSVC_FIGURE_CACHE_DIR"] = str(figures)
        env["QUIZSVC_SECRET_KEY"] = "test-secret-key-not-for-production"
        return env


# The production shape when the suite has it; SQLite files (the embedded default) otherwise.
SHARED = "postgres+redis" if POSTGRES_URL and REDIS_URL else "sqlite"


@pytest.fixture(params=[SHARED])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    queue = f"quizsvc-test-{uuid.uuid4().hex[:10]}"
    config: dict[str, object] = {
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "POOL_PER_TEMPLATE": TARGET,
        "JOBS_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
    }
    schema = None
    if request.param == "sqlite":
        config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        config["JOBS_FILE"] = str(tmp_path / "jobs.sqlite3")
    else:
        schema, config["DATABASE_URL"] = create_postgres_schema("qscale")
        config["REDIS_URL"] = REDIS_URL
    app = make_app(str(config["DATABASE_URL"]))
    migrate.upgrade(app)
    app.extensions["quizsvc.db"].engine.dispose()
    yield Backend(config)
    if schema:
        drop_postgres_schema(schema)
        client = redis.Redis.from_url(str(REDIS_URL))
        for key in client.scan_iter(f"huey.*{queue}*"):
            client.delete(key)


def instance(backend: Backend, figures: Path) -> Flask:
    """A web instance: its own process memory and disk cache, the shared database and queue."""
    return make_app(
        str(backend.config["DATABASE_URL"]),
        **{k: v for k, v in backend.config.items() if k != "DATABASE_URL"},
        FIGURE_CACHE_DIR=str(figures),
        PASSWORD_HASH_METHOD=TEST_HASH_METHOD,
    )


def start_worker(backend: Backend, figures: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "quizsvc.cli", "worker"],
            cwd=REPO, env=backend.environ(figures), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def wait_for(what: str, check: Callable[[], bool], log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout} s; worker log:\n{log.read_text()}")
        time.sleep(0.1)


def pooled(app: Flask) -> int:
    """Ready variants of the lesson's pools (a worker's start-up fills every lesson's)."""
    with app.app_context():
        return sum(depth.ready for depth in pools.status(TARGET, LESSON))


def short(app: Flask) -> dict[str, int]:
    with app.app_context():
        return pools.deficits(TARGET, LESSON)


RESPONSES: dict[str, Callable[[list[str]], Any]] = {
    "numeric": lambda ids: "1",
    "single": lambda ids: ids[0],
    "plot_choice": lambda ids: ids[0],
    "multiple": lambda ids: ids[:1],
    "ordering": lambda ids: ids,
}


def learner_token(app: Flask, email: str) -> str:
    with app.app_context():
        user = accounts.create_user(email, PASSWORD, hash_method=TEST_HASH_METHOD)
        return tokens.create_token(user, "scale-out test")[1]


def take_the_quiz(clients: list[FlaskClient], token: str) -> int:
    """Start on one instance, then alternate every request between the instances: each
    question, each of its figures, each answer. Returns the number of answers sent."""
    turn = iter(range(10**6))
    auth = {"Authorization": f"Bearer {token}"}

    def call(method: str, path: str, **kwargs: Any) -> TestResponse:
        client = clients[next(turn) % len(clients)]
        return client.open(path, method=method, headers=auth, **kwargs)

    started = call("POST", "/api/v1/attempts", json={"lesson_id": LESSON, "mode": "exam"})
    assert started.status_code == 201, started.get_json()
    attempt = started.get_json()
    for status in attempt["questions"]:
        path = f"/api/v1/attempts/{attempt['id']}/questions/{status['position']}"
        question = call("GET", path).get_json()
        for figure in question["figures"]:
            drawn = call("GET", figure["url"])
            assert drawn.status_code == 200 and "<svg" in drawn.text
        ids = [choice["id"] for choice in question["choices"]]
        response = {"response": RESPONSES[question["kind"]](ids)}
        answered = call("POST", f"{path}/answer", json=response)
        assert answered.status_code == 201, answered.get_json()
    return len(attempt["questions"])


def test_instances_and_a_killed_worker_lose_nothing(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "worker.log"
    first, second = instance(backend, tmp_path / "a"), instance(backend, tmp_path / "b")
    result = first.test_cli_runner().invoke(args=["pool", "fill", "--lesson", LESSON])
    assert result.exit_code == 0, result.output
    wanted = sum(short(first).values())
    assert wanted == 5 * TARGET

    worker = start_worker(backend, tmp_path / "worker", log)
    try:
        wait_for("a first pooled variant", lambda: pooled(first) >= 1, log)
        worker.send_signal(signal.SIGKILL)  # mid-fill: its job is gone from the queue
        worker.wait(timeout=30)
        assert 1 <= pooled(first) < wanted
        worker = start_worker(backend, tmp_path / "worker", log)
        wait_for("the pools filled by a new worker", lambda: not short(first), log)
        assert pooled(first) == wanted

        import quizsvc.services.figures as figures

        drawn: list[object] = []
        real = figures.render_variant_figure
        monkeypatch.setattr(
            figures, "render_variant_figure", lambda *a: drawn.append(a) or real(*a)
        )
        answers = 0
        for n in range(TARGET):
            token = learner_token(first, f"learner{n}@example.org")
            clients = [first.test_client(), second.test_client()]
            answers += take_the_quiz(clients if n % 2 == 0 else clients[::-1], token)
        assert drawn == []  # every figure came from the shared store, on both instances
        with first.app_context():
            assert get_session().scalar(select(func.count(Response.id))) == answers
        wait_for("the pools refilled after the starts", lambda: not short(second), log)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        for app in (first, second):
            app.extensions["quizsvc.db"].engine.dispose()
