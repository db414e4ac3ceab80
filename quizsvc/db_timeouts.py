"""How long anything may wait for the database, so that a database that hangs costs a request
a few seconds (and a 503), not a worker.

A server that refuses connections fails fast by itself; one that accepts them and never answers
(a frozen host, a full disk, a lock held forever) would hold a gunicorn worker until gunicorn
kills it. Three bounds stop that:

* connect: opening a connection (psycopg's `connect_timeout`, SQLite's lock wait);
* pool: waiting for a free pooled connection;
* request budget: the seconds one web request may spend waiting on the database in total,
  over every statement, ping and reconnect. A wait that would exceed what is left ends with
  an OperationalError, which the web layer answers with 503. Outside a web request (commands,
  tests) the client waits as long as the server works.

PostgreSQL gets a `statement_timeout` of STATEMENT_BACKSTOP times the budget, so the server stops
a runaway statement itself, also one whose client gave up; migrations lift it.

After a connection attempt fails, or a pooled connection's liveness ping gets no answer in
time, the process does not connect again for `retry_s` (a circuit breaker): while the database
is down or hangs, requests that need it fail at once instead of each spending a timeout, so a
few sync workers keep serving the pages that need no database. A slow statement never trips it
(its request fails; the next one goes on).
"""

from __future__ import annotations

import math
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

# libpq and psycopg refuse connect timeouts below two seconds, so a connection opened with
# less than that left in the budget may overrun it by the difference.
MIN_CONNECT_S = 2
NO_TIME_S = 0.05  # a budget with less left than this is spent
STATEMENT_BACKSTOP = 10


@dataclass(frozen=True)
class Timeouts:
    budget_s: float | None = 3.0  # a request's total wait; None: unbounded
    connect_s: float = 2.0
    pool_s: float = 1.0
    retry_s: float = 2.0  # after a failed connect, connects fail at once for this long


class Breaker:
    """Remembers a failed connect, so the next ones within `retry_s` fail without trying."""

    def __init__(self, retry_s: float) -> None:
        self.retry_s = retry_s
        self.open_until = 0.0

    def check(self) -> None:
        left = self.open_until - time.monotonic()
        if left > 0:
            import psycopg

            raise psycopg.OperationalError(
                f"a connection to the database failed just now; trying again in {left:.1f} s"
            )

    def trip(self) -> None:
        self.open_until = time.monotonic() + self.retry_s

    def on_error(self, context: Any) -> None:
        """The engine's `handle_error` hook: a pre-ping that hung trips the breaker."""
        if context.is_pre_ping and isinstance(context.original_exception, Unanswered):
            self.trip()


class Budget:
    """Seconds of database waiting left to one request."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left -= seconds


# The budget of the request being served (None outside a request).
_budget: ContextVar[Budget | None] = ContextVar("quizsvc_db_budget", default=None)


def start_request(seconds: float | None) -> object:
    """Open a request's budget; pass the returned token to `end_request`."""
    return _budget.set(Budget(seconds) if seconds is not None else None)


def end_request(token: object) -> None:
    _budget.reset(token)  # type: ignore[arg-type]


def wait_limit() -> float | None:
    """Seconds the next wait may take: what the request has left (None outside a request)."""
    budget = _budget.get()
    return budget.left if budget is not None else None


def spend(seconds: float) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.spend(seconds)


def postgres_connect(
    timeouts: Timeouts, breaker: Breaker, cargs: Any, cparams: dict[str, Any]
) -> Any:
    """A psycopg connection whose waits are bounded (the engine's `do_connect` hook)."""
    import psycopg

    breaker.check()
    left = wait_limit()
    if left is not None and left < NO_TIME_S:
        raise psycopg.OperationalError("this request's database budget is spent")
    seconds = timeouts.connect_s if left is None else min(timeouts.connect_s, left)
    cparams["connect_timeout"] = max(MIN_CONNECT_S, math.floor(seconds))
    if timeouts.budget_s is not None:
        statement_ms = int(timeouts.budget_s * STATEMENT_BACKSTOP * 1000)
        cparams["options"] = f"{cparams.get('options', '')} -c statement_timeout={statement_ms}"
    started = time.monotonic()
    try:
        connection = _bounded_connection_class().connect(*cargs, **cparams)
    except psycopg.OperationalError:
        breaker.trip()
        raise
    finally:
        spend(time.monotonic() - started)
    return connection


class Unanswered(Exception):
    """Marks the error of a wait the database never answered (mixed into psycopg's
    OperationalError, which loads lazily)."""


_connection_class: Any = None


def _bounded_connection_class() -> Any:
    """psycopg's Connection with bounded waits (defined on first use: psycopg loads lazily)."""
    global _connection_class
    if _connection_class is not None:
        return _connection_class
    import psycopg
    from psycopg.errors import _WaitTimeout

    class UnansweredError(Unanswered, psycopg.OperationalError):
        pass

    class BoundedConnection(psycopg.Connection):
        """Every wait for the server (statements, commits, rollbacks, pings) is bounded by
        the request's budget; past it the connection is closed, since its state is unknown."""

        def wait(
            self, gen: Any, interval: float | None = None, timeout: float | None = None
        ) -> Any:
            limit = wait_limit()
            if limit is not None and limit < NO_TIME_S:
                self.close()
                raise psycopg.OperationalError("this request's database budget is spent")
            if limit is not None:
                timeout = limit if timeout is None else min(timeout, limit)
            started = time.monotonic()
            try:
                polling = {} if interval is None else {"interval": interval}
                return super().wait(gen, timeout=timeout, **polling)
            except _WaitTimeout:
                self.close()
                raise UnansweredError(
                    f"the database did not answer within {timeout:.1f} s"
                ) from None
            finally:
                spend(time.monotonic() - started)

    _connection_class = BoundedConnection
    return _connection_class
