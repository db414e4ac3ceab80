"""The slow half of a template preview: `content check`'s findings and the answer over 100 seeds.

Generating a hundred variants runs hundreds of simulations, seconds for small networks and a few
minutes for the heaviest templates: far too long for a request. So a report is computed once per
(template content, engine version, seed count) by a job on the task queue (`quizsvc worker`),
never in a thread of a web worker, and then kept in the database (table template_report), where
every instance, worker and restart finds it; a content edit changes the content hash and so asks
for a new report. Until it is ready the page shows the progress the job writes beside it. A job
whose worker died mid-run stops writing progress; after LEASE_SECONDS the page asks for it again.

The checks are `quizsvc.quiz.checks.check_template`, the very function `quizsvc content check`
runs, with the command's default number of seeds, so the page and the command agree.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import Table, delete, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizsvc.analytics.answers import answer_of
from quizsvc.content import Problem, QuestionTemplate
from quizsvc.db import get_db
from quizsvc.progress.models import utcnow
from quizsvc.progress.pool_models import StoredReport
from quizsvc.quiz.checks import check_template
from quizsvc.quiz.generate import VariantError, build
from quizsvc.services.background import background
from quizsvc.services.figures import figure_key
from quizsvc.settings import Settings
from quizsvc.sim import ENGINE_VERSION

logger = logging.getLogger("quizsvc.instructor")

EXTENSION_KEY = "quizsvc.template_reports"
CHECK_SEEDS = 5  # `quizsvc content check --seeds` default
CHECK_RENDER_SEEDS = 2  # `quizsvc content check --render-seeds` default
REPORT_FORMAT = 2  # bumped when stored reports change meaning (2: readable answer labels)


@dataclass(frozen=True)
class Report:
    """What generating a template's variants over many seeds showed."""

    template_id: str
    content_hash: str
    seeds: int
    outcomes: list[float | str]  # the answer of every seed that made a variant
    failures: list[tuple[int, str]]  # (seed, why no variant) for the others
    problems: list[dict[str, Any]]  # `content check` findings, as Problem.to_dict()
    chart_svg: str
    chart_alt: str
    seconds: float

    def problem_list(self) -> list[Problem]:
        return [Problem(**p) for p in self.problems]


@dataclass(frozen=True)
class Pending:
    done: int
    total: int
    error: str = ""  # why the previous run failed (this one is a new try)


def compute_report(
    template: QuestionTemplate, seeds: int, progress: Callable[[int], None] = lambda _: None
) -> Report:
    """Run the checks, then generate ``seeds`` variants and draw how their answer is spread."""
    # matplotlib (about a second to import) loads with the first chart, not with create_app.
    from quizsvc.analytics.charts import answer_chart

    start = time.perf_counter()
    checked = check_template(template, CHECK_SEEDS, CHECK_RENDER_SEEDS)
    progress(CHECK_SEEDS)
    outcomes: list[float | str] = []
    failures: list[tuple[int, str]] = []
    for seed in range(seeds):
        try:
            outcomes.append(answer_of(template, build(template, seed)))
        except VariantError as exc:
            failures.append((seed, f"{template.path}:{exc.line}: {exc}"))
        except Exception as exc:  # an engine bug in one seed must not lose the other 99
            failures.append((seed, f"generation failed: {exc!r}"))
        progress(CHECK_SEEDS + seed + 1)
    chart = answer_chart(outcomes, len(failures))
    return Report(
        template_id=template.id,
        content_hash=template.content_hash,
        seeds=seeds,
        outcomes=outcomes,
        failures=failures,
        problems=[p.to_dict() for p in checked.problems],
        chart_svg=chart.data.decode(),
        chart_alt=chart.alt,
        seconds=time.perf_counter() - start,
    )


# A running report writes its progress after every seed; one silent this long lost its worker
# (killed, or its host gone), and the next visit of the page asks for it again.
LEASE_SECONDS = 180.0


class ReportJobs:
    """Reports in the database (table template_report), and their runs on the task queue
    (`Background.compute_report`).

    Every web instance and worker sees the same rows: a report computed once is served by
    all, and a run asked for by one instance is not asked for again by another while its
    progress keeps beating. Asking is a lease taken in one statement (an INSERT, or an UPDATE
    of a row that is not running or went silent), so two instances asking at the same moment
    queue one run. Each read and write is its own short transaction on the app's engine, never
    the request's session: progress must be visible while the job runs, and a page's asking
    must not wait for the request to commit.
    """

    def __init__(self, engine: Engine, seeds: int) -> None:
        self.engine = engine
        self.seeds = seeds

    def with_seeds(self, seeds: int) -> ReportJobs:
        return type(self)(self.engine, seeds)

    def key(self, template: QuestionTemplate) -> str:
        return figure_key(
            "report", REPORT_FORMAT, template.id, template.content_hash, ENGINE_VERSION, self.seeds
        )

    def get(self, template: QuestionTemplate) -> Report | Pending:
        """The report if it is ready; otherwise its progress, asking for a run when none is
        going (never asked, failed last time, or its worker went silent)."""
        key = self.key(template)
        row = self._row(key)
        if row is not None and row.report is not None:
            return _report(row.report)
        if self._lease(key, template.id):
            background().compute_report(template.id, self.seeds)
            row = self._row(key)  # ready already when jobs run immediately
            if row is not None and row.report is not None:
                return _report(row.report)
        return self._pending(row)

    def wait(self, template: QuestionTemplate, timeout: float) -> Report | Pending:
        """Ask for the report and wait until its run ends, for at most ``timeout`` seconds
        (tests, scripts). Returns the report, or, after a failed run, its progress and error."""
        result = self.get(template)
        key = self.key(template)
        deadline = time.monotonic() + timeout
        while isinstance(result, Pending) and time.monotonic() < deadline:
            time.sleep(0.1)
            row = self._row(key)
            if row is not None and row.report is not None:
                return _report(row.report)
            result = self._pending(row)
            if row is not None and not row.running:
                break
        return result

    def run(self, template: QuestionTemplate) -> None:
        """Compute and keep the report (the queue's job): progress after every seed, the
        error for the page when it fails. Running it twice writes the same report twice."""
        key = self.key(template)
        row = self._row(key)
        if row is not None and row.report is not None:
            return

        def progress(done: int) -> None:
            self._write(key, template.id, done=done, running=True, error="")

        try:
            report = compute_report(template, self.seeds, progress)
        except Exception as exc:  # shown on the page; the next visit tries again
            logger.exception("template report failed: %s", template.id)
            self._write(
                key, template.id, done=0, running=False, error=f"{type(exc).__name__}: {exc}"
            )
            raise
        self._write(key, template.id, done=CHECK_SEEDS + self.seeds, running=False, error="",
                    report=asdict(report))  # fmt: skip

    def _pending(self, row: StoredReport | None) -> Pending:
        total = CHECK_SEEDS + self.seeds
        if row is None:
            return Pending(0, total)
        return Pending(row.done, total, row.error)

    def _row(self, key: str) -> StoredReport | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(StoredReport, key)

    def _lease(self, key: str, template_id: str) -> bool:
        """Take the run of `key` for a new try; False while another run holds it (it is
        running and its progress beat within LEASE_SECONDS) or the report is there."""
        now = utcnow()
        table = cast(Table, StoredReport.__table__)
        try:
            with self.engine.begin() as conn:
                conn.execute(table.insert().values(
                    key=key, template_id=template_id, report=None, done=0, running=True,
                    error="", beat=now))  # fmt: skip
            return True
        except IntegrityError:
            pass
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(StoredReport)
                .where(
                    StoredReport.key == key,
                    StoredReport.report.is_(None),
                    or_(
                        StoredReport.running.is_(False),
                        StoredReport.beat < now - timedelta(seconds=LEASE_SECONDS),
                    ),
                )
                .values(done=0, running=True, beat=now)  # the last error stays for the page
            ).rowcount
        return bool(taken)

    def _write(self, key: str, template_id: str, **values: Any) -> None:
        values["beat"] = utcnow()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(StoredReport).where(StoredReport.key == key).values(**values)
            ).rowcount
            if not changed:  # run directly, without a page asking first (scripts)
                values.setdefault("report", None)
                conn.execute(
                    cast(Table, StoredReport.__table__)
                    .insert()
                    .values(key=key, template_id=template_id, **values)
                )

    def forget(self, template: QuestionTemplate) -> None:
        """Drop the template's report (tests; a report to compute again)."""
        with self.engine.begin() as conn:
            conn.execute(delete(StoredReport).where(StoredReport.key == self.key(template)))


def _report(data: dict[str, Any]) -> Report:
    return Report(**{**data, "failures": [tuple(f) for f in data["failures"]]})


def report_jobs(app: Flask | None = None) -> ReportJobs:
    app = app or current_app
    jobs: ReportJobs | None = app.extensions.get(EXTENSION_KEY)
    if jobs is None:
        settings = Settings.of(app)
        jobs = app.extensions.setdefault(
            EXTENSION_KEY, ReportJobs(get_db(app).engine, settings.template_report_seeds)
        )
    return jobs
