"""A whole class starts at once: N students through the API, pools cold and then warm.

    .venv/bin/python bench/class_rush.py [N] [--lesson ID] [--database URL] [--redis URL]
                                         [--fill-workers K]

gunicorn with 2 workers (gunicorn.conf.py) serves the real app, with a bare Flask route beside
it at /bare, and one `quizsvc worker` runs beside it. N students (N accounts with API tokens)
start the same lesson's attempt at the same instant; each then fetches question 1 with every
figure (the first question fully shown), and goes on through every question: fetch it, fetch
its figures, answer it. Printed for each round: p50/p95 time to the first question fully shown,
the class's total time, errors; and the floor, N clients fetching the bare route at once,
measured in the same run.

Round "cold": no pools (every start generates its variants, every figure is drawn on first
view), as before pools. Round "warm": `quizsvc pool fill --per-template N --wait` first (by K
job worker processes, `--fill-workers`), so every start claims ready variants whose figures are
already stored.
With a PostgreSQL `--database`, the run gets a schema of its own in it, dropped afterwards.

The rate limits are configured for the class as an operator would: one address (this machine)
starts N attempts at once, so QUIZSVC_START_ADDRESS_RATE_LIMIT allows that many.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.http_load import (  # noqa: E402
    HOST,
    Request,
    backend_name,
    bench_database,
    call_json,
    free_port,
    send,
    shared_limits,
    wait_until_up,
)

GOAL_STUDENTS = 300
GOAL_P95_SECONDS = 1.0
WORKERS = 2
RESPONSES = {
    "numeric": lambda ids: "1",
    "single": lambda ids: ids[0],
    "plot_choice": lambda ids: ids[0],
    "multiple": lambda ids: ids[:1],
    "ordering": lambda ids: ids,
    "explain": lambda ids: {"text": "My answer.", "met": ids[:1]},
}


@dataclass
class Student:
    token: str
    first_question: float | None = None  # seconds from the common start to question 1 shown
    finished: float | None = None
    errors: list[str] = field(default_factory=list)


def get(port: int, path: str, token: str) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def show(port: int, student: Student, attempt_id: int, position: int) -> dict[str, Any]:
    """Fetch a question and every figure of it, as a client that shows it whole."""
    path = f"/api/v1/attempts/{attempt_id}/questions/{position}"
    status, body = get(port, path, student.token)
    if status != 200:
        raise RuntimeError(f"GET question {position}: {status}")
    question: dict[str, Any] = json.loads(body)
    for figure in question["figures"]:
        status, _ = get(port, figure["url"].removeprefix(f"http://{HOST}:{port}"), student.token)
        if status != 200:
            raise RuntimeError(f"GET figure: {status}")
    return question


def take_quiz(
    port: int, student: Student, lesson_id: str, go: threading.Event, t0: list[float]
) -> None:
    go.wait()
    try:
        attempt = call_json(port, "POST", "/api/v1/attempts", student.token,
                            {"lesson_id": lesson_id, "mode": "exam"})  # fmt: skip
        for status in attempt["questions"]:
            question = show(port, student, attempt["id"], status["position"])
            if status["position"] == 1:
                student.first_question = time.perf_counter() - t0[0]
            ids = [choice["id"] for choice in question["choices"]]
            answer = RESPONSES[question["kind"]](ids)
            path = f"/api/v1/attempts/{attempt['id']}/questions/{status['position']}/answer"
            call_json(port, "POST", path, student.token, {"response": answer})
        student.finished = time.perf_counter() - t0[0]
    except Exception as exc:  # counted and shown: the bench goes on with the others
        student.errors.append(str(exc)[:200])


def rush(port: int, students: list[Student], lesson_id: str) -> float:
    """Every student at once (one thread each); returns the class's total time."""
    go, t0 = threading.Event(), [0.0]
    threads = [
        threading.Thread(target=take_quiz, args=(port, s, lesson_id, go, t0)) for s in students
    ]
    for thread in threads:
        thread.start()
    t0[0] = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join()
    return time.perf_counter() - t0[0]


def bare_floor(port: int, count: int) -> list[float]:
    """The same number of clients fetching the bare route at once: the floor of this run."""
    times: list[float] = []
    go = threading.Event()

    def one() -> None:
        go.wait()
        status, elapsed = send(port, Request("GET", "/bare/"))
        if status == 200:
            times.append(elapsed)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join()
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def make_students(env: dict[str, str], count: int, prefix: str) -> list[Student]:
    script = (
        "import sys\n"
        "from quizsvc import create_app\n"
        "from quizsvc.services import accounts, tokens\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    for n in range({count}):\n"
        f"        user = accounts.create_user(f'{prefix}{{n}}@example.org', 'bench-pass',\n"
        "                                    hash_method='pbkdf2:sha256:1000')\n"
        "        print(tokens.create_token(user, 'bench')[1])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return [Student(token) for token in done.stdout.split()[-count:]]


@dataclass(frozen=True)
class Round:
    name: str
    students: list[Student]
    total: float

    @property
    def firsts(self) -> list[float]:
        return [s.first_question for s in self.students if s.first_question is not None]

    @property
    def errors(self) -> list[str]:
        return [e for s in self.students for e in s.errors]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", type=int, nargs="?", default=GOAL_STUDENTS)
    parser.add_argument("--lesson", default="vanishing-gradients")
    parser.add_argument("--database", help="database URL (default: a SQLite file)")
    parser.add_argument("--redis", help="Redis URL for the queue and the rate limits")
    parser.add_argument("--fill-workers", type=int, default=1,
                        help="job worker processes (one per core they may take)")  # fmt: skip
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="quizsvc-rush-"))
    with bench_database(args.database, workdir) as database_url:
        run(args, workdir, database_url)


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> None:
    started_load = load_average()
    port = free_port()
    env = {
        **os.environ,
        "QUIZSVC_SECRET_KEY": secrets.token_hex(32),
        "QUIZSVC_DATABASE_URL": database_url,
        "QUIZSVC_FIGURE_CACHE_DIR": str(workdir / "figures"),
        "QUIZSVC_JOBS_FILE": str(workdir / "jobs.sqlite3"),
        "QUIZSVC_JOBS_QUEUE": f"rush-{secrets.token_hex(4)}",
        "QUIZSVC_WORKERS": str(WORKERS),
        "QUIZSVC_LOG_LEVEL": "WARNING",
        # One address starts the whole class at once: the operator sizes the limit for it.
        "QUIZSVC_START_ADDRESS_RATE_LIMIT": f"{4 * args.students} per minute",
        "QUIZSVC_POOL_PER_TEMPLATE": "0",  # the cold round: no pools, no refills
        "MPLCONFIGDIR": str(workdir / "mpl"),
    }
    if args.redis:
        env.update({"QUIZSVC_REDIS_URL": args.redis, **shared_limits(args.redis)})
    quizsvc = [sys.executable, "-m", "quizsvc.cli"]
    subprocess.run([*quizsvc, "db", "upgrade"], env=env, check=True, capture_output=True)
    cold_students = make_students(env, args.students, "cold")
    warm_students = make_students(env, args.students, "warm")
    log = (workdir / "server.log").open("wb")

    def start(argv: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip

    server = start([sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
                    "--bind", f"{HOST}:{port}", "--access-logfile", "/dev/null",
                    "--max-requests", "0", "bench.http_load:wsgi()"])  # fmt: skip
    fill_workers = max(1, args.fill_workers)
    worker = start([*quizsvc, "worker", "-w", str(fill_workers),
                    *(["--processes"] if fill_workers > 1 else [])])  # fmt: skip
    try:
        wait_until_up(port, server, timeout=600)  # warm-up: torch, first kernels, catalog
        floor = bare_floor(port, args.students)
        cold = Round("cold (no pools)", cold_students, rush(port, cold_students, args.lesson))
        filled = time.perf_counter()
        subprocess.run([*quizsvc, "pool", "fill", "--lesson", args.lesson, "--per-template",
                        str(args.students), "--wait"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        filled = time.perf_counter() - filled
        warm = Round("warm pools", warm_students, rush(port, warm_students, args.lesson))
    finally:
        for process in (worker, server):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        log.close()
    report(args, floor, [cold, warm], filled, backend_name(database_url), started_load)
    print(f"\n(server and worker log: {workdir / 'server.log'})")


def report(
    args: argparse.Namespace,
    floor: list[float],
    rounds: list[Round],
    filled: float,
    backend: str,
    started_load: str,
) -> None:
    print(f"\nquizsvc class rush: {args.students} students at once, lesson {args.lesson!r}, "
          f"gunicorn {WORKERS} workers + {max(1, args.fill_workers)} job worker(s), {backend}, "
          f"{os.cpu_count()} cores (load average {started_load} at the start, "
          f"{load_average()} at the end)\n")  # fmt: skip
    floor_p95 = percentile(floor, 0.95)
    print(f"{'round':<18}{'first question p50 s':>22}{'p95 s':>9}{'class total s':>15}"
          f"{'errors':>8}{'p95 vs bare':>13}")  # fmt: skip
    print(f"{'bare route (floor)':<18}{percentile(floor, 0.5):>22.3f}{floor_p95:>9.3f}"
          f"{'':>15}{args.students - len(floor):>8}{1:>13.1f}")  # fmt: skip
    for r in rounds:
        p95 = percentile(r.firsts, 0.95)
        print(f"{r.name:<18}{percentile(r.firsts, 0.5):>22.3f}{p95:>9.3f}{r.total:>15.1f}"
              f"{len(r.errors):>8}{p95 / floor_p95:>13.1f}")  # fmt: skip
        if r.errors:
            print(f"    e.g. {r.errors[0]}")
    cold, warm = rounds
    warm_p95 = percentile(warm.firsts, 0.95)
    print(f"\npools filled for the class ({args.students} per template) in {filled:.0f} s "
          f"by {max(1, args.fill_workers)} job worker(s), before the warm round")  # fmt: skip
    print(
        f"goal: {GOAL_STUDENTS} students, warm pools, p95 first question < {GOAL_P95_SECONDS} s "
        f"and 0 errors: measured {args.students} students, p95 {warm_p95:.2f} s "
        f"({warm_p95 / GOAL_P95_SECONDS:.0%} of the goal's time), {len(warm.errors)} errors; "
        f"warm/cold p95 {warm_p95 / percentile(cold.firsts, 0.95):.2f}; "
        f"median {statistics.median(warm.firsts) if warm.firsts else float('nan'):.2f} s"
    )


if __name__ == "__main__":
    main()
