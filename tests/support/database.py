"""Databases for tests: a migrated template per backend, cloned or truncated per test."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from quizsvc import create_app, migrate
from quizsvc.db import build_engine
from quizsvc.models import metadata

POSTGRES_URL = os.environ.get("QUIZSVC_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]
CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


def postgres_schema_url(schema: str) -> str:
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def create_postgres_schema(prefix: str) -> tuple[str, str]:
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = build_engine(POSTGRES_URL or "")
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, postgres_schema_url(schema)


def drop_postgres_schema(schema: str) -> None:
    admin = build_engine(POSTGRES_URL or "")
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def make_app(database_url: str, **overrides: object) -> Flask:
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(CONTENT_DIR),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }
    config.update(overrides)
    return create_app(config)


class MigratedDatabase:
    """A migrated schema of one backend that tests can clone cheaply."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.schema: str | None = None
        if backend == "sqlite":
            self.template = workdir / "template.sqlite3"
            self.url = f"sqlite:///{self.template}"
        else:
            self.schema, self.url = create_postgres_schema("qt")
        app = make_app(self.url)
        migrate.upgrade(app)
        app.extensions["quizsvc.db"].engine.dispose()

    def fresh_url(self, tmp_path: Path) -> str:
        if self.backend == "sqlite":
            target = tmp_path / "test.sqlite3"
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        return self.url

    def reset(self, app: Flask) -> None:
        if self.backend == "sqlite":
            return
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with app.extensions["quizsvc.db"].engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))

    def close(self) -> None:
        if self.schema:
            drop_postgres_schema(self.schema)
