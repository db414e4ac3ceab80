"""Progress pages under load: a learner with 5,000 answers, measured against a bare Flask route.

    .venv/bin/python bench/dashboard.py [--seconds 5] [--concurrency 4] [--answers 5000]

Seeds one learner with `--answers` practice answers spread over eight months (stored the way
the quiz stores them, then counted by `quizsvc.progress.tracking.record`), starts gunicorn on
this machine with the app of bench/http_load.py (quizsvc plus a bare Flask route at /bare), logs in
and measures the dashboard, the Review page and an objective's evidence page, each as a ratio
to the bare route served in the same run. The accuracy figure is cached by its data, so the
dashboard is measured warm; its cold cost (drawing the figure) is timed in this process against
a floor figure, an empty plot saved through the same pipeline.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import http_load as hb  # bench/http_load.py: the load client and gunicorn helpers

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EMAIL = "bench-progress@example.org"
PASSWORD = "bench-password"
PER_ATTEMPT = 10
DAYS = 240


# --- the learner ------------------------------------------------------------------------------


def seed(answers: int) -> tuple[str, str]:
    """Create the learner and their history; returns an objective (lesson, objective id)
    with evidence, for the evidence page."""
    from sqlalchemy import insert

    from quizsvc import create_app
    from quizsvc.db import get_session
    from quizsvc.progress import tracking
    from quizsvc.progress.models import (
        Attempt,
        AttemptKind,
        AttemptQuestion,
        Mode,
        Response,
        utcnow,
    )
    from quizsvc.services import accounts, catalog
    from quizsvc.settings import Settings

    app = create_app()
    with app.app_context():
        method = Settings.of(app).password_hash_method
        user = accounts.create_user(EMAIL, PASSWORD, hash_method=method)
        templates = [t for lesson in catalog.lessons() for t in lesson.questions]
        rng = random.Random(11)
        now = utcnow()
        step = timedelta(days=DAYS) / answers
        session = get_session()
        evidence = []
        for first in range(0, answers, PER_ATTEMPT):
            numbers = range(first, min(first + PER_ATTEMPT, answers))
            moments = [now - timedelta(days=DAYS) + step * i for i in numbers]
            attempt = Attempt(
                user_id=user.id, kind=AttemptKind.RETRY, mode=Mode.PRACTICE, seed=first,
                position=1, question_count=len(moments), started_at=moments[0],
                finished_at=moments[-1],
            )  # fmt: skip
            session.add(attempt)
            session.flush()
            picks = [rng.choice(templates) for _ in moments]
            scores = [rng.choice([0.0, 0.5, 1.0, 1.0]) for _ in moments]
            question_ids = session.scalars(
                insert(AttemptQuestion).returning(AttemptQuestion.id, sort_by_parameter_order=True),
                [{"attempt_id": attempt.id, "position": i + 1, "template_id": t.id,
                  "lesson_id": t.lesson_id, "content_hash": t.content_hash, "engine_version": "",
                  "seed": i, "hints_shown": 0, "answered_at": at, "score": s,
                  "correct": s == 1.0,
                  "variant": {"objectives": list(t.objectives), "difficulty": t.difficulty}}
                 for i, (t, at, s) in enumerate(zip(picks, moments, scores, strict=True))],
            ).all()  # fmt: skip
            response_ids = session.scalars(
                insert(Response).returning(Response.id, sort_by_parameter_order=True),
                [{"question_id": q, "seq": 1, "raw": "", "parsed": "", "score": s,
                  "correct": s == 1.0, "feedback_html": "", "correct_answer_html": "",
                  "hints_used": 0, "elapsed_ms": 40_000, "submitted_at": at}
                 for q, at, s in zip(question_ids, moments, scores, strict=True)],
            ).all()  # fmt: skip
            evidence += [
                tracking.Evidence(r, t.id, t.lesson_id, t.objectives, t.difficulty, s, 0,
                                  40_000, at)
                for r, t, at, s in zip(response_ids, picks, moments, scores, strict=True)
            ]  # fmt: skip
        started = time.perf_counter()
        tracking.record(session, user.id, evidence)
        session.commit()
        print(f"counted {answers:,} answers in {time.perf_counter() - started:.2f} s "
              f"(tracking.record, one call)")  # fmt: skip
        best = max(evidence, key=lambda e: len(e.objectives))
        return best.lesson_id, best.objectives[0]


def figure_costs(answers: int) -> tuple[float, float]:
    """Milliseconds to draw the accuracy figure of this history, and a floor figure."""
    import matplotlib

    from quizsvc import create_app
    from quizsvc.db import get_session
    from quizsvc.plots.style import RC, new_figure, render_lock, save
    from quizsvc.progress import charts, queries
    from quizsvc.services import accounts

    app = create_app()
    with app.app_context():
        user = accounts.find_by_email(EMAIL)
        assert user is not None
        days = queries.daily_activity(get_session(), user.id)

    def floor() -> None:
        with render_lock, matplotlib.rc_context(RC):
            fig, (ax,) = new_figure(1)
            ax.plot([0, 1], [0, 1])
            save(fig, "svg", "floor", "floor")

    def best_of(draw: Any, runs: int = 5) -> float:
        draw()  # the first figure of a process pays for font loading
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            draw()
            times.append(time.perf_counter() - started)
        return min(times) * 1000

    return best_of(lambda: charts.accuracy_figure(days)), best_of(floor)


# --- the server -------------------------------------------------------------------------------


def log_in(port: int) -> str:
    """The session cookie of the learner, after a real log-in form (CSRF token included)."""
    import http.client

    def call(method: str, path: str, body: str | None, cookie: str) -> tuple[str, str]:
        connection = http.client.HTTPConnection(hb.HOST, port, timeout=30)
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode()
        cookies = [v.split(";")[0] for k, v in response.getheaders() if k == "Set-Cookie"]
        connection.close()
        return text, "; ".join(cookies) or cookie

    form, cookie = call("GET", "/login", None, "")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token, "no CSRF token on the log-in form"
    body = urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)})
    _, cookie = call("POST", "/login", body, cookie)
    return cookie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per measured route")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--answers", type=int, default=5_000)
    parser.add_argument("--redis", default=hb.REDIS_URL, help="Redis URL for the rate limits")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="quizsvc-bench-progress-"))
    env = {
        "QUIZSVC_ENV": "production",
        "QUIZSVC_SECRET_KEY": secrets.token_hex(32),
        "QUIZSVC_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "QUIZSVC_FIGURE_CACHE_DIR": str(workdir / "figures"),
        "QUIZSVC_LOG_LEVEL": "WARNING",
        "MPLCONFIGDIR": str(workdir / "mpl"),
        **hb.shared_limits(args.redis),
    }
    os.environ.update(env)
    quizsvc = [sys.executable, "-m", "quizsvc.cli"]
    subprocess.run([*quizsvc, "db", "upgrade"], check=True, capture_output=True)
    lesson_id, objective_id = seed(args.answers)
    drawn, floor_ms = figure_costs(args.answers)

    port = hb.free_port()
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
         "--bind", f"{hb.HOST}:{port}", "--access-logfile", "/dev/null", "bench.http_load:wsgi()"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        hb.wait_until_up(port, server)
        run(port, args, f"/dashboard/objectives/{lesson_id}/{objective_id}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    print(
        f"\naccuracy figure of {args.answers:,} answers, drawn cold: {drawn:.0f} ms "
        f"({drawn / floor_ms:.1f}x a floor figure of {floor_ms:.0f} ms); the dashboard draws it "
        f"once per change of the learner's history, then serves it from the figure cache"
    )
    print(f"(server log: {workdir / 'gunicorn.log'})")


def run(port: int, args: argparse.Namespace, objective_path: str) -> None:
    cookie = (("Cookie", log_in(port)),)
    pages = {
        "dashboard (5,000 answers)": "/dashboard",
        "review page": "/review",
        "objective evidence page": objective_path,
    }
    for path in pages.values():  # every worker draws or loads the page's figures once
        for _ in range(4):
            status, _ = hb.send(port, hb.Request("GET", path, headers=cookie))
            assert status == 200, (path, status)
    results = [
        hb.measure("bare Flask route", port, [hb.Request("GET", "/bare/")], args.seconds,
                   args.concurrency),
        *(hb.measure(name, port, [hb.Request("GET", path, headers=cookie)], args.seconds,
                     args.concurrency) for name, path in pages.items()),
    ]  # fmt: skip
    floor = results[0]
    print(f"\nquizsvc progress benchmark: gunicorn, {os.cpu_count()} cores, one learner\n")
    hb.print_table(results, floor)


if __name__ == "__main__":
    main()
