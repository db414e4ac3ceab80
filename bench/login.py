"""Failed log-in benchmark: does a wrong password cost the same whether or not the email exists?

    .venv/bin/python bench/login.py [--tries 15] [--method scrypt]

Median seconds of `accounts.authenticate` with a wrong password, for an unknown email and for a
known one, with the production hash method, on a throw-away SQLite database. The floor measured
in the same run is the known email's check; the ratio unknown/known should be close to 1 (goal
under 1.10), else the response time tells an attacker which emails have accounts.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from quizsvc import create_app, migrate
from quizsvc.services import accounts

GOAL = 1.10


def median_seconds(email: str, tries: int, method: str) -> float:
    times = []
    for _ in range(tries):
        start = time.perf_counter()
        accounts.authenticate(email, "not the password", hash_method=method)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=15)
    parser.add_argument("--method", default="scrypt", help="werkzeug password hash method")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        migrate.upgrade(app)
        with app.app_context():
            method = args.method
            accounts.create_user("known@example.org", "the right password", hash_method=method)
            accounts.authenticate("warm-up@example.org", "x", hash_method=method)
            unknown = median_seconds("nobody@example.org", args.tries, method)
            known = median_seconds("known@example.org", args.tries, method)
        app.extensions["quizsvc.db"].engine.dispose()
    print(f"{'failed log-in':<28}{'median s':>10}{'ratio':>8}")
    print(f"{'known email (floor)':<28}{known:>10.3f}{1:>8.2f}")
    print(f"{'unknown email':<28}{unknown:>10.3f}{unknown / known:>8.2f}   goal < {GOAL:.2f}")


if __name__ == "__main__":
    main()
