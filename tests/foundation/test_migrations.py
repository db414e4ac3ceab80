"""Migrations go up, down and up again, and leave a schema that matches the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from quizsvc import migrate
from tests.support.database import BACKENDS, create_postgres_schema, drop_postgres_schema, make_app


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
        return
    schema, url = create_postgres_schema("qm")
    yield url
    drop_postgres_schema(schema)


def test_upgrade_downgrade_upgrade_and_models_agree(empty_database_url: str) -> None:
    app = make_app(empty_database_url)
    engine = app.extensions["quizsvc.db"].engine
    migrate.upgrade(app)
    assert migrate.status(app).up_to_date
    assert migrate.pending_model_changes(app) == []

    migrate.downgrade(app, "base")
    assert migrate.status(app).current is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(app)
    assert migrate.status(app).up_to_date
    assert migrate.pending_model_changes(app) == []
    engine.dispose()


def test_a_missing_column_is_reported_as_a_model_difference(empty_database_url: str) -> None:
    app = make_app(empty_database_url)
    migrate.upgrade(app)
    with migrate.connect(app) as conn:
        conn.exec_driver_sql('ALTER TABLE "user" DROP COLUMN display_name')
    diffs = migrate.pending_model_changes(app)
    assert any("display_name" in str(d) for d in diffs)
    app.extensions["quizsvc.db"].engine.dispose()
