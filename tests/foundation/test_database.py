"""The SQLite default is tuned for a web server; both backends hold the migrated schema."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, text

from quizsvc.db import get_session
from quizsvc.progress.models import Role, User


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app: Flask) -> None:
    engine = app.extensions["quizsvc.db"].engine
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # A locked file is waited for as long as a request may wait on the database.
        busy_ms = conn.execute(text("PRAGMA busy_timeout")).scalar()
        assert busy_ms == app.config["DATABASE_TIMEOUT"] * 1000 > 0


def test_user_round_trip_through_the_request_session(app: Flask) -> None:
    with app.app_context():
        session = get_session()
        session.add(User(email="ada@example.org", role=Role.INSTRUCTOR))
        session.commit()
    with app.app_context():
        user = get_session().scalars(select(User).where(User.email == "ada@example.org")).one()
        assert user.role is Role.INSTRUCTOR
        assert user.created_at is not None


def test_each_test_starts_with_an_empty_database(app: Flask) -> None:
    with app.app_context():
        assert get_session().scalars(select(User)).all() == []
        get_session().add(User(email="left-behind@example.org"))
        get_session().commit()


def test_each_test_starts_with_an_empty_database_again(app: Flask) -> None:
    with app.app_context():
        assert get_session().scalars(select(User)).all() == []
