"""The slow half of a template preview: `content check`'s findings and the answer over 100 seeds.

Generating a hundred variants runs hundreds of simulations, seconds for small networks and a few
minutes for the heaviest templates: far too long for a request. So a report is computed once per
(template content, engine version, seed count) by a job on the task queue (`quizsvc worker`),
never in a thread of a web worker, and then kept as JSON under the instance folder, where every
worker and every restart finds it; a content edit changes the content hash and so asks for a new
report. Until it is ready the page shows the progress the job writes beside it. A job whose
worker died mid-run stops writing progress; after LEASE_SECONDS the page asks for it again.

The checks are `quizsvc.quiz.checks.check_template`, the very function `quizsvc content check`
runs, with the command's default number of seeds, so the page and the command agree.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from quizsvc.analytics.answers import answer_of
from quizsvc.content import Problem, QuestionTemplate
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


@dataclass(frozen=True)
class _State:
    """A report's run, as its progress file says: written by the worker, read by the pages."""

    done: int
    running: bool
    error: str
    beat: float  # time.time() of the last progress

    def stale(self) -> bool:
        return self.running and time.time() - self.beat > LEASE_SECONDS


class ReportJobs:
    """Reports on disk, and their runs on the task queue (`Background.compute_report`)."""

    def __init__(self, directory: Path, seeds: int) -> None:
        self.directory = directory
        self.seeds = seeds

    def key(self, template: QuestionTemplate) -> str:
        return figure_key(
            "report", REPORT_FORMAT, template.id, template.content_hash, ENGINE_VERSION, self.seeds
        )

    def get(self, template: QuestionTemplate) -> Report | Pending:
        """The report if it is ready; otherwise its progress, asking for a run when none is
        going (never asked, failed last time, or its worker went silent)."""
        key = self.key(template)
        report = self._load(key)
        if report is not None:
            return report
        state = self._state(key)
        if state is None or not state.running or state.stale():
            error = state.error if state else ""
            self._write_state(key, _State(0, True, error, time.time()))
            background().compute_report(template.id, self.seeds)
            report = self._load(key)  # ready already when jobs run immediately
            if report is not None:
                return report
            state = self._state(key)
        return self._pending(state)

    def wait(self, template: QuestionTemplate, timeout: float) -> Report | Pending:
        """Ask for the report and wait until its run ends, for at most ``timeout`` seconds
        (tests, scripts). Returns the report, or, after a failed run, its progress and error."""
        result = self.get(template)
        key = self.key(template)
        deadline = time.monotonic() + timeout
        while isinstance(result, Pending) and time.monotonic() < deadline:
            time.sleep(0.1)
            state = self._state(key)
            result = self._load(key) or self._pending(state)
            if state is not None and not state.running:
                break
        return result

    def run(self, template: QuestionTemplate) -> None:
        """Compute and keep the report (the queue's job): progress after every seed, the
        error for the page when it fails. Running it twice writes the same report twice."""
        key = self.key(template)
        if self._load(key) is not None:
            return

        def progress(done: int) -> None:
            self._write_state(key, _State(done, True, "", time.time()))

        try:
            self._store(key, compute_report(template, self.seeds, progress))
        except Exception as exc:  # shown on the page; the next visit tries again
            logger.exception("template report failed: %s", template.id)
            self._write_state(key, _State(0, False, f"{type(exc).__name__}: {exc}", time.time()))
            raise
        self._state_path(key).unlink(missing_ok=True)

    def _pending(self, state: _State | None) -> Pending:
        total = CHECK_SEEDS + self.seeds
        if state is None:
            return Pending(0, total)
        return Pending(state.done, total, state.error)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def _state_path(self, key: str) -> Path:
        return self.directory / f"{key}.state"

    def _state(self, key: str) -> _State | None:
        try:
            return _State(**json.loads(self._state_path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _write_state(self, key: str, state: _State) -> None:
        self._write(self._state_path(key), asdict(state))

    def _load(self, key: str) -> Report | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            data["failures"] = [tuple(f) for f in data["failures"]]
            return Report(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing, or half-written by a crashed worker

    def _store(self, key: str, report: Report) -> None:
        self._write(self._path(key), asdict(report))

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)


def report_jobs(app: Flask | None = None) -> ReportJobs:
    app = app or current_app
    jobs: ReportJobs | None = app.extensions.get(EXTENSION_KEY)
    if jobs is None:
        settings = Settings.of(app)
        jobs = app.extensions.setdefault(
            EXTENSION_KEY,
            ReportJobs(settings.template_report_dir, settings.template_report_seeds),
        )
    return jobs
