"""The slow half of a template preview: `content check`'s findings and the answer over 100 seeds.

Generating a hundred variants runs hundreds of simulations, seconds for small networks and a few
minutes for the heaviest templates: far too long for a request. So a report is computed once per
(template content, engine version, seed count) in a background thread and then kept as JSON under
the instance folder, where every worker and every restart finds it; a content edit changes the
content hash and so asks for a new report. Until it is ready the page shows progress.

The checks are `quizsvc.quiz.checks.check_template`, the very function `quizsvc content check`
runs, with the command's default number of seeds, so the page and the command agree.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
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


class ReportJobs:
    """Reports on disk, and the background threads that compute missing ones."""

    def __init__(self, directory: Path, seeds: int) -> None:
        self.directory = directory
        self.seeds = seeds
        self._lock = threading.Lock()
        self._progress: dict[str, int] = {}
        self._errors: dict[str, str] = {}
        self._threads: dict[str, threading.Thread] = {}

    def key(self, template: QuestionTemplate) -> str:
        return figure_key(
            "report", REPORT_FORMAT, template.id, template.content_hash, ENGINE_VERSION, self.seeds
        )

    def get(self, template: QuestionTemplate) -> Report | Pending:
        """The report if it is ready; otherwise its progress, starting it when needed."""
        key = self.key(template)
        report = self._load(key)
        if report is not None:
            return report
        total = CHECK_SEEDS + self.seeds
        with self._lock:
            error = self._errors.get(key, "")
            if key in self._progress:
                return Pending(self._progress[key], total, error)
            self._progress[key] = 0
            thread = threading.Thread(
                target=self._run, args=(key, template), name=f"report-{template.id}", daemon=True
            )
            self._threads[key] = thread
            thread.start()
        return Pending(0, total, error)

    def wait(self, template: QuestionTemplate, timeout: float) -> Report | Pending:
        """Block until the current run ends, for at most ``timeout`` seconds (tests, scripts).

        Returns the report, or, after a failed run, the progress of the next try with the error.
        """
        result = self.get(template)
        thread = self._threads.get(self.key(template))
        if isinstance(result, Pending) and thread is not None:
            thread.join(timeout)
            result = self.get(template)
        return result

    def _run(self, key: str, template: QuestionTemplate) -> None:
        def progress(done: int) -> None:
            self._progress[key] = done

        try:
            self._store(key, compute_report(template, self.seeds, progress))
            self._errors.pop(key, None)
        except Exception as exc:  # shown on the page; the next visit tries again
            logger.exception("template report failed: %s", template.id)
            self._errors[key] = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self._progress.pop(key, None)
                self._threads.pop(key, None)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def _load(self, key: str) -> Report | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            data["failures"] = [tuple(f) for f in data["failures"]]
            return Report(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing, or half-written by a crashed worker

    def _store(self, key: str, report: Report) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(report), handle)
        os.replace(tmp, self._path(key))


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
