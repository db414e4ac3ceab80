"""Instructors' template reports live in the database: two app instances on one database (each
its own queue, as two hosts without a shared Redis would be the worst case) see one report,
one run and its progress, and a run whose worker went silent is asked for again by either."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from quizsvc.db import get_db
from quizsvc.jobs import jobs_of
from quizsvc.progress.models import utcnow
from quizsvc.progress.pool_models import StoredReport
from quizsvc.services import catalog
from quizsvc.services.template_report import LEASE_SECONDS, Pending, Report, report_jobs
from tests.support.database import make_app
from tests.support.site import configure

TEMPLATE = "web-ratio"
SEEDS = 3


def instance(database_url: str, tmp_path: Path, name: str) -> Flask:
    """An app as another host runs it: the same database, its own disk and (SQLite) queue
    that nothing consumes, so a run asked for stays asked for."""
    app = configure(make_app(database_url), tmp_path / f"{name}-figures")
    app.config.update(
        JOBS_IMMEDIATE=False,
        JOBS_FILE=str(tmp_path / f"{name}-jobs.sqlite3"),
        TEMPLATE_REPORT_SEEDS=SEEDS,
    )
    return app


@pytest.fixture
def pair(app: Flask, tmp_path: Path) -> list[Flask]:
    url = app.config["DATABASE_URL"]
    apps = [instance(url, tmp_path, "a"), instance(url, tmp_path, "b")]
    yield apps  # type: ignore[misc]
    for each in apps:
        get_db(each).engine.dispose()


def ask(app: Flask) -> Report | Pending:
    with app.app_context():
        return report_jobs().get(catalog.template(TEMPLATE))


def queued(app: Flask) -> int:
    return jobs_of(app).pending()


def test_one_run_is_asked_for_and_both_see_its_progress_and_report(pair: list[Flask]) -> None:
    a, b = pair
    assert isinstance(ask(a), Pending)
    assert isinstance(ask(b), Pending)  # the other instance sees the run a asked for ...
    assert (queued(a), queued(b)) == (1, 0)  # ... and does not ask again
    progress: list[int] = []
    with a.app_context():  # a's worker runs the job; b's page polls meanwhile
        jobs = report_jobs()
        template = catalog.template(TEMPLATE)
        original = jobs._write

        def write_and_look(key: str, template_id: str, **values: object) -> None:
            original(key, template_id, **values)
            seen = ask(b)
            if isinstance(seen, Pending):
                progress.append(seen.done)

        jobs._write = write_and_look  # type: ignore[method-assign]
        jobs.run(template)
    assert progress and progress == sorted(progress) and progress[-1] > 0
    done = ask(b)
    assert isinstance(done, Report) and done.seeds == SEEDS and len(done.outcomes) == SEEDS
    assert ask(a) == done
    assert queued(b) == 0  # b served the report a's worker computed


def test_two_instances_asking_at_once_queue_one_run(pair: list[Flask]) -> None:
    barrier = threading.Barrier(2)
    results: list[object] = []

    def page(app: Flask) -> None:
        barrier.wait()
        results.append(ask(app))

    threads = [threading.Thread(target=page, args=(app,)) for app in pair]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, Pending) for r in results)
    assert sum(queued(app) for app in pair) == 1


def test_a_run_gone_silent_is_asked_for_again_by_the_other_instance(pair: list[Flask]) -> None:
    a, b = pair
    assert isinstance(ask(a), Pending) and queued(a) == 1
    assert isinstance(ask(b), Pending) and queued(b) == 0  # a's run is beating
    with a.app_context():
        key = report_jobs().key(catalog.template(TEMPLATE))
        with get_db(a).engine.begin() as conn:  # a's worker died long ago
            conn.execute(
                update(StoredReport)
                .where(StoredReport.key == key)
                .values(beat=utcnow() - timedelta(seconds=LEASE_SECONDS + 1))
            )
    assert isinstance(ask(b), Pending) and queued(b) == 1
    assert isinstance(ask(a), Pending) and queued(a) == 1  # b's new run holds the lease


def test_a_failed_run_shows_its_error_to_both_and_is_tried_again(
    pair: list[Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    import quizsvc.services.template_report as module

    def boom(*_: object, **__: object) -> Report:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(module, "compute_report", boom)
    a, b = pair
    assert isinstance(ask(a), Pending)
    with a.app_context(), pytest.raises(RuntimeError):
        report_jobs().run(catalog.template(TEMPLATE))
    seen = ask(b)  # the page of the other instance shows why, and asks for a new try
    assert isinstance(seen, Pending) and "the engine broke" in seen.error
    assert queued(b) == 1
