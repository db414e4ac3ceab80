"""Engine, per-request sessions and the declarative base shared by every model.

Plain SQLAlchemy 2.x rather than an extension: one engine per app, one session per request (or
per CLI command) kept on `flask.g` and closed at teardown. How long anything waits for the
database is bounded (see quizsvc.db_timeouts); `is_unavailable` tells which errors mean the
database cannot serve us now (the web layer answers 503) rather than a bug (500).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from quizsvc import db_timeouts
from quizsvc.db_timeouts import Timeouts

logger = logging.getLogger("quizsvc.db")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DatabaseConfigError(RuntimeError):
    """QUIZSVC_DATABASE_URL is unusable; the message is one line a person can act on."""


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(
    url: str, *, echo: bool = False, timeouts: Timeouts | None = None, **kwargs: Any
) -> Engine:
    """An engine for `url`; without `timeouts` nothing waits on a bound (scripts, tests)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseConfigError(
            f"QUIZSVC_DATABASE_URL is not a database URL ({exc}); "
            "use sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user@host/dbname"
        ) from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    timeouts = timeouts or Timeouts(budget_s=None, retry_s=0.0)
    try:
        if parsed.get_backend_name() == "sqlite":
            # A locked file is waited for this long (SQLite's busy timeout), then refused.
            lock_wait_s = timeouts.budget_s if timeouts.budget_s is not None else 60.0
            engine = create_engine(
                parsed, echo=echo, connect_args={"timeout": lock_wait_s}, **kwargs
            )
            event.listen(engine, "connect", _set_sqlite_pragmas)
            return engine
        engine = create_engine(
            parsed, echo=echo, pool_pre_ping=True, pool_timeout=timeouts.pool_s, **kwargs
        )
        if parsed.get_backend_name() == "postgresql":
            breaker = db_timeouts.Breaker(timeouts.retry_s)

            @event.listens_for(engine, "do_connect")
            def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
                return db_timeouts.postgres_connect(timeouts, breaker, cargs, cparams)

            event.listen(engine, "handle_error", breaker.on_error)

        return engine
    except (NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseConfigError(
            f"QUIZSVC_DATABASE_URL has an unsupported scheme {parsed.drivername!r} ({exc}); "
            "use sqlite:/// or postgresql+psycopg://"
        ) from None


class Database:
    """Owns the engine of one Flask app and hands out the request's session."""

    def __init__(self, app: Flask) -> None:
        self.url: str = app.config["DATABASE_URL"]
        self.timeouts = Timeouts(
            budget_s=app.config["DATABASE_TIMEOUT"],
            connect_s=app.config["DATABASE_CONNECT_TIMEOUT"],
            pool_s=app.config["DATABASE_POOL_TIMEOUT"],
            retry_s=app.config["DATABASE_RETRY_INTERVAL"],
        )
        self.engine = build_engine(
            self.url, echo=bool(app.config.get("SQL_ECHO")), timeouts=self.timeouts
        )
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        app.extensions["quizsvc.db"] = self
        app.before_request(self._open_budget)
        app.teardown_request(self._close_budget)
        app.teardown_appcontext(self._close_session)

    def _open_budget(self) -> None:
        g.db_budget = db_timeouts.start_request(self.timeouts.budget_s)

    def _close_budget(self, _exc: BaseException | None) -> None:
        token = g.pop("db_budget", None)
        if token is not None:
            db_timeouts.end_request(token)

    def _close_session(self, _exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return
        try:
            session.close()  # a rollback at most: it must not turn a served page into an error
        except sa_exc.SQLAlchemyError as exc:
            logger.warning("closing the database session failed: %s", exc)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["quizsvc.db"]


def get_session() -> Session:
    """The session of the current request or CLI command, created on first use."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


# SQLite reports a damaged or foreign file as a plain DatabaseError.
_SQLITE_UNREADABLE = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot serve us now (refused, hung, locked, gone,
    unreadable), as opposed to a fault in our statement or data."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError
    ):
        return True
    if getattr(exc.orig, "sqlite_errorname", None) in _SQLITE_UNREADABLE:
        return True
    return _lost_connection_underneath(exc.orig)


def _lost_connection_underneath(error: BaseException | None) -> bool:
    """A driver error raised while cleaning up after a lost connection: psycopg's pre-ping on a
    socket the server closed fails, then resetting autocommit in its `finally` raises a
    ProgrammingError that hides the OperationalError beneath it."""
    seen = 0
    while error is not None and seen < 10:
        if type(error).__name__ in ("OperationalError", "InterfaceError"):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable>"
