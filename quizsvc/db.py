"""Engine, per-request sessions and the declarative base shared by every model.

Plain SQLAlchemy 2.x rather than an extension: one engine per app, one session per request (or
per CLI command) kept on `flask.g` and closed at teardown.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

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


SQLITE_BUSY_TIMEOUT_MS = 5000


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseConfigError(
            f"QUIZSVC_DATABASE_URL is not a database URL ({exc}); "
            "use sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user@host/dbname"
        ) from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(
                parsed,
                echo=echo,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                **kwargs,
            )
            event.listen(engine, "connect", _set_sqlite_pragmas)
            return engine
        return create_engine(parsed, echo=echo, pool_pre_ping=True, **kwargs)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseConfigError(
            f"QUIZSVC_DATABASE_URL has an unsupported scheme {parsed.drivername!r} ({exc}); "
            "use sqlite:/// or postgresql+psycopg://"
        ) from None


class Database:
    """Owns the engine of one Flask app and hands out the request's session."""

    def __init__(self, app: Flask) -> None:
        self.url: str = app.config["DATABASE_URL"]
        self.engine = build_engine(self.url, echo=bool(app.config.get("SQL_ECHO")))
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        app.extensions["quizsvc.db"] = self
        app.teardown_appcontext(self._close_session)

    def _close_session(self, _exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["quizsvc.db"]


def get_session() -> Session:
    """The session of the current request or CLI command, created on first use."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable>"
