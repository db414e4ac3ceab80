"""The settings the service layer runs with, typed, from the app's configuration.

Services never read ``app.config``: a page, an API route or a command reads `Settings.of` and
passes what a service needs (a question count, a seed pool), so a service is a function of its
arguments, the database session and the app's caches. The caches themselves (catalog, figure
cache, report jobs) are built from these settings the first time an app uses them.

Read on every call rather than once at start-up, because tests (and `quizsvc serve --dev`, which
turns on debug mode after the app exists) change the configuration of a running app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask

DEFAULT_QUIZ_QUESTIONS = 10
DEFAULT_PRACTICE_TRIES = 3  # answers a practice question takes (services.attempts.tries)
# Live figures are drawn from a rotating pool of seeds: each view may show a different network,
# while every (figure, seed) pair is drawn once and then served from the figure cache.
DEFAULT_LESSON_FIGURE_SEEDS = 8
DEFAULT_FIGURE_CACHE_MAX_MB = 500
DEFAULT_TEMPLATE_REPORT_SEEDS = 100
DEFAULT_PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's; tests use a fast pbkdf2
# Ready variants kept per template: small, so `make serve` stays light; raise it (or run
# `quizsvc pool fill --per-template N`) before a class starts together.
DEFAULT_POOL_PER_TEMPLATE = 2
# Pools are filled for a scheduled assessment's class this long before it opens (0: never)...
DEFAULT_POOL_LEAD_MINUTES = 30
# ... up to this many variants per template, whatever the class size says.
DEFAULT_POOL_CLASS_MAX = 500


@dataclass(frozen=True)
class Settings:
    quiz_questions: int  # questions in a lesson quiz
    lesson_figure_seeds: int  # size of the seed pool of lesson pages and study guides
    content_dir: Path
    content_reload: bool  # re-read lesson files when they change
    figure_cache_dir: Path
    figure_cache_max_bytes: int
    template_report_seeds: int
    password_hash_method: str  # werkzeug's method for new password hashes
    pool_per_template: int  # ready variants each template's pool is kept at (0: no pools)
    redis_url: str | None  # the task queue's Redis; None: the SQLite file jobs_file
    jobs_file: Path
    jobs_queue: str  # the queue's name: deployments (or test runs) sharing one Redis differ
    jobs_immediate: bool  # run each job inside the call that enqueues it (tests, scripts)
    practice_tries: int = DEFAULT_PRACTICE_TRIES  # tries per question in practice mode
    pool_lead_minutes: int = DEFAULT_POOL_LEAD_MINUTES  # warm pools before an assessment opens
    pool_class_max: int = DEFAULT_POOL_CLASS_MAX  # cap of a class's target per template

    @classmethod
    def of(cls, app: Flask) -> Settings:
        config, instance = app.config, Path(app.instance_path)
        return cls(
            quiz_questions=int(config.get("QUIZ_QUESTIONS", DEFAULT_QUIZ_QUESTIONS)),
            lesson_figure_seeds=int(config.get("LESSON_FIGURE_SEEDS", DEFAULT_LESSON_FIGURE_SEEDS)),
            content_dir=Path(config["CONTENT_DIR"]),
            content_reload=_flag(config.get("CONTENT_RELOAD"), app.debug),
            figure_cache_dir=Path(config.get("FIGURE_CACHE_DIR") or instance / "figure-cache"),
            figure_cache_max_bytes=int(
                config.get("FIGURE_CACHE_MAX_MB", DEFAULT_FIGURE_CACHE_MAX_MB)
            )
            * 2**20,
            template_report_seeds=int(
                config.get("TEMPLATE_REPORT_SEEDS", DEFAULT_TEMPLATE_REPORT_SEEDS)
            ),
            password_hash_method=str(
                config.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_HASH_METHOD)
            ),
            pool_per_template=int(config.get("POOL_PER_TEMPLATE", DEFAULT_POOL_PER_TEMPLATE)),
            redis_url=str(config.get("REDIS_URL") or "") or None,
            jobs_file=Path(config.get("JOBS_FILE") or instance / "jobs.sqlite3"),
            jobs_queue=str(config.get("JOBS_QUEUE") or "quizsvc"),
            jobs_immediate=_flag(config.get("JOBS_IMMEDIATE"), False),
            practice_tries=int(config.get("PRACTICE_TRIES", DEFAULT_PRACTICE_TRIES)),
            pool_lead_minutes=int(config.get("POOL_LEAD_MINUTES", DEFAULT_POOL_LEAD_MINUTES)),
            pool_class_max=int(config.get("POOL_CLASS_MAX", DEFAULT_POOL_CLASS_MAX)),
        )


def _flag(configured: object, debug: bool) -> bool:
    """A yes/no setting when configured, else `debug` (for ``CONTENT_RELOAD``: Flask's debug
    mode, ``serve --dev``)."""
    if configured is None or configured == "":
        return debug
    if isinstance(configured, str):
        return configured.strip().lower() in ("1", "true", "yes", "on")
    return bool(configured)
