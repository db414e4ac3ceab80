"""The queue itself (not run in place): one waiting fill per pool, lost fills asked again, and
a report whose worker went silent is asked for again."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

import quizsvc.jobs.queue as queue
from quizsvc.jobs import jobs_of
from quizsvc.progress.models import utcnow
from quizsvc.progress.pool_models import StoredReport
from quizsvc.services import catalog
from quizsvc.services.template_report import LEASE_SECONDS, Pending, report_jobs


@pytest.fixture
def queued(app: Flask, tmp_path: Path) -> Flask:
    """The test app with a real (SQLite) queue that nothing consumes."""
    app.config.update(
        JOBS_IMMEDIATE=False,
        JOBS_FILE=str(tmp_path / "jobs.sqlite3"),
        TEMPLATE_REPORT_SEEDS=3,
    )
    return app


def test_a_pool_has_at_most_one_waiting_fill(queued: Flask) -> None:
    jobs = jobs_of(queued)
    assert jobs.ask_fill("web-ratio", 2)
    assert not jobs.ask_fill("web-ratio", 2)  # already waiting
    assert jobs.ask_fill("web-ratio", 5)  # another target is another fill
    assert jobs.ask_fill("web-order", 2)
    assert jobs.pending() == 3


def test_a_fill_lost_with_its_worker_is_asked_again(
    queued: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = jobs_of(queued)
    assert jobs.ask_fill("web-ratio", 2)
    jobs.huey.storage.flush_queue()  # the message went with a killed worker; its marker stayed
    assert jobs.pending() == 0
    assert not jobs.ask_fill("web-ratio", 2)
    later = time.time() + queue.FILL_MARKER_SECONDS + 1
    monkeypatch.setattr(queue.time, "time", lambda: later)
    assert jobs.ask_fill("web-ratio", 2) and jobs.pending() == 1


def test_a_silent_report_is_asked_for_again(queued: Flask) -> None:
    with queued.app_context():
        template = catalog.template("web-ratio")
        reports = report_jobs()
        assert isinstance(reports.get(template), Pending)
        assert isinstance(reports.get(template), Pending)
        assert jobs_of(queued).pending() == 1  # asked once while it runs
        with reports.engine.begin() as conn:  # its worker died long ago
            conn.execute(
                update(StoredReport)
                .where(StoredReport.key == reports.key(template))
                .values(beat=utcnow() - timedelta(seconds=LEASE_SECONDS + 1))
            )
        assert isinstance(reports.get(template), Pending)
        assert jobs_of(queued).pending() == 2
