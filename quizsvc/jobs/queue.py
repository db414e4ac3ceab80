"""The task queue: Huey, on Redis when QUIZSVC_REDIS_URL is set, else on a SQLite file.

Why Huey: it is the one maintained queue of the four that runs on both stores this service
needs. The embedded default (`make serve`) keeps its queue in a SQLite file beside the database,
with no server to install, and production points the same code at Redis. RQ and Dramatiq need
Redis or RabbitMQ even on a laptop; Celery needs a broker too and is far larger than three
kinds of job.

Huey takes a job off the queue when a worker starts it, so a worker killed mid-job loses that
message. Nothing is lost with it, because every job here is idempotent and the wanted state
lives outside the queue, where the jobs look it up again:

* pool fills count the pool before each variant; each worker's start-up and a periodic task
  every minute (`pools_reconcile`) ask for a fill of every pool below its target (at most one
  waiting fill per pool and target: `Jobs.ask_fill`). A pool's target is
  QUIZSVC_POOL_PER_TEMPLATE, raised for the class of a course assessment that opens within
  QUIZSVC_POOL_LEAD_MINUTES (services.courses.pool_warmup), so the same minutely task warms the
  pools before an exam;
* a template report writes its progress beside it (in the database, seen by every instance); a
  page that finds a report whose progress stopped (services.template_report.LEASE_SECONDS)
  asks for it again;
* an LMS score is stored as due before its job is asked (services.lti.passback); the job sends
  only a due score it claims, and a periodic task every minute (`lti_passback_periodic`) sends
  the retries that fell due and any score whose job was lost;
* a roster sync reads the whole LMS roster again each time;
* a periodic task every minute (`attempts_settle_periodic`) grades the timed attempts whose
  deadline passed unvisited; grading one twice is a no-op.

Jobs run inside an app context of the app that enqueued them (web and worker build the same
app from the same configuration), each with its own database session.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from quizsvc import metrics
from quizsvc.progress.lti import Passback
from quizsvc.progress.models import utcnow
from quizsvc.services import attempts, catalog, pools
from quizsvc.services.background import EXTENSION_KEY as BACKGROUND_KEY
from quizsvc.services.courses import pool_warmup
from quizsvc.services.lti import passback, roster
from quizsvc.services.lti.keys import tool_key
from quizsvc.services.template_report import report_jobs
from quizsvc.settings import Settings

logger = logging.getLogger("quizsvc.jobs")

EXTENSION_KEY = "quizsvc.jobs"
# A job that raised (the database went away, a worker ran out of memory) is tried again.
RETRIES = 2
RETRY_DELAY_SECONDS = 5
# A fill asked for this long ago and not started is taken for lost, and asked again.
FILL_MARKER_SECONDS = 15 * 60


def open_huey(settings: Settings) -> Huey:
    if settings.jobs_immediate:
        return MemoryHuey(settings.jobs_queue, immediate=True)
    if settings.redis_url:
        return RedisHuey(settings.jobs_queue, url=settings.redis_url)
    settings.jobs_file.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.jobs_queue, filename=str(settings.jobs_file))


class Jobs:
    """The app's queue and its tasks; the web side enqueues, `quizsvc worker` runs them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = open_huey(Settings.of(app))
        task = self.huey.task
        self.fill_pool = task(name="pool_fill", retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)(
            self._in_app("pool_fill", self._fill_pool)
        )
        self.reconcile_pools = task(name="pools_reconcile")(
            self._in_app("pools_reconcile", self._reconcile)
        )
        self.report = task(name="template_report", retries=RETRIES, retry_delay=30)(
            self._in_app("template_report", _report)
        )
        self.huey.periodic_task(crontab(minute="*"), name="pools_reconcile_periodic")(
            self._in_app("pools_reconcile", self._reconcile)
        )
        # LMS scores: each finish enqueues its own; the periodic task sends the retries that
        # fell due (backoff in services.lti.passback) and any score whose job was lost.
        self.lti_passback = task(name="lti_passback")(
            self._in_app("lti_passback", self._send_scores)
        )
        self.send_due_lti_scores = self.huey.periodic_task(
            crontab(minute="*"), name="lti_passback_periodic"
        )(self._in_app("lti_passback_due", self._send_due_scores))
        # Timed attempts nobody came back to are graded within a minute, so the gradebook and
        # the LMS do not wait for a visit; the scores this makes due are sent at once.
        self.settle_attempts = self.huey.periodic_task(
            crontab(minute="*"), name="attempts_settle_periodic"
        )(self._in_app("attempts_settle", self._settle_overdue))
        # A course's roster from the LMS (Names and Roles); a failure is kept on the context.
        self.lti_roster = task(name="lti_roster_sync", retries=RETRIES, retry_delay=60)(
            self._in_app("lti_roster_sync", self._sync_roster)
        )
        self.huey.on_startup()(self._worker_started)

    def _in_app(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """The task's body: inside an app context, counted in the metrics."""

        def run(*args: Any) -> Any:
            with self.app.app_context():
                try:
                    result = function(*args)
                except Exception:
                    metrics.JOB_FAILURES.labels(name).inc()
                    raise
                metrics.JOBS.labels(name).inc()
                return result

        run.__name__ = run.__qualname__ = name
        return run

    def ask_fill(self, template_id: str, target: int) -> bool:
        """Enqueue a fill of the template's pool unless one is already waiting; True if asked.

        Every start, every reconcile and `pool fill` ask, so without this a busy minute would
        queue the same fill hundreds of times. The marker (the time it was asked) is removed
        when the fill starts; one older than FILL_MARKER_SECONDS is taken for lost (its
        message went with a killed worker) and the fill is asked again.
        """
        key, now = _fill_marker(template_id, target), time.time()
        if not self.huey.put_if_empty(key, now):
            asked = self.huey.get(key, peek=True)
            if isinstance(asked, float) and now - asked < FILL_MARKER_SECONDS:
                return False
            self.huey.put(key, now)
        self.fill_pool(template_id, target)
        return True

    def _fill_pool(self, template_id: str, target: int) -> int:
        self.huey.get(_fill_marker(template_id, target))  # from now on, a new ask queues again
        return pools.fill(template_id, target)

    def _reconcile(self) -> int:
        """Ask for a fill of every pool below its target (raised for a class about to start);
        returns how many were asked."""
        default = max(0, Settings.of(self.app).pool_per_template)
        raised = pool_targets(self.app)
        if default <= 0 and not raised:
            return 0
        missing = pools.deficits(default, targets=raised)
        return sum(self.ask_fill(template_id, raised.get(template_id, default))
                   for template_id in missing)  # fmt: skip

    def _worker_started(self) -> None:
        """Each worker (thread or process) at start: one torch thread, and the pools that a
        killed worker left short are asked for again."""
        import torch  # the worker's first torch use: never in a process that forks later

        torch.set_num_threads(1)
        self.reconcile_pools()

    def _send_scores(self, attempt_ids: list[int]) -> int:
        """Send these scores if they are due (a score sent already is left alone)."""
        key = tool_key(self.app)
        outcomes = [passback.send(attempt_id, key) for attempt_id in attempt_ids]
        return sum(1 for outcome in outcomes if outcome is Passback.SENT)

    def _send_due_scores(self) -> int:
        outcomes = passback.send_due(tool_key(self.app))
        return sum(1 for _, outcome in outcomes if outcome is Passback.SENT)

    def _settle_overdue(self) -> int:
        graded = attempts.settle_overdue()
        if graded:
            self._send_due_scores()
        return graded

    def _sync_roster(self, context_id: int) -> int:
        return roster.sync(context_id, tool_key(self.app)).members

    def pending(self) -> int:
        return int(self.huey.pending_count())


def class_targets(app: Flask) -> dict[str, pool_warmup.ClassTarget]:
    """The targets the classes of assessments opening within the configured lead time ask
    for (read now: an assessment scheduled a minute ago counts at the next reconcile)."""
    settings = Settings.of(app)
    lead = timedelta(minutes=max(0, settings.pool_lead_minutes))
    return pool_warmup.class_targets(utcnow(), lead, settings.pool_class_max)


def pool_targets(app: Flask) -> dict[str, int]:
    """Templates whose target a class raises above QUIZSVC_POOL_PER_TEMPLATE -> that target."""
    default = max(0, Settings.of(app).pool_per_template)
    return pool_warmup.raised_targets(default, class_targets(app))


def _fill_marker(template_id: str, target: int) -> str:
    return f"quizsvc.pool-fill:{template_id}:{target}"


def _report(template_id: str, seeds: int) -> None:
    jobs = report_jobs()
    if jobs.seeds != seeds:  # the page asked with another seed count than this worker's
        jobs = jobs.with_seeds(seeds)
    jobs.run(catalog.template(template_id))


class QueueBackground:
    """`services.background.Background` on the queue."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def refill_pools(self, template_ids: Collection[str]) -> None:
        target = Settings.of(self.app).pool_per_template
        if target <= 0:
            return
        try:
            for template_id in template_ids:
                jobs_of(self.app).ask_fill(template_id, target)
        except Exception:  # a queue that is down costs the refill, never the learner's start
            logger.warning("could not enqueue pool refills", exc_info=True)

    def compute_report(self, template_id: str, seeds: int) -> None:
        jobs_of(self.app).report(template_id, seeds)

    def send_lti_scores(self, attempt_ids: Collection[int]) -> None:
        try:
            jobs_of(self.app).lti_passback(list(attempt_ids))
        except Exception:  # the scores stay due: the periodic task sends them
            logger.warning("could not enqueue LTI score passback", exc_info=True)

    def sync_lti_roster(self, context_id: int) -> None:
        try:
            jobs_of(self.app).lti_roster(context_id)
        except Exception:  # a launch never fails for its roster; the button asks again
            logger.warning("could not enqueue an LTI roster sync", exc_info=True)


def jobs_of(app: Flask) -> Jobs:
    jobs: Jobs | None = app.extensions.get(EXTENSION_KEY)
    if jobs is None:
        jobs = app.extensions.setdefault(EXTENSION_KEY, Jobs(app))
    return jobs


def init_app(app: Flask) -> None:
    """Install the queue as the app's `Background`; the queue itself opens on first use."""
    app.extensions[BACKGROUND_KEY] = QueueBackground(app)
