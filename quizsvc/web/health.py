"""/healthz: is the process alive, and can it use its database?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from quizsvc import migrate
from quizsvc.db import DatabaseConfigError, describe_url, get_db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    database: dict[str, object] = {
        "backend": get_db().engine.dialect.name,
        "url": describe_url(get_db().url),
    }
    try:
        schema = migrate.status(current_app._get_current_object())  # type: ignore[attr-defined]
    except DatabaseConfigError as exc:
        database.update(ok=False, error=str(exc))
        return jsonify(status="error", database=database), 503
    database.update(revision=schema.current, head=schema.head, ok=schema.up_to_date)
    if not schema.up_to_date:
        database["error"] = "pending migrations: run `quizsvc db upgrade`"
        return jsonify(status="error", database=database), 503
    return jsonify(status="ok", database=database), 200
