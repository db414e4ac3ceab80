"""Alembic, driven from the app's own configuration so that one URL setting serves both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from quizsvc.config import REPO_ROOT
from quizsvc.db import DatabaseConfigError, describe_url, get_db

MIGRATIONS_DIR = REPO_ROOT / "migrations"


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def connect(app: Flask) -> Iterator[Connection]:
    """A connection in a transaction; an unreachable database becomes one readable line."""
    db = get_db(app)
    try:
        with db.engine.begin() as connection:
            yield connection
    except (OperationalError, DBAPIError) as exc:
        if exc.connection_invalidated or isinstance(exc, OperationalError):
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseConfigError(
                f"cannot reach the database in QUIZSVC_DATABASE_URL "
                f"({describe_url(db.url)}): {reason}"
            ) from None
        raise


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None, "migrations/versions holds no revision"
    return head


def status(app: Flask) -> SchemaStatus:
    with connect(app) as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return SchemaStatus(current=current, head=head_revision())


@contextmanager
def _unbounded(app: Flask) -> Iterator[Connection]:
    """A connection for a migration, which may rewrite a large table: no statement_timeout
    (for this transaction only)."""
    with connect(app) as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        yield connection


def upgrade(app: Flask, revision: str = "head") -> None:
    with _unbounded(app) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(app: Flask, revision: str) -> None:
    with _unbounded(app) as connection:
        command.downgrade(alembic_config(connection), revision)


def pending_model_changes(app: Flask) -> list[object]:
    """Differences between the models and the migrated schema (empty when they agree)."""
    from quizsvc.models import metadata

    with connect(app) as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, metadata))


def migrations_dir() -> Path:
    return MIGRATIONS_DIR
