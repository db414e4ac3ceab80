"""/healthz: is the process alive, and can it use its database?

The answer is public (load balancers call it without credentials), so it says whether the
database works and which migration it is at, never where it is or what the driver said: that
goes to the log.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from quizsvc import migrate
from quizsvc.db import DatabaseConfigError, describe_url, get_db

bp = Blueprint("health", __name__)
logger = logging.getLogger("quizsvc.health")


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        schema = migrate.status(current_app._get_current_object())  # type: ignore[attr-defined]
    except (DatabaseConfigError, SQLAlchemyError) as exc:
        detail = str(exc).strip().splitlines()[0]
        logger.warning(
            "health check: database unavailable (%s): %s", describe_url(get_db().url), detail
        )
        refused = {"ok": False, "error": "the database cannot be reached"}
        return jsonify(status="error", database=refused), 503
    database: dict[str, object] = {
        "ok": schema.up_to_date,
        "revision": schema.current,
        "head": schema.head,
    }
    if not schema.up_to_date:
        database["error"] = "pending migrations: run `quizsvc db upgrade`"
        return jsonify(status="error", database=database), 503
    return jsonify(status="ok", database=database), 200
