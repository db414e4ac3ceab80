"""memory:// rate limits with several workers: each worker would allow the whole rate."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from flask import Flask

from quizsvc.config import ConfigError
from quizsvc.security.limits import check_shared_storage
from tests.support.database import make_app

PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "a-long-production-secret-key",
    "RATELIMIT_ENABLED": True,
}


def app_with(tmp_path: Path, **overrides: object) -> Flask:
    return make_app(f"sqlite:///{tmp_path / 'limits.sqlite3'}", **overrides)


def gunicorn_config() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_refuses_per_worker_counts(tmp_path: Path) -> None:
    app = app_with(tmp_path, **PRODUCTION)
    with pytest.raises(ConfigError, match="QUIZSVC_RATELIMIT_STORAGE_URI"):
        check_shared_storage(app, workers=2)
    check_shared_storage(app, workers=1)  # one process: its memory is the whole count
    shared = app_with(tmp_path, **PRODUCTION, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    check_shared_storage(shared, workers=4)


def test_development_says_so_loudly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = app_with(tmp_path, RATELIMIT_ENABLED=True)
    with caplog.at_level(logging.WARNING, logger="quizsvc.security"):
        check_shared_storage(app, workers=3)
    assert "each of 3 workers" in caplog.text and "redis://" in caplog.text


def test_gunicorn_stops_before_serving_with_per_worker_counts_in_production(
    tmp_path: Path,
) -> None:
    """The check runs in gunicorn's post_worker_init, where the real worker count is known;
    exiting with the boot-error code makes the arbiter halt instead of restarting workers."""
    app = app_with(tmp_path, **PRODUCTION)
    worker = SimpleNamespace(
        wsgi=app, cfg=SimpleNamespace(workers=2), log=logging.getLogger("gunicorn.test")
    )
    with pytest.raises(SystemExit) as stopped:
        gunicorn_config().post_worker_init(worker)
    assert stopped.value.code == 3
