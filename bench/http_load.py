"""HTTP benchmark: gunicorn on this machine, each route measured against a bare Flask route.

    .venv/bin/python bench/http_load.py [--seconds 5] [--concurrency 4] [--starts 30]
                                        [--database postgresql+psycopg://user@host/db]

One gunicorn (gunicorn.conf.py: one sync worker per core, torch on one thread) serves the real
app with a bare Flask app mounted beside it at /bare, so every ratio is against a floor
measured in the same run on the same server. Measured: the bare route, a lesson page (figures
cached after their first view), starting a 10-question attempt (variants generated, with a
cold simulation cache: every attempt has new seeds), and submitting an answer (one INSERT).
The load generator runs in this process tree on the same cores, so absolute numbers are lower
than a remote client would see; the ratios are what to compare between runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where this file would shadow the
# standard library's `http` package: drop it before anything imports http.client.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from multiprocessing.queues import Queue  # noqa: E402
from multiprocessing.synchronize import Barrier  # noqa: E402
from typing import Any  # noqa: E402

REPO = _HERE.parent
HOST = "127.0.0.1"
REDIS_URL = os.environ.get("QUIZSVC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def wsgi() -> Any:
    """The app gunicorn serves in this benchmark: quizsvc, with a bare Flask app at /bare.

    The quizsvc app stays the object gunicorn holds (its hooks check and warm up the app);
    /bare is dispatched to the bare app before any of quizsvc's request hooks run."""
    from flask import Flask
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from quizsvc import create_app

    bare = Flask("bare")
    bare.add_url_rule("/", "bare", lambda: "ok")
    app = create_app()
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/bare": bare})  # type: ignore[method-assign]
    return app


# --- the client -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


def send(port: int, request: Request) -> tuple[int, float]:
    """One request on a new connection (gunicorn's sync workers close each one)."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(request.method, request.path, request.body, dict(request.headers))
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        connection.close()


def _client(
    port: int,
    requests: list[Request],
    seconds: float,
    threads: int,
    ready: Barrier,
    results: Queue,  # type: ignore[type-arg]
) -> None:
    """A client process: `threads` threads cycling through `requests` for `seconds`, started
    together with the other client processes; puts (latencies, start, stop) on `results`."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    ready.wait()
    started = time.time()
    deadline = time.perf_counter() + seconds

    def loop() -> None:
        while time.perf_counter() < deadline:
            with lock:
                request = requests[next(counter) % len(requests)]
            status, elapsed = send(port, request)
            with lock:
                if status < 400:
                    latencies.append(elapsed)
                else:
                    failures.append(status)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        print(f"{len(failures)} requests failed, e.g. status {failures[0]}", file=sys.stderr)
    results.put((latencies, started, time.time()))


@dataclass(frozen=True)
class Result:
    name: str
    count: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.count / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def measure(
    name: str, port: int, requests: list[Request], seconds: float, concurrency: int
) -> Result:
    """Throughput and latency with `concurrency` clients in two processes (past the GIL)."""
    processes = 2 if concurrency > 1 else 1
    per_process = [
        concurrency // processes + (i < concurrency % processes) for i in range(processes)
    ]
    context = multiprocessing.get_context("fork")
    ready, results = context.Barrier(processes), context.Queue()
    clients = [
        context.Process(
            target=_client, args=(port, requests[i::processes] or requests, seconds, threads,
                                  ready, results),
        )
        for i, threads in enumerate(per_process)
    ]  # fmt: skip
    for client in clients:
        client.start()
    runs = [results.get() for _ in clients]
    for client in clients:
        client.join()
    latencies = [x for run, _, _ in runs for x in run]
    elapsed = max(end for _, _, end in runs) - min(start for _, start, _ in runs)
    return Result(name, len(latencies), elapsed, latencies)


def sequential(name: str, port: int, make: Callable[[int], Request], count: int) -> Result:
    latencies = []
    start = time.perf_counter()
    for i in range(count):
        status, elapsed = send(port, make(i))
        if status >= 400:
            raise RuntimeError(f"{name}: status {status}")
        latencies.append(elapsed)
    return Result(name, count, time.perf_counter() - start, latencies)


# --- set-up -----------------------------------------------------------------------------------


def print_table(results: list[Result], floor: Result) -> None:
    """Each route's throughput and latency, and both as a ratio to the floor (the bare route)."""
    header = f"{'route':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
    print(header + f"{'req/s vs bare':>15}{'p50 vs bare':>13}")
    print("-" * (len(header) + 28))
    for r in results:
        print(
            f"{r.name:<28}{r.count:>9}{r.rps:>9.0f}{r.percentile(0.5):>9.1f}"
            f"{r.percentile(0.99):>9.1f}{r.rps / floor.rps:>15.2f}"
            f"{r.percentile(0.5) / floor.percentile(0.5):>13.1f}"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def call_json(port: int, method: str, path: str, token: str, body: Any = None) -> Any:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, payload, headers)
    response = connection.getresponse()
    data = json.loads(response.read() or b"null")
    connection.close()
    if response.status >= 400:
        raise RuntimeError(f"{method} {path}: {response.status} {data}")
    return data


def prepare(env: dict[str, str]) -> str:
    """Migrate the database and create a learner; returns their API token."""
    quizsvc = [sys.executable, "-m", "quizsvc.cli"]
    subprocess.run([*quizsvc, "db", "upgrade"], env=env, check=True, capture_output=True)
    script = (
        "from quizsvc import create_app\n"
        "from quizsvc.services import accounts, tokens\n"
        "from quizsvc.settings import Settings\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    method = Settings.of(app).password_hash_method\n"
        "    user = accounts.create_user('bench@example.org', 'bench-pass', hash_method=method)\n"
        "    print(tokens.create_token(user, 'bench')[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def shared_limits(redis_url: str) -> dict[str, str]:
    """Production refuses per-worker rate-limit counts with several workers: the benches keep
    them in Redis, as production does, under a prefix of their own run."""
    return {
        "QUIZSVC_RATELIMIT_STORAGE_URI": redis_url,
        "QUIZSVC_RATELIMIT_KEY_PREFIX": f"quizsvc-bench-{secrets.token_hex(4)}",
    }


@contextmanager
def bench_database(url: str | None, workdir: Path) -> Iterator[str]:
    """The database URL of one run: a SQLite file in `workdir`, or with a PostgreSQL `url` a
    schema of this run's own in that database (dropped afterwards), so runs never meet."""
    if not url or not url.startswith("postgresql"):
        yield url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{secrets.token_hex(5)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    run_url = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield run_url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def backend_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited; see its log above")
        try:
            if send(port, Request("GET", "/healthz"))[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def answer_requests(port: int, token: str, lesson_id: str, attempts: int) -> list[Request]:
    """Valid answers for the questions of several exam attempts, alternating between two
    responses per question so that every submission is a change, hence an INSERT."""
    headers = (("Authorization", f"Bearer {token}"), ("Content-Type", "application/json"))
    requests = []
    for _ in range(attempts):
        attempt = call_json(port, "POST", "/api/v1/attempts", token,
                            {"lesson_id": lesson_id, "mode": "exam"})  # fmt: skip
        for status in attempt["questions"]:
            path = f"/api/v1/attempts/{attempt['id']}/questions/{status['position']}"
            question = call_json(port, "GET", path, token)
            ids = [c["id"] for c in question["choices"]]
            responses: list[Any] = {
                "numeric": ["1", "2"],
                "single": ids[:2],
                "plot_choice": ids[:2],
                "multiple": [ids[:1], ids[1:2]],
                "ordering": [ids, ids[::-1]],
                "explain": [{"text": "first", "met": ids[:1]}, {"text": "second", "met": ids}],
            }[question["kind"]]
            for response in responses:
                body = json.dumps({"response": response}).encode()
                requests.append(Request("POST", f"{path}/answer", body, headers))
    # Interleave so that consecutive requests alternate between the two answers per question.
    return requests[0::2] + requests[1::2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per measured route")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--starts", type=int, default=30, help="10-question attempts to start")
    parser.add_argument("--lesson", help="lesson id (default: the first with 10 questions)")
    parser.add_argument("--redis", default=REDIS_URL, help="Redis URL for the rate limits")
    parser.add_argument(
        "--database",
        default=os.environ.get("QUIZSVC_BENCH_DATABASE_URL"),
        help="PostgreSQL URL (a schema of the run's own is made in it; default: a SQLite file, "
        "or QUIZSVC_BENCH_DATABASE_URL)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="quizsvc-bench-"))
    with bench_database(args.database, workdir) as database_url:
        serve_and_run(args, workdir, database_url)


def serve_and_run(args: argparse.Namespace, workdir: Path, database_url: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "QUIZSVC_ENV": "production",
        "QUIZSVC_SECRET_KEY": secrets.token_hex(32),
        "QUIZSVC_DATABASE_URL": database_url,
        "QUIZSVC_FIGURE_CACHE_DIR": str(workdir / "figures"),
        # The benchmark is one learner answering thousands of times a second, and starting
        # attempts back to back: its budget is configured for that, as an operator would for
        # a load test (the limits themselves are tested in tests/web).
        "QUIZSVC_ANSWER_RATE_LIMIT": "1000000 per minute",
        "QUIZSVC_START_RATE_LIMIT": "1000000 per minute",
        **shared_limits(args.redis),
        "QUIZSVC_LOG_LEVEL": "WARNING",
        "MPLCONFIGDIR": str(workdir / "mpl"),
    }
    token = prepare(env)
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
         "--bind", f"{HOST}:{port}", "--access-logfile", "/dev/null",
         # gunicorn.conf.py recycles workers every ~2,000 requests; a recycled worker pays
         # the torch import and catalog load again, which is not what this measures.
         "--max-requests", "0", "bench.http_load:wsgi()"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(port, server)
        run(port, token, args, backend_name(database_url))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    print(f"\n(server log: {workdir / 'gunicorn.log'})")


def run(port: int, token: str, args: argparse.Namespace, backend: str) -> None:
    lessons = call_json(port, "GET", "/api/v1/lessons", token)["lessons"]
    wanted = [item for item in lessons if item["id"] == args.lesson] if args.lesson else []
    lesson = next(iter(wanted), None) or next(
        (item for item in lessons if item["question_count"] >= 10), lessons[0]
    )
    lesson_id = lesson["id"]
    pool = 8  # LESSON_FIGURE_SEEDS: view every seed once so the lesson's figures are cached
    lesson_requests = [Request("GET", f"/lessons/{lesson_id}?draw={i}") for i in range(pool)]
    for _ in range(2):  # both workers
        for request in lesson_requests:
            send(port, request)
    auth = (("Authorization", f"Bearer {token}"), ("Content-Type", "application/json"))
    start_body = json.dumps({"lesson_id": lesson_id, "mode": "practice"}).encode()
    answers = answer_requests(port, token, lesson_id, attempts=10)

    results = [
        measure("bare Flask route", port, [Request("GET", "/bare/")], args.seconds,
                args.concurrency),
        measure("lesson page", port, lesson_requests, args.seconds, args.concurrency),
        sequential("start 10-question attempt", port,
                   lambda _: Request("POST", "/api/v1/attempts", start_body, auth), args.starts),
        measure("submit an answer", port, answers, args.seconds, args.concurrency),
    ]  # fmt: skip
    floor = results[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nquizsvc HTTP benchmark: gunicorn, {backend}, {os.cpu_count()} cores (load {load}), "
          f"lesson {lesson_id!r} "
          f"({min(lesson['question_count'], 10)} questions per attempt)\n")  # fmt: skip
    print_table(results, floor)
    submit, started = results[3], results[2]
    print(
        f"\ngoals: answer submission >= 50 % of the bare route's throughput: "
        f"{submit.rps / floor.rps:.0%}; a 10-question attempt starts in < 300 ms median "
        f"(cold simulation cache): {started.percentile(0.5):.0f} ms "
        f"(sequential, {statistics.mean(started.latencies) * 1000:.0f} ms mean)"
    )


if __name__ == "__main__":
    main()
