"""Configuration: defaults, then instance/config.py, then QUIZSVC_* variables, then test config.

The order follows Flask's tutorial so a deployment can keep secrets in the instance folder while
twelve-factor environments override anything with environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

DEV_SECRET_KEY = "dev-insecure-change-me"
REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": DEV_SECRET_KEY,
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "CONTENT_DIR": str(REPO_ROOT / "content"),
    "LOG_LEVEL": "INFO",
    "SQL_ECHO": False,
    "REQUIRE_MIGRATED": True,
    # Seconds one web request may wait on the database in total (statements, pings,
    # reconnects); past it the request answers 503. Also SQLite's wait for a locked file, and
    # a tenth of PostgreSQL's statement_timeout. See quizsvc.db_timeouts.
    "DATABASE_TIMEOUT": 3.0,
    "DATABASE_CONNECT_TIMEOUT": 2,  # seconds to open a connection (PostgreSQL's minimum: 2)
    "DATABASE_POOL_TIMEOUT": 1.0,  # seconds to wait for a free pooled connection
    # After a failed connect, requests that need the database fail at once for this long.
    "DATABASE_RETRY_INTERVAL": 2.0,
    # Larger request bodies are refused with 413 before they are read: no form or API body
    # comes near this, and reading a huge one would cost a worker its memory.
    "MAX_CONTENT_LENGTH": 256 * 1024,
}


class ConfigError(RuntimeError):
    """A configuration the service must refuse to run with; the message tells the fix."""


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QUIZSVC")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = default_sqlite_url(app.instance_path)
    app.config["CONTENT_DIR"] = os.fspath(Path(app.config["CONTENT_DIR"]).expanduser())
    check_production_safety(app.config)


def default_sqlite_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'quizsvc.sqlite3'}"


def check_production_safety(config: dict[str, Any]) -> None:
    if config["ENV"] != "production":
        return
    key = config.get("SECRET_KEY")
    if not key or key == DEV_SECRET_KEY or len(str(key)) < 16:
        raise ConfigError(
            "refusing to start in production with the development secret key: set "
            "QUIZSVC_SECRET_KEY to a long random value, for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`, "
            "or put SECRET_KEY in instance/config.py"
        )
